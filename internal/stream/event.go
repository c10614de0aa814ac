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
type Event struct {
	Type    string
	Table   string
	TraceID [16]byte
	TS      int64  // event time, micros of simulated local time
	Payload []byte // shares the day's buffer: valid until the next day
	// The id: day, network, table code and row position.
	day  civil.Date
	dc   int64
	code string
	n    int32
	// The partition key: keyPrefix + keyStr, or keyPrefix + keyID.
	keyPrefix string
	keyStr    string
	keyID     int64
	// corrID is the business id the event belongs to (receipt, order,
	// shipment...); 0 means the trace id.
	corrID int64
	rank   int8 // order of kinds within an instant
	typ    int8 // index in EventTypes
}

// ID is the event's deterministic, unique id: DAY-DC-code-position.
func (e *Event) ID() string { return string(e.AppendID(nil)) }

// AppendID appends the event id.
func (e *Event) AppendID(b []byte) []byte {
	y, m, d := e.day.Civil()
	b = rows.AppendPadded(b, int64(y*10000+m*100+d), 8)
	b = append(b, '-')
	b = rows.AppendPadded(b, e.dc, 5)
	b = append(b, '-')
	b = append(b, e.code...)
	b = append(b, '-')
	return rows.AppendPadded(b, int64(e.n), 7)
}

// PartitionKey is store_<id>, dc_<id> or marketing_<channel>.
func (e *Event) PartitionKey() string { return string(e.AppendPartitionKey(nil)) }

// AppendPartitionKey appends the partition key.
func (e *Event) AppendPartitionKey(b []byte) []byte {
	b = append(b, e.keyPrefix...)
	if e.keyStr != "" {
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
	b = append(b, e.Type...)
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
	prefix string // "store_", "dc_" or "marketing_"
	str    string // the channel, for marketing
	id     int64
	corr   int64 // 0: the trace id
}

// describe gives a row's event type, partition key and correlation id.
type describe[T any] func(r *T) (typ string, k key)

// tableSink converts one table's rows of a network-day into events.
type tableSink[T any, PT interface {
	*T
	factRow
}] struct {
	c    *collector
	code string
	desc describe[T]
	n    int
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
			Type: typ, Table: pr.TableName(), TraceID: pr.Trace(), TS: pr.EventTime(),
			day: s.c.day, dc: s.c.dcID, code: s.code, n: int32(s.n),
			keyPrefix: k.prefix, keyStr: k.str, keyID: k.id, corrID: k.corr, rank: int8(tableRank(s.code)),
			typ: s.typeIndex(typ),
		})
		s.c.spans = append(s.c.spans, [2]int{lo, len(s.c.arena)})
		s.n++
	}
	return nil
}

