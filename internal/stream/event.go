// Package stream turns the simulation into a live event stream: it runs the
// same engine day by day, converts every fact row into an event with the
// envelope of SPEC §8, orders the events in event time, paces them against
// the wall clock and hands them to a sink.
package stream

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

// Event is one event of the stream: a fact row of a network-day. The
// engine keeps the row as it is and AppendJSON encodes it when the event is
// sent, so a day of events takes the rows and 32 bytes an event rather than
// a day of JSON. An event is valid until the engine simulates the next day.
type Event struct {
	TS int64 // event time, micros of simulated local time
	// src is the network-day of the event, which holds its row.
	src *collector
	// row is the row's index in src's rows of the table; n its position
	// among the table's rows of the network-day, also of the rows a
	// --types filter left out (the id).
	row   int32
	n     int32
	table int8 // index in streamTables, which is also the order of kinds within an instant
	typ   int8 // index in EventTypes
}

// Partition key kinds.
const (
	keyStore int8 = iota
	keyDC
	keyMarketing
)

var keyPrefixes = [...]string{keyStore: "store_", keyDC: "dc_", keyMarketing: "marketing_"}

// streamTables are the tables streamed, by code, in the order the events
// of one instant follow: a receipt, then its lines, promotion and payments,
// then the stock it moved; and so on. "de" is the end of a disruption,
// whose payload is the disruption row.
var streamTables = [...]struct{ code, name string }{
	{"op", "store_ops"}, {"sd", "supply_chain_disruptions"}, {"de", "supply_chain_disruptions"},
	{"tm", "truck_moves"}, {"ti", "truck_inventory"}, {"di", "dc_inventory_txn"},
	{"rc", "receipts"}, {"rl", "receipt_lines"}, {"pa", "promotions_applied"}, {"pm", "payments"},
	{"si", "store_inventory_txn"}, {"ft", "foot_traffic"}, {"bp", "ble_pings"},
	{"zc", "customer_zone_changes"}, {"so", "stockouts"}, {"ro", "reorders"},
	{"ad", "marketing_impressions"}, {"oo", "online_orders"}, {"ol", "online_order_lines"},
}

// tableIndex is code's index in streamTables.
func tableIndex(code string) int8 {
	for i, t := range streamTables {
		if t.code == code {
			return int8(i)
		}
	}
	panic("stream: unknown table code " + code)
}

// Type is the event type (one of EventTypes).
func (e *Event) Type() string { return eventTypes[e.typ] }

// Table is the fact table the payload is a row of.
func (e *Event) Table() string { return streamTables[e.table].name }

// ID is the event's deterministic, unique id: DAY-DC-code-position.
func (e *Event) ID() string { return string(e.AppendID(nil)) }

// AppendID appends the event id.
func (e *Event) AppendID(b []byte) []byte {
	b = append(b, e.src.idPrefix...)
	b = append(b, streamTables[e.table].code...)
	b = append(b, '-')
	return rows.AppendPadded(b, int64(e.n), 7)
}

// EventKey places an event in the stream's total order, which does not
// depend on the --types filter: event time, kind, DC and row position. A
// stream resumes after the key of its last acknowledged event.
type EventKey struct {
	Order  uint64 `json:"order"`  // event time << 5 | kind
	Source uint64 `json:"source"` // DC id << 32 | row position
}

// Key is the event's place in the stream's order.
func (e *Event) Key() EventKey {
	return EventKey{e.order(), uint64(e.src.dcID)<<32 | uint64(uint32(e.n))}
}

// order is Key().Order.
func (e *Event) order() uint64 { return uint64(e.TS)<<5 | uint64(e.table) }

func (k EventKey) less(o EventKey) bool {
	return k.Order < o.Order || (k.Order == o.Order && k.Source < o.Source)
}

// PartitionKey is store_<id>, dc_<id> or marketing_<channel>.
func (e *Event) PartitionKey() string { return string(e.AppendPartitionKey(nil)) }

