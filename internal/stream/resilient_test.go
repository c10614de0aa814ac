package stream

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// flakySink is a sink with an outage and permanent rejections, for the
// retry logic (the real transports are tested against real peers).
type flakySink struct {
	mu       sync.Mutex
	down     int // fail this many Sends, then recover
	rejectID string
	got      []string
	calls    int
}

func (s *flakySink) Send(_ context.Context, b []*Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.down > 0 {
		s.down--
		return errors.New("connection refused")
	}
	for _, e := range b {
		if e.ID() == s.rejectID {
			return &PermanentError{Err: errors.New("record too large")}
		}
	}
	for _, e := range b {
		s.got = append(s.got, e.ID())
	}
	return nil
}
func (s *flakySink) Close() error { return nil }

// testEvents returns n store_opened events of one network-day (DC 0,
// 2000-01-01).
func testEvents(n int) []*Event {
	c := newCollector(0, nil)
	c.reset(civil.DaysFromCivil(2000, 1, 1))
	ops := make([]rows.StoreOp, n)
	for i := range ops {
		ops[i] = rows.StoreOp{EventTS: c.day.Micros(0), StoreID: 1, Operation: "OPENED"}
	}
	if err := c.sinks.StoreOps.Write(ops); err != nil {
		panic(err)
	}
	var out []*Event
	for i := range c.events {
		out = append(out, &c.events[i])
	}
	return out
}

// TestResilientOutage: a long outage opens the breaker, the stream waits,
// and every event arrives once the sink is back.
func TestResilientOutage(t *testing.T) {
	var slept []time.Duration
	inner := &flakySink{down: 9}
	r, err := NewResilient(inner, ResilienceOptions{
		RetryAttempts: 3, BackoffMultiplier: 2, BreakerThreshold: 5, BreakerRecovery: time.Millisecond,
		Sleep: func(_ context.Context, d time.Duration) error {
			slept = append(slept, d)
			time.Sleep(2 * time.Millisecond)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := testEvents(10)
	for i := 0; i < 10; i += 5 {
		if err := r.Send(context.Background(), evs[i:i+5]); err != nil {
			t.Fatal(err)
		}
	}
	if len(inner.got) != 10 {
		t.Fatalf("%d events delivered", len(inner.got))
	}
	if r.Stats.Retried.Load() == 0 || r.Stats.Failed.Load() != 9 || r.Stats.Sent.Load() != 10 {
		t.Errorf("retried %d failed %d sent %d", r.Stats.Retried.Load(), r.Stats.Failed.Load(), r.Stats.Sent.Load())
	}
	// Backoff grows between retries.
	if len(slept) < 3 || slept[1] <= slept[0]/2 {
		t.Errorf("delays %v", slept)
	}
}

// TestResilientDeadLetters: a batch rejected permanently lands in the
// dead-letter queue and the stream goes on.
func TestResilientDeadLetters(t *testing.T) {
	dir := t.TempDir()
	evs := testEvents(6)
	inner := &flakySink{rejectID: evs[4].ID()}
	r, err := NewResilient(inner, ResilienceOptions{RetryAttempts: 2, BreakerThreshold: 3, DLQDir: dir,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i += 3 {
		if err := r.Send(context.Background(), evs[i:i+3]); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if len(inner.got) != 3 || r.Stats.DeadLettered.Load() != 3 {
		t.Errorf("delivered %d, dead-lettered %d", len(inner.got), r.Stats.DeadLettered.Load())
	}
	dl, err := DeadLetters(dir)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range dl {
		total += n
	}
	if total != 3 {
		t.Errorf("dead-letter files %v", dl)
	}
	// Without a dead-letter queue a rejection is an error, not a drop.
	r2, _ := NewResilient(&flakySink{rejectID: evs[0].ID()}, ResilienceOptions{Sleep: func(context.Context, time.Duration) error { return nil }})
	if err := r2.Send(context.Background(), evs[:1]); err == nil {
		t.Error("a rejected batch vanished")
	}
}

// TestResilientStopsWithContext: a stream stopped during an outage returns.
func TestResilientStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, _ := NewResilient(&flakySink{down: 1 << 30}, ResilienceOptions{RetryAttempts: 1, BreakerThreshold: 2, BreakerRecovery: time.Millisecond})
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if err := r.Send(ctx, testEvents(1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Send = %v", err)
	}
}

// TestReplay sends dead letters again and empties the queue.
func TestReplay(t *testing.T) {
	dlq, out := t.TempDir(), t.TempDir()
	r, err := NewResilient(&flakySink{rejectID: "20000101-00000-op-0000000"}, ResilienceOptions{DLQDir: dlq,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	evs := testEvents(4)
	if err := r.Send(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	r.Close()
	fs, _ := NewFileSink(out, 100)
	n, err := Replay(context.Background(), dlq, fs)
	if err != nil || n != 4 {
		t.Fatalf("replayed %d: %v", n, err)
	}
	fs.Close()
	if left, _ := DeadLetters(dlq); len(left) != 0 {
		t.Errorf("dead letters left: %v", left)
	}
	if got, _ := DeadLetters(out); got["events-000000.jsonl"] != 4 {
		t.Errorf("replayed files %v", got)
	}
}
