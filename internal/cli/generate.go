package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/generate"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/state"
)

func (a *app) generateCmd() *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Generate master data, then facts, for a date range (the main job)",
		Long: `generate writes the dimension tables (master data) under <out>/master and the
fact tables for the simulated date range under <out>/facts/<table>/dt=YYYY-MM-DD,
plus <out>/manifest.json listing every file with its row count.

The date range is historical.start_date plus historical.days (or up to
historical.end_date); --start, --end and --days override it. Files appear
atomically: a file is complete or absent.`,
		Example: `  # Seconds: 2 DCs, 5 stores, 2,000 customers, 500 products
  retail-datagen generate --scale tiny

  # The default chain (20 DCs, 86 stores, 403,000 customers) as CSV
  retail-datagen generate --format csv --out ./retail-csv

  # A config file, overridden by one flag
  retail-datagen generate --config retail.yaml --seed 7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runJob(cmd, f, true, true)
		},
	}
	f.register(cmd)
	return cmd
}

func (a *app) factsCmd() *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "facts",
		Short: "Generate the fact tables for a date range",
		Long: `facts simulates the date range and writes the fact tables under
<out>/facts/<table>/dt=YYYY-MM-DD/part-<dc>-0.<ext>, one file per table, day and
DC network. The master data is rebuilt in memory from the same configuration
(it is deterministic); it must have been written to <out> by generate or master
with that configuration.`,
		Example: `  retail-datagen master --scale small --out ./retail
  retail-datagen facts --scale small --out ./retail --start 2025-11-01 --end 2025-12-31
  retail-datagen facts --tables receipts,receipt_lines,payments --days 7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runJob(cmd, f, false, true)
		},
	}
	f.register(cmd)
	return cmd
}

func (a *app) masterCmd() *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "master",
		Short: "Generate the dimension tables only",
		Long: `master writes geographies, distribution_centers, stores, trucks, customers,
products, campaigns, promotions, store_inventory_initial and dc_inventory_initial
under <out>/master and records them in <out>/manifest.json.`,
		Example: `  retail-datagen master --scale small --out ./retail
  retail-datagen master --tables stores,products --format jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runJob(cmd, f, true, false)
		},
	}
	f.register(cmd)
	return cmd
}

// summary is the --json result of a run.
type summary struct {
	Out        string           `json:"out"`
	Seconds    float64          `json:"seconds"`
	Rows       int64            `json:"rows"`
	Bytes      int64            `json:"bytes"`
	RowsPerSec float64          `json:"rows_per_sec"`
	MBPerSec   float64          `json:"mb_per_sec"`
	PeakRSSMB  float64          `json:"peak_rss_mb,omitempty"`
	Workers    int              `json:"workers"`
	Tables     map[string]int64 `json:"tables"`
}

func (a *app) runJob(cmd *cobra.Command, f *runFlags, withMaster, withFacts bool) error {
	cfg, err := a.loadConfig(cmd, f)
	if err != nil {
		return err
	}
	opts, err := a.jobOptions(cfg, f)
	if err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(f.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	plan, err := a.plan(cmd, f, opts, withMaster, withFacts)
	if err != nil {
		return err
	}
	rep := a.reporter(f)
	opts.Progress = rep
	began := time.Now()
	sum := summary{Out: cfg.Output.Dir, Tables: map[string]int64{}}
	var data *master.Data
	if plan.writeMaster {
		res, err := generate.Master(cmd.Context(), opts)
		if err != nil {
			rep.Close()
			return err
		}
		for name, fi := range res.Files {
			sum.Tables[name] = fi.Rows
			sum.Bytes += fi.Bytes
		}
		data = res.Data
	} else if plan.runFacts {
		if err := generate.CheckMaster(opts); err != nil {
			rep.Close()
			return err
		}
		if data, err = master.Generate(cmd.Context(), cfg, opts.Dict, opts.Workers); err != nil {
			rep.Close()
			return fmt.Errorf("rebuilding master data: %w", err)
		}
	}
	if plan.runFacts {
		res, err := generate.Facts(cmd.Context(), opts, data, plan.span)
		if err != nil {
			rep.Close()
			return err
		}
		for name, n := range res.Rows {
			sum.Tables[name] = n
		}
		sum.Bytes += res.Bytes
		// The state advances last, once every file and the manifest are
		// durable; a run limited to some tables does not advance it.
		if len(opts.Tables) == 0 {
			st := &state.State{
				Generator: "retail-datagen", Version: a.version,
				ConfigFingerprint: cfg.Fingerprint(), Seed: cfg.Seed,
				FirstDay: plan.epoch, LastDay: plan.span.To, Networks: res.States,
			}
			if err := st.WriteFile(cfg.Output.Dir, plan.stateName); err != nil {
				rep.Close()
				return err
			}
		}
	}
	rep.Close()
	elapsed := time.Since(began)
	sum.Seconds = elapsed.Seconds()
	var total int64
	for _, n := range sum.Tables {
		total += n
	}
	sum.Rows = total
	sum.Workers = opts.Workers
	sum.RowsPerSec = float64(total) / max(sum.Seconds, 1e-9)
	sum.MBPerSec = float64(sum.Bytes) / 1e6 / max(sum.Seconds, 1e-9)
	sum.PeakRSSMB = peakRSSMB()
	switch {
	case f.json:
		b, _ := json.Marshal(sum)
		fmt.Fprintf(a.stdout, "%s\n", b)
	case !f.quiet:
		names := make([]string, 0, len(sum.Tables))
		for n := range sum.Tables {
			names = append(names, n)
		}
		order := map[string]int{}
		for i, t := range schema.Tables() {
			order[t.Name] = i
		}
		sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
		what := "Master data"
		switch {
		case withMaster && withFacts:
			what = "Master data and facts"
		case withFacts:
			what = "Facts"
		}
		fmt.Fprintf(a.stdout, "%s written to %s (%s):\n", what, cfg.Output.Dir, opts.Layout().Opts.Format)
		for _, n := range names {
			fmt.Fprintf(a.stdout, "  %-26s %14s rows\n", n, formatCount(sum.Tables[n]))
		}
		switch {
		case plan.runFacts:
			fmt.Fprintf(a.stdout, "simulated %s to %s\n", plan.span.From, plan.span.To)
		case withFacts:
			fmt.Fprintf(a.stdout, "%s\n", plan.note)
		}
		fmt.Fprintf(a.stdout, "%s rows, %.0f MB in %.1fs (%s rows/s, %.0f MB/s); manifest: %s\n", formatCount(total),
			float64(sum.Bytes)/1e6, elapsed.Seconds(), formatCount(int64(sum.RowsPerSec)), sum.MBPerSec,
			cfg.Output.Dir+"/"+output.ManifestName)
	}
	return nil
}
