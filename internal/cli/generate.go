package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/generate"
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
plus <out>/manifest.json listing every file with its row count. (This version
writes the master data; the fact simulation is being built.)

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
			return a.runMaster(cmd, f)
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
			return a.runMaster(cmd, f)
		},
	}
	f.register(cmd)
	return cmd
}

// summary is the --json result of a run.
type summary struct {
	Out     string           `json:"out"`
	Seconds float64          `json:"seconds"`
	Tables  map[string]int64 `json:"tables"`
}

func (a *app) runMaster(cmd *cobra.Command, f *runFlags) error {
	cfg, err := a.loadConfig(cmd, f)
	if err != nil {
		return err
	}
	opts, err := a.jobOptions(cfg, f)
	if err != nil {
		return err
	}
	rep := a.reporter(f)
	opts.Progress = rep
	began := time.Now()
	res, err := generate.Master(cmd.Context(), opts)
	rep.Close()
	if err != nil {
		return err
	}
	elapsed := time.Since(began)
	sum := summary{Out: cfg.Output.Dir, Seconds: elapsed.Seconds(), Tables: map[string]int64{}}
	var total int64
	for name, fi := range res.Files {
		sum.Tables[name] = fi.Rows
		total += fi.Rows
	}
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
		fmt.Fprintf(a.stdout, "Master data written to %s (%s):\n", filepath.Join(cfg.Output.Dir, "master"), opts.Layout().Opts.Format)
		for _, n := range names {
			fmt.Fprintf(a.stdout, "  %-26s %12s rows\n", n, formatCount(sum.Tables[n]))
		}
		fmt.Fprintf(a.stdout, "%s rows in %.1fs; manifest: %s\n", formatCount(total), elapsed.Seconds(),
			cfg.Output.Dir+"/"+output.ManifestName)
	}
	return nil
}
