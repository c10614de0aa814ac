package validate

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// returnWindow is how many days back a return may refer to its sale.
const returnWindow = 31

// eventKind classifies the business event a trace_id stands for.
type eventKind uint8

const (
	evReceipt eventKind = iota + 1
	evOrder
	evShipment
	evCount
	evDCCount
	evVisit
	evRow // an event of its own: one row
)

// eventKey identifies a business event within a day.
type eventKey struct {
	kind eventKind
	a    int64
	b    uint64
}

func (e eventKey) String() string {
	switch e.kind {
	case evReceipt:
		return fmt.Sprintf("receipt %d", e.a)
	case evOrder:
		return fmt.Sprintf("order %d", e.a)
	case evShipment:
		return fmt.Sprintf("shipment %d", e.a)
	case evCount:
		return fmt.Sprintf("a stock count of store %d", e.a)
	case evDCCount:
		return fmt.Sprintf("a stock count of DC %d", e.a)
	case evVisit:
		return fmt.Sprintf("a device visit to store %d", e.a)
	}
	return "another event"
}

// soldLine is what a later return needs of a sale line.
type soldLine struct {
	product  int64
	unit     int64
	qty      int32
	returned int32
}

// sale is a SALE receipt kept in the return window.
type sale struct {
	day   civil.Date
	ts    int64
	lines []soldLine
}

// receiptState gathers one receipt of the day and what its lines, payments
// and promotions add up to.
type receiptState struct {
	f    *fileRef
	row  int64
	r    rows.Receipt
	orig *sale // the sale a return refers to, when found

	lines, minLine, maxLine int32
	sumExt, sumDisc, sumTax int64
	sumQty                  int64
	sold                    []soldLine
	lineCode                string
	mixedCodes              bool

	approved       int
	approvedAmount int64
	approvedTS     int64
	approvedMethod string
	lastDeclinedTS int64
	declined       int

	codes     int
	promoDisc int64
}

type hourKey struct {
	store int64
	hour  int64 // hours since the epoch
}

type funnelCount struct {
	entrance int64
	devices  map[uint64]struct{}
	sales    int64
}

type lineKey struct {
	receipt int64
	line    int32
}

type moveKey struct {
	receipt, product int64
}

type promoKey struct {
	receipt int64
	code    string
}

type trafficKey struct {
	store int64
	ts    int64
	zone  string
}

// dayState is everything held while one day's partitions are read.
type dayState struct {
	day       civil.Date
	receipts  map[int64]*receiptState
	lineKeys  map[lineKey]struct{}
	payments  map[int64]struct{}
	promoKeys map[promoKey]struct{}
	traffic   map[trafficKey]struct{}
	traces    map[[16]byte]eventKey
	saleMoves map[moveKey]int64
	funnel    map[hourKey]*funnelCount
	devices   map[int64]map[uint64]bool // store → device → known customer
	opened    map[int64]int             // store → OPENED rows
	reorders  map[int64]struct{}
	// truckEvents are the day's LOADING and COMPLETED moves; completed the
	// shipments that completed.
	truckEvents []truckEvent
	completed   []int64
	// Online orders created, picked, and ended (delivered or cancelled)
	// today.
	createdOrders, pickedOrders, closedOrders []int64
	orderLineKeys                             map[lineKey]struct{}
	impressions                               map[int64]struct{}
}

func newDayState(day civil.Date) *dayState {
	return &dayState{
		day:       day,
		receipts:  map[int64]*receiptState{},
		lineKeys:  map[lineKey]struct{}{},
		payments:  map[int64]struct{}{},
		promoKeys: map[promoKey]struct{}{},
		traffic:   map[trafficKey]struct{}{},
		traces:    map[[16]byte]eventKey{},
		saleMoves: map[moveKey]int64{},
		funnel:    map[hourKey]*funnelCount{},
		devices:   map[int64]map[uint64]bool{},
		opened:    map[int64]int{},
		reorders:  map[int64]struct{}{},

		orderLineKeys: map[lineKey]struct{}{},
		impressions:   map[int64]struct{}{},
	}
}

