package validate

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// lifecycle lists the shipment statuses in order; DELAYED may come between
// any two.
func lifecycle() []string {
	return []string{"SCHEDULED", "LOADING", "IN_TRANSIT", "ARRIVED", "UNLOADING", "COMPLETED"}
}

const (
	stScheduled = iota
	stLoading
	stInTransit
	stArrived
	stUnloading
	stCompleted
	stDelayed = -1
	stUnknown = -2
)

func statusIndex(s string) int {
	if s == "DELAYED" {
		return stDelayed
	}
	if i := slices.Index(lifecycle(), s); i >= 0 {
		return i
	}
	return stUnknown
}

// shipState follows one shipment from its first truck move to COMPLETED.
type shipState struct {
	next    int // index of the next lifecycle status
	lastTS  int64
	truck   int64
	units   int32
	origin  string
	dc      int64
	store   int64
	partial bool // began before the folder's first day
	lines   map[int64]*shipUnits
}

// shipUnits are the units of one product of a shipment as each table saw
// them.
type shipUnits struct {
	loaded, unloaded int64
	dcOut            int64 // −qty_delta of OUTBOUND_SHIPMENT
	received         int64 // qty_delta of INBOUND_SHIPMENT or SUPPLIER_RECEIPT
}

func (s *shipState) product(id int64) *shipUnits {
	if s.lines == nil {
		s.lines = map[int64]*shipUnits{}
	}
	u := s.lines[id]
	if u == nil {
		u = &shipUnits{}
		s.lines[id] = u
	}
	return u
}

// truckEvent is a LOADING or COMPLETED move, to check that a truck carries
// one shipment at a time.
type truckEvent struct {
	truck, shipment, ts int64
	completed           bool
}

func shipmentKey(id int64) string { return fmt.Sprintf("shipment_id %d", id) }

