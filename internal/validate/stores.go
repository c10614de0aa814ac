package validate

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// movementSign is the sign of qty_delta each reason requires: -1, +1, or 0
// for either.
func movementSign(reason string) (sign int, known bool) {
	switch reason {
	case "SALE", "ONLINE_PICK", "DAMAGED", "RETURN_TO_VENDOR":
		return -1, true
	case "RETURN", "INBOUND_SHIPMENT":
		return 1, true
	case "ADJUSTMENT":
		return 0, true
	}
	return 0, false
}

func (v *validator) storeTxn(d *dayState, f *fileRef, r *rows.StoreInventoryTxn, row int64) {
	key := func() string { return fmt.Sprintf("store_id %d product_id %d", r.StoreID, r.ProductID) }
	ev := eventKey{kind: evCount, a: r.StoreID}
	switch r.SourceType {
	case "RECEIPT":
		ev = eventKey{kind: evReceipt, a: r.SourceID}
	case "SHIPMENT":
		ev = eventKey{kind: evShipment, a: r.SourceID}
	case "ORDER":
		ev = eventKey{kind: evOrder, a: r.SourceID}
	}
	v.common(d, f, row, r.TraceID, r.EventTS, ev)

	v.count(CheckFactValues, 1)
	sign, known := movementSign(r.Reason)
	switch {
	case !known:
		v.rowFail(CheckFactValues, *f, row, key(), "reason %q is not a known movement", r.Reason)
	case r.QtyDelta == 0 || (sign < 0 && r.QtyDelta > 0) || (sign > 0 && r.QtyDelta < 0):
		v.rowFail(CheckFactValues, *f, row, key(), "qty_delta %d has the wrong sign for %s", r.QtyDelta, r.Reason)
	}
	switch r.SourceType {
	case "RECEIPT", "SHIPMENT", "ORDER":
		if r.SourceID == 0 {
			v.rowFail(CheckFactValues, *f, row, key(), "source_type %s without source_id", r.SourceType)
		}
	case "CYCLE_COUNT":
	default:
		v.rowFail(CheckFactValues, *f, row, key(), "source_type %q is not RECEIPT, SHIPMENT, ORDER or CYCLE_COUNT", r.SourceType)
	}
	if (r.Reason == "SALE" || r.Reason == "RETURN") && r.SourceType != "RECEIPT" {
		v.rowFail(CheckFactValues, *f, row, key(), "a %s movement with source_type %s, want RECEIPT", r.Reason, r.SourceType)
	}

	v.storeOf(f, row, r.StoreID)
	_, okP := v.productOf(f, row, r.ProductID)
	if r.SourceType == "RECEIPT" && v.has("receipts") {
		v.count(CheckFactFK, 1)
		rs := d.receipts[r.SourceID]
		switch {
		case rs == nil:
			v.rowFail(CheckFactFK, *f, row, key(), "source receipt %d is not in the receipts of %s", r.SourceID, d.day)
		case r.TraceID != rs.r.TraceID:
			v.rowFail(CheckFactTrace, *f, row, key(), "trace_id %s differs from its receipt's %s", uuidString(r.TraceID), uuidString(rs.r.TraceID))
		}
		if rs != nil && rs.r.StoreID != r.StoreID {
			v.rowFail(CheckFactFK, *f, row, key(), "receipt %d is of store %d", r.SourceID, rs.r.StoreID)
		}
		if rs != nil && r.Reason == "SALE" && rs.r.ReceiptType != "SALE" {
			v.rowFail(CheckFactValues, *f, row, key(), "a SALE movement of %s receipt %d", rs.r.ReceiptType, r.SourceID)
		}
	}
	if r.Reason == "SALE" {
		d.saleMoves[moveKey{receipt: r.SourceID, product: r.ProductID}] += int64(r.QtyDelta)
	}
	if r.Reason == "INBOUND_SHIPMENT" && r.SourceType == "SHIPMENT" {
		v.storeInbound(f, row, r)
	}
	if r.Reason == "ONLINE_PICK" && r.SourceType == "ORDER" {
		v.orderPick(f, row, r.SourceID, r.StoreID, 0, r.ProductID, r.QtyDelta)
	}
	if okP || !v.has("products") {
		v.chain(f, row, key, r)
	}
}

