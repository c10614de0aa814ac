package sim

import (
	"cmp"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Shipment statuses, in lifecycle order (indexes into Shipment.Times).
func statusName(k int) string {
	return [...]string{"SCHEDULED", "LOADING", "IN_TRANSIT", "ARRIVED", "UNLOADING", "COMPLETED", "DELAYED"}[k]
}

const (
	stScheduled = iota
	stLoading
	stInTransit
	stArrived
	stUnloading
	stCompleted
	stDelayed // between IN_TRANSIT and ARRIVED, when a disruption hits
)

// statusRank orders statuses in the lifecycle, DELAYED after IN_TRANSIT.
func statusRank(k int) int {
	if k == stDelayed {
		return 2*stInTransit + 1
	}
	return 2 * k
}

// Planning times: stores reorder at closing; the DC plans its shipments
// and its own reorders at the end of the day.
const (
	minute            = int64(60_000_000)
	hour              = 60 * minute
	scheduleSec       = 86399
	dcReorderSec      = 86399
	dispatchDelay     = 20 * minute // after midnight
	supplierLoadStart = 4 * hour
	supplierHorizon   = 3 // in rotations of the supplier fleet
)

// delivery is a store-bound shipment unloading today.
type delivery struct {
	sec  int32
	ship int // index into NetworkState.Shipments
}

type shipEvent struct {
	at     int64
	ship   int
	status int
}

// dcPass emits the day's shipment status changes in time order, with
// their stock movements at the DC and their truck inventory lines, and
// lists the deliveries each store unloads today.
func (r *Runner) dcPass(day civil.Date) {
	m := r.m
	st := r.st
	dayStart := day.Micros(0)
	dayEnd := dayStart + civil.MicrosPerDay
	r.shipEvents = r.shipEvents[:0]
	for i := range st.Shipments {
		sh := &st.Shipments[i]
		for k := sh.Done; k < len(sh.Times); k++ {
			if sh.Times[k] >= dayEnd {
				break
			}
			r.shipEvents = append(r.shipEvents, shipEvent{at: sh.Times[k], ship: i, status: k})
		}
		if sh.Delayed != 0 && !sh.DelayDone && sh.Delayed < dayEnd {
			r.shipEvents = append(r.shipEvents, shipEvent{at: sh.Delayed, ship: i, status: stDelayed})
		}
	}
	// Online orders waiting at the DC are picked at every hour start, after
	// the shipments' moves of that instant.
	for h := range 24 {
		r.shipEvents = append(r.shipEvents, shipEvent{at: dayStart + int64(h)*hour, ship: -1})
	}
	id := func(e shipEvent) int64 {
		if e.ship < 0 {
			return 1<<63 - 1
		}
		return st.Shipments[e.ship].ID
	}
	slices.SortFunc(r.shipEvents, func(a, b shipEvent) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(id(a), id(b)), cmp.Compare(statusRank(a.status), statusRank(b.status)))
	})
	for i := range r.deliveries {
		r.deliveries[i] = r.deliveries[i][:0]
	}
	dc := &m.dcs[r.net.DCIndex]
	for _, ev := range r.shipEvents {
		if ev.ship < 0 {
			r.pickAtDC(ev.at)
			continue
		}
		sh := &st.Shipments[ev.ship]
		r.truckMove(sh, ev.status)
		if ev.status == stDelayed {
			sh.DelayDone = true
			continue
		}
		sh.Done = ev.status + 1
		switch ev.status {
		case stLoading:
			for _, l := range sh.Lines {
				locType, locID := "DC", dc.id
				if sh.FromSupplier {
					locType, locID = "SUPPLIER", 0
				} else {
					st.DC.OnHand[l.Product] -= l.Qty
					st.DC.Reserved[l.Product] -= l.Qty
					r.e.dcInv.add(&rows.DCInventoryTxn{
						TraceID: sh.Trace, EventTS: ev.at, DCID: dc.id, ProductID: m.products[l.Product].id,
						QtyDelta: -l.Qty, BalanceAfter: st.DC.OnHand[l.Product], Reason: "OUTBOUND_SHIPMENT",
						SourceType: "SHIPMENT", SourceID: sh.ID,
					})
				}
				r.truckLine(sh, ev.at, l, "LOAD", locType, locID)
			}
		case stUnloading:
			for _, l := range sh.Lines {
				if sh.FromSupplier {
					st.DC.OnHand[l.Product] += l.Qty
					st.DC.InTransit[l.Product] -= l.Qty
					r.e.dcInv.add(&rows.DCInventoryTxn{
						TraceID: sh.Trace, EventTS: ev.at, DCID: dc.id, ProductID: m.products[l.Product].id,
						QtyDelta: l.Qty, BalanceAfter: st.DC.OnHand[l.Product], Reason: "SUPPLIER_RECEIPT",
						SourceType: "SHIPMENT", SourceID: sh.ID,
					})
					r.truckLine(sh, ev.at, l, "UNLOAD", "DC", dc.id)
				} else {
					r.truckLine(sh, ev.at, l, "UNLOAD", "STORE", sh.StoreID)
				}
			}
			if !sh.FromSupplier {
				local := r.storeLocal[sh.StoreID]
				r.deliveries[local] = append(r.deliveries[local], delivery{sec: int32((ev.at - dayStart) / 1_000_000), ship: ev.ship})
			}
		}
	}
}

