// Package stream turns the simulation into a live event stream: it runs the
// same engine day by day, converts every fact row into an event with the
// envelope of SPEC §8, orders the events in event time, paces them against
// the wall clock and hands them to a sink.
package stream

import (
	"fmt"
	"strconv"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

// Event is one event of the stream. Payload is the fact row as JSON, with
// the field names of its table, exactly as the JSON Lines files hold it.
type Event struct {
	Type          string
	Table         string
	ID            string // deterministic and unique
	TraceID       [16]byte
	CorrelationID string
	PartitionKey  string
	TS            int64 // event time, micros of simulated local time
	Payload       []byte
	rank          int // order of kinds within an instant
}

// AppendJSON appends the event's envelope as one JSON object (no newline).
// ingest is the UTC time the event is sent.
func (e *Event) AppendJSON(b []byte, ingest time.Time) []byte {
	b = append(b, `{"event_type":"`...)
	b = append(b, e.Type...)
	b = append(b, `","schema_version":"1.0","source":"retail-datagen","event_id":"`...)
	b = append(b, e.ID...)
	b = append(b, `","trace_id":"`...)
	b = rows.AppendUUID(b, e.TraceID)
	b = append(b, `","correlation_id":"`...)
	b = append(b, e.CorrelationID...)
	b = append(b, `","partition_key":"`...)
	b = append(b, e.PartitionKey...)
	b = append(b, `","event_ts":"`...)
	b = rows.AppendTimestamp(b, e.TS, 'T')
	b = append(b, `","ingest_timestamp":"`...)
	b = ingest.UTC().AppendFormat(b, time.RFC3339Nano)
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

// describe gives a row's event type, partition key and correlation id.
type describe[T any] func(r *T) (typ, key, corr string)

// tableSink converts one table's rows of a network-day into events.
type tableSink[T any, PT interface {
	*T
	factRow
}] struct {
	c    *collector
	code string
	desc describe[T]
	n    int
}

func (s *tableSink[T, PT]) Write(batch []T) error {
	for i := range batch {
		r := &batch[i]
		pr := PT(r)
		typ, key, corr := s.desc(r)
		if !s.c.wants(typ) {
			s.n++
			continue
		}
		payload := pr.AppendJSON(nil)
		payload = payload[:len(payload)-1] // the newline
		s.c.events = append(s.c.events, Event{
			Type: typ, Table: pr.TableName(), ID: s.c.eventID(s.code, s.n), TraceID: pr.Trace(),
			CorrelationID: corr, PartitionKey: key, TS: pr.EventTime(), Payload: payload, rank: tableRank(s.code),
		})
		s.n++
	}
	return nil
}

// collector gathers the events of one network-day.
type collector struct {
	day    civil.Date
	dcID   int64
	types  map[string]bool // nil: every type
	events []Event
}

func (c *collector) wants(typ string) bool { return c.types == nil || c.types[typ] }

// eventID is unique by construction: the day, the network, the table and
// the row's position in that table's rows of the network-day, which is
// the same in every run (and in the historical files).
func (c *collector) eventID(code string, n int) string {
	return fmt.Sprintf("%s-%05d-%s-%07d", dayNumber(c.day), c.dcID, code, n)
}

func dayNumber(d civil.Date) string {
	y, m, dd := d.Civil()
	return fmt.Sprintf("%04d%02d%02d", y, m, dd)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func storeKey(id int64) string { return "store_" + strconv.FormatInt(id, 10) }
func dcKey(id int64) string    { return "dc_" + strconv.FormatInt(id, 10) }

func traceString(t [16]byte) string { return string(rows.AppendUUID(nil, t)) }

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
// events, in the order the rows of one instant should come out: a receipt
// before its lines, its lines before the payment, and so on.
func (c *collector) sinks() sim.Sinks {
	return sim.Sinks{
		Receipts: &tableSink[rows.Receipt, *rows.Receipt]{c: c, code: "rc", desc: func(r *rows.Receipt) (string, string, string) {
			return "receipt_created", storeKey(r.StoreID), id(r.ReceiptID)
		}},
		ReceiptLines: &tableSink[rows.ReceiptLine, *rows.ReceiptLine]{c: c, code: "rl", desc: func(r *rows.ReceiptLine) (string, string, string) {
			return "receipt_line_added", storeKey(storeOfReceipt(r.ReceiptID)), id(r.ReceiptID)
		}},
		PromotionsApplied: &tableSink[rows.PromotionApplied, *rows.PromotionApplied]{c: c, code: "pa", desc: func(r *rows.PromotionApplied) (string, string, string) {
			return "promotion_applied", storeKey(storeOfReceipt(r.ReceiptID)), id(r.ReceiptID)
		}},
		Payments: &tableSink[rows.Payment, *rows.Payment]{c: c, code: "pm", desc: func(r *rows.Payment) (string, string, string) {
			if r.OrderID != 0 {
				return "payment_processed", dcKey(c.dcID), id(r.OrderID)
			}
			return "payment_processed", storeKey(storeOfReceipt(r.ReceiptID)), id(r.ReceiptID)
		}},
		StoreInventoryTxn: &tableSink[rows.StoreInventoryTxn, *rows.StoreInventoryTxn]{c: c, code: "si", desc: func(r *rows.StoreInventoryTxn) (string, string, string) {
			corr := traceString(r.TraceID)
			if r.SourceID != 0 {
				corr = id(r.SourceID)
			}
			return "inventory_updated", storeKey(r.StoreID), corr
		}},
		DCInventoryTxn: &tableSink[rows.DCInventoryTxn, *rows.DCInventoryTxn]{c: c, code: "di", desc: func(r *rows.DCInventoryTxn) (string, string, string) {
			corr := traceString(r.TraceID)
			if r.SourceID != 0 {
				corr = id(r.SourceID)
			}
			return "inventory_updated", dcKey(r.DCID), corr
		}},
		Stockouts: &tableSink[rows.Stockout, *rows.Stockout]{c: c, code: "so", desc: func(r *rows.Stockout) (string, string, string) {
			if r.StoreID != 0 {
				return "stockout_detected", storeKey(r.StoreID), traceString(r.TraceID)
			}
			return "stockout_detected", dcKey(r.DCID), traceString(r.TraceID)
		}},
		Reorders: &tableSink[rows.Reorder, *rows.Reorder]{c: c, code: "ro", desc: func(r *rows.Reorder) (string, string, string) {
			if r.StoreID != 0 {
				return "reorder_triggered", storeKey(r.StoreID), id(r.ReorderID)
			}
			return "reorder_triggered", dcKey(r.DCID), id(r.ReorderID)
		}},
		FootTraffic: &tableSink[rows.FootTraffic, *rows.FootTraffic]{c: c, code: "ft", desc: func(r *rows.FootTraffic) (string, string, string) {
			return "customer_entered", storeKey(r.StoreID), traceString(r.TraceID)
		}},
		CustomerZoneChanges: &tableSink[rows.CustomerZoneChange, *rows.CustomerZoneChange]{c: c, code: "zc", desc: func(r *rows.CustomerZoneChange) (string, string, string) {
			return "customer_zone_changed", storeKey(r.StoreID), traceString(r.TraceID)
		}},
		BLEPings: &tableSink[rows.BLEPing, *rows.BLEPing]{c: c, code: "bp", desc: func(r *rows.BLEPing) (string, string, string) {
			return "ble_ping_detected", storeKey(r.StoreID), traceString(r.TraceID)
		}},
		TruckMoves: &tableSink[rows.TruckMove, *rows.TruckMove]{c: c, code: "tm", desc: func(r *rows.TruckMove) (string, string, string) {
			typ := "truck_status_changed"
			switch r.Status {
			case "ARRIVED":
				typ = "truck_arrived"
			case "COMPLETED":
				typ = "truck_departed"
			}
			return typ, dcKey(r.DCID), id(r.ShipmentID)
		}},
		TruckInventory: &tableSink[rows.TruckInventory, *rows.TruckInventory]{c: c, code: "ti", desc: func(r *rows.TruckInventory) (string, string, string) {
			return "inventory_updated", dcKey(c.dcID), id(r.ShipmentID)
		}},
		StoreOps: &tableSink[rows.StoreOp, *rows.StoreOp]{c: c, code: "op", desc: func(r *rows.StoreOp) (string, string, string) {
			typ := "store_opened"
			if r.Operation == "CLOSED" {
				typ = "store_closed"
			}
			return typ, storeKey(r.StoreID), traceString(r.TraceID)
		}},
		MarketingImpressions: &tableSink[rows.MarketingImpression, *rows.MarketingImpression]{c: c, code: "ad", desc: func(r *rows.MarketingImpression) (string, string, string) {
			return "ad_impression", "marketing_" + r.Channel, id(r.CampaignID)
		}},
		OnlineOrders: &tableSink[rows.OnlineOrder, *rows.OnlineOrder]{c: c, code: "oo", desc: func(r *rows.OnlineOrder) (string, string, string) {
			typ := "online_order_created"
			switch r.Status {
			case "PICKED":
				typ = "online_order_picked"
			case "SHIPPED":
				typ = "online_order_shipped"
			case "DELIVERED":
				typ = "online_order_delivered"
			}
			key := dcKey(r.NodeID)
			if r.NodeType == "STORE" {
				key = storeKey(r.NodeID)
			}
			return typ, key, id(r.OrderID)
		}},
		OnlineOrderLines: &tableSink[rows.OnlineOrderLine, *rows.OnlineOrderLine]{c: c, code: "ol", desc: func(r *rows.OnlineOrderLine) (string, string, string) {
			return "online_order_line_added", dcKey(c.dcID), id(r.OrderID)
		}},
		SupplyChainDisruptions: &tableSink[rows.SupplyChainDisruption, *rows.SupplyChainDisruption]{c: c, code: "sd", desc: func(r *rows.SupplyChainDisruption) (string, string, string) {
			return "disruption_started", dcKey(r.DCID), id(r.DisruptionID)
		}},
	}
}

// storeOfReceipt reads the store id out of a composed receipt id.
func storeOfReceipt(receiptID int64) int64 {
	return receiptID / 1_000_000 % 100_000
}
