package stream

import (
	"cmp"
	"context"
	"errors"
	"math"
	"sort"
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
	// BufferSize bounds the events generated but not yet acknowledged
	// (realtime.max_buffer_size; at least two batches).
	BufferSize int
	// Gate, when set, pauses the stream while it is closed.
	Gate *Gate
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
	// After is the key of the last acknowledged event of Day (zero: none
	// yet). Resuming skips the events up to it, whatever --types the
	// earlier run had.
	After EventKey
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

// Run streams from the position from: the events of from.Day after
// from.After (acknowledged by an earlier run; or, without a key, after the
// first from.Sent), then the following days, until ctx ends or a bound is
// reached.
//
// Generation and delivery overlap: one goroutine paces the events and
// assembles batches while another sends them, with at most
// Options.BufferSize events between the two. When the sink is slow or down,
// the buffer fills and generation waits (backpressure): nothing is dropped.
// The hooks run on the sending side, after acknowledgements, in order.
func Run(ctx context.Context, eng *Engine, sink Sink, from Position, o Options, h Hooks) (*Result, error) {
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

	// Sending continues for FlushTimeout after ctx ends, to deliver what
	// was taken from the day, so the recorded position covers it.
	sendCtx, cancelSend := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSend()
	go func() {
		select {
		case <-ctx.Done():
		case <-sendCtx.Done():
			return
		}
		t := time.NewTimer(cmp.Or(o.FlushTimeout, 30*time.Second))
		defer t.Stop()
		select {
		case <-t.C:
			cancelSend()
		case <-sendCtx.Done():
		}
	}()
	// genCtx stops generation: ctx ends, or sending failed.
	genCtx, stopGen := context.WithCancel(ctx)
	defer stopGen()

	s := &sender{sink: sink, h: h, live: o.Live, ctx: sendCtx, stopGen: stopGen,
		queue: make(chan item, 1), free: make(chan []*Event, max(2, o.BufferSize/o.BatchSize)),
		res: &Result{ByType: map[string]int64{}}, pos: from}
	for range cap(s.free) {
		s.free <- make([]*Event, 0, o.BatchSize)
	}
	done := make(chan struct{})
	go func() { defer close(done); s.run() }()
	genErr := generate(genCtx, eng, from, o, lim, s)
	close(s.queue)
	<-done
	for i, t := range eventTypes {
		if s.counts[i] > 0 {
			s.res.ByType[t] = s.counts[i]
		}
	}
	s.res.Stopped = s.pos
	// A failure to deliver (or a hook's) comes first: generation stopped
	// because of it. Otherwise generation's own error, unless it is the
	// normal end: a bound, or ctx cancelled (SIGINT/SIGTERM).
	var err error
	switch {
	case s.err != nil:
		if !errors.Is(s.err, ErrStop) {
			err = s.err
		}
	case genErr != nil && !errors.Is(genErr, ErrStop) && !(errors.Is(genErr, context.Canceled) && ctx.Err() != nil):
		err = genErr
	}
	return s.res, err
}

// item is a batch to send, or the end of a day (batch nil).
type item struct {
	batch []*Event
	day   civil.Date
	ended chan struct{} // closed once the day's hook ran
}

// sender delivers batches in order and records the acknowledged position.
type sender struct {
	sink    Sink
	h       Hooks
	live    *Live
	ctx     context.Context
	stopGen context.CancelFunc
	queue   chan item
	free    chan []*Event
	res     *Result
	pos     Position
	counts  [len(eventTypes)]int64
	err     error // the first failure; later items are not sent
}

func (s *sender) run() {
	for it := range s.queue {
		if it.batch == nil {
			if s.err == nil && s.h.DayDone != nil {
				s.fail(s.h.DayDone(it.day))
			}
			if s.err == nil {
				s.pos = Position{Day: it.day + 1}
			}
			close(it.ended)
			continue
		}
		if s.err == nil {
			s.fail(s.send(it.batch))
		}
		s.free <- it.batch[:0]
	}
}

func (s *sender) send(batch []*Event) error {
	if err := s.sink.Send(s.ctx, batch); err != nil {
		return err
	}
	s.pos.Sent += len(batch)
	s.pos.After = batch[len(batch)-1].Key()
	s.res.Events += int64(len(batch))
	for _, e := range batch {
		s.counts[e.typ]++
	}
	if s.live != nil {
		s.live.acked(batch)
	}
	if s.h.Progress != nil {
		return s.h.Progress(s.pos)
	}
	return nil
}

// fail records the first error and stops generation.
func (s *sender) fail(err error) {
	if err != nil && s.err == nil {
		s.err = err
		s.stopGen()
	}
}

// generate paces the events of the days from from and hands them to the
// sender in batches. The events of a day stay valid until the next call to
// the engine, so before simulating the next day it waits until the sender
// has finished the day.
func generate(ctx context.Context, eng *Engine, from Position, o Options, lim *rate.Limiter, s *sender) error {
	began := o.Now()
	var (
		caught             bool
		simAnchor, wallAnc time.Time
		batch              []*Event
		batchStart         time.Time
		queued             int64
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		select {
		case s.queue <- item{batch: batch}:
		case <-ctx.Done():
			// Sending failed or the stream was cancelled: the sender
			// still delivers what is queued, and this batch last.
			s.queue <- item{batch: batch}
			batch = nil
			return ctx.Err()
		}
		queued += int64(len(batch))
		batch = nil
		return nil
	}
	take := func() error {
		select {
		case batch = <-s.free:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// endDay hands the end of the day to the sender and waits until its
	// hook ran: the next day may reuse the day's events.
	endDay := func(day civil.Date) {
		ended := make(chan struct{})
		s.queue <- item{day: day, ended: ended}
		<-ended
	}
	for day := from.Day; ; day++ {
		events, err := eng.Day(ctx, day)
		if err != nil {
			return err
		}
		if day == from.Day {
			skip := min(from.Sent, len(events))
			if from.After != (EventKey{}) {
				skip = sort.Search(len(events), func(i int) bool { return from.After.less(events[i].Key()) })
			}
			events = events[skip:]
		}
		for _, e := range events {
			if o.Gate != nil && o.Gate.Paused() {
				// Deliver what is pending, wait, and follow the wall clock
				// afresh from the resume.
				if err := flush(); err != nil {
					return err
				}
				if err := o.Gate.wait(ctx); err != nil {
					return err
				}
				caught = false
			}
			if o.MaxEvents > 0 && queued+int64(len(batch)) >= o.MaxEvents {
				return errors.Join(ErrStop, flush())
			}
			now := o.Now()
			if o.Duration > 0 && now.Sub(began) >= o.Duration {
				return errors.Join(ErrStop, flush())
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
						return err
					}
					if err := o.Sleep(ctx, wait); err != nil {
						return err
					}
				}
			}
			if o.Rate > 0 {
				if err := lim.Wait(ctx); err != nil {
					return errors.Join(err, flush())
				}
			}
			if batch == nil {
				if err := take(); err != nil {
					return err
				}
				batchStart = now
			}
			batch = append(batch, e)
			if len(batch) >= o.BatchSize || now.Sub(batchStart) >= o.BatchTimeout {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		endDay(day)
		if ctx.Err() != nil {
			return ctx.Err()
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