func (d *dayState) hour(store, ts int64) *funnelCount {
	k := hourKey{store: store, hour: floorDiv(ts, 3600_000_000)}
	c := d.funnel[k]
	if c == nil {
		c = &funnelCount{}
		d.funnel[k] = c
	}
	return c
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// factState is carried from day to day.
type factState struct {
	window     map[int64]*sale
	windowDays []windowDay
	// firstReceiptDay is the first receipts partition: returns of sales
	// before it cannot be verified.
	firstReceiptDay civil.Date
	unverified      int64
	seq             int64
	ops             map[int64]*opsState
	// ships holds the shipments in flight; busy maps a truck to the
	// shipment it carries.
	ships map[int64]*shipState
	busy  map[int64]int64
	// orders holds the online orders not yet delivered or cancelled.
	orders map[int64]*orderState
	// reached lists the times impressions of a campaign reached a known
	// customer in the last 48 hours.
	reached map[reachKey][]int64
	stats   statsAcc
}

type windowDay struct {
	day civil.Date
	ids []int64
}

// factHandler reads one fact table's file of a day.
type factHandler struct {
	table string
	read  func(v *validator, d *dayState, f *fileRef) error
}

func eachFact[T any, PT rows.Parser[T]](table string, fn func(v *validator, d *dayState, f *fileRef, r *T, row int64)) factHandler {
	return factHandler{table: table, read: func(v *validator, d *dayState, f *fileRef) error {
		return read[T, PT](v, *f, func(r *T, row int64) { fn(v, d, f, r, row) })
	}}
}

// factHandlers lists the fact tables in the order they are read within a
// day: headers before the rows that refer to them. A new table gets a
// handler here (and its end-of-day checks in finishDay).
func factHandlers() []factHandler {
	return []factHandler{
		eachFact("marketing_impressions", (*validator).impression),
		eachFact("receipts", (*validator).receipt),
		eachFact("receipt_lines", (*validator).receiptLine),
		eachFact("online_orders", (*validator).onlineOrder),
		eachFact("online_order_lines", (*validator).onlineOrderLine),
		eachFact("payments", (*validator).payment),
		eachFact("promotions_applied", (*validator).promotionApplied),
		eachFact("truck_moves", (*validator).truckMove),
		eachFact("truck_inventory", (*validator).truckInventory),
		eachFact("store_inventory_txn", (*validator).storeTxn),
		eachFact("dc_inventory_txn", (*validator).dcTxn),
		eachFact("reorders", (*validator).reorder),
		eachFact("stockouts", (*validator).stockout),
		eachFact("foot_traffic", (*validator).footTraffic),
		eachFact("ble_pings", (*validator).blePing),
		eachFact("customer_zone_changes", (*validator).zoneChange),
		eachFact("store_ops", (*validator).storeOp),
		eachFact("supply_chain_disruptions", (*validator).disruption),
	}
}

func (v *validator) readFacts() error {
	v.f = &factState{window: map[int64]*sale{}, ops: map[int64]*opsState{}, ships: map[int64]*shipState{}, busy: map[int64]int64{},
		orders: map[int64]*orderState{}, reached: map[reachKey][]int64{}}
	v.f.stats.init()
	if len(v.days) == 0 {
		return nil
	}
	first := true
	for day := range v.factFiles["receipts"] {
		if first || day < v.f.firstReceiptDay {
			v.f.firstReceiptDay = day
			first = false
		}
	}
	handlers := factHandlers()
	for _, day := range v.days {
		d := newDayState(day)
		for _, h := range handlers {
			files := v.factFiles[h.table][day]
			for i := range files {
				if err := h.read(v, d, &files[i]); err != nil {
					return err
				}
			}
		}
		v.finishDay(d)
	}
	v.finishStoreOps()
	if v.f.unverified > 0 {
		c := v.check(CheckFactReturns)
		c.res.Note = fmt.Sprintf("%d returns refer to sales before the first day in the folder and were not verified", v.f.unverified)
	}
	v.finishStats()
	return nil
}

// common checks what every fact row shares: event_ts on the partition date
// and a trace_id that no other business event uses that day.
func (v *validator) common(d *dayState, f *fileRef, row int64, trace [16]byte, ts int64, ev eventKey) {
	v.count(CheckFactPartition, 1)
	if dayOf(ts) != d.day {
		v.rowFail(CheckFactPartition, *f, row, "", "event_ts %s is not on the partition date %s", tsString(ts), d.day)
	}
	v.count(CheckFactTrace, 1)
	if trace == ([16]byte{}) {
		v.rowFail(CheckFactTrace, *f, row, "", "trace_id is the zero UUID")
		return
	}
	if ev.kind == evRow {
		v.f.seq++
		ev.a = v.f.seq
	}
	if prev, ok := d.traces[trace]; ok {
		if prev != ev {
			v.rowFail(CheckFactTrace, *f, row, "trace_id "+uuidString(trace), "trace_id of %s is also used by %s", ev, prev)
		}
		return
	}
	d.traces[trace] = ev
}

func tsString(ts int64) string     { return string(rows.AppendTimestamp(nil, ts, ' ')) }
func uuidString(u [16]byte) string { return string(rows.AppendUUID(nil, u)) }
func receiptKey(id int64) string   { return fmt.Sprintf("receipt_id %d", id) }
func storeKey(id int64) string     { return fmt.Sprintf("store_id %d", id) }
func yyyymmdd(d civil.Date) int64 {
	y, m, day := d.Civil()
	return int64(y*10000 + m*100 + day)
}

// idDay returns the date in the leading YYYYMMDD of a composed id
// (YYYYMMDD·10^11 + …).
func idDay(id int64) (civil.Date, bool) {
	p := id / 100_000_000_000
	y, m, d := int(p/10000), int(p/100%100), int(p%100)
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	day := civil.DaysFromCivil(y, m, d)
	if yy, mm, dd := day.Civil(); yy != y || mm != m || dd != d {
		return 0, false
	}
	return day, true
}

// storeOf returns the store of a fact row, counting a foreign-key check.
func (v *validator) storeOf(f *fileRef, row, id int64) *store {
	if !v.has("stores") {
		return nil
	}
	v.count(CheckFactFK, 1)
	s, ok := v.m.stores.get(id)
	if !ok {
		v.rowFail(CheckFactFK, *f, row, storeKey(id), "store_id %d does not exist in stores", id)
	}
	return s
}

// productOf returns the product of a fact row, counting a foreign-key check.
func (v *validator) productOf(f *fileRef, row, id int64) (product, bool) {
	if !v.has("products") {
		return product{}, false
	}
	v.count(CheckFactFK, 1)
	p, ok := v.m.products.get(id)
	if !ok {
		v.rowFail(CheckFactFK, *f, row, fmt.Sprintf("product_id %d", id), "product_id %d does not exist in products", id)
	}
	return p, ok
}

// customerOf checks a nullable customer_id and, when deviceID is given, that
// the device is that customer's ble_id.
func (v *validator) customerOf(f *fileRef, row, id int64, device string, checkDevice bool) {
	if id == 0 || !v.has("customers") {
		return
	}
	v.count(CheckFactFK, 1)
	h, ok := v.m.customers.get(id)
	if !ok {
		v.rowFail(CheckFactFK, *f, row, fmt.Sprintf("customer_id %d", id), "customer_id %d does not exist in customers", id)
		return
	}
	if checkDevice && h.ble != v.hash(device) {
		v.rowFail(CheckFactFK, *f, row, fmt.Sprintf("customer_id %d", id), "device_id %q is not the ble_id of customer %d", device, id)
	}
}

// hours checks that a store-bound row happens while the store is open.
func (v *validator) hours(f *fileRef, row int64, s *store, ts int64, what string) {
	if s == nil {
		return
	}
	v.count(CheckFactHours, 1)
	if s.openAt(ts) {
		return
	}
	d := dayOf(ts)
	why := "outside opening hours"
	switch {
	case d < s.opened:
		why = "before the store opened on " + s.opened.String()
	case s.closedOn(d) && (s.open24 || s.open < s.close || dayTime(ts) >= s.close):
		why = "on a day the store is closed"
	}
	v.rowFail(CheckFactHours, *f, row, storeKey(s.id), "%s at %s, %s (store hours %s)", what, tsString(ts), why, s.hoursText())
}

func dayTime(ts int64) int { return int((ts - int64(dayOf(ts))*civil.MicrosPerDay) / 1_000_000) }

func (s *store) hoursText() string {
	if s.open24 {
		return "24/7"
	}
	f := func(sec int) string { return fmt.Sprintf("%02d:%02d", sec/3600, sec/60%60) }
	return f(s.open) + "-" + f(s.close)
}

// finishDay runs the checks that need the whole day, then rolls the return
// window forward.
func (v *validator) finishDay(d *dayState) {
	v.finishReceipts(d)
	v.finishSaleMoves(d)
	v.finishShipments(d)
	v.finishOrders(d)
	v.forgetImpressions(d)
	v.finishFunnel(d)
	v.finishStoreOpsDay(d)
	v.dayStats(d)
	w := v.f
	for len(w.windowDays) > 0 && d.day-w.windowDays[0].day >= returnWindow {
		for _, id := range w.windowDays[0].ids {
			delete(w.window, id)
		}
		w.windowDays = w.windowDays[1:]
	}
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
