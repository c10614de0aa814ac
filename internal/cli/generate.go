package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/blobstore"
	"github.com/retail-datagen/retail-datagen/internal/generate"
	"github.com/retail-datagen/retail-datagen/internal/jobs"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/schema"
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
	*jobs.Summary
	PeakRSSMB float64 `json:"peak_rss_mb,omitempty"`
}

// prepare loads the configuration and the run's options, and starts the
// CPU and allocation profiles if asked; call stop when the run ends.
func (a *app) prepare(cmd *cobra.Command, f *runFlags) (opts generate.Options, stop func(), err error) {
	cfg, err := a.loadConfig(cmd, f)
	if err != nil {
		return generate.Options{}, nil, err
	}
	if opts, err = a.jobOptions(cfg, f); err != nil {
		return generate.Options{}, nil, err
	}
	if stop, err = startProfiles(f.cpuProfile, f.memProfile); err != nil {
		return generate.Options{}, nil, err
	}
	return opts, stop, nil
}

func (a *app) runJob(cmd *cobra.Command, f *runFlags, withMaster, withFacts bool) (err error) {
	opts, stopProfile, err := a.prepare(cmd, f)
	if err != nil {
		return err
	}
	defer stopProfile()
	cfg := opts.Config
	target := cfg.Output.Dir
	var remote *jobs.Remote
	if blobstore.IsURL(target) {
		if remote, err = a.openRemote(cmd.Context(), opts, f.staging); err != nil {
			return err
		}
		defer remote.Close()
		// Messages name the bucket without the URL's options.
		target = remote.Store.Location().String()
		// Generation writes to the staging folder; the uploader takes
		// each file from there as soon as it is committed.
		local := *cfg
		local.Output.Dir, local.Paths.Master, local.Paths.Facts = remote.Dir, "", ""
		opts.Config = &local
		opts.Committed = remote.Committed
		staging := remote.Dir
		defer func() { err = renameRoot(err, staging, target) }()
	}
	plan, err := jobs.PlanGeneration(jobs.GenerateRequest{
		Options: opts, Master: withMaster, Facts: withFacts, Force: f.force,
		// facts without --end or --days runs up to yesterday.
		UpToYesterday: cmd.Name() == "facts" && !cmd.Flags().Changed("end") && !cmd.Flags().Changed("days"),
	})
	if err != nil {
		return err
	}
	if remote != nil && plan.Cleared {
		if err := remote.Clear(cmd.Context()); err != nil {
			return err
		}
	}
	rep := a.reporter(f)
	opts.Progress = rep
	res, err := jobs.Generate(cmd.Context(), opts, plan)
	if err == nil && remote != nil {
		// The manifest and state go last, once every file they name is
		// in the bucket.
		err = remote.Publish(cmd.Context())
	}
	rep.Close()
	if err != nil {
		return err
	}
	res.Out = target
	sum := summary{Summary: res, PeakRSSMB: peakRSSMB()}
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
		fmt.Fprintf(a.stdout, "%s written to %s (%s):\n", what, target, opts.Layout().Opts.Format)
		for _, n := range names {
			fmt.Fprintf(a.stdout, "  %-26s %14s rows\n", n, formatCount(sum.Tables[n]))
		}
		switch {
		case plan.RunFacts:
			fmt.Fprintf(a.stdout, "simulated %s to %s\n", plan.Span.From, plan.Span.To)
		case withFacts:
			fmt.Fprintf(a.stdout, "%s\n", plan.Note)
		}
		fmt.Fprintf(a.stdout, "%s rows, %.0f MB in %.1fs (%s rows/s, %.0f MB/s); manifest: %s\n", formatCount(sum.Rows),
			float64(sum.Bytes)/1e6, sum.Seconds, formatCount(int64(sum.RowsPerSec)), sum.MBPerSec,
			strings.TrimRight(target, "/")+"/"+output.ManifestName)
	}
	return nil
}
