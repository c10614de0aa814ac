package stream

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

// Engine advances every DC network of the model one day at a time and
// returns the day's events in event-time order.
type Engine struct {
	model   *sim.Model
	runners []*sim.Runner
	types   map[string]bool
	workers int
	// Reused from day to day.
	cols []*collector
	out  []*Event
}

// NewEngine starts the networks from their states (in network order).
// types limits the events produced (nil: all).
func NewEngine(model *sim.Model, states []*sim.NetworkState, types []string, workers int) (*Engine, error) {
	nets := model.Networks()
	if len(states) != len(nets) {
		return nil, fmt.Errorf("the checkpoint has %d networks, the configuration %d", len(states), len(nets))
	}
	e := &Engine{model: model, workers: max(1, workers)}
	if len(types) > 0 {
		e.types = map[string]bool{}
		for _, t := range types {
			if !slices.Contains(eventTypes[:], t) {
				return nil, fmt.Errorf("--types: unknown event type %q; types are %v", t, EventTypes())
			}
			e.types[t] = true
		}
	}
	for i, n := range nets {
		r, err := model.NewRunner(n, states[i])
		if err != nil {
			return nil, err
		}
		e.runners = append(e.runners, r)
		e.cols = append(e.cols, newCollector(n.DCID, e.types))
	}
	return e, nil
}

// States returns the networks' states: after Day(d), the state at d+1.
func (e *Engine) States() []*sim.NetworkState {
	out := make([]*sim.NetworkState, len(e.runners))
	for i, r := range e.runners {
		out[i] = r.State()
	}
	return out
}

// Day simulates day on every network and returns its events, ordered by
// event time; within an instant by kind (a receipt before its lines) and
// network. Events of one store are therefore in event-time order. The
// events are valid until the next call.
func (e *Engine) Day(ctx context.Context, day civil.Date) ([]*Event, error) {
	errs := make([]error, len(e.runners))
	sem := make(chan struct{}, e.workers)
	var wg sync.WaitGroup
	for i, r := range e.runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c := e.cols[i]
			c.reset(day)
			errs[i] = r.RunDay(ctx, day, c.sinks)
			c.disruptionsEnded(r.State().Disruptions)
			c.finish()
		}()
	}
	wg.Wait()
	n := 0
	for i, err := range errs {
		if err != nil {
			return nil, err
		}
		n += len(e.cols[i].events)
	}
	e.out = merge(slices.Grow(e.out[:0], n), e.cols)
	return e.out, nil
}

// merge appends the events of the networks, each listed in the stream's
// order, in the stream's order (by Key).
func merge(out []*Event, cols []*collector) []*Event {
	// A binary heap of the networks' next events, least key first.
	type head struct {
		key  EventKey
		net  int
		next int // in the network's order
	}
	keyOf := func(c *collector, k sortKey) EventKey {
		return EventKey{k.order, uint64(c.dcID)<<32 | k.posIdx>>32}
	}
	h := make([]head, 0, len(cols))
	down := func(i int) {
		for {
			m := i
			if l := 2*i + 1; l < len(h) && h[l].key.less(h[m].key) {
				m = l
			}
			if r := 2*i + 2; r < len(h) && h[r].key.less(h[m].key) {
				m = r
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for ni, c := range cols {
		if len(c.order) > 0 {
			h = append(h, head{keyOf(c, c.order[0]), ni, 0})
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for len(h) > 0 {
		top := &h[0]
		c := cols[top.net]
		out = append(out, &c.events[c.order[top.next].idx()])
		if top.next++; top.next < len(c.order) {
			top.key = keyOf(c, c.order[top.next])
		} else {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	return out
}