// chain follows the running balance of a store and product.
func (v *validator) chain(f *fileRef, row int64, key func() string, r *rows.StoreInventoryTxn) {
	v.follow(v.m.storeInv, "store_inventory_initial", f, row, key, r.StoreID, r.ProductID, r.QtyDelta, r.BalanceAfter)
}

// follow checks one movement against the running balance of a location and
// product in inv, which starts from the initial positions of table.
func (v *validator) follow(inv map[int64][]int32, table string, f *fileRef, row int64, key func() string, loc, productID int64, delta, balance int32) {
	if productID <= 0 || productID >= denseIDs {
		return
	}
	pos := inv[loc]
	if int(productID) >= len(pos) {
		pos = growPositions(pos, int(productID)+1, len(v.m.products.has))
		inv[loc] = pos
	}
	v.count(CheckFactInventory, 1)
	prev := pos[productID]
	if prev == noPosition {
		if v.has(table) {
			v.rowFail(CheckFactInventory, *f, row, key(), "no initial position for the product in %s", table)
		}
		prev = balance - delta
	}
	if int64(prev)+int64(delta) != int64(balance) {
		v.rowFail(CheckFactInventory, *f, row, key(), "balance_after %d is not the previous balance %d + qty_delta %d = %d",
			balance, prev, delta, int64(prev)+int64(delta))
	}
	if balance < 0 {
		v.rowFail(CheckFactInventory, *f, row, key(), "balance_after %d is negative", balance)
	}
	pos[productID] = balance
}

func (v *validator) stockout(d *dayState, f *fileRef, r *rows.Stockout, row int64) {
	key := func() string {
		if r.StoreID != 0 {
			return fmt.Sprintf("store_id %d product_id %d", r.StoreID, r.ProductID)
		}
		return fmt.Sprintf("dc_id %d product_id %d", r.DCID, r.ProductID)
	}
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evRow})
	v.count(CheckFactValues, 1)
	if (r.StoreID == 0) == (r.DCID == 0) {
		v.rowFail(CheckFactValues, *f, row, key(), "a stock-out has exactly one of store_id and dc_id")
	}
	if r.LostUnits <= 0 {
		v.rowFail(CheckFactValues, *f, row, key(), "lost_units %d is not positive", r.LostUnits)
	}
	if r.RestockedTS != 0 && r.RestockedTS < r.EventTS {
		v.rowFail(CheckFactValues, *f, row, key(), "restocked_ts %s is before event_ts %s", tsString(r.RestockedTS), tsString(r.EventTS))
	}
	v.productOf(f, row, r.ProductID)
	if r.StoreID != 0 {
		s := v.storeOf(f, row, r.StoreID)
		v.hours(f, row, s, r.EventTS, "stock-out")
	}
	if r.DCID != 0 && v.has("distribution_centers") {
		v.count(CheckFactFK, 1)
		if _, ok := v.m.dcState.get(r.DCID); !ok {
			v.rowFail(CheckFactFK, *f, row, key(), "dc_id %d does not exist in distribution_centers", r.DCID)
		}
	}
}

