package validate

import (
	"fmt"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Online order statuses in lifecycle order; CANCELLED ends an order early.
const (
	osCreated = iota
	osPicked
	osShipped
	osDelivered
	osCancelled = -1
	osUnknown   = -2
)

func orderStatus(s string) int {
	switch s {
	case "CREATED":
		return osCreated
	case "PICKED":
		return osPicked
	case "SHIPPED":
		return osShipped
	case "DELIVERED":
		return osDelivered
	case "CANCELLED":
		return osCancelled
	}
	return osUnknown
}

// orderState follows one online order from its first row to DELIVERED or
// CANCELLED.
type orderState struct {
	f          *fileRef
	row        int64
	trace      [16]byte
	createdDay civil.Date
	partial    bool // created before the folder's first day
	cancelled  bool
	next       int
	lastTS     int64
	header     rows.OnlineOrder // amounts, tender, node and mode of the first row

	lines, minLine, maxLine int32
	sumExt, sumDisc, sumTax int64
	sumQty                  int64
	qty                     map[int64]int64 // product → units on the lines
	picked                  map[int64]int64 // product → units of ONLINE_PICK movements

	approved       int
	approvedAmount int64
	approvedTS     int64
	approvedMethod string
	lastDeclinedTS int64
	declined       int
}

func orderKey(id int64) string { return fmt.Sprintf("order_id %d", id) }

func (v *validator) onlineOrder(d *dayState, f *fileRef, r *rows.OnlineOrder, row int64) {
	id := r.OrderID
	key := orderKey(id)
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evOrder, a: id})
	idx := orderStatus(r.Status)
	v.count(CheckFactValues, 1)
	switch {
	case idx == osUnknown:
		v.rowFail(CheckFactValues, *f, row, key, "status %q is not an online order status", r.Status)
	case !isTender(r.TenderType) || r.TenderType == "CASH":
		v.rowFail(CheckFactValues, *f, row, key, "tender_type %q is not a tender of online orders", r.TenderType)
	case (r.FulfillmentMode == "SHIP_FROM_DC") != (r.NodeType == "DC"),
		r.FulfillmentMode != "SHIP_FROM_DC" && r.FulfillmentMode != "SHIP_FROM_STORE" && r.FulfillmentMode != "BOPIS",
		r.NodeType != "DC" && r.NodeType != "STORE":
		v.rowFail(CheckFactValues, *f, row, key, "fulfillment_mode %s with node_type %s", r.FulfillmentMode, r.NodeType)
	}
	switch r.NodeType {
	case "STORE":
		v.storeOf(f, row, r.NodeID)
	case "DC":
		if v.has("distribution_centers") {
			v.count(CheckFactFK, 1)
			if _, ok := v.m.dcState.get(r.NodeID); !ok {
				v.rowFail(CheckFactFK, *f, row, key, "node DC %d does not exist in distribution_centers", r.NodeID)
			}
		}
	}
	if r.CustomerID == 0 {
		v.rowFail(CheckFactFK, *f, row, key, "an online order without customer_id")
	}
	v.customerOf(f, row, r.CustomerID, "", false)
	v.count(CheckFactMoney, 1)
	if r.Total != r.Subtotal-r.Discount+r.Tax {
		v.rowFail(CheckFactMoney, *f, row, key, "total %s is not subtotal %s − discount %s + tax %s", money(r.Total), money(r.Subtotal), money(r.Discount), money(r.Tax))
	}

	v.count(CheckFactOrders, 1)
	fail := func(format string, args ...any) { v.rowFail(CheckFactOrders, *f, row, key, format, args...) }
	st := v.f.orders[id]
	if st == nil {
		st = &orderState{f: f, row: row, trace: r.TraceID, header: *r, next: max(idx, 0), partial: idx > osCreated}
		v.f.orders[id] = st
		if st.partial {
			if day, ok := idDay(id); !ok || day >= v.days[0] {
				fail("the first row of the order is %s, not CREATED or CANCELLED", r.Status)
			}
		} else {
			st.createdDay = d.day
			d.createdOrders = append(d.createdOrders, id)
			v.count(CheckFactKeys, 1)
			if id/100_000_000_000 != yyyymmdd(d.day) {
				v.rowFail(CheckFactKeys, *f, row, key, "order_id does not start with its creation date %d", yyyymmdd(d.day))
			}
		}
	} else {
		h := &st.header
		if idx != osCancelled && (r.Subtotal != h.Subtotal || r.Discount != h.Discount || r.Tax != h.Tax || r.ItemCount != h.ItemCount) {
			fail("amounts change during the order's lifecycle")
		}
		if r.CustomerID != h.CustomerID || r.NodeType != h.NodeType || r.NodeID != h.NodeID || r.FulfillmentMode != h.FulfillmentMode || r.TenderType != h.TenderType {
			fail("customer, node, fulfillment or tender change during the order's lifecycle")
		}
		if r.TraceID != st.trace {
			v.rowFail(CheckFactTrace, *f, row, key, "trace_id %s differs from the order's first row %s", uuidString(r.TraceID), uuidString(st.trace))
		}
	}
	switch {
	case st.cancelled || st.next > osDelivered:
		fail("%s after the order ended", r.Status)
	case idx == osCancelled:
		st.cancelled = true
		if r.Subtotal != 0 || r.Discount != 0 || r.Tax != 0 || r.ItemCount != 0 {
			fail("a cancelled order has amounts %s / %d units, want zero", money(r.Total), r.ItemCount)
		}
		d.closedOrders = append(d.closedOrders, id)
	case idx >= osCreated:
		if idx != st.next {
			fail("status %s where %s comes next", r.Status, []string{"CREATED", "PICKED", "SHIPPED", "DELIVERED"}[min(st.next, osDelivered)])
		}
		st.next = idx + 1
		switch idx {
		case osPicked:
			d.pickedOrders = append(d.pickedOrders, id)
		case osDelivered:
			d.closedOrders = append(d.closedOrders, id)
		}
	}
	if r.EventTS < st.lastTS {
		fail("%s at %s is before the previous status at %s", r.Status, tsString(r.EventTS), tsString(st.lastTS))
	}
	st.lastTS = r.EventTS
	// The lifecycle times known so far, each equal to its status row's time.
	var want [3]bool // picked, shipped, delivered set
	switch idx {
	case osPicked:
		want = [3]bool{true, false, false}
	case osShipped:
		want = [3]bool{true, true, false}
	case osDelivered:
		want = [3]bool{true, true, true}
	}
	times := [3]int64{r.PickedTS, r.ShippedTS, r.DeliveredTS}
	for i, set := range want {
		if set != (times[i] != 0) {
			fail("%s row with picked_ts %s, shipped_ts %s, delivered_ts %s", r.Status, optTS(r.PickedTS), optTS(r.ShippedTS), optTS(r.DeliveredTS))
			break
		}
	}
	if idx >= osPicked && idx <= osDelivered {
		if times[idx-1] != r.EventTS {
			fail("%s at %s, but its lifecycle time is %s", r.Status, tsString(r.EventTS), optTS(times[idx-1]))
		}
		for i := 1; i < idx; i++ {
			if times[i] < times[i-1] {
				fail("lifecycle times decrease: picked_ts %s, shipped_ts %s, delivered_ts %s", optTS(r.PickedTS), optTS(r.ShippedTS), optTS(r.DeliveredTS))
				break
			}
		}
	}
}

