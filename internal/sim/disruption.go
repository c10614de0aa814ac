package sim

import (
	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Disruptions (when enabled): each DC suffers disruptions.per_dc_per_year
// on average. A disruption is drawn the day before it starts, so that the
// night's shipping plan knows it: while it is active, the DC ships only
// (100 - impact) % of what stores order (the rest is a DC stockout), and
// trucks on the road during it are DELAYED by up to a few hours.
func disruptionTypes() []string {
	return []string{"WEATHER", "LABOR", "SYSTEM_OUTAGE", "CAPACITY"}
}

// drawDisruption decides whether a disruption starts on day, and records it.
func (r *Runner) drawDisruption(day civil.Date) {
	m := r.m
	if !m.cfg.Disruptions.Enabled || m.cfg.Disruptions.PerDCPerYear <= 0 {
		return
	}
	dc := &m.dcs[r.net.DCIndex]
	dr := m.src.Key("disruption").With(dc.id).With(int64(day)).Rand()
	if !rng.Bernoulli(dr, m.cfg.Disruptions.PerDCPerYear/365) {
		return
	}
	d := Disruption{Type: disruptionTypes()[dr.IntN(4)]}
	var hours [2]int
	switch x := dr.Float64(); {
	case x < 0.5:
		d.Severity, d.Impact, hours = "LOW", int32(rng.IntBetween(dr, 15, 30)), [2]int{4, 12}
	case x < 0.85:
		d.Severity, d.Impact, hours = "MEDIUM", int32(rng.IntBetween(dr, 30, 60)), [2]int{12, 36}
	default:
		d.Severity, d.Impact, hours = "HIGH", int32(rng.IntBetween(dr, 60, 90)), [2]int{24, 72}
	}
	d.Start = day.Micros(dr.IntN(86400))
	d.End = d.Start + int64(rng.IntBetween(dr, hours[0]*60, hours[1]*60))*minute
	d.ID = composeID(day, dc.place, 1)
	d.Trace = m.tk.trace(traceDisruption, placeDay(dc.place, day), 1)
	r.st.Disruptions = append(r.st.Disruptions, d)
}

// emitDisruptions writes the disruptions starting on day and forgets those
// that are over.
func (r *Runner) emitDisruptions(day civil.Date) {
	dc := &r.m.dcs[r.net.DCIndex]
	end := (day + 1).Micros(0)
	keep := r.st.Disruptions[:0]
	for _, d := range r.st.Disruptions {
		if !d.Emitted && d.Start < end {
			d.Emitted = true
			r.e.disruptions.add(&rows.SupplyChainDisruption{
				TraceID: d.Trace, EventTS: d.Start, DisruptionID: d.ID, DCID: dc.id, DisruptionType: d.Type,
				Severity: d.Severity, ImpactPct: d.Impact, StartTS: d.Start, EndTS: d.End,
			})
		}
		if d.End >= day.Micros(0) || !d.Emitted {
			keep = append(keep, d)
		}
	}
	r.st.Disruptions = keep
}

// impactAt is the largest capacity cut, in percent, active at t.
func (r *Runner) impactAt(t int64) int32 {
	var imp int32
	for _, d := range r.st.Disruptions {
		if d.Start <= t && t < d.End {
			imp = max(imp, d.Impact)
		}
	}
	return imp
}

// delay applies a disruption active while the shipment is on the road: a
// DELAYED status when the disruption meets the truck, and everything after
// it later by impact % of four hours.
func (r *Runner) delay(sh *Shipment) {
	depart, arrive := sh.Times[stInTransit], sh.Times[stArrived]
	for _, d := range r.st.Disruptions {
		if d.Start < arrive && depart < d.End {
			at := max(depart, d.Start)
			by := int64(d.Impact) * 4 * hour / 100
			sh.Delayed = at
			sh.PlannedArrival = arrive
			for k := stArrived; k <= stCompleted; k++ {
				sh.Times[k] += by
			}
			return
		}
	}
}