func (v *validator) truckMove(d *dayState, f *fileRef, r *rows.TruckMove, row int64) {
	id := r.ShipmentID
	key := shipmentKey(id)
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evShipment, a: id})
	idx := statusIndex(r.Status)
	v.count(CheckFactValues, 1)
	switch {
	case idx == stUnknown:
		v.rowFail(CheckFactValues, *f, row, key, "status %q is not a shipment status", r.Status)
	case r.OriginType != "DC" && r.OriginType != "SUPPLIER":
		v.rowFail(CheckFactValues, *f, row, key, "origin_type %q is not DC or SUPPLIER", r.OriginType)
	case (r.OriginType == "SUPPLIER") != (r.StoreID == 0):
		v.rowFail(CheckFactValues, *f, row, key, "origin %s with store_id %d: DC shipments go to a store, supplier shipments to the DC", r.OriginType, r.StoreID)
	case r.Units <= 0:
		v.rowFail(CheckFactValues, *f, row, key, "units %d is not positive", r.Units)
	}
	if v.has("distribution_centers") {
		v.count(CheckFactFK, 1)
		if _, ok := v.m.dcState.get(r.DCID); !ok {
			v.rowFail(CheckFactFK, *f, row, key, "dc_id %d does not exist in distribution_centers", r.DCID)
		}
	}
	if r.StoreID != 0 {
		v.storeOf(f, row, r.StoreID)
	}
	if v.has("trucks") {
		v.count(CheckFactFK, 1)
		t, ok := v.m.trucks.get(r.TruckID)
		switch {
		case !ok:
			v.rowFail(CheckFactFK, *f, row, key, "truck_id %d does not exist in trucks", r.TruckID)
		case r.OriginType == "DC" && t.dc != r.DCID:
			v.rowFail(CheckFactShipments, *f, row, key, "truck %d of DC %d carries a shipment of DC %d", r.TruckID, t.dc, r.DCID)
		case r.OriginType == "SUPPLIER" && t.dc != 0:
			v.rowFail(CheckFactShipments, *f, row, key, "supplier shipment on truck %d of DC %d", r.TruckID, t.dc)
		}
	}
	if r.ETA < r.ETD {
		v.rowFail(CheckFactShipments, *f, row, key, "eta %s is before etd %s", tsString(r.ETA), tsString(r.ETD))
	}

	v.count(CheckFactShipments, 1)
	st := v.f.ships[id]
	if st == nil {
		st = &shipState{next: max(idx, 0), truck: r.TruckID, units: r.Units, origin: r.OriginType, dc: r.DCID, store: r.StoreID, partial: idx != stScheduled}
		v.f.ships[id] = st
		if idx != stScheduled {
			if day, ok := idDay(id); !ok || day >= v.days[0] {
				v.rowFail(CheckFactShipments, *f, row, key, "the first move of the shipment is %s, not SCHEDULED", r.Status)
			}
		} else {
			v.count(CheckFactKeys, 1)
			if id/100_000_000_000 != yyyymmdd(d.day) {
				v.rowFail(CheckFactKeys, *f, row, key, "shipment_id does not start with its scheduling date %d", yyyymmdd(d.day))
			}
			if place := id / 1_000_000 % 100_000; place != 90_000+r.DCID {
				v.rowFail(CheckFactKeys, *f, row, key, "shipment_id carries place %d, want 90000 + dc_id %d", place, r.DCID)
			}
		}
	} else if st.truck != r.TruckID || st.units != r.Units || st.origin != r.OriginType || st.dc != r.DCID || st.store != r.StoreID {
		v.rowFail(CheckFactShipments, *f, row, key, "truck, units, origin, DC or store change during the shipment")
	}
	switch {
	case idx == stDelayed:
		if st.next == stScheduled || st.next > stCompleted {
			v.rowFail(CheckFactShipments, *f, row, key, "DELAYED outside the lifecycle")
		}
	case idx >= 0:
		if idx != st.next {
			want := "nothing after COMPLETED"
			if st.next <= stCompleted {
				want = lifecycle()[st.next]
			}
			v.rowFail(CheckFactShipments, *f, row, key, "status %s where %s comes next", r.Status, want)
		}
		st.next = idx + 1
	}
	if r.EventTS < st.lastTS {
		v.rowFail(CheckFactShipments, *f, row, key, "%s at %s is before the previous move at %s", r.Status, tsString(r.EventTS), tsString(st.lastTS))
	}
	st.lastTS = r.EventTS
	switch idx {
	case stLoading:
		d.truckEvents = append(d.truckEvents, truckEvent{truck: r.TruckID, shipment: id, ts: r.EventTS})
	case stCompleted:
		d.truckEvents = append(d.truckEvents, truckEvent{truck: r.TruckID, shipment: id, ts: r.EventTS, completed: true})
		d.completed = append(d.completed, id)
	}
}

// shipmentOf returns the shipment a row refers to; it must have a move in
// truck_moves by then.
func (v *validator) shipmentOf(f *fileRef, row, id int64) *shipState {
	if !v.has("truck_moves") {
		return nil
	}
	v.count(CheckFactFK, 1)
	st := v.f.ships[id]
	if st == nil {
		v.rowFail(CheckFactFK, *f, row, shipmentKey(id), "shipment %d has no move in truck_moves", id)
	}
	return st
}