// AppendPartitionKey appends the partition key.
func (e *Event) AppendPartitionKey(b []byte) []byte {
	_, k := e.rows().meta(e.row)
	return k.appendPartition(b)
}

func (k *key) appendPartition(b []byte) []byte {
	b = append(b, keyPrefixes[k.kind]...)
	if k.kind == keyMarketing {
		return append(b, k.str...)
	}
	return strconv.AppendInt(b, k.id, 10)
}

// CorrelationID is the business id (receipt, order, shipment, ...) the
// event belongs to, or its trace id.
func (e *Event) CorrelationID() string {
	trace, k := e.rows().meta(e.row)
	return string(k.appendCorrelation(nil, trace))
}

func (k *key) appendCorrelation(b []byte, trace [16]byte) []byte {
	if k.corr != 0 {
		return strconv.AppendInt(b, k.corr, 10)
	}
	return rows.AppendUUID(b, trace)
}

// Payload is the fact row as JSON, with the field names of its table,
// exactly as the JSON Lines files hold it.
func (e *Event) Payload() []byte { return e.rows().appendPayload(nil, e.row) }

// rows are the rows of the event's table of its network-day.
func (e *Event) rows() rowTable { return e.src.tables[e.table] }

// IngestTime formats the time events are sent, for AppendJSON.
func IngestTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// AppendJSON appends the event's envelope as one JSON object (no newline).
// ingest is the time the event is sent, formatted by IngestTime.
func (e *Event) AppendJSON(b []byte, ingest string) []byte {
	t := e.rows()
	trace, k := t.meta(e.row)
	b = append(b, `{"event_type":"`...)
	b = append(b, eventTypes[e.typ]...)
	b = append(b, `","schema_version":"1.0","source":"retail-datagen","event_id":"`...)
	b = e.AppendID(b)
	b = append(b, `","trace_id":"`...)
	b = rows.AppendUUID(b, trace)
	b = append(b, `","correlation_id":"`...)
	b = k.appendCorrelation(b, trace)
	b = append(b, `","partition_key":"`...)
	b = k.appendPartition(b)
	b = append(b, `","event_ts":"`...)
	b = rows.AppendTimestamp(b, e.TS, 'T')
	b = append(b, `","ingest_timestamp":"`...)
	b = append(b, ingest...)
	b = append(b, `","payload":`...)
	b = t.appendPayload(b, e.row)
	return append(b, '}')
}

// factRow is what every generated fact row offers.
type factRow interface {
	EventTime() int64
	Trace() [16]byte
	AppendJSON(b []byte) []byte
	TableName() string
}

// key is an event's partition key and correlation.
type key struct {
	kind int8   // keyStore, keyDC or keyMarketing
	str  string // the channel, for marketing
	id   int64
	corr int64 // 0: the trace id
}

// describe gives a row's event type, partition key and correlation id.
type describe[T any] func(r *T) (typ string, k key)

// rowTable holds the rows of one table of a network-day that became
// events, and gives what their envelopes need.
type rowTable interface {
	// meta is row i's trace id and partition key.
	meta(i int32) ([16]byte, key)
	// appendPayload appends row i as JSON (no newline).
	appendPayload(b []byte, i int32) []byte
	// reset empties the table for the next network-day.
	reset()
	// release forgets the rows past those of the day, so that the
	// garbage collector may free what they point to.
	release()
}

// tableSink turns one table's rows of a network-day into events, keeping
// the rows of the events (its rowTable).
type tableSink[T any, PT interface {
	*T
	factRow
}] struct {
	c     *collector
	table int8 // index in streamTables
	desc  describe[T]
	rows  []T
	n     int
	// types caches EventTypes indexes of the types seen.
	lastType string
	lastIdx  int8
}

