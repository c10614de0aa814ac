package stream

import (
	"cmp"
	"context"
	"errors"
	"math"
	"time"

	"golang.org/x/time/rate"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// Options tune a stream.
type Options struct {
	// Rate limits events per second (0: no limit); Burst is the limiter's
	// bucket (at least 1).
	Rate  float64
	Burst int
	// Speed is how many simulated seconds pass per wall-clock second once
	// the stream has caught up with the wall clock (default 1).
	Speed float64
	// MaxEvents and Duration stop the stream (0: no bound).
	MaxEvents int64
	Duration  time.Duration
	// BatchSize and BatchTimeout shape the batches handed to the sink.
	BatchSize    int
	BatchTimeout time.Duration
	// Live, when set, counts the acknowledged events as they go.
	Live *Live
	// FlushTimeout bounds the last flush once the stream is cancelled
	// (SIGINT/SIGTERM): the pending batch is still delivered (default 30 s).
	FlushTimeout time.Duration
	// Now and Sleep are the wall clock (tests replace them).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Position is how far a stream got: the first Sent events of Day were
// acknowledged by the sink.
type Position struct {
	Day  civil.Date
	Sent int
}

// Hooks let the caller persist progress: DayDone after every event of a
// day was acknowledged (with the networks' states at the next day), and
// Progress after every acknowledged batch.
type Hooks struct {
	DayDone  func(day civil.Date) error
	Progress func(p Position) error
}

// Result summarises a stream.
type Result struct {
	Events  int64
	ByType  map[string]int64
	Stopped Position
}

// ErrStop is returned by a hook to end the stream normally.
var ErrStop = errors.New("stream stopped")

// Run streams from day from, skipping the first skip events of it (already
// acknowledged by an earlier run), until ctx ends or a bound is reached.
func Run(ctx context.Context, eng *Engine, sink Sink, from civil.Date, skip int, o Options, h Hooks) (*Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Speed <= 0 {
		o.Speed = 1
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 256
	}
	if o.BatchTimeout <= 0 {
		o.BatchTimeout = time.Second
	}
	lim := rate.NewLimiter(rate.Inf, 1)
	if o.Rate > 0 {
		lim = rate.NewLimiter(rate.Limit(o.Rate), max(1, o.Burst))
	}
	began := o.Now()
	res := &Result{ByType: map[string]int64{}}
	var counts [64]int64
	defer func() {
		for i, t := range eventTypes {
			if counts[i] > 0 {
				res.ByType[t] = counts[i]
			}
		}
	}()
	var (
		caught             bool
		simAnchor, wallAnc time.Time
		batch              []*Event
		batchStart         time.Time
		pos                = Position{Day: from, Sent: skip}
	)
	flushCtx := ctx
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := sink.Send(flushCtx, batch); err != nil {
			return err
		}
		pos.Sent += len(batch)
		res.Events += int64(len(batch))
		for _, e := range batch {
			counts[e.typ]++
		}
		if o.Live != nil {
			o.Live.acked(batch)
		}
		batch = batch[:0]
		if h.Progress != nil {
			return h.Progress(pos)
		}
		return nil
	}
	stop := func(err error) (*Result, error) {
		// Deliver what is pending even when the stream was cancelled, so
		// the recorded position covers every event taken from the day.
		var cancel context.CancelFunc
		flushCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), cmp.Or(o.FlushTimeout, 30*time.Second))
		defer cancel()
		ferr := flush()
		res.Stopped = pos
		if errors.Is(err, ErrStop) || errors.Is(err, context.Canceled) {
			return res, ferr
		}
		return res, errors.Join(err, ferr)
	}
	for day := from; ; day++ {
		events, err := eng.Day(ctx, day)
		if err != nil {
			return stop(err)
		}
		pos = Position{Day: day, Sent: 0}
		if day == from {
			pos.Sent = min(skip, len(events))
			events = events[pos.Sent:]
		}
		for _, e := range events {
			if o.MaxEvents > 0 && res.Events+int64(len(batch)) >= o.MaxEvents {
				return stop(ErrStop)
			}
			now := o.Now()
			if o.Duration > 0 && now.Sub(began) >= o.Duration {
				return stop(ErrStop)
			}
			// Follow the wall clock once caught up: simulated time runs at
			// Speed × wall time from the moment the stream caught up.
			at := simTime(e.TS)
			if !caught && !at.Before(now) {
				caught, simAnchor, wallAnc = true, at, now
			}
			if caught {
				due := wallAnc.Add(time.Duration(float64(at.Sub(simAnchor)) / o.Speed))
				if wait := due.Sub(now); wait > 0 {
					if err := flush(); err != nil {
						return stop(err)
					}
					if err := o.Sleep(ctx, wait); err != nil {
						return stop(err)
					}
				}
			}
			if o.Rate > 0 {
				if err := lim.Wait(ctx); err != nil {
					return stop(err)
				}
			}
			if len(batch) == 0 {
				batchStart = now
			}
			batch = append(batch, e)
			if len(batch) >= o.BatchSize || now.Sub(batchStart) >= o.BatchTimeout {
				if err := flush(); err != nil {
					return stop(err)
				}
			}
		}
		if err := flush(); err != nil {
			return stop(err)
		}
		if h.DayDone != nil {
			if err := h.DayDone(day); err != nil {
				return stop(err)
			}
		}
		pos = Position{Day: day + 1}
		if ctx.Err() != nil {
			return stop(ctx.Err())
		}
	}
}

// simTime reads simulated local business time as a time in the machine's
// time zone, to compare with the wall clock.
func simTime(micros int64) time.Time {
	d := civil.Date(micros / civil.MicrosPerDay)
	y, m, dd := d.Civil()
	rem := micros % civil.MicrosPerDay
	sec := rem / 1_000_000
	return time.Date(y, time.Month(m), dd, int(sec/3600), int(sec/60%60), int(sec%60), int(rem%1_000_000)*1000, time.Local)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(min(d, time.Duration(math.MaxInt64)))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
