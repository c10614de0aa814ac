package stream

import (
	"context"
	"sync"
	"sync/atomic"
)

// Gate pauses a running stream: while it is closed, no event is taken and
// the pending batch is delivered, so the position is exact.
type Gate struct {
	paused atomic.Bool
	mu     sync.Mutex
	open   chan struct{} // closed while the gate is open
}

// NewGate returns an open gate.
func NewGate() *Gate {
	ch := make(chan struct{})
	close(ch)
	return &Gate{open: ch}
}

// Pause closes the gate.
func (g *Gate) Pause() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.paused.Load() {
		g.open = make(chan struct{})
		g.paused.Store(true)
	}
}

// Resume opens the gate.
func (g *Gate) Resume() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.paused.Load() {
		close(g.open)
		g.paused.Store(false)
	}
}

// Paused tells whether the gate is closed.
func (g *Gate) Paused() bool { return g.paused.Load() }

// wait returns once the gate is open, or ctx ends.
func (g *Gate) wait(ctx context.Context) error {
	g.mu.Lock()
	ch := g.open
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
