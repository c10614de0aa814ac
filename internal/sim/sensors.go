package sim

import (
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Visit timeline: a visitor spends entranceSec at the entrance, then walks
// the department zones, and buyers spend checkoutSec at the checkout,
// ending with the payment.
const (
	entranceSec = 15
	checkoutSec = 90
)

// segment is a stretch of a visit spent in one zone.
type segment struct {
	zone       int8
	start, len int32
}

// timeline splits a visit into its zone segments (at most len(v.zones)).
func timeline(v *visitor) (segs [6]segment, n int) {
	t := v.arrive
	end := v.leave
	if v.buyer {
		end = v.pay
	}
	segs[0] = segment{zone: zoneEntrance, start: t, len: min(entranceSec, max(1, end-t))}
	n = 1
	t += segs[0].len
	depts := int(v.nz) - 1
	if v.buyer {
		depts--
	}
	walkEnd := end
	if v.buyer {
		walkEnd = max(t, end-checkoutSec)
	}
	if depts > 0 {
		each := max(1, (walkEnd-t)/int32(depts))
		for k := 1; k <= depts; k++ {
			segs[n] = segment{zone: v.zones[k], start: t, len: each}
			n++
			t += each
		}
	}
	if v.buyer {
		start := min(max(t, walkEnd), v.pay)
		segs[n] = segment{zone: zoneCheckout, start: start, len: max(1, v.leave-start)}
		n++
	}
	return segs, n
}

// footTraffic writes one row per zone of the store for the hour: the
// ENTRANCE row counts every visitor of the hour.
func (r *Runner) footTraffic(s *storeInfo, day civil.Date, h int) {
	if !r.e.foot.on() {
		return
	}
	nz := len(s.zoneNames)
	var countsArr, dwellArr [16]int64
	counts, dwell := countsArr[:nz], dwellArr[:nz]
	if nz > len(countsArr) {
		counts, dwell = make([]int64, nz), make([]int64, nz)
	}
	for i := range r.visitors {
		segs, n := timeline(&r.visitors[i])
		for _, sg := range segs[:n] {
			counts[sg.zone]++
			dwell[sg.zone] += int64(sg.len)
		}
	}
	lo, _ := hourWindow(s, h)
	ts := day.Micros(int(lo))
	for z := range nz {
		mean := int32(0)
		if counts[z] > 0 {
			mean = int32((dwell[z] + counts[z]/2) / counts[z])
		}
		r.e.foot.add(&rows.FootTraffic{
			TraceID:      r.m.tk.trace(traceFoot, placeDay(s.id, day), uint64(h)<<8|uint64(z)),
			EventTS:      ts,
			StoreID:      s.id,
			SensorID:     s.sensorIDs[z],
			Zone:         s.zoneNames[z],
			Count:        int32(counts[z]),
			DwellSeconds: mean,
		})
	}
}

// sensorPings writes the BLE pings of the hour's device carriers and the
// zone changes they imply, in time order.
func (r *Runner) sensorPings(s *storeInfo, day civil.Date, h int) {
	if !r.e.pings.on() && !r.e.zones.on() {
		return
	}
	r.pings = r.pings[:0]
	pd := placeDay(s.id, day)
	r.visTrace = slices.Grow(r.visTrace[:0], len(r.visitors))[:len(r.visitors)]
	r.visCust = slices.Grow(r.visCust[:0], len(r.visitors))[:len(r.visitors)]
	for i := range r.visitors {
		v := &r.visitors[i]
		if !v.device {
			continue
		}
		r.visTrace[i] = r.m.tk.trace(traceVisit, pd, uint64(h)<<32|uint64(i))
		r.visCust[i] = 0
		if v.cust >= 0 {
			r.visCust[i] = r.m.data.Customers[v.cust].CustomerID
		}
		segs, n := timeline(v)
		for k, sg := range segs[:n] {
			count := min(3, 1+sg.len/pingEveryZoneSec)
			for j := range count {
				r.pings = append(r.pings, newPing(sg.start+sg.len*j/count, int32(i), int8(k*4+int(j)), sg.zone))
			}
		}
	}
	// Time order: by second, then visitor, then sequence.
	slices.Sort(r.pings)
	for _, pk := range r.pings {
		p := struct {
			sec, vis  int32
			seq, zone int8
		}{pk.sec(), pk.vis(), pk.seq(), pk.zone()}
		v := &r.visitors[p.vis]
		trace, cust := r.visTrace[p.vis], r.visCust[p.vis]
		ts := day.Micros(int(p.sec))
		// RSSI from a hash of the ping, so it does not depend on order.
		rssi := -95 + int32(splitmix(trace64(trace)^uint64(p.seq))%66)
		r.e.pings.add(&rows.BLEPing{
			TraceID:    trace,
			EventTS:    ts,
			StoreID:    s.id,
			BeaconID:   s.beaconIDs[p.zone],
			DeviceID:   v.deviceID,
			CustomerID: cust,
			RSSI:       rssi,
			Zone:       s.zoneNames[p.zone],
		})
		// The first ping of every segment after the entrance is a zone
		// change from the previous segment's zone.
		if k := int(p.seq) / 4; k > 0 && p.seq%4 == 0 && r.e.zones.on() {
			segs, _ := timeline(v)
			r.e.zones.add(&rows.CustomerZoneChange{
				TraceID:    trace,
				EventTS:    ts,
				StoreID:    s.id,
				DeviceID:   v.deviceID,
				CustomerID: cust,
				FromZone:   s.zoneNames[segs[k-1].zone],
				ToZone:     s.zoneNames[p.zone],
			})
		}
	}
}

func trace64(t [16]byte) uint64 {
	var x uint64
	for _, b := range t[8:] {
		x = x<<8 | uint64(b)
	}
	return x
}