// dropCompleted forgets the shipments whose lifecycle is over.
func (r *Runner) dropCompleted() {
	r.st.Shipments = slices.DeleteFunc(r.st.Shipments, func(sh Shipment) bool { return sh.Done == len(sh.Times) })
}

func (r *Runner) truckMove(sh *Shipment, status int) {
	if !r.e.moves.on() {
		return
	}
	dc := &r.m.dcs[r.net.DCIndex]
	origin := "DC"
	if sh.FromSupplier {
		origin = "SUPPLIER"
	}
	at, eta := sh.Times[min(status, stCompleted)], sh.Times[stArrived]
	if status == stDelayed {
		at = sh.Delayed
	} else if sh.Delayed != 0 && statusRank(status) < statusRank(stDelayed) {
		eta = sh.PlannedArrival // the delay is not known yet
	}
	r.e.moves.add(&rows.TruckMove{
		TraceID: sh.Trace, EventTS: at, ShipmentID: sh.ID, TruckID: sh.TruckID,
		OriginType: origin, DCID: dc.id, StoreID: sh.StoreID, Status: statusName(status),
		ETD: sh.Times[stInTransit], ETA: eta, Units: sh.Units,
	})
}

func (r *Runner) truckLine(sh *Shipment, at int64, l ShipLine, action, locType string, locID int64) {
	if !r.e.truckInv.on() {
		return
	}
	r.e.truckInv.add(&rows.TruckInventory{
		TraceID: sh.Trace, EventTS: at, ShipmentID: sh.ID, TruckID: sh.TruckID,
		ProductID: r.m.products[l.Product].id, Quantity: l.Qty, Action: action,
		LocationType: locType, LocationID: locID,
	})
}

// processDelivery puts a shipment's units on the store's shelves and ends
// the out-of-stock episodes of its products.
func (r *Runner) processDelivery(s *storeInfo, ss *StoreState, day civil.Date, d delivery) {
	sh := &r.st.Shipments[d.ship]
	ts := day.Micros(int(d.sec))
	for _, l := range sh.Lines {
		ss.OnHand[l.Product] += l.Qty
		ss.InTransit[l.Product] -= l.Qty
		r.e.storeInv.add(&rows.StoreInventoryTxn{
			TraceID: sh.Trace, EventTS: ts, StoreID: s.id, ProductID: r.m.products[l.Product].id,
			QtyDelta: l.Qty, BalanceAfter: ss.OnHand[l.Product], Reason: "INBOUND_SHIPMENT",
			SourceType: "SHIPMENT", SourceID: sh.ID,
		})
		if k := r.epIndex[l.Product]; k > 0 {
			r.episodes[k-1].restock = d.sec
			r.epIndex[l.Product] = 0
		}
	}
}