func optTS(ts int64) string {
	if ts == 0 {
		return "null"
	}
	return tsString(ts)
}

func (v *validator) onlineOrderLine(d *dayState, f *fileRef, r *rows.OnlineOrderLine, row int64) {
	id := r.OrderID
	key := func() string { return fmt.Sprintf("order_id %d line %d", id, r.LineNumber) }
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evOrder, a: id})
	v.count(CheckFactKeys, 1)
	lk := lineKey{receipt: id, line: r.LineNumber}
	if _, dup := d.orderLineKeys[lk]; dup {
		v.rowFail(CheckFactKeys, *f, row, key(), "duplicate (order_id, line_number)")
		return
	}
	d.orderLineKeys[lk] = struct{}{}
	p, okP := v.productOf(f, row, r.ProductID)
	v.count(CheckFactMoney, 1)
	if r.ExtPrice != r.UnitPrice*int64(r.Quantity) {
		v.rowFail(CheckFactMoney, *f, row, key(), "ext_price %s is not unit_price %s × quantity %d", money(r.ExtPrice), money(r.UnitPrice), r.Quantity)
	}
	if !v.has("online_orders") {
		return
	}
	v.count(CheckFactFK, 1)
	st := v.f.orders[id]
	if st == nil || st.partial || st.createdDay != d.day {
		v.rowFail(CheckFactFK, *f, row, key(), "order %d was not created on %s", id, d.day)
		return
	}
	if r.TraceID != st.trace {
		v.rowFail(CheckFactTrace, *f, row, key(), "trace_id %s differs from its order's %s", uuidString(r.TraceID), uuidString(st.trace))
	}
	v.count(CheckFactValues, 1)
	if (st.cancelled && r.Quantity != 0) || (!st.cancelled && r.Quantity <= 0) {
		v.rowFail(CheckFactValues, *f, row, key(), "quantity %d on a %s order", r.Quantity, st.header.Status)
	}
	if st.lines == 0 || r.LineNumber < st.minLine {
		st.minLine = r.LineNumber
	}
	if st.lines == 0 || r.LineNumber > st.maxLine {
		st.maxLine = r.LineNumber
	}
	st.lines++
	st.sumExt += r.ExtPrice
	st.sumDisc += r.Discount
	st.sumTax += r.Tax
	st.sumQty += int64(r.Quantity)
	if st.qty == nil {
		st.qty = map[int64]int64{}
	}
	st.qty[r.ProductID] += int64(r.Quantity)
	if okP {
		v.count(CheckFactPricing, 1)
		if r.UnitPrice != p.salePrice {
			v.rowFail(CheckFactPricing, *f, row, key(), "unit_price %s is not the product's sale_price %s", money(r.UnitPrice), money(p.salePrice))
		}
		if !st.cancelled {
			v.count(CheckFactLaunch, 1)
			if day := dayOf(r.EventTS); day < p.launch {
				v.rowFail(CheckFactLaunch, *f, row, key(), "product %d ordered on %s, before its launch_date %s", r.ProductID, day, p.launch)
			}
		}
	}
}

