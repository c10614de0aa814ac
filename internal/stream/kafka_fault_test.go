package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

// brokerOutage takes a kfake cluster down and brings it back.
type brokerOutage struct {
	name string
	// dup: the outage lets writes land but loses their acknowledgements,
	// so the batches sent again must show up as duplicates.
	dup   bool
	begin func(c *kfake.Cluster) (end func())
}

// TestKafkaOutage streams into an in-process cluster that goes down in
// the middle of the stream. The circuit breaker opens, no batch is sent or
// acknowledged past the failing one while the broker is down, and once it
// is back every event arrives: deduplicated by event_id, the topic holds
// exactly the events of the stream, each store's in event-time order, and
// a duplicate is only ever the same event sent again.
func TestKafkaOutage(t *testing.T) {
	start := civil.DaysFromCivil(2025, 8, 4)
	m := newModel(t, nil, start, start+2)
	const n = 6000
	want := firstEventIDs(t, m, start, n)
	outages := []brokerOutage{
		{
			// The broker closes every connection as soon as a request
			// arrives, whatever the request: nothing is answered.
			name: "connections dropped",
			begin: func(c *kfake.Cluster) func() {
				var up atomic.Bool
				c.Control(func(kmsg.Request) (kmsg.Response, error, bool) {
					if up.Load() {
						c.DropControl()
						return nil, nil, false
					}
					c.KeepControl()
					return nil, errors.New("broker down"), true
				})
				return func() { up.Store(true) }
			},
		},
		{
			// The broker answers, but refuses every write: its partitions
			// have no leader.
			name: "no leader",
			begin: func(c *kfake.Cluster) func() {
				return c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Err: kerr.NotLeaderForPartition, Count: -1}).Remove
			},
		},
		{
			// Writes land but every acknowledgement says REQUEST_TIMED_OUT.
			name: "acknowledgements lost",
			dup:  true,
			begin: func(c *kfake.Cluster) func() {
				return c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Err: kerr.RequestTimedOut, Count: -1}).Remove
			},
		},
	}
	for _, o := range outages {
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			testKafkaOutage(t, m, start, want, o)
		})
	}
}

