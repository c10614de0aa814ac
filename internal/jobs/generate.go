// Package jobs runs the long operations of retail-datagen — generation and
// streaming — for the command line and the HTTP server alike: it decides
// what a run continues from the output folder's state, runs it, and
// records the new state.
package jobs

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/generate"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/state"
)

// GenerateRequest asks for master data, facts, or both.
type GenerateRequest struct {
	Options       generate.Options
	Master, Facts bool
	// Force deletes data of another configuration (and, with Master, any
	// data) in the output folder first.
	Force bool
	// UpToYesterday makes a facts-only run without an explicit end
	// simulate up to yesterday.
	UpToYesterday bool
	// Now is the wall clock (default time.Now).
	Now func() time.Time
}

// Plan is what a generation run will do, given the output folder's state.
type Plan struct {
	WriteMaster bool
	RunFacts    bool
	Epoch       civil.Date // historical.start_date: where the simulation begins
	Span        generate.Span
	Note        string // why there is nothing to simulate
	StateName   string // the state file of the run (per shard)
	// Cleared reports that planning deleted the folder's generated data
	// (--force); a run into object storage deletes the bucket's too.
	Cleared bool
}

// PlanGeneration reads the output folder's state and decides what to
// write: the simulation continues from the checkpoint and never writes a
// day twice. Data made with another configuration is refused unless
// Force, which deletes it first.
func PlanGeneration(req GenerateRequest) (*Plan, error) {
	opts := req.Options
	cfg := opts.Config
	root := cfg.Output.Dir
	// A run killed earlier may have left hidden temporary files.
	if err := output.RemoveTemps(root); err != nil {
		return nil, err
	}
	stateName := state.FileName
	if opts.Shard.Sharded() {
		stateName = state.ShardFileName(opts.Shard.K, opts.Shard.N)
	}
	st, err := state.ReadFile(root, stateName)
	if err != nil {
		return nil, err
	}
	m, err := output.ReadManifestFile(root, opts.Shard.ManifestName())
	if err != nil {
		return nil, err
	}
	stale := (st != nil && (st.ConfigFingerprint != cfg.Fingerprint() || st.Seed != cfg.Seed)) ||
		(m != nil && (m.ConfigFingerprint != cfg.Fingerprint() || m.Seed != cfg.Seed))
	if stale {
		if !req.Force {
			return nil, fmt.Errorf("%s holds data generated with another seed or configuration (seed, volume.*, historical.start_date, disruptions.* or marketing_cost.*); "+
				"continuing would mix two datasets. Use --force to delete it and start over, or choose another --out", root)
		}
		if err := state.Clear(root); err != nil {
			return nil, err
		}
		st, m = nil, nil
	}
	cleared := stale
	if req.Force && !stale && req.Master {
		if err := state.Clear(root); err != nil {
			return nil, err
		}
		st, m = nil, nil
		cleared = true
	}
	startT, endT := cfg.DateRange()
	// Shard 0 writes the master data; the others rebuild it in memory.
	p := &Plan{Epoch: civil.FromTime(startT), WriteMaster: req.Master && opts.Shard.K == 0, StateName: stateName, Cleared: cleared}
	if !req.Facts {
		return p, nil
	}
	end := civil.FromTime(endT)
	if req.UpToYesterday {
		now := time.Now
		if req.Now != nil {
			now = req.Now
		}
		end = civil.FromTime(now()) - 1
	}
	p.Span = generate.Span{From: p.Epoch, To: end}
	if st != nil {
		if st.FirstDay != p.Epoch {
			return nil, fmt.Errorf("%s starts on %s, the configuration on %s: use --force to start over", root, st.FirstDay, p.Epoch)
		}
		p.Span.From, p.Span.Initial = st.LastDay+1, st.Networks
		// Master data of a folder being continued is already there.
		if req.Master && m != nil {
			p.WriteMaster = false
		}
	}
	if p.Span.From > p.Span.To {
		p.Note = fmt.Sprintf("facts are up to date: %s already holds %s to %s", root, p.Epoch, p.Span.From-1)
		return p, nil
	}
	p.RunFacts = true
	return p, nil
}

// Summary is what a generation run wrote.
type Summary struct {
	Out        string           `json:"out"`
	Seconds    float64          `json:"seconds"`
	Rows       int64            `json:"rows"`
	Bytes      int64            `json:"bytes"`
	RowsPerSec float64          `json:"rows_per_sec"`
	MBPerSec   float64          `json:"mb_per_sec"`
	Workers    int              `json:"workers"`
	Tables     map[string]int64 `json:"tables"`
}

// Generate runs the plan: master data, then the facts of the span, then the
// state, which advances last, once every file and the manifest are durable
// (a run limited to some tables does not advance it).
func Generate(ctx context.Context, opts generate.Options, plan *Plan) (*Summary, error) {
	cfg := opts.Config
	began := time.Now()
	sum := &Summary{Out: cfg.Output.Dir, Tables: map[string]int64{}, Workers: opts.Workers}
	var data *master.Data
	if plan.WriteMaster {
		res, err := generate.Master(ctx, opts)
		if err != nil {
			return nil, err
		}
		for name, fi := range res.Files {
			sum.Tables[name] = fi.Rows
			sum.Bytes += fi.Bytes
		}
		data = res.Data
	} else if plan.RunFacts {
		if err := generate.CheckMaster(opts); err != nil {
			return nil, err
		}
		var err error
		if data, err = master.Generate(ctx, cfg, opts.Dict, opts.Workers); err != nil {
			return nil, fmt.Errorf("rebuilding master data: %w", err)
		}
	}
	if plan.RunFacts {
		if opts.SoftMemoryLimit {
			setSoftMemoryLimit()
		}
		res, err := generate.Facts(ctx, opts, data, plan.Span)
		if err != nil {
			return nil, err
		}
		for name, n := range res.Rows {
			sum.Tables[name] = n
		}
		sum.Bytes += res.Bytes
		if len(opts.Tables) == 0 {
			st := &state.State{
				Generator: "retail-datagen", Version: opts.Version,
				ConfigFingerprint: cfg.Fingerprint(), Seed: cfg.Seed,
				FirstDay: plan.Epoch, LastDay: plan.Span.To, Networks: res.States,
			}
			if err := st.WriteFile(cfg.Output.Dir, plan.StateName); err != nil {
				return nil, err
			}
		}
	}
	sum.Seconds = time.Since(began).Seconds()
	for _, n := range sum.Tables {
		sum.Rows += n
	}
	sum.RowsPerSec = float64(sum.Rows) / max(sum.Seconds, 1e-9)
	sum.MBPerSec = float64(sum.Bytes) / 1e6 / max(sum.Seconds, 1e-9)
	return sum, nil
}

// setSoftMemoryLimit caps the heap the garbage collector lets grow during
// the simulation at three times what is in use once the master data is
// built, and at least 768 MiB, unless GOMEMLIMIT is set: without it the
// collector's headroom alone can take peak memory past 1 GiB at the
// default scale in peak season. The limit is soft: the heap may exceed it,
// at the price of more frequent collections.
func setSoftMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	debug.SetMemoryLimit(max(768<<20, 3*int64(ms.HeapAlloc)))
}