// newTableSink is the sink of the table with code, registered as the
// collector's rows of that table.
func newTableSink[T any, PT interface {
	*T
	factRow
}](c *collector, code string, desc describe[T]) *tableSink[T, PT] {
	s := &tableSink[T, PT]{c: c, table: tableIndex(code), desc: desc}
	c.tables[s.table] = s
	return s
}

func (s *tableSink[T, PT]) Write(batch []T) error {
	for i := range batch {
		r := &batch[i]
		if typ, _ := s.desc(r); s.c.wants(typ) {
			s.keep(r, PT(r).EventTime(), s.typeIndex(typ))
		}
		s.n++
	}
	return nil
}

// keep adds an event at ts for the row at the current position.
func (s *tableSink[T, PT]) keep(r *T, ts int64, typ int8) {
	s.c.events = append(s.c.events, Event{TS: ts, src: s.c, row: int32(len(s.rows)), n: int32(s.n), table: s.table, typ: typ})
	s.rows = append(s.rows, *r)
}

func (s *tableSink[T, PT]) meta(i int32) ([16]byte, key) {
	r := &s.rows[i]
	_, k := s.desc(r)
	return PT(r).Trace(), k
}

func (s *tableSink[T, PT]) appendPayload(b []byte, i int32) []byte {
	b = PT(&s.rows[i]).AppendJSON(b)
	return b[:len(b)-1] // the newline
}

func (s *tableSink[T, PT]) reset() { s.rows, s.n = s.rows[:0], 0 }

func (s *tableSink[T, PT]) release() { clear(s.rows[len(s.rows):cap(s.rows)]) }

// typeIndex is typ's index in EventTypes (cached: a table has few types).
func (s *tableSink[T, PT]) typeIndex(typ string) int8 {
	if typ != s.lastType {
		s.lastType, s.lastIdx = typ, int8(slices.Index(eventTypes[:], typ))
	}
	return s.lastIdx
}

// collector gathers the events of one network-day, and their rows by
// table. It is reused from day to day.
type collector struct {
	day   civil.Date
	dcID  int64
	types map[string]bool // nil: every type
	// idPrefix is the start of the ids of the network-day's events:
	// DAY-DC-.
	idPrefix []byte
	// events are in the stream's order once finished.
	events []Event
	tables [len(streamTables)]rowTable
	sinks  sim.Sinks
	ended  *tableSink[rows.SupplyChainDisruption, *rows.SupplyChainDisruption]
}

func newCollector(dcID int64, types map[string]bool) *collector {
	c := &collector{dcID: dcID, types: types}
	c.sinks = c.newSinks()
	c.ended = newTableSink(c, "de", func(r *rows.SupplyChainDisruption) (string, key) {
		return "disruption_ended", dcKey(c.dcID, r.DisruptionID)
	})
	return c
}

func (c *collector) wants(typ string) bool { return c.types == nil || c.types[typ] }

// reset starts the network-day of day.
func (c *collector) reset(day civil.Date) {
	c.day, c.events = day, c.events[:0]
	y, m, d := day.Civil()
	c.idPrefix = rows.AppendPadded(c.idPrefix[:0], int64(y*10000+m*100+d), 8)
	c.idPrefix = append(c.idPrefix, '-')
	c.idPrefix = rows.AppendPadded(c.idPrefix, c.dcID, 5)
	c.idPrefix = append(c.idPrefix, '-')
	for _, t := range c.tables {
		t.reset()
	}
}

// sortKey places an event of a network-day in the stream's order: the
// event's Key().Order, then its row position and index in the
// collector's events. It holds no pointer, so sorting it costs the garbage
// collector nothing.
type sortKey struct {
	order  uint64
	posIdx uint64 // row position << 32 | index
}

func (k sortKey) idx() int { return int(uint32(k.posIdx)) }

