package sim

import (
	"cmp"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/calendar"
	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Online orders belong to the network of the customer's home store. An
// order is picked at the first hour start, after it was placed, when every
// line is in stock at its node; until then it waits as a backorder.
const (
	modeShipFromDC uint8 = iota
	modeShipFromStore
	modeBOPIS
)

const (
	cancelRate      = 0.02
	onlinePromoRate = 0.12
)

func modeName(m uint8) string {
	return [...]string{"SHIP_FROM_DC", "SHIP_FROM_STORE", "BOPIS"}[m]
}

// onlineTenderCum: credit 50 %, debit 30 %, mobile 15 %, gift card 5 %.
func onlineTender(x float64) uint8 {
	switch {
	case x < 0.50:
		return tenderCredit
	case x < 0.80:
		return tenderDebit
	case x < 0.95:
		return tenderMobile
	}
	return tenderGift
}

// OpenOrder is an online order not yet delivered.
type OpenOrder struct {
	ID         int64       `json:"order_id"`
	Trace      [16]byte    `json:"trace_id"`
	CustomerID int64       `json:"customer_id"`
	Created    int64       `json:"created"`
	Mode       uint8       `json:"mode"`
	NodeStore  int64       `json:"node_store_id,omitempty"` // 0: the DC
	Tender     uint8       `json:"tender"`
	Lines      []OrderLine `json:"lines"`
	Subtotal   int64       `json:"subtotal"`
	Discount   int64       `json:"discount"`
	Tax        int64       `json:"tax"`
	Units      int32       `json:"units"`
	// Lifecycle times in micros, 0 while unknown.
	Picked    int64 `json:"picked,omitempty"`
	Shipped   int64 `json:"shipped,omitempty"`
	Delivered int64 `json:"delivered,omitempty"`
	// Done counts the statuses emitted: CREATED, PICKED, SHIPPED, DELIVERED.
	Done int `json:"done"`
}

// OrderLine is one line of an online order, with the amounts charged.
type OrderLine struct {
	Product  int32  `json:"product"`
	Qty      int32  `json:"qty"`
	Unit     int64  `json:"unit_price"`
	Ext      int64  `json:"ext_price"`
	Discount int64  `json:"discount"`
	Tax      int64  `json:"tax"`
	Promo    string `json:"promo_code,omitempty"`
}

func orderStatus(k int) string {
	return [...]string{"CREATED", "PICKED", "SHIPPED", "DELIVERED"}[k]
}

// createOrders places the network's online orders of the day; cancelled
// ones are written at once, the others join the open orders.
func (r *Runner) createOrders(day civil.Date) {
	m := r.m
	dc := &m.dcs[r.net.DCIndex]
	if len(r.custs) == 0 {
		return
	}
	f := m.cal.DayFactor(day)
	if f == 0 {
		f = 1 // online never closes
	}
	m.src.Key("orders").With(dc.id).With(int64(day)).Reseed(&r.hourPCG)
	n := min(rng.Poisson(r.hr, float64(m.cfg.Volume.OnlineOrdersPerDay)*r.custShare*f), MaxSequence)
	if n == 0 {
		return
	}
	shares := calendar.OnlineHourShares()
	hcum := cumulative24(&shares)
	r.times = r.times[:0]
	for range n {
		h := rng.Weighted(r.hr, hcum)
		r.times = append(r.times, int32(h*3600+r.hr.IntN(3600)))
	}
	slices.Sort(r.times)
	// Products any online shopper may pick today: launched ones.
	r.onlinePick = r.onlinePick[:0]
	r.onlineCum = r.onlineCum[:0]
	sum := 0.0
	for p := range m.products {
		if m.products[p].launch <= day {
			sum += r.prodWeight[p]
			r.onlinePick = append(r.onlinePick, int32(p))
			r.onlineCum = append(r.onlineCum, sum)
		}
	}
	if len(r.onlinePick) == 0 {
		return
	}
	pd := placeDay(dc.place, day)
	pseq := int64(0)
	for k, sec := range r.times {
		seq := int64(k + 1)
		m.src.Key("order").With(dc.id).With(int64(day)).With(seq).Reseed(&r.visPCG)
		vr := r.vr
		cu := &m.data.Customers[r.custs[vr.IntN(len(r.custs))]]
		home := &m.stores[cu.HomeStoreID-1]
		homeState := &r.st.Stores[r.storeLocal[home.id]]
		o := OpenOrder{
			ID: composeID(day, dc.place, seq), Trace: m.tk.trace(traceOrder, pd, uint64(seq)),
			CustomerID: cu.CustomerID, Created: day.Micros(int(sec)), Tender: onlineTender(vr.Float64()),
		}
		switch x := vr.Float64(); {
		case x < 0.6:
			o.Mode = modeShipFromDC
		case x < 0.8:
			o.Mode, o.NodeStore = modeShipFromStore, home.id
		default:
			o.Mode, o.NodeStore = modeBOPIS, home.id
		}
		r.basket = r.basket[:0]
		for range 1 + vr.IntN(5) {
			p := r.onlinePick[rng.Weighted(vr, r.onlineCum)]
			if r.inBasket(p) {
				continue
			}
			q := int32(1)
			if x := vr.Float64(); x > 0.95 {
				q = 3
			} else if x > 0.8 {
				q = 2
			}
			r.basket = append(r.basket, saleLine{product: p, qty: q, unit: m.products[p].price})
		}
		// A store node must carry every line; otherwise the DC ships it.
		if o.NodeStore != 0 {
			for _, l := range r.basket {
				if homeState.OnHand[l.product] < 0 {
					o.Mode, o.NodeStore = modeShipFromDC, 0
					break
				}
			}
		}
		for i := range r.basket {
			r.basket[i].ext = r.basket[i].unit * int64(r.basket[i].qty)
		}
		cancelled := vr.Float64() < cancelRate
		if !cancelled {
			seg := cu.Segment
			if vr.Float64() < onlinePromoRate/promoUse(seg) {
				r.applyPromo(day, seg)
			}
			for i := range r.basket {
				l := &r.basket[i]
				l.tax = lineTax(l.ext-l.discount, home.rateMicros, m.products[l.product].tax)
			}
		}
		for _, l := range r.basket {
			ol := OrderLine{Product: l.product, Qty: l.qty, Unit: l.unit, Ext: l.ext, Discount: l.discount, Tax: l.tax, Promo: l.promo}
			if cancelled {
				ol = OrderLine{Product: l.product, Unit: l.unit}
			}
			o.Lines = append(o.Lines, ol)
			o.Subtotal += ol.Ext
			o.Discount += ol.Discount
			o.Tax += ol.Tax
			o.Units += ol.Qty
		}
		if cancelled {
			r.orderRow(&o, o.Created, "CANCELLED")
			r.orderLines(&o)
			continue
		}
		total := o.Subtotal - o.Discount + o.Tax
		r.orderPayments(day, &o, total, sec, &pseq)
		o.Done = 1
		r.orderRow(&o, o.Created, "CREATED")
		r.orderLines(&o)
		r.st.Orders = append(r.st.Orders, o)
	}
}

// orderPayments records declined card attempts and the approved payment.
func (r *Runner) orderPayments(day civil.Date, o *OpenOrder, total int64, sec int32, pseq *int64) {
	if !r.e.payments.on() {
		return
	}
	vr := r.vr
	dc := &r.m.dcs[r.net.DCIndex]
	method := tenderName(o.Tender)
	if o.Tender == tenderCredit || o.Tender == tenderDebit {
		at := sec
		for k := 0; k < maxDeclines && vr.Float64() < cardDeclineRate; k++ {
			at = max(0, at-int32(rng.IntBetween(vr, 20, 90)))
			*pseq++
			r.orderPays = append(r.orderPays, rows.Payment{
				TraceID: o.Trace, EventTS: day.Micros(int(at)), PaymentID: composeID(day, dc.place, *pseq),
				OrderID: o.ID, PaymentMethod: method, Amount: total, Status: "DECLINED",
				DeclineReason: declineReason(vr.IntN(5)), ProcessingMS: int32(rng.IntBetween(vr, 300, 2000)),
			})
		}
	}
	*pseq++
	r.orderPays = append(r.orderPays, rows.Payment{
		TraceID: o.Trace, EventTS: day.Micros(int(sec)), PaymentID: composeID(day, dc.place, *pseq),
		OrderID: o.ID, PaymentMethod: method, Amount: total, Status: "APPROVED",
		ProcessingMS: int32(rng.IntBetween(vr, 300, 2000)),
	})
}

// orderRow queues one lifecycle row of an order for the day's output.
func (r *Runner) orderRow(o *OpenOrder, at int64, status string) {
	if !r.e.orders.on() {
		return
	}
	nodeType, nodeID := "DC", r.m.dcs[r.net.DCIndex].id
	if o.NodeStore != 0 {
		nodeType, nodeID = "STORE", o.NodeStore
	}
	row := rows.OnlineOrder{
		TraceID: o.Trace, EventTS: at, OrderID: o.ID, CustomerID: o.CustomerID,
		Subtotal: o.Subtotal, Discount: o.Discount, Tax: o.Tax, Total: o.Subtotal - o.Discount + o.Tax,
		TenderType: tenderName(o.Tender), Status: status, FulfillmentMode: modeName(o.Mode),
		NodeType: nodeType, NodeID: nodeID, ItemCount: o.Units,
	}
	if status != "CREATED" && status != "CANCELLED" {
		row.PickedTS = o.Picked
	}
	if status == "SHIPPED" || status == "DELIVERED" {
		row.ShippedTS = o.Shipped
	}
	if status == "DELIVERED" {
		row.DeliveredTS = o.Delivered
	}
	r.orderRows = append(r.orderRows, row)
}

func (r *Runner) orderLines(o *OpenOrder) {
	if !r.e.orderLines.on() {
		return
	}
	for i, l := range o.Lines {
		r.lineRows = append(r.lineRows, rows.OnlineOrderLine{
			TraceID: o.Trace, EventTS: o.Created, OrderID: o.ID, LineNumber: int32(i + 1),
			ProductID: r.m.products[l.Product].id, Quantity: l.Qty, UnitPrice: l.Unit, ExtPrice: l.Ext,
			Discount: l.Discount, Tax: l.Tax, PromoCode: l.Promo,
		})
	}
}

// canPick reports whether every line of o is available in stock.
func canPick(o *OpenOrder, avail func(p int32) int32) bool {
	for _, l := range o.Lines {
		if avail(l.Product) < l.Qty {
			return false
		}
	}
	return true
}

// picked fixes the rest of an order's lifecycle once it is picked at at.
func (r *Runner) picked(o *OpenOrder, at int64) {
	jr := r.m.src.Key("order-lifecycle").With(o.ID).Rand()
	o.Picked = at
	switch o.Mode {
	case modeBOPIS:
		o.Shipped = at + 30*minute
		o.Delivered = o.Shipped + int64(rng.IntBetween(jr, 2*60, 48*60))*minute
	default:
		o.Shipped = at + int64(rng.IntBetween(jr, 60, 360))*minute
		days := int64(rng.IntBetween(jr, 1, 4))
		day := civil.Date(o.Shipped/civil.MicrosPerDay) + civil.Date(days)
		o.Delivered = max(o.Shipped+hour, day.Micros(rng.IntBetween(jr, 10*3600, 20*3600)))
	}
}

// pickAtDC picks the DC's waiting orders at hour start at (micros).
func (r *Runner) pickAtDC(at int64) {
	st := r.st
	dc := &r.m.dcs[r.net.DCIndex]
	avail := func(p int32) int32 { return st.DC.OnHand[p] - st.DC.Reserved[p] }
	for i := range st.Orders {
		o := &st.Orders[i]
		if o.NodeStore != 0 || o.Picked != 0 || o.Created >= at || !canPick(o, avail) {
			continue
		}
		for _, l := range o.Lines {
			st.DC.OnHand[l.Product] -= l.Qty
			r.e.dcInv.add(&rows.DCInventoryTxn{
				TraceID: o.Trace, EventTS: at, DCID: dc.id, ProductID: r.m.products[l.Product].id,
				QtyDelta: -l.Qty, BalanceAfter: st.DC.OnHand[l.Product], Reason: "ONLINE_PICK",
				SourceType: "ORDER", SourceID: o.ID,
			})
		}
		r.picked(o, at)
	}
}

// pickAtStore picks the store's waiting orders at the start of an open hour.
func (r *Runner) pickAtStore(s *storeInfo, ss *StoreState, at int64) {
	avail := func(p int32) int32 { return ss.OnHand[p] }
	for i := range r.st.Orders {
		o := &r.st.Orders[i]
		if o.NodeStore != s.id || o.Picked != 0 || o.Created >= at || !canPick(o, avail) {
			continue
		}
		for _, l := range o.Lines {
			ss.OnHand[l.Product] -= l.Qty
			r.e.storeInv.add(&rows.StoreInventoryTxn{
				TraceID: o.Trace, EventTS: at, StoreID: s.id, ProductID: r.m.products[l.Product].id,
				QtyDelta: -l.Qty, BalanceAfter: ss.OnHand[l.Product], Reason: "ONLINE_PICK",
				SourceType: "ORDER", SourceID: o.ID,
			})
		}
		r.picked(o, at)
	}
}

// orderEvents emits the day's order rows (created today, and lifecycle
// steps that fall today) in time order, then forgets delivered orders.
func (r *Runner) orderEvents(day civil.Date) {
	end := (day + 1).Micros(0)
	for i := range r.st.Orders {
		o := &r.st.Orders[i]
		for o.Done < 4 {
			var at int64
			switch o.Done {
			case 1:
				at = o.Picked
			case 2:
				at = o.Shipped
			case 3:
				at = o.Delivered
			}
			if at == 0 || at >= end {
				break
			}
			r.orderRow(o, at, orderStatus(o.Done))
			o.Done++
		}
	}
	r.st.Orders = slices.DeleteFunc(r.st.Orders, func(o OpenOrder) bool { return o.Done == 4 })
	slices.SortStableFunc(r.orderRows, func(a, b rows.OnlineOrder) int {
		return cmp.Or(cmp.Compare(a.EventTS, b.EventTS), cmp.Compare(a.OrderID, b.OrderID))
	})
	for i := range r.orderRows {
		r.e.orders.add(&r.orderRows[i])
	}
	for i := range r.lineRows {
		r.e.orderLines.add(&r.lineRows[i])
	}
	for i := range r.orderPays {
		r.e.payments.add(&r.orderPays[i])
	}
	r.orderRows, r.lineRows, r.orderPays = r.orderRows[:0], r.lineRows[:0], r.orderPays[:0]
}
