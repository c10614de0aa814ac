// Package stream turns the simulation into a live event stream: it runs the
// same engine day by day, converts every fact row into an event with the
// envelope of SPEC §8, orders the events in event time, paces them against
// the wall clock and hands them to a sink.
package stream

import (
	"slices"
	"strconv"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

// Event is one event of the stream. Payload is the fact row as JSON, with
// the field names of its table, exactly as the JSON Lines files hold it.
// Events hold no pointer but the payload and a marketing channel, so a day
// of them costs the garbage collector little.
type Event struct {
	TraceID [16]byte
	TS      int64  // event time, micros of simulated local time
	Payload []byte // shares the day's buffer: valid until the next day
	// The partition key: the kind's prefix + keyStr, or + keyID.
	keyStr string
	keyID  int64
	// corrID is the business id the event belongs to (receipt, order,
	// shipment...); 0 means the trace id.
	corrID int64
	// The id: day, network, table code and row position.
	dc    int64
	day   civil.Date
	n     int32
	table int8 // index in streamTables, which is also the order of kinds within an instant
	typ   int8 // index in EventTypes
	kind  int8 // keyStore, keyDC or keyMarketing
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
	y, m, d := e.day.Civil()
	b = rows.AppendPadded(b, int64(y*10000+m*100+d), 8)
	b = append(b, '-')
	b = rows.AppendPadded(b, e.dc, 5)
	b = append(b, '-')
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
	return EventKey{uint64(e.TS)<<5 | uint64(e.table), uint64(e.dc)<<32 | uint64(uint32(e.n))}
}

func (k EventKey) less(o EventKey) bool {
	return k.Order < o.Order || (k.Order == o.Order && k.Source < o.Source)
}

// PartitionKey is store_<id>, dc_<id> or marketing_<channel>.
func (e *Event) PartitionKey() string { return string(e.AppendPartitionKey(nil)) }

// AppendPartitionKey appends the partition key.
func (e *Event) AppendPartitionKey(b []byte) []byte {
	b = append(b, keyPrefixes[e.kind]...)
	if e.kind == keyMarketing {
		return append(b, e.keyStr...)
	}
	return strconv.AppendInt(b, e.keyID, 10)
}

// CorrelationID is the business id (receipt, order, shipment, ...) the
// event belongs to, or its trace id.
func (e *Event) CorrelationID() string { return string(e.appendCorrelation(nil)) }

func (e *Event) appendCorrelation(b []byte) []byte {
	if e.corrID != 0 {
		return strconv.AppendInt(b, e.corrID, 10)
	}
	return rows.AppendUUID(b, e.TraceID)
}

// IngestTime formats the time events are sent, for AppendJSON.
func IngestTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// AppendJSON appends the event's envelope as one JSON object (no newline).
// ingest is the time the event is sent, formatted by IngestTime.
func (e *Event) AppendJSON(b []byte, ingest string) []byte {
	b = append(b, `{"event_type":"`...)
	b = append(b, eventTypes[e.typ]...)
	b = append(b, `","schema_version":"1.0","source":"retail-datagen","event_id":"`...)
	b = e.AppendID(b)
	b = append(b, `","trace_id":"`...)
	b = rows.AppendUUID(b, e.TraceID)
	b = append(b, `","correlation_id":"`...)
	b = e.appendCorrelation(b)
	b = append(b, `","partition_key":"`...)
	b = e.AppendPartitionKey(b)
	b = append(b, `","event_ts":"`...)
	b = rows.AppendTimestamp(b, e.TS, 'T')
	b = append(b, `","ingest_timestamp":"`...)
	b = append(b, ingest...)
	b = append(b, `","payload":`...)
	b = append(b, e.Payload...)
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

// tableSink converts one table's rows of a network-day into events.
type tableSink[T any, PT interface {
	*T
	factRow
}] struct {
	c     *collector
	table int8 // index in streamTables
	desc  describe[T]
	n     int
	// types caches EventTypes indexes of the types seen.
	lastType string
	lastIdx  int8
}

func (s *tableSink[T, PT]) Write(batch []T) error {
	for i := range batch {
		r := &batch[i]
		pr := PT(r)
		typ, k := s.desc(r)
		if !s.c.wants(typ) {
			s.n++
			continue
		}
		lo := len(s.c.arena)
		s.c.arena = pr.AppendJSON(s.c.arena)
		s.c.arena = s.c.arena[:len(s.c.arena)-1] // the newline
		s.c.events = append(s.c.events, Event{
			TraceID: pr.Trace(), TS: pr.EventTime(), day: s.c.day, dc: s.c.dcID, n: int32(s.n), table: s.table,
			kind: k.kind, keyStr: k.str, keyID: k.id, corrID: k.corr, typ: s.typeIndex(typ),
		})
		s.c.spans = append(s.c.spans, [2]int{lo, len(s.c.arena)})
		s.n++
	}
	return nil
}

// typeIndex is typ's index in EventTypes (cached: a table has few types).
func (s *tableSink[T, PT]) typeIndex(typ string) int8 {
	if typ != s.lastType {
		s.lastType, s.lastIdx = typ, int8(slices.Index(eventTypes[:], typ))
	}
	return s.lastIdx
}

// collector gathers the events of one network-day. Payloads are written
// into one arena; spans locate them until finish sets the slices.
type collector struct {
	day    civil.Date
	dcID   int64
	types  map[string]bool // nil: every type
	events []Event
	arena  []byte
	spans  [][2]int
}

func (c *collector) wants(typ string) bool { return c.types == nil || c.types[typ] }

// disruptionsEnded adds a disruption_ended event, with the disruption's row
// as payload, for every disruption of the network that ends on the day.
// The network's state keeps a disruption through the day it ends.
func (c *collector) disruptionsEnded(ds []sim.Disruption) {
	if !c.wants("disruption_ended") {
		return
	}
	lo, hi := c.day.Micros(0), (c.day + 1).Micros(0)
	n := int32(0)
	for _, d := range ds {
		if !d.Emitted || d.End < lo || d.End >= hi {
			continue
		}
		row := rows.SupplyChainDisruption{
			TraceID: d.Trace, EventTS: d.Start, DisruptionID: d.ID, DCID: c.dcID, DisruptionType: d.Type,
			Severity: d.Severity, ImpactPct: d.Impact, StartTS: d.Start, EndTS: d.End,
		}
		start := len(c.arena)
		c.arena = row.AppendJSON(c.arena)
		c.arena = c.arena[:len(c.arena)-1]
		c.events = append(c.events, Event{
			TraceID: d.Trace, TS: d.End, day: c.day, dc: c.dcID, n: n, table: tableIndex("de"),
			kind: keyDC, keyID: c.dcID, corrID: d.ID, typ: int8(slices.Index(eventTypes[:], "disruption_ended")),
		})
		c.spans = append(c.spans, [2]int{start, len(c.arena)})
		n++
	}
}

// finish points every event at its payload in the arena.
func (c *collector) finish() {
	for i := range c.events {
		c.events[i].Payload = c.arena[c.spans[i][0]:c.spans[i][1]:c.spans[i][1]]
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

// sinks returns the simulation sinks that turn a network-day's rows into
// events.
func (c *collector) sinks() sim.Sinks {
	return sim.Sinks{
		Receipts: &tableSink[rows.Receipt, *rows.Receipt]{c: c, table: tableIndex("rc"), desc: func(r *rows.Receipt) (string, key) {
			return "receipt_created", storeKey(r.StoreID, r.ReceiptID)
		}},
		ReceiptLines: &tableSink[rows.ReceiptLine, *rows.ReceiptLine]{c: c, table: tableIndex("rl"), desc: func(r *rows.ReceiptLine) (string, key) {
			return "receipt_line_added", storeKey(storeOfReceipt(r.ReceiptID), r.ReceiptID)
		}},
		PromotionsApplied: &tableSink[rows.PromotionApplied, *rows.PromotionApplied]{c: c, table: tableIndex("pa"), desc: func(r *rows.PromotionApplied) (string, key) {
			return "promotion_applied", storeKey(storeOfReceipt(r.ReceiptID), r.ReceiptID)
		}},
		Payments: &tableSink[rows.Payment, *rows.Payment]{c: c, table: tableIndex("pm"), desc: func(r *rows.Payment) (string, key) {
			if r.OrderID != 0 {
				return "payment_processed", dcKey(c.dcID, r.OrderID)
			}
			return "payment_processed", storeKey(storeOfReceipt(r.ReceiptID), r.ReceiptID)
		}},
		StoreInventoryTxn: &tableSink[rows.StoreInventoryTxn, *rows.StoreInventoryTxn]{c: c, table: tableIndex("si"), desc: func(r *rows.StoreInventoryTxn) (string, key) {
			return "inventory_updated", storeKey(r.StoreID, r.SourceID)
		}},
		DCInventoryTxn: &tableSink[rows.DCInventoryTxn, *rows.DCInventoryTxn]{c: c, table: tableIndex("di"), desc: func(r *rows.DCInventoryTxn) (string, key) {
			return "inventory_updated", dcKey(r.DCID, r.SourceID)
		}},
		Stockouts: &tableSink[rows.Stockout, *rows.Stockout]{c: c, table: tableIndex("so"), desc: func(r *rows.Stockout) (string, key) {
			if r.StoreID != 0 {
				return "stockout_detected", storeKey(r.StoreID, 0)
			}
			return "stockout_detected", dcKey(r.DCID, 0)
		}},
		Reorders: &tableSink[rows.Reorder, *rows.Reorder]{c: c, table: tableIndex("ro"), desc: func(r *rows.Reorder) (string, key) {
			if r.StoreID != 0 {
				return "reorder_triggered", storeKey(r.StoreID, r.ReorderID)
			}
			return "reorder_triggered", dcKey(r.DCID, r.ReorderID)
		}},
		FootTraffic: &tableSink[rows.FootTraffic, *rows.FootTraffic]{c: c, table: tableIndex("ft"), desc: func(r *rows.FootTraffic) (string, key) {
			return "customer_entered", storeKey(r.StoreID, 0)
		}},
		CustomerZoneChanges: &tableSink[rows.CustomerZoneChange, *rows.CustomerZoneChange]{c: c, table: tableIndex("zc"), desc: func(r *rows.CustomerZoneChange) (string, key) {
			return "customer_zone_changed", storeKey(r.StoreID, 0)
		}},
		BLEPings: &tableSink[rows.BLEPing, *rows.BLEPing]{c: c, table: tableIndex("bp"), desc: func(r *rows.BLEPing) (string, key) {
			return "ble_ping_detected", storeKey(r.StoreID, 0)
		}},
		TruckMoves: &tableSink[rows.TruckMove, *rows.TruckMove]{c: c, table: tableIndex("tm"), desc: func(r *rows.TruckMove) (string, key) {
			typ := "truck_status_changed"
			switch r.Status {
			case "ARRIVED":
				typ = "truck_arrived"
			case "COMPLETED":
				typ = "truck_departed"
			}
			return typ, dcKey(r.DCID, r.ShipmentID)
		}},
		TruckInventory: &tableSink[rows.TruckInventory, *rows.TruckInventory]{c: c, table: tableIndex("ti"), desc: func(r *rows.TruckInventory) (string, key) {
			return "inventory_updated", dcKey(c.dcID, r.ShipmentID)
		}},
		StoreOps: &tableSink[rows.StoreOp, *rows.StoreOp]{c: c, table: tableIndex("op"), desc: func(r *rows.StoreOp) (string, key) {
			if r.Operation == "CLOSED" {
				return "store_closed", storeKey(r.StoreID, 0)
			}
			return "store_opened", storeKey(r.StoreID, 0)
		}},
		MarketingImpressions: &tableSink[rows.MarketingImpression, *rows.MarketingImpression]{c: c, table: tableIndex("ad"), desc: func(r *rows.MarketingImpression) (string, key) {
			return "ad_impression", key{kind: keyMarketing, str: r.Channel, corr: r.CampaignID}
		}},
		OnlineOrders: &tableSink[rows.OnlineOrder, *rows.OnlineOrder]{c: c, table: tableIndex("oo"), desc: func(r *rows.OnlineOrder) (string, key) {
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
		}},
		OnlineOrderLines: &tableSink[rows.OnlineOrderLine, *rows.OnlineOrderLine]{c: c, table: tableIndex("ol"), desc: func(r *rows.OnlineOrderLine) (string, key) {
			return "online_order_line_added", dcKey(c.dcID, r.OrderID)
		}},
		SupplyChainDisruptions: &tableSink[rows.SupplyChainDisruption, *rows.SupplyChainDisruption]{c: c, table: tableIndex("sd"), desc: func(r *rows.SupplyChainDisruption) (string, key) {
			return "disruption_started", dcKey(r.DCID, r.DisruptionID)
		}},
	}
}

// storeOfReceipt reads the store id out of a composed receipt id.
func storeOfReceipt(receiptID int64) int64 {
	return receiptID / 1_000_000 % 100_000
}