// finish puts the network-day's events in the stream's order (the DC is
// the same for all: event time, kind, row position), sorting keys in
// scratch, and lets go of what the rows of a busier day pointed to.
func (c *collector) finish(scratch *[]sortKey) {
	keys := slices.Grow((*scratch)[:0], len(c.events))
	for i := range c.events {
		e := &c.events[i]
		keys = append(keys, sortKey{e.order(), uint64(uint32(e.n))<<32 | uint64(i)})
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if a.order != b.order {
			return cmp.Compare(a.order, b.order)
		}
		return cmp.Compare(a.posIdx, b.posIdx)
	})
	// Move the events into that order, one cycle of the permutation at a
	// time: position i takes event keys[i].idx(); a key whose index is its
	// own position is done.
	for i := range keys {
		if keys[i].idx() == i {
			continue
		}
		first := c.events[i]
		k := i
		for j := keys[k].idx(); j != i; j = keys[k].idx() {
			c.events[k] = c.events[j]
			keys[k].posIdx = uint64(k)
			k = j
		}
		c.events[k] = first
		keys[k].posIdx = uint64(k)
	}
	*scratch = keys
	for _, t := range c.tables {
		t.release()
	}
}

// disruptionsEnded adds a disruption_ended event, with the disruption's row
// as payload, for every disruption of the network that ends on the day.
// The network's state keeps a disruption through the day it ends.
func (c *collector) disruptionsEnded(ds []sim.Disruption) {
	if !c.wants("disruption_ended") {
		return
	}
	lo, hi := c.day.Micros(0), (c.day + 1).Micros(0)
	typ := int8(slices.Index(eventTypes[:], "disruption_ended"))
	for _, d := range ds {
		if !d.Emitted || d.End < lo || d.End >= hi {
			continue
		}
		row := rows.SupplyChainDisruption{
			TraceID: d.Trace, EventTS: d.Start, DisruptionID: d.ID, DCID: c.dcID, DisruptionType: d.Type,
			Severity: d.Severity, ImpactPct: d.Impact, StartTS: d.Start, EndTS: d.End,
		}
		c.ended.keep(&row, d.End, typ)
		c.ended.n++
	}
}

// Event ids are unique by construction: the day, the network, the table
// and the row's position in that table's rows of the network-day, which is
// the same in every run (and in the historical files).

func storeKey(id, corr int64) key { return key{kind: keyStore, id: id, corr: corr} }
func dcKey(id, corr int64) key    { return key{kind: keyDC, id: id, corr: corr} }

var eventTypes = [...]string{
	"receipt_created", "receipt_line_added", "payment_processed", "promotion_applied",
	"inventory_updated", "stockout_detected", "reorder_triggered", "customer_entered",
	"customer_zone_changed", "ble_ping_detected", "truck_status_changed", "truck_arrived",
	"truck_departed", "store_opened", "store_closed", "ad_impression", "online_order_created",
	"online_order_line_added", "online_order_picked", "online_order_shipped",
	"online_order_delivered", "disruption_started", "disruption_ended",
}

// EventTypes lists every event type, in the order of SPEC §8.
func EventTypes() []string { return slices.Clone(eventTypes[:]) }

