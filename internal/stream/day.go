package stream

import (
	"cmp"
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
	refs []ref
	out  []*Event
}

// ref locates an event of the day for sorting by its key.
type ref struct {
	key      EventKey
	net, idx int32
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
		e.cols = append(e.cols, &collector{dcID: n.DCID, types: e.types})
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
	cols := make([]*collector, len(e.runners))
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
			c.day, c.events, c.arena, c.spans = day, c.events[:0], c.arena[:0], c.spans[:0]
			errs[i] = r.RunDay(ctx, day, c.sinks())
			c.disruptionsEnded(r.State().Disruptions)
			c.finish()
			cols[i] = c
		}()
	}
	wg.Wait()
	n := 0
	for i, err := range errs {
		if err != nil {
			return nil, err
		}
		n += len(cols[i].events)
	}
	refs := e.refs[:0]
	for ni, c := range cols {
		for k := range c.events {
			refs = append(refs, ref{c.events[k].Key(), int32(ni), int32(k)})
		}
	}
	slices.SortFunc(refs, func(a, b ref) int {
		return cmp.Or(cmp.Compare(a.key.Order, b.key.Order), cmp.Compare(a.key.Source, b.key.Source))
	})
	e.refs = refs
	out := e.out[:0]
	for _, r := range refs {
		out = append(out, &cols[r.net].events[r.idx])
	}
	e.out = out
	return out, nil
}