func (v *validator) footTraffic(d *dayState, f *fileRef, r *rows.FootTraffic, row int64) {
	key := func() string { return fmt.Sprintf("store_id %d zone %s", r.StoreID, r.Zone) }
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evRow})
	v.count(CheckFactKeys, 1)
	tk := trafficKey{store: r.StoreID, ts: r.EventTS, zone: r.Zone}
	if _, dup := d.traffic[tk]; dup {
		v.rowFail(CheckFactKeys, *f, row, key(), "duplicate (store_id, event_ts, zone) at %s", tsString(r.EventTS))
	}
	d.traffic[tk] = struct{}{}
	v.count(CheckFactValues, 1)
	if r.Zone == "" || r.Count < 0 || r.DwellSeconds < 0 {
		v.rowFail(CheckFactValues, *f, row, key(), "zone %q, count %d, dwell_seconds %d: want a zone and no negative numbers", r.Zone, r.Count, r.DwellSeconds)
	}
	s := v.storeOf(f, row, r.StoreID)
	v.hours(f, row, s, r.EventTS, "foot traffic")
	if r.Zone == "ENTRANCE" {
		d.hour(r.StoreID, r.EventTS).entrance += int64(r.Count)
	}
}

func (v *validator) blePing(d *dayState, f *fileRef, r *rows.BLEPing, row int64) {
	key := func() string { return fmt.Sprintf("store_id %d device_id %s", r.StoreID, r.DeviceID) }
	h := v.hash(r.DeviceID)
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evVisit, a: r.StoreID, b: h})
	v.count(CheckFactValues, 1)
	if r.DeviceID == "" || r.RSSI < -95 || r.RSSI > -30 {
		v.rowFail(CheckFactValues, *f, row, key(), "device_id %q, rssi %d: want a device and -95..-30 dBm", r.DeviceID, r.RSSI)
	}
	s := v.storeOf(f, row, r.StoreID)
	v.customerOf(f, row, r.CustomerID, r.DeviceID, true)
	v.hours(f, row, s, r.EventTS, "BLE ping")
	c := d.hour(r.StoreID, r.EventTS)
	if c.devices == nil {
		c.devices = map[uint64]struct{}{}
	}
	c.devices[h] = struct{}{}
	devs := d.devices[r.StoreID]
	if devs == nil {
		devs = map[uint64]bool{}
		d.devices[r.StoreID] = devs
	}
	devs[h] = devs[h] || r.CustomerID != 0
}

func (v *validator) zoneChange(d *dayState, f *fileRef, r *rows.CustomerZoneChange, row int64) {
	key := func() string { return fmt.Sprintf("store_id %d device_id %s", r.StoreID, r.DeviceID) }
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evVisit, a: r.StoreID, b: v.hash(r.DeviceID)})
	v.count(CheckFactValues, 1)
	if r.FromZone == r.ToZone || r.FromZone == "" || r.ToZone == "" {
		v.rowFail(CheckFactValues, *f, row, key(), "from_zone %q to_zone %q is not a move between two zones", r.FromZone, r.ToZone)
	}
	s := v.storeOf(f, row, r.StoreID)
	v.customerOf(f, row, r.CustomerID, r.DeviceID, true)
	v.hours(f, row, s, r.EventTS, "zone change")
}

// finishFunnel compares, per store-hour, ENTRANCE visitors, distinct BLE
// devices and sale receipts.
func (v *validator) finishFunnel(d *dayState) {
	haveTraffic, havePings, haveReceipts := v.has("foot_traffic"), v.has("ble_pings"), v.has("receipts")
	n := 0
	for _, have := range []bool{haveTraffic, havePings, haveReceipts} {
		if have {
			n++
		}
	}
	if n < 2 {
		return
	}
	keys := make([]hourKey, 0, len(d.funnel))
	for k := range d.funnel {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b hourKey) int {
		if c := cmp.Compare(a.store, b.store); c != 0 {
			return c
		}
		return cmp.Compare(a.hour, b.hour)
	})
	for _, k := range keys {
		c := d.funnel[k]
		devices := int64(len(c.devices))
		v.count(CheckFactFunnel, 1)
		at := tsString(k.hour * 3600_000_000)
		fail := func(format string, args ...any) {
			v.fail(CheckFactFunnel, Violation{Table: "foot_traffic", Key: fmt.Sprintf("store_id %d hour %s", k.store, at), Detail: fmt.Sprintf(format, args...)})
		}
		switch {
		case haveTraffic && havePings && c.entrance < devices:
			fail("%d ENTRANCE visitors but %d distinct BLE devices", c.entrance, devices)
		case havePings && haveReceipts && devices < c.sales:
			fail("%d distinct BLE devices but %d sale receipts", devices, c.sales)
		case haveTraffic && haveReceipts && c.entrance < c.sales:
			fail("%d ENTRANCE visitors but %d sale receipts", c.entrance, c.sales)
		}
	}
}

