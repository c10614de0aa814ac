package stream

import (
	"context"
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

func newModel(t testing.TB, overrides map[string]string, start, end civil.Date) *sim.Model {
	t.Helper()
	o := map[string]string{"scale": "tiny", "historical.start_date": start.String(), "historical.end_date": end.String(),
		"disruptions.enabled": "true", "disruptions.per_dc_per_year": "60"}
	for k, v := range overrides {
		o[k] = v
	}
	cfg, err := config.Load(config.LoadOptions{Overrides: o})
	if err != nil {
		t.Fatal(err)
	}
	d, err := dict.Load("")
	if err != nil {
		t.Fatal(err)
	}
	data, err := master.Generate(context.Background(), cfg, d, 2)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.NewModel(cfg, data, start, end)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// jsonSink records rows as the JSON Lines files hold them.
type jsonSink[T any, PT rows.Row[T]] struct{ out map[string][]string }

func (s *jsonSink[T, PT]) Write(b []T) error {
	for i := range b {
		line := PT(&b[i]).AppendJSON(nil)
		s.out[PT(&b[i]).TableName()] = append(s.out[PT(&b[i]).TableName()], string(line[:len(line)-1]))
	}
	return nil
}

func historySinks(out map[string][]string) sim.Sinks {
	return sim.Sinks{
		Receipts: &jsonSink[rows.Receipt, *rows.Receipt]{out}, ReceiptLines: &jsonSink[rows.ReceiptLine, *rows.ReceiptLine]{out},
		Payments: &jsonSink[rows.Payment, *rows.Payment]{out}, PromotionsApplied: &jsonSink[rows.PromotionApplied, *rows.PromotionApplied]{out},
		StoreInventoryTxn: &jsonSink[rows.StoreInventoryTxn, *rows.StoreInventoryTxn]{out}, Stockouts: &jsonSink[rows.Stockout, *rows.Stockout]{out},
		FootTraffic: &jsonSink[rows.FootTraffic, *rows.FootTraffic]{out}, BLEPings: &jsonSink[rows.BLEPing, *rows.BLEPing]{out},
		CustomerZoneChanges: &jsonSink[rows.CustomerZoneChange, *rows.CustomerZoneChange]{out}, StoreOps: &jsonSink[rows.StoreOp, *rows.StoreOp]{out},
		Reorders: &jsonSink[rows.Reorder, *rows.Reorder]{out}, DCInventoryTxn: &jsonSink[rows.DCInventoryTxn, *rows.DCInventoryTxn]{out},
		TruckMoves: &jsonSink[rows.TruckMove, *rows.TruckMove]{out}, TruckInventory: &jsonSink[rows.TruckInventory, *rows.TruckInventory]{out},
		MarketingImpressions: &jsonSink[rows.MarketingImpression, *rows.MarketingImpression]{out},
		OnlineOrders:         &jsonSink[rows.OnlineOrder, *rows.OnlineOrder]{out}, OnlineOrderLines: &jsonSink[rows.OnlineOrderLine, *rows.OnlineOrderLine]{out},
		SupplyChainDisruptions: &jsonSink[rows.SupplyChainDisruption, *rows.SupplyChainDisruption]{out},
	}
}

func clone(t *testing.T, states []*sim.NetworkState) []*sim.NetworkState {
	t.Helper()
	b, err := json.Marshal(states)
	if err != nil {
		t.Fatal(err)
	}
	var out []*sim.NetworkState
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHistoryEquivalence: the events of a simulated day carry exactly the
// rows the historical tables hold for that day, for every table.
func TestHistoryEquivalence(t *testing.T) {
	start, end := civil.DaysFromCivil(2025, 11, 24), civil.DaysFromCivil(2025, 11, 30)
	m := newModel(t, nil, start, end)
	var states []*sim.NetworkState
	for _, n := range m.Networks() {
		states = append(states, m.InitialState(n))
	}
	// History: the first days, then the days compared.
	hist := map[string][]string{}
	var runners []*sim.Runner
	for _, n := range m.Networks() {
		r, err := m.NewRunner(n, m.InitialState(n))
		if err != nil {
			t.Fatal(err)
		}
		runners = append(runners, r)
	}
	eng, err := NewEngine(m, clone(t, states), nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	types := map[string]int{}
	started := map[string]bool{} // disruption payloads streamed as disruption_started
	for day := start; day <= end; day++ {
		clear(hist)
		for _, r := range runners {
			if err := r.RunDay(context.Background(), day, historySinks(hist)); err != nil {
				t.Fatal(err)
			}
		}
		events, err := eng.Day(context.Background(), day)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		lastByKey := map[string]int64{}
		for _, e := range events {
			if seen[e.ID()] {
				t.Fatalf("duplicate event id %s", e.ID())
			}
			seen[e.ID()] = true
			types[e.Type()]++
			switch e.Type() {
			case "disruption_started":
				started[string(e.Payload())] = true
			case "disruption_ended":
				// Not a row of the day: the end of a disruption streamed
				// earlier, at its end_ts.
				var d struct {
					End string `json:"end_ts"`
				}
				if err := json.Unmarshal(e.Payload(), &d); err != nil || !started[string(e.Payload())] {
					t.Fatalf("disruption_ended %s: not a disruption that started (%v)", e.Payload(), err)
				}
				if ts := string(rows.AppendTimestamp(nil, e.TS, 'T')); ts != d.End {
					t.Fatalf("disruption_ended at %s, end_ts %s", ts, d.End)
				}
				continue
			}
			got[e.Table()] = append(got[e.Table()], string(e.Payload()))
			if strings.HasPrefix(e.PartitionKey(), "store_") {
				if e.TS < lastByKey[e.PartitionKey()] {
					t.Fatalf("%s: events of %s out of time order", day, e.PartitionKey())
				}
				lastByKey[e.PartitionKey()] = e.TS
			}
			if civil.Date(e.TS/civil.MicrosPerDay) != day {
				t.Fatalf("event %s of %s dated %d", e.ID(), day, e.TS)
			}
		}
		for table, want := range hist {
			g := got[table]
			slices.Sort(g)
			w := slices.Clone(want)
			slices.Sort(w)
			if !slices.Equal(g, w) {
				t.Fatalf("%s %s: %d events, %d rows, or different payloads", day, table, len(g), len(w))
			}
		}
		if len(got) != len(hist) {
			t.Fatalf("%s: events of %d tables, rows of %d", day, len(got), len(hist))
		}
	}
	for _, typ := range EventTypes() {
		if types[typ] == 0 {
			t.Errorf("no %s event in a week", typ)
		}
	}
	// The envelope is valid JSON with the fields of SPEC §8.
	events, err := eng.Day(context.Background(), end+1)
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(events[0].AppendJSON(nil, IngestTime(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))), &env); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"event_type", "schema_version", "source", "event_id", "trace_id", "correlation_id", "partition_key", "event_ts", "ingest_timestamp", "payload"} {
		if _, ok := env[k]; !ok {
			t.Errorf("envelope lacks %s: %v", k, env)
		}
	}
}

// TestTypesFilter keeps only the asked types, with the same ids.
func TestTypesFilter(t *testing.T) {
	start := civil.DaysFromCivil(2025, 3, 3)
	m := newModel(t, nil, start, start+1)
	var states []*sim.NetworkState
	for _, n := range m.Networks() {
		states = append(states, m.InitialState(n))
	}
	all, err := NewEngine(m, clone(t, states), nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	some, err := NewEngine(m, clone(t, states), []string{"receipt_created", "store_opened"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	ea, _ := all.Day(context.Background(), start)
	es, _ := some.Day(context.Background(), start)
	var want []string
	for _, e := range ea {
		if e.Type() == "receipt_created" || e.Type() == "store_opened" {
			want = append(want, e.ID())
		}
	}
	var got []string
	for _, e := range es {
		got = append(got, e.ID())
	}
	if !slices.Equal(got, want) || len(got) == 0 {
		t.Errorf("filtered stream: %d events, want %d", len(got), len(want))
	}
	if _, err := NewEngine(m, clone(t, states), []string{"receipt_printed"}, 1); err == nil {
		t.Error("unknown type accepted")
	}
}

// TestFilteredEnvelopes: every envelope, payload included, is the same in a
// stream of a few types as in the full stream, although the filtered
// stream keeps fewer rows; every payload is its event's own row: the
// envelope's trace and time are the row's (a disruption_ended event is at
// the row's end_ts); and a day's events are in the order of their keys.
func TestFilteredEnvelopes(t *testing.T) {
	start, end := civil.DaysFromCivil(2025, 11, 24), civil.DaysFromCivil(2025, 11, 30)
	m := newModel(t, nil, start, end)
	states := initial(m)
	types := []string{"receipt_line_added", "inventory_updated", "truck_arrived", "ad_impression", "online_order_shipped", "disruption_ended"}
	all, err := NewEngine(m, clone(t, states), nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	some, err := NewEngine(m, clone(t, states), types, 1)
	if err != nil {
		t.Fatal(err)
	}
	ingest := IngestTime(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	seen := map[string]int{}
	for day := start; day <= end; day++ {
		ea, err := all.Day(t.Context(), day)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for i, e := range ea {
			if i > 0 && !ea[i-1].Key().less(e.Key()) {
				t.Fatalf("%s: event %s after %s: not in the stream's order", day, e.ID(), ea[i-1].ID())
			}
			env := e.AppendJSON(nil, ingest)
			var v struct {
				Trace   string `json:"trace_id"`
				TS      string `json:"event_ts"`
				Payload struct {
					Trace string `json:"trace_id"`
					TS    string `json:"event_ts"`
					End   string `json:"end_ts"`
				} `json:"payload"`
			}
			if err := json.Unmarshal(env, &v); err != nil {
				t.Fatalf("%s: %v", env, err)
			}
			ts := v.Payload.TS
			if e.Type() == "disruption_ended" {
				ts = v.Payload.End
			}
			if v.Trace != v.Payload.Trace || v.TS != ts {
				t.Fatalf("event %s: the payload is not the event's row: %s", e.ID(), env)
			}
			if slices.Contains(types, e.Type()) {
				want[e.ID()] = string(env)
			}
		}
		es, err := some.Day(t.Context(), day)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != len(want) {
			t.Fatalf("%s: %d filtered events, want %d", day, len(es), len(want))
		}
		for _, e := range es {
			if got := string(e.AppendJSON(nil, ingest)); got != want[e.ID()] {
				t.Fatalf("%s: filtered envelope\n%s\nwant\n%s", e.ID(), got, want[e.ID()])
			}
			seen[e.Type()]++
		}
	}
	for _, typ := range types {
		if seen[typ] == 0 {
			t.Errorf("no %s event in a week", typ)
		}
	}
}

// recorded holds the rows a simulation sink received, by table, to feed
// them again to other sinks.
type recorded struct{ feed []func(to sim.Sinks) error }

type recordSink[T any] struct{ rows []T }

func (s *recordSink[T]) Write(b []T) error { s.rows = append(s.rows, b...); return nil }

func record[T any](r *recorded, pick func(sim.Sinks) sim.Sink[T]) sim.Sink[T] {
	s := &recordSink[T]{}
	r.feed = append(r.feed, func(to sim.Sinks) error { return pick(to).Write(s.rows) })
	return s
}

func recordingSinks(r *recorded) sim.Sinks {
	return sim.Sinks{
		Receipts:               record(r, func(s sim.Sinks) sim.Sink[rows.Receipt] { return s.Receipts }),
		ReceiptLines:           record(r, func(s sim.Sinks) sim.Sink[rows.ReceiptLine] { return s.ReceiptLines }),
		Payments:               record(r, func(s sim.Sinks) sim.Sink[rows.Payment] { return s.Payments }),
		PromotionsApplied:      record(r, func(s sim.Sinks) sim.Sink[rows.PromotionApplied] { return s.PromotionsApplied }),
		StoreInventoryTxn:      record(r, func(s sim.Sinks) sim.Sink[rows.StoreInventoryTxn] { return s.StoreInventoryTxn }),
		Stockouts:              record(r, func(s sim.Sinks) sim.Sink[rows.Stockout] { return s.Stockouts }),
		FootTraffic:            record(r, func(s sim.Sinks) sim.Sink[rows.FootTraffic] { return s.FootTraffic }),
		BLEPings:               record(r, func(s sim.Sinks) sim.Sink[rows.BLEPing] { return s.BLEPings }),
		CustomerZoneChanges:    record(r, func(s sim.Sinks) sim.Sink[rows.CustomerZoneChange] { return s.CustomerZoneChanges }),
		StoreOps:               record(r, func(s sim.Sinks) sim.Sink[rows.StoreOp] { return s.StoreOps }),
		Reorders:               record(r, func(s sim.Sinks) sim.Sink[rows.Reorder] { return s.Reorders }),
		DCInventoryTxn:         record(r, func(s sim.Sinks) sim.Sink[rows.DCInventoryTxn] { return s.DCInventoryTxn }),
		TruckMoves:             record(r, func(s sim.Sinks) sim.Sink[rows.TruckMove] { return s.TruckMoves }),
		TruckInventory:         record(r, func(s sim.Sinks) sim.Sink[rows.TruckInventory] { return s.TruckInventory }),
		MarketingImpressions:   record(r, func(s sim.Sinks) sim.Sink[rows.MarketingImpression] { return s.MarketingImpressions }),
		OnlineOrders:           record(r, func(s sim.Sinks) sim.Sink[rows.OnlineOrder] { return s.OnlineOrders }),
		OnlineOrderLines:       record(r, func(s sim.Sinks) sim.Sink[rows.OnlineOrderLine] { return s.OnlineOrderLines }),
		SupplyChainDisruptions: record(r, func(s sim.Sinks) sim.Sink[rows.SupplyChainDisruption] { return s.SupplyChainDisruptions }),
	}
}

// TestDayMemory: a network-day of events is held as its rows, not as JSON:
// what it takes is well under half of what the events take encoded.
func TestDayMemory(t *testing.T) {
	start := civil.DaysFromCivil(2025, 3, 3)
	m := newModel(t, nil, start, start+1)
	n := m.Networks()[0]
	r, err := m.NewRunner(n, m.InitialState(n))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorded{}
	if err := r.RunDay(t.Context(), start, recordingSinks(rec)); err != nil {
		t.Fatal(err)
	}
	live := func() int {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int(ms.HeapAlloc)
	}
	before := live()
	c := newCollector(n.DCID, nil)
	c.reset(start)
	for _, f := range rec.feed {
		if err := f(c.sinks); err != nil {
			t.Fatal(err)
		}
	}
	c.finish(new([]sortKey)) // the sort keys are a worker's, not the day's
	kept := live() - before
	encoded := 0
	for i := range c.events {
		encoded += len(c.events[i].AppendJSON(nil, IngestTime(time.Now())))
	}
	k := len(c.events)
	t.Logf("%d events: %d bytes kept (%d per event), %d encoded (%d per event)", k, kept, kept/k, encoded, encoded/k)
	if k < 1000 || kept > encoded/2 {
		t.Errorf("%d events take %d bytes, encoded %d", k, kept, encoded)
	}
	runtime.KeepAlive(rec)
}