func (v *validator) truckInventory(d *dayState, f *fileRef, r *rows.TruckInventory, row int64) {
	key := func() string { return fmt.Sprintf("shipment_id %d product_id %d", r.ShipmentID, r.ProductID) }
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evShipment, a: r.ShipmentID})
	v.count(CheckFactValues, 1)
	switch {
	case r.Action != "LOAD" && r.Action != "UNLOAD":
		v.rowFail(CheckFactValues, *f, row, key(), "action %q is not LOAD or UNLOAD", r.Action)
	case r.LocationType != "SUPPLIER" && r.LocationType != "DC" && r.LocationType != "STORE":
		v.rowFail(CheckFactValues, *f, row, key(), "location_type %q is not SUPPLIER, DC or STORE", r.LocationType)
	case (r.LocationType == "SUPPLIER") != (r.LocationID == 0):
		v.rowFail(CheckFactValues, *f, row, key(), "location_type %s with location_id %d", r.LocationType, r.LocationID)
	case r.Quantity <= 0:
		v.rowFail(CheckFactValues, *f, row, key(), "quantity %d is not positive", r.Quantity)
	}
	p, okP := v.productOf(f, row, r.ProductID)
	if okP && p.cold && v.has("trucks") {
		v.count(CheckFactShipments, 1)
		if t, ok := v.m.trucks.get(r.TruckID); ok && !t.cold {
			v.rowFail(CheckFactShipments, *f, row, key(), "product %d needs refrigeration, truck %d is not refrigerated", r.ProductID, r.TruckID)
		}
	}
	st := v.shipmentOf(f, row, r.ShipmentID)
	if st == nil {
		return
	}
	wantType, wantID := "DC", st.dc
	if r.Action == "LOAD" && st.origin == "SUPPLIER" {
		wantType, wantID = "SUPPLIER", 0
	}
	if r.Action == "UNLOAD" && st.origin == "DC" {
		wantType, wantID = "STORE", st.store
	}
	v.count(CheckFactShipments, 1)
	if r.TruckID != st.truck || r.LocationType != wantType || r.LocationID != wantID {
		v.rowFail(CheckFactShipments, *f, row, key(), "%s on truck %d at %s %d; the shipment is on truck %d and this happens at %s %d",
			r.Action, r.TruckID, r.LocationType, r.LocationID, st.truck, wantType, wantID)
	}
	u := st.product(r.ProductID)
	if r.Action == "LOAD" {
		u.loaded += int64(r.Quantity)
	} else {
		u.unloaded += int64(r.Quantity)
	}
}

// dcMovementSign is the sign of qty_delta each DC reason requires.
func dcMovementSign(reason string) (sign int, known bool) {
	switch reason {
	case "OUTBOUND_SHIPMENT", "ONLINE_PICK", "DAMAGED":
		return -1, true
	case "SUPPLIER_RECEIPT":
		return 1, true
	case "ADJUSTMENT":
		return 0, true
	}
	return 0, false
}

func (v *validator) dcTxn(d *dayState, f *fileRef, r *rows.DCInventoryTxn, row int64) {
	key := func() string { return fmt.Sprintf("dc_id %d product_id %d", r.DCID, r.ProductID) }
	ev := eventKey{kind: evDCCount, a: r.DCID}
	switch r.SourceType {
	case "SHIPMENT":
		ev = eventKey{kind: evShipment, a: r.SourceID}
	case "ORDER":
		ev = eventKey{kind: evOrder, a: r.SourceID}
	}
	v.common(d, f, row, r.TraceID, r.EventTS, ev)
	v.count(CheckFactValues, 1)
	sign, known := dcMovementSign(r.Reason)
	switch {
	case !known:
		v.rowFail(CheckFactValues, *f, row, key(), "reason %q is not a known DC movement", r.Reason)
	case r.QtyDelta == 0 || (sign < 0 && r.QtyDelta > 0) || (sign > 0 && r.QtyDelta < 0):
		v.rowFail(CheckFactValues, *f, row, key(), "qty_delta %d has the wrong sign for %s", r.QtyDelta, r.Reason)
	}
	switch r.SourceType {
	case "SHIPMENT", "ORDER":
		if r.SourceID == 0 {
			v.rowFail(CheckFactValues, *f, row, key(), "source_type %s without source_id", r.SourceType)
		}
	case "CYCLE_COUNT":
	default:
		v.rowFail(CheckFactValues, *f, row, key(), "source_type %q is not SHIPMENT, ORDER or CYCLE_COUNT", r.SourceType)
	}
	shipped := r.Reason == "OUTBOUND_SHIPMENT" || r.Reason == "SUPPLIER_RECEIPT"
	if shipped && r.SourceType != "SHIPMENT" {
		v.rowFail(CheckFactValues, *f, row, key(), "a %s movement with source_type %s, want SHIPMENT", r.Reason, r.SourceType)
	}
	if v.has("distribution_centers") {
		v.count(CheckFactFK, 1)
		if _, ok := v.m.dcState.get(r.DCID); !ok {
			v.rowFail(CheckFactFK, *f, row, key(), "dc_id %d does not exist in distribution_centers", r.DCID)
		}
	}
	_, okP := v.productOf(f, row, r.ProductID)
	if r.Reason == "ONLINE_PICK" && r.SourceType == "ORDER" {
		v.orderPick(f, row, r.SourceID, 0, r.DCID, r.ProductID, r.QtyDelta)
	}
	if shipped && r.SourceType == "SHIPMENT" {
		if st := v.shipmentOf(f, row, r.SourceID); st != nil {
			u := st.product(r.ProductID)
			if r.Reason == "OUTBOUND_SHIPMENT" {
				u.dcOut -= int64(r.QtyDelta)
			} else {
				u.received += int64(r.QtyDelta)
			}
			v.count(CheckFactShipments, 1)
			if st.dc != r.DCID || (r.Reason == "OUTBOUND_SHIPMENT") != (st.origin == "DC") {
				v.rowFail(CheckFactShipments, *f, row, key(), "%s at DC %d of a %s shipment of DC %d", r.Reason, r.DCID, st.origin, st.dc)
			}
		}
	}
	if okP || !v.has("products") {
		v.follow(v.m.dcInv, "dc_inventory_initial", f, row, key, r.DCID, r.ProductID, r.QtyDelta, r.BalanceAfter)
	}
}