// opsState follows the OPENED/CLOSED sequence of one store.
type opsState struct {
	open   bool
	openTS int64
	seen   bool
}

func (v *validator) storeOp(d *dayState, f *fileRef, r *rows.StoreOp, row int64) {
	key := storeKey(r.StoreID)
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evRow})
	s := v.storeOf(f, row, r.StoreID)
	st := v.f.ops[r.StoreID]
	if st == nil {
		st = &opsState{}
		v.f.ops[r.StoreID] = st
	}
	v.count(CheckFactStoreOps, 1)
	switch r.Operation {
	case "OPENED":
		if st.open {
			v.rowFail(CheckFactStoreOps, *f, row, key, "OPENED at %s while open since %s without CLOSED", tsString(r.EventTS), tsString(st.openTS))
		}
		if s != nil && s.closedOn(d.day) {
			v.rowFail(CheckFactStoreOps, *f, row, key, "OPENED on %s, a day the store is closed", d.day)
		}
		st.open, st.openTS = true, r.EventTS
		d.opened[r.StoreID]++
	case "CLOSED":
		switch {
		case !st.open && !st.seen && d.day == v.days[0]:
			// The close of a business day that began before the folder's first day.
		case !st.open:
			v.rowFail(CheckFactStoreOps, *f, row, key, "CLOSED at %s without OPENED", tsString(r.EventTS))
		case r.EventTS <= st.openTS:
			v.rowFail(CheckFactStoreOps, *f, row, key, "CLOSED at %s is not after OPENED at %s", tsString(r.EventTS), tsString(st.openTS))
		case r.EventTS-st.openTS > civil.MicrosPerDay:
			v.rowFail(CheckFactStoreOps, *f, row, key, "CLOSED at %s more than a day after OPENED at %s", tsString(r.EventTS), tsString(st.openTS))
		}
		st.open = false
	default:
		v.count(CheckFactValues, 1)
		v.rowFail(CheckFactValues, *f, row, key, "operation %q is not OPENED or CLOSED", r.Operation)
	}
	st.seen = true
}

// finishStoreOpsDay checks that every store opened exactly once on each of
// its open days and never on a closed day.
func (v *validator) finishStoreOpsDay(d *dayState) {
	if !v.has("store_ops") || !v.has("stores") {
		return
	}
	for _, s := range v.m.storeList {
		want := 1
		if s.closedOn(d.day) {
			want = 0
		}
		v.count(CheckFactStoreOps, 1)
		if got := d.opened[s.id]; got != want {
			v.fail(CheckFactStoreOps, Violation{Table: "store_ops", Key: storeKey(s.id),
				Detail: fmt.Sprintf("%d OPENED rows on %s, want %d", got, d.day, want)})
		}
	}
}

// finishStoreOps reports stores left open at the end when their day should
// have closed within the folder's range.
func (v *validator) finishStoreOps() {
	if !v.has("store_ops") || len(v.days) == 0 {
		return
	}
	end := int64(v.days[len(v.days)-1]+1) * civil.MicrosPerDay
	for _, id := range sortedKeys(v.f.ops) {
		st := v.f.ops[id]
		if !st.open {
			continue
		}
		closeAt := st.openTS + civil.MicrosPerDay
		if s, ok := v.m.stores.get(id); ok {
			closeAt = s.closeAfter(dayOf(st.openTS))
		}
		if closeAt < end {
			v.fail(CheckFactStoreOps, Violation{Table: "store_ops", Key: storeKey(id),
				Detail: fmt.Sprintf("OPENED at %s has no CLOSED", tsString(st.openTS))})
		}
	}
}