// order is a quantity to ship of one product.
type order struct {
	product int32
	qty     int32
}

// replenish runs after close: stores reorder from the DC, the DC ships
// what it has on its trucks, and reorders from suppliers.
func (r *Runner) replenish(day civil.Date, storesOpen bool) {
	m := r.m
	st := r.st
	dc := &m.dcs[r.net.DCIndex]
	seq := int64(0) // shipments scheduled today
	// A disruption at the DC when tonight's loads start cuts what it ships.
	impact := r.impactAt((day + 1).Micros(0) + dispatchDelay)
	if storesOpen {
		for li, si := range r.net.Stores {
			s := &m.stores[si]
			ss := &st.Stores[li]
			r.orders = r.orders[:0]
			rseq := int64(0)
			for _, pos := range s.initial {
				p := int32(pos.ProductID - 1)
				onHand, inTransit := ss.OnHand[p], ss.InTransit[p]
				if onHand+inTransit > pos.ReorderPoint {
					continue
				}
				qty := pos.OrderUpTo - onHand - inTransit
				if qty <= 0 {
					continue
				}
				rseq++
				r.reorderRow(day, min(s.closeSec, 86399), "STORE", s.id, s.id, dc.id, p, onHand, inTransit, pos.ReorderPoint, qty, rseq)
				avail := st.DC.OnHand[p] - st.DC.Reserved[p]
				ship := min(qty*(100-impact)/100, max(0, avail))
				if ship < qty {
					r.dcShort(p, qty-ship)
				}
				if ship > 0 {
					st.DC.Reserved[p] += ship
					ss.InTransit[p] += ship
					r.orders = append(r.orders, order{product: p, qty: ship})
				}
			}
			r.shipToStore(day, s, &seq)
		}
	}
	r.reorderFromSuppliers(day, &seq)
	r.emitDCStockouts(day)
}

// dcShort records units a DC could not ship today.
func (r *Runner) dcShort(p int32, units int32) {
	for i := range r.dcEpisodes {
		if r.dcEpisodes[i].product == p {
			r.dcEpisodes[i].lost += units
			return
		}
	}
	r.dcEpisodes = append(r.dcEpisodes, episode{product: p, start: dcReorderSec, lost: units, restock: -1})
}

func (r *Runner) emitDCStockouts(day civil.Date) {
	dc := &r.m.dcs[r.net.DCIndex]
	pd := placeDay(dc.place, day)
	for _, ep := range r.dcEpisodes {
		r.e.stockouts.add(&rows.Stockout{
			TraceID: r.m.tk.trace(traceStockout, pd, uint64(ep.product)<<16), EventTS: day.Micros(int(ep.start)),
			DCID: dc.id, ProductID: r.m.products[ep.product].id, LostUnits: ep.lost,
		})
	}
	r.dcEpisodes = r.dcEpisodes[:0]
}

func (r *Runner) reorderRow(day civil.Date, sec int, locType string, place, storeID, dcID int64, p, onHand, inTransit, rp, qty int32, seq int64) {
	if !r.e.reorders.on() {
		return
	}
	priority := "NORMAL"
	switch {
	case onHand <= 0:
		priority = "URGENT"
	case onHand*2 <= rp:
		priority = "HIGH"
	}
	if locType == "DC" {
		storeID = 0
	}
	r.e.reorders.add(&rows.Reorder{
		TraceID: r.m.tk.trace(traceReorder, placeDay(place, day), uint64(seq)), EventTS: day.Micros(sec),
		ReorderID: composeID(day, place, seq), LocationType: locType, StoreID: storeID, DCID: dcID,
		ProductID: r.m.products[p].id, OnHand: onHand, InTransit: inTransit, ReorderPoint: rp,
		OrderQty: qty, Priority: priority,
	})
}

