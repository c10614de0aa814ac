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

// tableRank orders the events of one instant: a receipt, then its lines,
// promotion and payments, then the stock it moved; and so on.
func tableRank(code string) int {
	return map[string]int{
		"op": 0, "sd": 1, "tm": 2, "ti": 3, "di": 4, "rc": 5, "rl": 6, "pa": 7, "pm": 8, "si": 9,
		"ft": 10, "bp": 11, "zc": 12, "so": 13, "ro": 14, "ad": 15, "oo": 16, "ol": 17,
	}[code]
}

// Engine advances every DC network of the model one day at a time and
// returns the day's events in event-time order.
type Engine struct {
	model   *sim.Model
	runners []*sim.Runner
	types   map[string]bool
	workers int
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
			if !slices.Contains(EventTypes(), t) {
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
// network. Events of one store are therefore in event-time order.
func (e *Engine) Day(ctx context.Context, day civil.Date) ([]Event, error) {
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
			c := &collector{day: day, dcID: e.model.Networks()[i].DCID, types: e.types}
			errs[i] = r.RunDay(ctx, day, c.sinks())
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
	type ref struct {
		net, idx int
		rank     int
	}
	refs := make([]ref, 0, n)
	for ni, c := range cols {
		for k := range c.events {
			refs = append(refs, ref{ni, k, c.events[k].rank})
		}
	}
	slices.SortFunc(refs, func(a, b ref) int {
		ea, eb := &cols[a.net].events[a.idx], &cols[b.net].events[b.idx]
		return cmp.Or(cmp.Compare(ea.TS, eb.TS), cmp.Compare(a.rank, b.rank), cmp.Compare(a.net, b.net), cmp.Compare(a.idx, b.idx))
	})
	out := make([]Event, 0, n)
	for _, r := range refs {
		out = append(out, cols[r.net].events[r.idx])
	}
	return out, nil
}