// storeInbound counts a store's INBOUND_SHIPMENT units for its shipment.
func (v *validator) storeInbound(f *fileRef, row int64, r *rows.StoreInventoryTxn) {
	st := v.shipmentOf(f, row, r.SourceID)
	if st == nil {
		return
	}
	st.product(r.ProductID).received += int64(r.QtyDelta)
	v.count(CheckFactShipments, 1)
	if st.origin != "DC" || st.store != r.StoreID {
		v.rowFail(CheckFactShipments, *f, row, shipmentKey(r.SourceID), "INBOUND_SHIPMENT at store %d of a %s shipment to store %d", r.StoreID, st.origin, st.store)
	}
}

func (v *validator) reorder(d *dayState, f *fileRef, r *rows.Reorder, row int64) {
	key := func() string { return fmt.Sprintf("reorder_id %d", r.ReorderID) }
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evRow})
	v.count(CheckFactKeys, 1)
	if _, dup := d.reorders[r.ReorderID]; dup {
		v.rowFail(CheckFactKeys, *f, row, key(), "duplicate reorder_id")
	}
	d.reorders[r.ReorderID] = struct{}{}
	place := r.StoreID
	if r.LocationType == "DC" {
		place = 90_000 + r.DCID
	}
	if r.ReorderID/100_000_000_000 != yyyymmdd(d.day) || r.ReorderID/1_000_000%100_000 != place {
		v.rowFail(CheckFactKeys, *f, row, key(), "reorder_id does not start with the partition date %d and place %d", yyyymmdd(d.day), place)
	}
	v.count(CheckFactValues, 1)
	switch {
	case r.LocationType != "STORE" && r.LocationType != "DC":
		v.rowFail(CheckFactValues, *f, row, key(), "location_type %q is not STORE or DC", r.LocationType)
	case (r.LocationType == "STORE") != (r.StoreID != 0):
		v.rowFail(CheckFactValues, *f, row, key(), "location_type %s with store_id %d", r.LocationType, r.StoreID)
	}
	if r.StoreID != 0 {
		if s := v.storeOf(f, row, r.StoreID); s != nil && s.dc != r.DCID {
			v.rowFail(CheckFactReorders, *f, row, key(), "store %d orders from DC %d, its DC is %d", r.StoreID, r.DCID, s.dc)
		}
	}
	if v.has("distribution_centers") {
		v.count(CheckFactFK, 1)
		if _, ok := v.m.dcState.get(r.DCID); !ok {
			v.rowFail(CheckFactFK, *f, row, key(), "dc_id %d does not exist in distribution_centers", r.DCID)
		}
	}
	v.productOf(f, row, r.ProductID)
	v.count(CheckFactReorders, 1)
	want := "NORMAL"
	switch {
	case r.OnHand <= 0:
		want = "URGENT"
	case 2*int64(r.OnHand) <= int64(r.ReorderPoint):
		want = "HIGH"
	}
	switch {
	case int64(r.OnHand)+int64(r.InTransit) > int64(r.ReorderPoint):
		v.rowFail(CheckFactReorders, *f, row, key(), "on_hand %d + in_transit %d is above the reorder_point %d", r.OnHand, r.InTransit, r.ReorderPoint)
	case r.OrderQty <= 0:
		v.rowFail(CheckFactReorders, *f, row, key(), "order_qty %d is not positive", r.OrderQty)
	case r.Priority != want:
		v.rowFail(CheckFactReorders, *f, row, key(), "priority %s with on_hand %d and reorder_point %d, want %s", r.Priority, r.OnHand, r.ReorderPoint, want)
	}
}

