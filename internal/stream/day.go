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
	// Reused from day to day: the networks' events and rows, sort keys
	// for each worker, and the day's order.
	cols    []*collector
	scratch [][]sortKey
	out     []*Event
}

// NewEngine starts the networks from their states (in network order).
// types limits the events produced (nil: all).
func NewEngine(model *sim.Model, states []*sim.NetworkState, types []string, workers int) (*Engine, error) {
	nets := model.Networks()
	if len(states) != len(nets) {
		return nil, fmt.Errorf("the checkpoint has %d networks, the configuration %d", len(states), len(nets))
	}
	e := &Engine{model: model, workers: max(1, workers)}
	e.scratch = make([][]sortKey, e.workers)
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
	// The free workers, by index in e.scratch.
	free := make(chan int, e.workers)
	for w := range e.workers {
		free <- w
	}
	var wg sync.WaitGroup
	for i, r := range e.runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := <-free
			defer func() { free <- w }()
			c := e.cols[i]
			c.reset(day)
			errs[i] = r.RunDay(ctx, day, c.sinks)
			c.disruptionsEnded(r.State().Disruptions)
			c.finish(&e.scratch[w])
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

// merge appends the events of the networks, each in the stream's order, in
// the stream's order (by Key).
func merge(out []*Event, cols []*collector) []*Event {
	// A binary heap of the networks' next events, least key first.
	type head struct {
		key  EventKey
		net  int
		next int // index in the network's events
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
		if len(c.events) > 0 {
			h = append(h, head{c.events[0].Key(), ni, 0})
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for len(h) > 0 {
		top := &h[0]
		evs := cols[top.net].events
		out = append(out, &evs[top.next])
		if top.next++; top.next < len(evs) {
			top.key = evs[top.next].Key()
		} else {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	return out
}
