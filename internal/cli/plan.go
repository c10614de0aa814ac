package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/generate"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/state"
)

// jobPlan is what a generation run will do, given the output folder's state.
type jobPlan struct {
	writeMaster bool
	runFacts    bool
	epoch       civil.Date // historical.start_date: where the simulation begins
	span        generate.Span
	note        string // why there is nothing to simulate
	stateName   string // the state file of the run (per shard)
}

// plan reads the output folder's state and decides what to write: the
// simulation continues from the checkpoint and never writes a day twice.
// Data made with another configuration is refused unless --force, which
// deletes it first.
func (a *app) plan(cmd *cobra.Command, f *runFlags, opts generate.Options, withMaster, withFacts bool) (*jobPlan, error) {
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
		if !f.force {
			return nil, fmt.Errorf("%s holds data generated with another seed or configuration (seed, volume.*, historical.start_date, disruptions.* or marketing_cost.*); "+
				"continuing would mix two datasets. Use --force to delete it and start over, or choose another --out", root)
		}
		if err := state.Clear(root); err != nil {
			return nil, err
		}
		st, m = nil, nil
	}
	if f.force && !stale && withMaster {
		if err := state.Clear(root); err != nil {
			return nil, err
		}
		st, m = nil, nil
	}
	startT, endT := cfg.DateRange()
	// Shard 0 writes the master data; the others rebuild it in memory.
	p := &jobPlan{epoch: civil.FromTime(startT), writeMaster: withMaster && opts.Shard.K == 0, stateName: stateName}
	if !withFacts {
		return p, nil
	}
	end := civil.FromTime(endT)
	// facts without --end or --days runs up to yesterday.
	if cmd.Name() == "facts" && !cmd.Flags().Changed("end") && !cmd.Flags().Changed("days") {
		end = civil.FromTime(time.Now()) - 1
	}
	p.span = generate.Span{From: p.epoch, To: end}
	if st != nil {
		if st.FirstDay != p.epoch {
			return nil, fmt.Errorf("%s starts on %s, the configuration on %s: use --force to start over", root, st.FirstDay, p.epoch)
		}
		p.span.From, p.span.Initial = st.LastDay+1, st.Networks
		// Master data of a folder being continued is already there.
		if withMaster && m != nil {
			p.writeMaster = false
		}
	}
	if p.span.From > p.span.To {
		p.note = fmt.Sprintf("facts are up to date: %s already holds %s to %s", root, p.epoch, p.span.From-1)
		return p, nil
	}
	p.runFacts = true
	return p, nil
}