// loads splits r.orders into truckloads of one kind (cold or not), at most
// capacity units each; a product may be split between loads.
func (r *Runner) loads(cold bool, capacity int32, each func([]ShipLine, int32)) {
	var lines []ShipLine
	var units int32
	for _, o := range r.orders {
		if r.m.products[o.product].cold != cold {
			continue
		}
		left := o.qty
		for left > 0 {
			q := min(left, capacity-units)
			lines = append(lines, ShipLine{Product: o.product, Qty: q})
			units += q
			left -= q
			if units == capacity {
				each(lines, units)
				lines, units = nil, 0
			}
		}
	}
	if units > 0 {
		each(lines, units)
	}
}

// shipToStore loads the store's order on the DC's trucks: each load on
// the truck of the right kind that is free first; a load waits for a truck
// rather than inventing one.
func (r *Runner) shipToStore(day civil.Date, s *storeInfo, seq *int64) {
	m := r.m
	st := r.st
	dc := &m.dcs[r.net.DCIndex]
	for _, cold := range []bool{true, false} {
		capacity := r.kindCapacity(cold)
		r.loads(cold, capacity, func(lines []ShipLine, units int32) {
			ti := -1
			for k, t := range dc.trucks {
				if m.data.Trucks[t].Refrigerated != cold {
					continue
				}
				if ti < 0 || st.DC.TruckFree[k] < st.DC.TruckFree[ti] {
					ti = k
				}
			}
			truck := &m.data.Trucks[dc.trucks[ti]]
			*seq++
			id := composeID(day, dc.place, *seq)
			jr := m.src.Key("shipment").With(id).Rand()
			load := max(st.DC.TruckFree[ti], (day+1).Micros(0)+dispatchDelay)
			sh := Shipment{
				ID: id, Trace: m.tk.trace(traceShipment, placeDay(dc.place, day), uint64(*seq)), TruckID: truck.TruckID,
				StoreID: s.id, Units: units, Lines: lines,
			}
			transit := int64(s.dcMiles/40*float64(hour)) + 15*minute
			transit = transit * int64(90+jr.IntN(21)) / 100
			sh.Times[stScheduled] = day.Micros(scheduleSec)
			sh.Times[stLoading] = load
			sh.Times[stInTransit] = load + 45*minute + int64(units)*hour/int64(truck.CapacityUnits)
			sh.Times[stArrived] = sh.Times[stInTransit] + transit
			sh.Times[stUnloading] = sh.Times[stArrived] + int64(5+jr.IntN(11))*minute
			sh.Times[stCompleted] = sh.Times[stUnloading] + 15*minute + int64(units)*500_000
			r.schedule(sh)
			// Back at the DC after the return trip.
			st.DC.TruckFree[ti] = r.st.Shipments[len(r.st.Shipments)-1].Times[stCompleted] + transit
		})
	}
}

// kindCapacity is the capacity of the DC's trucks of a kind (the smallest,
// so a load fits any of them).
func (r *Runner) kindCapacity(cold bool) int32 {
	c := int32(0)
	for _, t := range r.m.dcs[r.net.DCIndex].trucks {
		tr := &r.m.data.Trucks[t]
		if tr.Refrigerated == cold && (c == 0 || tr.CapacityUnits < c) {
			c = tr.CapacityUnits
		}
	}
	return max(c, 1)
}

// schedule records a new shipment and emits its SCHEDULED row. Times are
// kept to the second, like every event time.
func (r *Runner) schedule(sh Shipment) {
	r.delay(&sh)
	for k := range sh.Times {
		sh.Times[k] -= sh.Times[k] % 1_000_000
	}
	sh.Delayed -= sh.Delayed % 1_000_000
	sh.PlannedArrival -= sh.PlannedArrival % 1_000_000
	sh.Done = 1
	r.st.Shipments = append(r.st.Shipments, sh)
	r.truckMove(&r.st.Shipments[len(r.st.Shipments)-1], stScheduled)
}