// finishShipments checks that no truck carries two shipments at once and
// that the shipments completed today conserve their units.
func (v *validator) finishShipments(d *dayState) {
	slices.SortFunc(d.truckEvents, func(a, b truckEvent) int {
		if c := cmp.Compare(a.truck, b.truck); c != 0 {
			return c
		}
		if c := cmp.Compare(a.ts, b.ts); c != 0 {
			return c
		}
		if a.completed != b.completed {
			if a.completed {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.shipment, b.shipment)
	})
	for _, e := range d.truckEvents {
		busy, carrying := v.f.busy[e.truck]
		if e.completed {
			if carrying && busy == e.shipment {
				delete(v.f.busy, e.truck)
			}
			continue
		}
		v.count(CheckFactShipments, 1)
		if carrying && busy != e.shipment {
			v.fail(CheckFactShipments, Violation{Table: "truck_moves", Key: shipmentKey(e.shipment),
				Detail: fmt.Sprintf("truck %d loads at %s while still carrying shipment %d", e.truck, tsString(e.ts), busy)})
		}
		v.f.busy[e.truck] = e.shipment
	}
	haveLoads, haveDC, haveStore := v.has("truck_inventory"), v.has("dc_inventory_txn"), v.has("store_inventory_txn")
	slices.Sort(d.completed)
	for _, id := range d.completed {
		st := v.f.ships[id]
		delete(v.f.ships, id)
		if st == nil || st.partial {
			continue
		}
		fail := func(format string, args ...any) {
			v.fail(CheckFactShipUnits, Violation{Table: "truck_inventory", Key: shipmentKey(id), Detail: fmt.Sprintf(format, args...)})
		}
		var loaded int64
		for _, p := range sortedKeys(st.lines) {
			u := st.lines[p]
			loaded += u.loaded
			v.count(CheckFactShipUnits, 1)
			switch {
			case haveLoads && u.loaded != u.unloaded:
				fail("product %d: %d units loaded, %d unloaded", p, u.loaded, u.unloaded)
			case haveLoads && haveDC && st.origin == "DC" && u.dcOut != u.loaded:
				fail("product %d: %d units left the DC, %d were loaded", p, u.dcOut, u.loaded)
			case haveLoads && ((st.origin == "DC" && haveStore) || (st.origin == "SUPPLIER" && haveDC)) && u.received != u.unloaded:
				fail("product %d: %d units unloaded, %d received", p, u.unloaded, u.received)
			}
		}
		if haveLoads && loaded != int64(st.units) {
			fail("truck_moves says %d units, %d were loaded", st.units, loaded)
		}
	}
}
