package stream

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

func initial(m *sim.Model) []*sim.NetworkState {
	var out []*sim.NetworkState
	for _, n := range m.Networks() {
		out = append(out, m.InitialState(n))
	}
	return out
}

// memSink keeps the ids of the events it received.
type memSink struct{ ids []string }

func (s *memSink) Send(_ context.Context, b []*Event) error {
	for _, e := range b {
		s.ids = append(s.ids, e.ID())
	}
	return nil
}
func (s *memSink) Close() error { return nil }

// TestRateLimiter: events leave at the configured rate (virtual time).
func TestRateLimiter(t *testing.T) {
	start := civil.DaysFromCivil(2025, 3, 3)
	m := newModel(t, nil, start, start+3)
	synctest.Test(t, func(t *testing.T) {
		eng, err := NewEngine(m, initial(m), nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		sink := &memSink{}
		began := time.Now()
		// The wall clock is far ahead: the stream is catching up, limited
		// only by the rate.
		future := func() time.Time { return time.Now().AddDate(50, 0, 0) }
		res, err := Run(t.Context(), eng, sink, Position{Day: start}, Options{Rate: 500, Burst: 1, MaxEvents: 5000, BatchSize: 100, Now: future}, Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		elapsed := time.Since(began)
		if res.Events != 5000 || len(sink.ids) != 5000 {
			t.Fatalf("%d events sent", res.Events)
		}
		// 5000 events at 500/s: 10 s (the first is immediate).
		if elapsed < 9900*time.Millisecond || elapsed > 10100*time.Millisecond {
			t.Errorf("5000 events at 500/s took %v", elapsed)
		}
	})
}

// TestPacingFollowsTheWallClock: once the simulated clock is ahead of the
// wall clock, events wait for their time, at --speed.
func TestPacingFollowsTheWallClock(t *testing.T) {
	start := civil.DaysFromCivil(2025, 3, 3)
	m := newModel(t, nil, start, start+3)
	synctest.Test(t, func(t *testing.T) {
		eng, err := NewEngine(m, initial(m), []string{"store_opened", "store_closed"}, 1)
		if err != nil {
			t.Fatal(err)
		}
		// The bubble's clock starts in 2000: the stream is ahead, so it
		// waits for each event; at speed 3600 a simulated hour is a second.
		var got []time.Time
		sink := sinkFunc(func(b []*Event) { got = append(got, time.Now()) })
		_, err = Run(t.Context(), eng, sink, Position{Day: start}, Options{Speed: 3600, MaxEvents: 8, BatchSize: 1}, Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 8 {
			t.Fatalf("%d batches", len(got))
		}
		// Stores open in the morning and close in the evening: the first
		// close comes several simulated hours, hence seconds, after the
		// first opening.
		if d := got[len(got)-1].Sub(got[0]); d < 3*time.Second || d > 24*time.Second {
			t.Errorf("a day of openings and closings took %v at speed 3600", d)
		}
	})
}

type sinkFunc func([]*Event)

func (f sinkFunc) Send(_ context.Context, b []*Event) error { f(b); return nil }
func (f sinkFunc) Close() error                             { return nil }

// TestResumeHasNoGap: a stream stopped mid-day and resumed from its
// position delivers exactly the events of an uninterrupted stream.
func TestResumeHasNoGap(t *testing.T) {
	start := civil.DaysFromCivil(2025, 5, 5)
	m := newModel(t, nil, start, start+3)
	ctx := context.Background()
	whole := &memSink{}
	eng, _ := NewEngine(m, initial(m), nil, 2)
	if _, err := Run(ctx, eng, whole, Position{Day: start}, Options{MaxEvents: 30000}, Hooks{}); err != nil {
		t.Fatal(err)
	}
	// First run: stop after 12,345 events, keeping the last finished day's
	// states as the checkpoint.
	parts := &memSink{}
	states := clone(t, initial(m))
	checkpoint := start
	eng1, _ := NewEngine(m, clone(t, states), nil, 2)
	res, err := Run(ctx, eng1, parts, Position{Day: start}, Options{MaxEvents: 12345}, Hooks{DayDone: func(day civil.Date) error {
		states, checkpoint = clone(t, eng1.States()), day+1
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped.Day != checkpoint {
		t.Fatalf("stopped on %s, checkpoint at %s", res.Stopped.Day, checkpoint)
	}
	eng2, _ := NewEngine(m, states, nil, 2)
	if _, err := Run(ctx, eng2, parts, res.Stopped, Options{MaxEvents: 30000 - 12345}, Hooks{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(parts.ids, whole.ids) {
		t.Errorf("resumed stream: %d events, whole %d, or in another order", len(parts.ids), len(whole.ids))
	}
}

// TestResumeWithOtherTypes: the position does not depend on --types; a
// stream stopped mid-day and resumed with a filter continues right after
// the last acknowledged event.
func TestResumeWithOtherTypes(t *testing.T) {
	start := civil.DaysFromCivil(2025, 5, 5)
	m := newModel(t, nil, start, start+3)
	ctx := context.Background()
	whole := &memSink{}
	eng, _ := NewEngine(m, initial(m), nil, 2)
	if _, err := Run(ctx, eng, whole, Position{Day: start}, Options{MaxEvents: 60000}, Hooks{}); err != nil {
		t.Fatal(err)
	}
	first := &memSink{}
	states, checkpoint := clone(t, initial(m)), start
	eng1, _ := NewEngine(m, clone(t, states), nil, 2)
	res, err := Run(ctx, eng1, first, Position{Day: start}, Options{MaxEvents: 32345}, Hooks{DayDone: func(day civil.Date) error {
		states, checkpoint = clone(t, eng1.States()), day+1
		return nil
	}})
	if err != nil || res.Stopped.Day != checkpoint || res.Stopped.Sent == 0 {
		t.Fatalf("stopped at %+v, checkpoint %s (%v)", res.Stopped, checkpoint, err)
	}
	receipts := &memSink{}
	eng2, _ := NewEngine(m, states, []string{"receipt_created"}, 2)
	if _, err := Run(ctx, eng2, receipts, res.Stopped, Options{MaxEvents: 300}, Hooks{}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, id := range whole.ids[32345:] {
		if strings.Contains(id, "-rc-") && len(want) < 300 {
			want = append(want, id)
		}
	}
	if len(want) < 300 || !slices.Equal(receipts.ids, want) {
		t.Errorf("resumed with --types receipt_created: %d events, want the next %d receipts", len(receipts.ids), len(want))
	}
}

// TestFileSink rotates files, never shows a partial one, and recovers the
// file a killed stream left behind.
func TestFileSink(t *testing.T) {
	dir := t.TempDir()
	s, err := NewFileSink(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	ev := testEvents
	if err := s.Send(context.Background(), ev(25)); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "events-*.jsonl"))
	if len(files) != 2 {
		t.Fatalf("%d complete files after 25 events of 10 per file", len(files))
	}
	// A killed stream: the open file stays under its temporary name, with
	// a partial last line.
	tmp, _ := filepath.Glob(filepath.Join(dir, ".events-*.tmp"))
	if len(tmp) != 1 {
		t.Fatalf("%d open files", len(tmp))
	}
	f, _ := os.OpenFile(tmp[0], os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"event_type":"half`)
	f.Close()
	s2, err := NewFileSink(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Send(context.Background(), ev(3)); err != nil {
		t.Fatal(err)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ = filepath.Glob(filepath.Join(dir, "events-*.jsonl"))
	total := 0
	for _, p := range files {
		b, _ := os.ReadFile(p)
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			var v map[string]any
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			total++
		}
	}
	if total != 28 || len(files) != 4 {
		t.Errorf("%d events in %d files, want 28 in 4", total, len(files))
	}
}

// TestGatePauses: a paused stream delivers its pending batch and nothing
// more until resumed, then continues without a gap.
func TestGatePauses(t *testing.T) {
	start := civil.DaysFromCivil(2025, 3, 3)
	m := newModel(t, nil, start, start+3)
	synctest.Test(t, func(t *testing.T) {
		eng, err := NewEngine(m, initial(m), nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		gate := NewGate()
		var got []string
		var whilePaused atomic.Int32
		sink := sinkFunc(func(b []*Event) {
			for _, e := range b {
				got = append(got, e.ID())
			}
			if gate.Paused() {
				whilePaused.Add(1)
			}
		})
		future := func() time.Time { return time.Now().AddDate(50, 0, 0) }
		go func() {
			time.Sleep(2 * time.Second)
			gate.Pause()
			time.Sleep(10 * time.Second)
			if n := whilePaused.Load(); n > 1 {
				t.Errorf("%d batches delivered while paused", n)
			}
			gate.Resume()
		}()
		began := time.Now()
		res, err := Run(t.Context(), eng, sink, Position{Day: start}, Options{Rate: 1000, Burst: 1, MaxEvents: 5000, BatchSize: 100, Now: future, Gate: gate}, Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		// 5,000 events at 1,000/s plus a 10 s pause.
		if el := time.Since(began); el < 14*time.Second || el > 15100*time.Millisecond {
			t.Errorf("took %v", el)
		}
		if res.Events != 5000 || len(got) != 5000 || len(slices.Compact(slices.Clone(got))) != 5000 {
			t.Errorf("%d events, %d delivered", res.Events, len(got))
		}
	})
}