// newSinks makes the simulation sinks that turn a network-day's rows into
// events.
func (c *collector) newSinks() sim.Sinks {
	return sim.Sinks{
		Receipts: newTableSink(c, "rc", func(r *rows.Receipt) (string, key) {
			return "receipt_created", storeKey(r.StoreID, r.ReceiptID)
		}),
		ReceiptLines: newTableSink(c, "rl", func(r *rows.ReceiptLine) (string, key) {
			return "receipt_line_added", storeKey(storeOfReceipt(r.ReceiptID), r.ReceiptID)
		}),
		PromotionsApplied: newTableSink(c, "pa", func(r *rows.PromotionApplied) (string, key) {
			return "promotion_applied", storeKey(storeOfReceipt(r.ReceiptID), r.ReceiptID)
		}),
		Payments: newTableSink(c, "pm", func(r *rows.Payment) (string, key) {
			if r.OrderID != 0 {
				return "payment_processed", dcKey(c.dcID, r.OrderID)
			}
			return "payment_processed", storeKey(storeOfReceipt(r.ReceiptID), r.ReceiptID)
		}),
		StoreInventoryTxn: newTableSink(c, "si", func(r *rows.StoreInventoryTxn) (string, key) {
			return "inventory_updated", storeKey(r.StoreID, r.SourceID)
		}),
		DCInventoryTxn: newTableSink(c, "di", func(r *rows.DCInventoryTxn) (string, key) {
			return "inventory_updated", dcKey(r.DCID, r.SourceID)
		}),
		Stockouts: newTableSink(c, "so", func(r *rows.Stockout) (string, key) {
			if r.StoreID != 0 {
				return "stockout_detected", storeKey(r.StoreID, 0)
			}
			return "stockout_detected", dcKey(r.DCID, 0)
		}),
		Reorders: newTableSink(c, "ro", func(r *rows.Reorder) (string, key) {
			if r.StoreID != 0 {
				return "reorder_triggered", storeKey(r.StoreID, r.ReorderID)
			}
			return "reorder_triggered", dcKey(r.DCID, r.ReorderID)
		}),
		FootTraffic: newTableSink(c, "ft", func(r *rows.FootTraffic) (string, key) {
			return "customer_entered", storeKey(r.StoreID, 0)
		}),
		CustomerZoneChanges: newTableSink(c, "zc", func(r *rows.CustomerZoneChange) (string, key) {
			return "customer_zone_changed", storeKey(r.StoreID, 0)
		}),
		BLEPings: newTableSink(c, "bp", func(r *rows.BLEPing) (string, key) {
			return "ble_ping_detected", storeKey(r.StoreID, 0)
		}),
		TruckMoves: newTableSink(c, "tm", func(r *rows.TruckMove) (string, key) {
			typ := "truck_status_changed"
			switch r.Status {
			case "ARRIVED":
				typ = "truck_arrived"
			case "COMPLETED":
				typ = "truck_departed"
			}
			return typ, dcKey(r.DCID, r.ShipmentID)
		}),
		TruckInventory: newTableSink(c, "ti", func(r *rows.TruckInventory) (string, key) {
			return "inventory_updated", dcKey(c.dcID, r.ShipmentID)
		}),
		StoreOps: newTableSink(c, "op", func(r *rows.StoreOp) (string, key) {
			if r.Operation == "CLOSED" {
				return "store_closed", storeKey(r.StoreID, 0)
			}
			return "store_opened", storeKey(r.StoreID, 0)
		}),
		MarketingImpressions: newTableSink(c, "ad", func(r *rows.MarketingImpression) (string, key) {
			return "ad_impression", key{kind: keyMarketing, str: r.Channel, corr: r.CampaignID}
		}),
		OnlineOrders: newTableSink(c, "oo", func(r *rows.OnlineOrder) (string, key) {
			typ := "online_order_created"
			switch r.Status {
			case "PICKED":
				typ = "online_order_picked"
			case "SHIPPED":
				typ = "online_order_shipped"
			case "DELIVERED":
				typ = "online_order_delivered"
			}
			if r.NodeType == "STORE" {
				return typ, storeKey(r.NodeID, r.OrderID)
			}
			return typ, dcKey(r.NodeID, r.OrderID)
		}),
		OnlineOrderLines: newTableSink(c, "ol", func(r *rows.OnlineOrderLine) (string, key) {
			return "online_order_line_added", dcKey(c.dcID, r.OrderID)
		}),
		SupplyChainDisruptions: newTableSink(c, "sd", func(r *rows.SupplyChainDisruption) (string, key) {
			return "disruption_started", dcKey(r.DCID, r.DisruptionID)
		}),
	}
}

// storeOfReceipt reads the store id out of a composed receipt id.
func storeOfReceipt(receiptID int64) int64 {
	return receiptID / 1_000_000 % 100_000
}