// reorderFromSuppliers raises the DC's reorders and books supplier trucks:
// supplier truck k serves DC (k + day) mod DCs on a given day, one trip a
// day, so networks never compete for a truck.
func (r *Runner) reorderFromSuppliers(day civil.Date, seq *int64) {
	m := r.m
	st := r.st
	dc := &m.dcs[r.net.DCIndex]
	r.orders = r.orders[:0]
	rseq := int64(0)
	for _, pos := range dc.initial {
		p := int32(pos.ProductID - 1)
		onHand := st.DC.OnHand[p] - st.DC.Reserved[p]
		inTransit := st.DC.InTransit[p]
		if onHand+inTransit > pos.ReorderPoint {
			continue
		}
		qty := pos.OrderUpTo - onHand - inTransit
		if qty <= 0 {
			continue
		}
		rseq++
		r.reorderRow(day, dcReorderSec, "DC", dc.place, 0, dc.id, p, onHand, inTransit, pos.ReorderPoint, qty, rseq)
		r.orders = append(r.orders, order{product: p, qty: qty})
	}
	// Forget bookings of the past.
	st.SupplierSlots = slices.DeleteFunc(st.SupplierSlots, func(s Slot) bool { return s.Day <= day })
	nDC := len(m.dcs)
	for kind, cold := range []bool{false, true} {
		fleet := m.supplierTrucks[kind]
		if len(fleet) == 0 {
			continue
		}
		capacity := int32(0)
		for _, t := range fleet {
			if c := m.data.Trucks[t].CapacityUnits; capacity == 0 || c < capacity {
				capacity = c
			}
		}
		r.loads(cold, capacity, func(lines []ShipLine, units int32) {
			truck, on := r.supplierSlot(day, fleet, nDC)
			if truck < 0 {
				return // no slot soon: the next reorder tries again
			}
			tr := &m.data.Trucks[truck]
			st.SupplierSlots = append(st.SupplierSlots, Slot{TruckID: tr.TruckID, Day: on})
			for _, l := range lines {
				st.DC.InTransit[l.Product] += l.Qty
			}
			*seq++
			id := composeID(day, dc.place, *seq)
			jr := m.src.Key("shipment").With(id).Rand()
			sh := Shipment{
				ID: id, Trace: m.tk.trace(traceShipment, placeDay(dc.place, day), uint64(*seq)), TruckID: tr.TruckID,
				FromSupplier: true, Units: units, Lines: lines,
			}
			transit := int64(dc.supplierMiles / 45 * float64(hour))
			load := on.Micros(0) + supplierLoadStart + int64(jr.IntN(60))*minute
			sh.Times[stScheduled] = day.Micros(dcReorderSec)
			sh.Times[stLoading] = load
			sh.Times[stInTransit] = load + hour + int64(units)*hour/int64(tr.CapacityUnits)
			sh.Times[stArrived] = sh.Times[stInTransit] + transit
			sh.Times[stUnloading] = sh.Times[stArrived] + int64(10+jr.IntN(20))*minute
			sh.Times[stCompleted] = sh.Times[stUnloading] + 20*minute + int64(units)*500_000
			r.schedule(sh)
		})
	}
}

// supplierSlot finds the first day after today on which a supplier truck
// of fleet serves this DC and is not booked yet.
func (r *Runner) supplierSlot(day civil.Date, fleet []int, nDC int) (truck int, on civil.Date) {
	dcIdx := r.net.DCIndex
	for x := day + 1; x <= day+civil.Date(supplierHorizon*nDC); x++ {
		for k, t := range fleet {
			if (k+int(x))%nDC != dcIdx {
				continue
			}
			id := r.m.data.Trucks[t].TruckID
			if !slices.Contains(r.st.SupplierSlots, Slot{TruckID: id, Day: x}) {
				return t, x
			}
		}
	}
	return -1, 0
}