// orderPayment adds a payment to its online order.
func (v *validator) orderPayment(f *fileRef, row int64, r *rows.Payment) {
	if !v.has("online_orders") {
		return
	}
	key := fmt.Sprintf("payment_id %d", r.PaymentID)
	v.count(CheckFactFK, 1)
	st := v.f.orders[r.OrderID]
	if st == nil {
		v.rowFail(CheckFactFK, *f, row, key, "order %d has no row in online_orders", r.OrderID)
		return
	}
	if r.TraceID != st.trace {
		v.rowFail(CheckFactTrace, *f, row, key, "trace_id %s differs from its order's %s", uuidString(r.TraceID), uuidString(st.trace))
	}
	switch r.Status {
	case "APPROVED":
		st.approved++
		st.approvedAmount, st.approvedTS, st.approvedMethod = r.Amount, r.EventTS, r.PaymentMethod
	case "DECLINED":
		st.declined++
		st.lastDeclinedTS = max(st.lastDeclinedTS, r.EventTS)
	}
}

// orderPick adds an ONLINE_PICK movement at a store (dc = 0) or a DC.
func (v *validator) orderPick(f *fileRef, row int64, order, store, dc, product int64, delta int32) {
	if !v.has("online_orders") {
		return
	}
	key := orderKey(order)
	v.count(CheckFactFK, 1)
	st := v.f.orders[order]
	if st == nil {
		v.rowFail(CheckFactFK, *f, row, key, "order %d has no row in online_orders", order)
		return
	}
	nodeType, node := "STORE", store
	if dc != 0 {
		nodeType, node = "DC", dc
	}
	v.count(CheckFactOrders, 1)
	if st.header.NodeType != nodeType || st.header.NodeID != node {
		v.rowFail(CheckFactOrders, *f, row, key, "picked at %s %d, the order's node is %s %d", nodeType, node, st.header.NodeType, st.header.NodeID)
	}
	if st.picked == nil {
		st.picked = map[int64]int64{}
	}
	st.picked[product] -= int64(delta)
}

