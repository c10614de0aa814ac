package stream

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// TestLiveCounters: the live counters and the Prometheus metrics agree
// with what the stream reports, type by type.
func TestLiveCounters(t *testing.T) {
	start := civil.DaysFromCivil(2025, 5, 5)
	m := newModel(t, nil, start, start+3)
	eng, err := NewEngine(m, initial(m), nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	sink, err := NewResilient(&flakySink{down: 2}, ResilienceOptions{
		BreakerThreshold: 5, RetryAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	live := NewLive(&sink.Stats)
	wall := time.Date(2025, 5, 5, 12, 0, 0, 0, time.Local)
	live.now = func() time.Time { return wall }
	res, err := Run(context.Background(), eng, sink, Position{Day: start}, Options{MaxEvents: 12345, BatchSize: 100, Live: live}, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	s := live.Snapshot()
	if s.Events != res.Events || s.Events != 12345 {
		t.Fatalf("live %d events, run %d", s.Events, res.Events)
	}
	for typ, n := range res.ByType {
		if s.ByType[typ] != n {
			t.Errorf("%s: live %d, run %d", typ, s.ByType[typ], n)
		}
	}
	if s.Failed != 2 || s.Retried != 2 || s.DeadLettered != 0 || s.BreakerOpen {
		t.Errorf("failed %d, retried %d, dead-lettered %d, breaker open %v", s.Failed, s.Retried, s.DeadLettered, s.BreakerOpen)
	}
	if s.SimulatedTime.Before(simTime(start.Micros(0))) || s.Lag != wall.Sub(s.SimulatedTime) {
		t.Errorf("simulated time %v, lag %v", s.SimulatedTime, s.Lag)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(live.Collector())
	if n, err := testutil.GatherAndCount(reg, "retail_datagen_stream_events_total"); err != nil || n != len(eventTypes) {
		t.Fatalf("%d event counters (%v)", n, err)
	}
	want := `
# HELP retail_datagen_stream_breaker_open 1 while the circuit breaker is open (the sink is down and the stream paused).
# TYPE retail_datagen_stream_breaker_open gauge
retail_datagen_stream_breaker_open 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "retail_datagen_stream_breaker_open"); err != nil {
		t.Error(err)
	}
	var total float64
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "retail_datagen_stream_events_total" {
			for _, mt := range mf.GetMetric() {
				total += mt.GetCounter().GetValue()
			}
		}
	}
	if total != float64(res.Events) {
		t.Errorf("metrics count %v events, the run %d", total, res.Events)
	}
}
