package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/sony/gobreaker/v2"
)

// PermanentError marks a rejection that retrying cannot fix (a record too
// large, a malformed request): the batch goes to the dead-letter queue.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// ResilienceOptions are the realtime.* settings of SPEC §8.
type ResilienceOptions struct {
	RetryAttempts     int           // retries of a failed batch before pausing
	BackoffMultiplier float64       // growth of the delay between retries
	InitialBackoff    time.Duration // first delay (default 100 ms)
	MaxBackoff        time.Duration // longest delay (default 30 s)
	BreakerThreshold  int           // consecutive failures that open the breaker (0: no breaker)
	BreakerRecovery   time.Duration // how long the breaker stays open
	// DLQDir receives batches rejected permanently ("" drops nothing and
	// fails instead).
	DLQDir string
	// Sleep waits (tests replace it).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Stats count what a resilient sink did.
type Stats struct {
	Sent, Retried, Failed, DeadLettered atomic.Int64
	BreakerOpen                         atomic.Bool
}

// Resilient wraps a sink with retries (exponential backoff with jitter), a
// circuit breaker and a dead-letter queue. It never drops events: while the
// sink is down, Send keeps trying, which pauses the stream (backpressure);
// only batches rejected permanently go to the dead-letter queue.
type Resilient struct {
	inner Sink
	o     ResilienceOptions
	cb    *gobreaker.CircuitBreaker[struct{}]
	Stats Stats
	dlq   *FileSink
}

// NewResilient wraps inner.
func NewResilient(inner Sink, o ResilienceOptions) (*Resilient, error) {
	if o.InitialBackoff <= 0 {
		o.InitialBackoff = 100 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.BackoffMultiplier < 1 {
		o.BackoffMultiplier = 2
	}
	if o.BreakerRecovery <= 0 {
		o.BreakerRecovery = time.Minute
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	r := &Resilient{inner: inner, o: o}
	if o.BreakerThreshold > 0 {
		r.cb = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
			Name:    "sink",
			Timeout: o.BreakerRecovery,
			ReadyToTrip: func(c gobreaker.Counts) bool {
				return c.ConsecutiveFailures >= uint32(o.BreakerThreshold)
			},
			IsSuccessful: func(err error) bool {
				var p *PermanentError
				return err == nil || errors.As(err, &p) // a rejection is not an outage
			},
			OnStateChange: func(_ string, _, to gobreaker.State) {
				r.Stats.BreakerOpen.Store(to == gobreaker.StateOpen)
			},
		})
	}
	if o.DLQDir != "" {
		dlq, err := NewFileSink(o.DLQDir, 100_000)
		if err != nil {
			return nil, fmt.Errorf("dead-letter queue: %w", err)
		}
		dlq.SyncInterval = 0 // rare, and the only copy: on disk at once
		r.dlq = dlq
	}
	return r, nil
}

func (r *Resilient) try(ctx context.Context, batch []*Event) error {
	if r.cb == nil {
		return r.inner.Send(ctx, batch)
	}
	_, err := r.cb.Execute(func() (struct{}, error) { return struct{}{}, r.inner.Send(ctx, batch) })
	return err
}

// Send delivers the batch, or dead-letters it when it is rejected
// permanently; it returns only when one of the two happened, or ctx ends.
func (r *Resilient) Send(ctx context.Context, batch []*Event) error {
	for {
		b := &backoff.ExponentialBackOff{
			InitialInterval: r.o.InitialBackoff, RandomizationFactor: 0.5,
			Multiplier: r.o.BackoffMultiplier, MaxInterval: r.o.MaxBackoff,
		}
		b.Reset()
		var err error
		for attempt := 0; ; attempt++ {
			err = r.try(ctx, batch)
			if err == nil {
				r.Stats.Sent.Add(int64(len(batch)))
				return nil
			}
			var p *PermanentError
			if errors.As(err, &p) {
				return r.deadLetter(ctx, batch, err)
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.Stats.Failed.Add(1)
			if errors.Is(err, gobreaker.ErrOpenState) || attempt >= r.o.RetryAttempts {
				break
			}
			r.Stats.Retried.Add(1)
			if serr := r.o.Sleep(ctx, b.NextBackOff()); serr != nil {
				return serr
			}
		}
		// The sink is down: wait for the breaker to let a trial through
		// (or a while, without a breaker), and try again. The stream is
		// paused meanwhile; nothing is dropped.
		if serr := r.o.Sleep(ctx, r.o.BreakerRecovery); serr != nil {
			return errors.Join(err, serr)
		}
	}
}

func (r *Resilient) deadLetter(ctx context.Context, batch []*Event, cause error) error {
	if r.dlq == nil {
		return fmt.Errorf("the sink rejected a batch and no dead-letter queue is configured: %w", cause)
	}
	if err := r.dlq.Send(ctx, batch); err != nil {
		return fmt.Errorf("writing the dead-letter queue: %w (rejected: %v)", err, cause)
	}
	r.Stats.DeadLettered.Add(int64(len(batch)))
	return nil
}

// Close closes the sink and the dead-letter queue.
func (r *Resilient) Close() error {
	err := r.inner.Close()
	if r.dlq != nil {
		err = errors.Join(err, r.dlq.Close())
	}
	return err
}

// DeadLetters lists the dead-letter files of dir with their event counts.
func DeadLetters(dir string) (map[string]int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "events-*.jsonl"))
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, c := range b {
			if c == '\n' {
				n++
			}
		}
		out[filepath.Base(p)] = n
	}
	return out, nil
}

// Replay sends the dead letters of dir to sink, file by file, and removes
// each file once it is acknowledged. It returns the events replayed.
func Replay(ctx context.Context, dir string, sink RawSender) (int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "events-*.jsonl"))
	if err != nil {
		return 0, err
	}
	total := 0
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return total, err
		}
		var recs []RawRecord
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			var env struct {
				Key string `json:"partition_key"`
			}
			if err := json.Unmarshal(line, &env); err != nil {
				return total, fmt.Errorf("%s: a line is not an event: %w", p, err)
			}
			recs = append(recs, RawRecord{Key: []byte(env.Key), Value: line})
		}
		if err := sink.SendRaw(ctx, recs); err != nil {
			return total, fmt.Errorf("replaying %s: %w", filepath.Base(p), err)
		}
		if err := os.Remove(p); err != nil {
			return total, err
		}
		total += len(recs)
	}
	return total, nil
}