func testKafkaOutage(t *testing.T, m *sim.Model, start civil.Date, want map[string]bool, o brokerOutage) {
	const (
		topic      = "retail-events"
		partitions = 4
		batchSize  = 200
		before     = 5 // batches acknowledged before the outage
	)
	began := time.Now()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 45*time.Second)
	defer cancel()

	cfg, err := ParseKafkaURL("kafka://"+cluster.ListenAddrs()[0]+"/"+topic, func(string) string { return "" }, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg.DeliveryTimeout = time.Second
	ks, err := NewKafkaSink(cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	probe := &orderProbe{Sink: ks}
	sink, err := NewResilient(probe, ResilienceOptions{
		RetryAttempts: 2, BackoffMultiplier: 2, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		BreakerThreshold: 2, BreakerRecovery: 300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}

	// The outage begins once a few batches are acknowledged, and lasts
	// until the breaker has been open for a while (long enough for a
	// trial send to fail too), or at most 10 s.
	const (
		down  = 1
		up    = 2
		limit = 10 * time.Second
	)
	var (
		state     atomic.Int32 // 0 before the outage, then down, then up
		begun     = make(chan struct{})
		end       func()
		acks      int
		ackedDown int // batches acknowledged while the broker was down
		sawOpen   bool
		lasted    time.Duration
	)
	outageDone := make(chan struct{})
	go func() {
		defer close(outageDone)
		select {
		case <-begun:
		case <-ctx.Done():
			return
		}
		t0 := time.Now()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var opened time.Time
		for time.Since(t0) < limit && (opened.IsZero() || time.Since(opened) < 700*time.Millisecond) {
			select {
			case <-tick.C:
			case <-ctx.Done():
				return
			}
			if opened.IsZero() && sink.Stats.BreakerOpen.Load() {
				opened = time.Now()
				sawOpen = true
			}
		}
		state.Store(up)
		end()
		lasted = time.Since(t0)
	}()
	defer func() {
		cancel()
		<-outageDone
	}()

	res, err := Run(ctx, freshEngine(t, m), sink, Position{Day: start}, Options{MaxEvents: int64(len(want)), BatchSize: batchSize, FlushTimeout: time.Second},
		Hooks{Progress: func(Position) error {
			acks++
			if state.Load() == down {
				ackedDown++
			}
			if acks == before {
				end = o.begin(cluster)
				state.Store(down)
				close(begun)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	<-outageDone
	streamed := time.Since(began)

	if res.Events != int64(len(want)) || sink.Stats.Sent.Load() != res.Events {
		t.Fatalf("%d events acknowledged, %d sent, want %d", res.Events, sink.Stats.Sent.Load(), len(want))
	}
	if !sawOpen {
		t.Error("the circuit breaker never opened during the outage")
	}
	if f, r := sink.Stats.Failed.Load(), sink.Stats.Retried.Load(); f < 2 || r == 0 {
		t.Errorf("%d failed sends, %d retries", f, r)
	}
	if ackedDown > 0 {
		t.Errorf("%d batches acknowledged while the broker was down", ackedDown)
	}
	if probe.err != nil {
		t.Error(probe.err)
	}
	if probe.failed == 0 {
		t.Error("no send failed")
	}
	t.Logf("outage of %v: %d sends, %d failed, %d retried; streamed in %v",
		lasted.Round(time.Millisecond), probe.calls, sink.Stats.Failed.Load(), sink.Stats.Retried.Load(), streamed.Round(time.Millisecond))

	got, dups := consumeDeduped(t, ctx, cluster.ListenAddrs(), topic, partitions)
	if !maps.Equal(got, want) {
		missing, extra := 0, 0
		for id := range want {
			if !got[id] {
				missing++
			}
		}
		for id := range got {
			if !want[id] {
				extra++
			}
		}
		t.Fatalf("the topic holds %d distinct events, want %d: %d missing, %d not streamed", len(got), len(want), missing, extra)
	}
	if o.dup && dups == 0 {
		t.Error("no duplicates, though acknowledgements were lost after the writes")
	}
	t.Logf("consumed %d events, %d duplicates", len(got), dups)
}

// freshEngine is an engine at the model's initial states.
func freshEngine(t *testing.T, m *sim.Model) *Engine {
	t.Helper()
	e, err := NewEngine(m, initial(m), nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// firstEventIDs returns the ids of the first n events from day start,
// straight from the engine.
func firstEventIDs(t *testing.T, m *sim.Model, start civil.Date, n int) map[string]bool {
	t.Helper()
	e := freshEngine(t, m)
	ids := map[string]bool{}
	for day := start; len(ids) < n; day++ {
		evs, err := e.Day(t.Context(), day)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs[:min(len(evs), n-len(ids))] {
			ids[ev.ID()] = true
		}
	}
	if len(ids) != n {
		t.Fatalf("%d distinct event ids", len(ids))
	}
	return ids
}

// orderProbe sits under the resilience layer and checks that no batch is
// sent while an earlier one is unacknowledged: after a failure, the next
// send is the same batch again.
type orderProbe struct {
	Sink
	pending       string // the batch that failed last, "" after a success
	calls, failed int
	err           error
}

func (p *orderProbe) Send(ctx context.Context, batch []*Event) error {
	id := batch[0].ID() + "+" + strconv.Itoa(len(batch))
	p.calls++
	if p.pending != "" && id != p.pending && p.err == nil {
		p.err = fmt.Errorf("batch %s sent while batch %s was unacknowledged", id, p.pending)
	}
	err := p.Sink.Send(ctx, batch)
	p.pending = ""
	if err != nil {
		p.pending = id
		p.failed++
	}
	return err
}

// consumeDeduped reads the topic to its end and returns the distinct
// event ids and how many records repeated an event. It fails the test if
// a store's events are out of event-time order once repeats are dropped,
// if a key spans partitions, or if a repeat differs from the first copy
// other than by its ingest time.
func consumeDeduped(t *testing.T, ctx context.Context, brokers []string, topic string, partitions int32) (map[string]bool, int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	end := endOffsets(t, ctx, cl, topic, partitions)
	next := make([]int64, partitions)
	reached := func() bool {
		for p := range next {
			if next[p] < end[p] {
				return false
			}
		}
		return true
	}
	first := map[string]string{} // event id → its record, without ingest time
	last := map[string]string{}
	partOf := map[string]int32{}
	dups := 0
	for !reached() {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("consuming: %v (offsets %v of %v)", err, next, end)
		}
		fs.EachRecord(func(r *kgo.Record) {
			next[r.Partition] = r.Offset + 1
			var e struct {
				ID  string `json:"event_id"`
				Key string `json:"partition_key"`
				TS  string `json:"event_ts"`
			}
			if err := json.Unmarshal(r.Value, &e); err != nil {
				t.Fatalf("record value: %v", err)
			}
			if string(r.Key) != e.Key {
				t.Fatalf("record key %q, partition_key %q", r.Key, e.Key)
			}
			if p, ok := partOf[e.Key]; ok && p != r.Partition {
				t.Fatalf("%s on partitions %d and %d", e.Key, p, r.Partition)
			}
			partOf[e.Key] = r.Partition
			body := withoutIngestTime(t, r.Value)
			if prev, ok := first[e.ID]; ok {
				if prev != body {
					t.Fatalf("event %s twice, differently:\n%s\n%s", e.ID, prev, body)
				}
				dups++
				return
			}
			first[e.ID] = body
			if e.TS < last[e.Key] {
				t.Fatalf("%s: %s (%s) after %s", e.Key, e.TS, e.ID, last[e.Key])
			}
			last[e.Key] = e.TS
		})
	}
	ids := make(map[string]bool, len(first))
	for id := range first {
		ids[id] = true
	}
	return ids, dups
}

// endOffsets lists the end of each partition of topic.
func endOffsets(t *testing.T, ctx context.Context, cl *kgo.Client, topic string, partitions int32) []int64 {
	t.Helper()
	req := kmsg.NewPtrListOffsetsRequest()
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	for p := range partitions {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition = p
		rp.Timestamp = -1 // the end
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	end := make([]int64, partitions)
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
				t.Fatalf("listing offsets of %s/%d: %v", topic, rp.Partition, err)
			}
			end[rp.Partition] = rp.Offset
		}
	}
	return end
}

// withoutIngestTime is an event's JSON envelope without ingest_timestamp,
// which a re-sent event renews.
func withoutIngestTime(t *testing.T, v []byte) string {
	t.Helper()
	var f map[string]json.RawMessage
	if err := json.Unmarshal(v, &f); err != nil {
		t.Fatalf("record value: %v", err)
	}
	delete(f, "ingest_timestamp")
	b, err := json.Marshal(f) // sorts the keys
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