// typeIndex is typ's index in EventTypes (cached: a table has few types).
func (s *tableSink[T, PT]) typeIndex(typ string) int8 {
	if typ != s.lastType {
		s.lastType, s.lastIdx = typ, int8(slices.Index(EventTypes(), typ))
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

// finish points every event at its payload in the arena.
func (c *collector) finish() {
	for i := range c.events {
		c.events[i].Payload = c.arena[c.spans[i][0]:c.spans[i][1]:c.spans[i][1]]
	}
}

// Event ids are unique by construction: the day, the network, the table
// and the row's position in that table's rows of the network-day, which is
// the same in every run (and in the historical files).

func storeKey(id, corr int64) key { return key{prefix: "store_", id: id, corr: corr} }
func dcKey(id, corr int64) key    { return key{prefix: "dc_", id: id, corr: corr} }

// EventTypes lists every event type, in the order of SPEC §8.
func EventTypes() []string {
	return []string{
		"receipt_created", "receipt_line_added", "payment_processed", "promotion_applied",
		"inventory_updated", "stockout_detected", "reorder_triggered", "customer_entered",
		"customer_zone_changed", "ble_ping_detected", "truck_status_changed", "truck_arrived",
		"truck_departed", "store_opened", "store_closed", "ad_impression", "online_order_created",
		"online_order_line_added", "online_order_picked", "online_order_shipped",
		"online_order_delivered", "disruption_started",
	}
}

// sinks returns the simulation sinks that turn a network-day's rows into
// events.
func (c *collector) sinks() sim.Sinks {
	return sim.Sinks{
		Receipts: &tableSink[rows.Receipt, *rows.Receipt]{c: c, code: "rc", desc: func(r *rows.Receipt) (string, key) {
			return "receipt_created", storeKey(r.StoreID, r.ReceiptID)
		}},
		ReceiptLines: &tableSink[rows.ReceiptLine, *rows.ReceiptLine]{c: c, code: "rl", desc: func(r *rows.ReceiptLine) (string, key) {
			return "receipt_line_added", storeKey(storeOfReceipt(r.ReceiptID), r.ReceiptID)
		}},
		PromotionsApplied: &tableSink[rows.PromotionApplied, *rows.PromotionApplied]{c: c, code: "pa", desc: func(r *rows.PromotionApplied) (string, key) {
			return "promotion_applied", storeKey(storeOfReceipt(r.ReceiptID), r.ReceiptID)
		}},
		Payments: &tableSink[rows.Payment, *rows.Payment]{c: c, code: "pm", desc: func(r *rows.Payment) (string, key) {
			if r.OrderID != 0 {
				return "payment_processed", dcKey(c.dcID, r.OrderID)
			}
			return "payment_processed", storeKey(storeOfReceipt(r.ReceiptID), r.ReceiptID)
		}},
		StoreInventoryTxn: &tableSink[rows.StoreInventoryTxn, *rows.StoreInventoryTxn]{c: c, code: "si", desc: func(r *rows.StoreInventoryTxn) (string, key) {
			return "inventory_updated", storeKey(r.StoreID, r.SourceID)
		}},
		DCInventoryTxn: &tableSink[rows.DCInventoryTxn, *rows.DCInventoryTxn]{c: c, code: "di", desc: func(r *rows.DCInventoryTxn) (string, key) {
			return "inventory_updated", dcKey(r.DCID, r.SourceID)
		}},
		Stockouts: &tableSink[rows.Stockout, *rows.Stockout]{c: c, code: "so", desc: func(r *rows.Stockout) (string, key) {
			if r.StoreID != 0 {
				return "stockout_detected", storeKey(r.StoreID, 0)
			}
			return "stockout_detected", dcKey(r.DCID, 0)
		}},
		Reorders: &tableSink[rows.Reorder, *rows.Reorder]{c: c, code: "ro", desc: func(r *rows.Reorder) (string, key) {
			if r.StoreID != 0 {
				return "reorder_triggered", storeKey(r.StoreID, r.ReorderID)
			}
			return "reorder_triggered", dcKey(r.DCID, r.ReorderID)
		}},
		FootTraffic: &tableSink[rows.FootTraffic, *rows.FootTraffic]{c: c, code: "ft", desc: func(r *rows.FootTraffic) (string, key) {
			return "customer_entered", storeKey(r.StoreID, 0)
		}},
		CustomerZoneChanges: &tableSink[rows.CustomerZoneChange, *rows.CustomerZoneChange]{c: c, code: "zc", desc: func(r *rows.CustomerZoneChange) (string, key) {
			return "customer_zone_changed", storeKey(r.StoreID, 0)
		}},
		BLEPings: &tableSink[rows.BLEPing, *rows.BLEPing]{c: c, code: "bp", desc: func(r *rows.BLEPing) (string, key) {
			return "ble_ping_detected", storeKey(r.StoreID, 0)
		}},
		TruckMoves: &tableSink[rows.TruckMove, *rows.TruckMove]{c: c, code: "tm", desc: func(r *rows.TruckMove) (string, key) {
			typ := "truck_status_changed"
			switch r.Status {
			case "ARRIVED":
				typ = "truck_arrived"
			case "COMPLETED":
				typ = "truck_departed"
			}
			return typ, dcKey(r.DCID, r.ShipmentID)
		}},
		TruckInventory: &tableSink[rows.TruckInventory, *rows.TruckInventory]{c: c, code: "ti", desc: func(r *rows.TruckInventory) (string, key) {
			return "inventory_updated", dcKey(c.dcID, r.ShipmentID)
		}},
		StoreOps: &tableSink[rows.StoreOp, *rows.StoreOp]{c: c, code: "op", desc: func(r *rows.StoreOp) (string, key) {
			if r.Operation == "CLOSED" {
				return "store_closed", storeKey(r.StoreID, 0)
			}
			return "store_opened", storeKey(r.StoreID, 0)
		}},
		MarketingImpressions: &tableSink[rows.MarketingImpression, *rows.MarketingImpression]{c: c, code: "ad", desc: func(r *rows.MarketingImpression) (string, key) {
			return "ad_impression", key{prefix: "marketing_", str: r.Channel, corr: r.CampaignID}
		}},
		OnlineOrders: &tableSink[rows.OnlineOrder, *rows.OnlineOrder]{c: c, code: "oo", desc: func(r *rows.OnlineOrder) (string, key) {
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
		OnlineOrderLines: &tableSink[rows.OnlineOrderLine, *rows.OnlineOrderLine]{c: c, code: "ol", desc: func(r *rows.OnlineOrderLine) (string, key) {
			return "online_order_line_added", dcKey(c.dcID, r.OrderID)
		}},
		SupplyChainDisruptions: &tableSink[rows.SupplyChainDisruption, *rows.SupplyChainDisruption]{c: c, code: "sd", desc: func(r *rows.SupplyChainDisruption) (string, key) {
			return "disruption_started", dcKey(r.DCID, r.DisruptionID)
		}},
	}
}

// storeOfReceipt reads the store id out of a composed receipt id.
func storeOfReceipt(receiptID int64) int64 {
	return receiptID / 1_000_000 % 100_000
}