// finishOrders checks the orders created today against their lines and
// payments, the orders picked today against their movements, and forgets
// the orders that ended.
func (v *validator) finishOrders(d *dayState) {
	haveLines, havePay := v.has("online_order_lines"), v.has("payments")
	slices.Sort(d.createdOrders)
	for _, id := range d.createdOrders {
		st := v.f.orders[id]
		h := &st.header
		fail := func(check, format string, args ...any) {
			v.rowFail(check, *st.f, st.row, orderKey(id), format, args...)
		}
		if haveLines {
			v.count(CheckFactLines, 1)
			switch {
			case st.lines == 0:
				fail(CheckFactLines, "the order has no lines")
			case st.minLine != 1 || st.maxLine != st.lines:
				fail(CheckFactLines, "%d lines numbered %d..%d: line numbers are not 1..n", st.lines, st.minLine, st.maxLine)
			}
			if st.lines > 0 {
				v.count(CheckFactMoney, 1)
				if h.Subtotal != st.sumExt || h.Discount != st.sumDisc || h.Tax != st.sumTax || int64(h.ItemCount) != st.sumQty {
					fail(CheckFactMoney, "header subtotal %s, discount %s, tax %s, item_count %d; the lines sum to %s, %s, %s, %d",
						money(h.Subtotal), money(h.Discount), money(h.Tax), h.ItemCount, money(st.sumExt), money(st.sumDisc), money(st.sumTax), st.sumQty)
				}
			}
		}
		if havePay {
			v.count(CheckFactPayments, 1)
			switch {
			case st.cancelled && st.approved+st.declined > 0:
				fail(CheckFactPayments, "a cancelled order has %d payments, want none", st.approved+st.declined)
			case st.cancelled:
			case st.approved != 1:
				fail(CheckFactPayments, "order has %d APPROVED payments, want exactly 1", st.approved)
			case st.approvedAmount != h.Total:
				fail(CheckFactPayments, "APPROVED payment %s differs from the total %s", money(st.approvedAmount), money(h.Total))
			case st.approvedMethod != h.TenderType:
				fail(CheckFactPayments, "APPROVED payment by %s, the order's tender is %s", st.approvedMethod, h.TenderType)
			case st.declined > 0 && st.lastDeclinedTS > st.approvedTS:
				fail(CheckFactPayments, "a DECLINED attempt at %s follows the APPROVED payment at %s", tsString(st.lastDeclinedTS), tsString(st.approvedTS))
			}
		}
	}
	movesOf := map[string]bool{"STORE": v.has("store_inventory_txn"), "DC": v.has("dc_inventory_txn")}
	slices.Sort(d.pickedOrders)
	for _, id := range d.pickedOrders {
		st := v.f.orders[id]
		if st == nil || st.partial || !haveLines || !movesOf[st.header.NodeType] {
			continue
		}
		v.count(CheckFactSaleMoves, 1)
		products := sortedKeys(st.qty)
		for p := range st.picked {
			if _, ok := st.qty[p]; !ok {
				products = append(products, p)
			}
		}
		for _, p := range products {
			if st.qty[p] != st.picked[p] {
				v.fail(CheckFactSaleMoves, Violation{Table: "online_order_lines", Key: fmt.Sprintf("order_id %d product_id %d", id, p),
					Detail: fmt.Sprintf("%d units ordered, %d picked by ONLINE_PICK movements", st.qty[p], st.picked[p])})
			}
		}
		st.qty, st.picked = nil, nil
	}
	for _, id := range d.closedOrders {
		delete(v.f.orders, id)
	}
}
