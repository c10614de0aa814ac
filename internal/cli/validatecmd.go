package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/validate"
)

func (a *app) validateCmd() *cobra.Command {
	var (
		stats  bool
		asJSON bool
		skip   string
		max    int
		prof   string
		f      = &runFlags{}
	)
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check every invariant of the data in an output folder",
		Long: `validate reads an output folder (DIR, default "data") through its manifest and
checks what the data must satisfy: files match the manifest; keys are unique and
foreign keys resolve; prices, money sums, tax and payments are exact; stock
balances chain from the initial positions and never go negative; shipments
conserve units through complete lifecycles; sales, sensors and pings happen only
while stores are open; the shopper funnel holds in every store-hour; and more.
It prints a report and exits with status 1 if any check fails.

Statistics (promotion share, tender mix, known-device share, units per receipt,
daily receipts of medium stores, holiday peaks, ...) are yearly targets: they are
measured and reported, and --stats makes them pass or fail, using the volumes of
the configuration (--config and RETAIL_* variables).

Memory stays bounded by the master data and about a month of receipts, whatever
the number of days in the folder.`,
		Example: `  retail-datagen validate data
  retail-datagen validate ./retail --stats --config retail.yaml
  retail-datagen validate data --stats --scale tiny
  retail-datagen validate data --json > report.json
  retail-datagen validate data --skip facts.funnel,stats.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "data"
			if len(args) == 1 {
				dir = args[0]
			}
			if err := refuseURL("DIR", dir, "validate the local folder before `export`, or copy the bucket to a folder first (aws s3 sync, azcopy copy, gcloud storage rsync)"); err != nil {
				return err
			}
			opts := validate.Options{Statistics: stats, MaxExamples: max}
			for _, s := range strings.Split(skip, ",") {
				if s = strings.TrimSpace(s); s != "" {
					opts.Skip = append(opts.Skip, s)
				}
			}
			if stats {
				cfg, err := a.loadConfig(cmd, f)
				if err != nil {
					return err
				}
				opts.ItemsPerTicketMean = cfg.Volume.ItemsPerTicketMean
				opts.CustomersPerDay = float64(cfg.Volume.CustomersPerDay)
			}
			stopProfile, err := startCPUProfile(prof)
			if err != nil {
				return err
			}
			defer stopProfile()
			rep, err := validate.Run(cmd.Context(), dir, opts)
			if err != nil {
				return err
			}
			if asJSON {
				err = rep.WriteJSON(a.stdout)
			} else {
				err = rep.WriteText(a.stdout)
			}
			if err != nil {
				return err
			}
			if !rep.OK() {
				return &exitError{code: 1, err: fmt.Errorf("%s: %d check(s) failed", dir, len(rep.Failed()))}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&stats, "stats", false, "make the statistical bands pass or fail (default: report them only)")
	fs.StringVarP(&f.configFile, "config", "c", "", "configuration whose volumes --stats compares against")
	fs.StringVar(&f.scale, "scale", "", "scale preset whose volumes --stats compares against")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	fs.StringVar(&skip, "skip", "", "comma-separated checks to skip; a name ending in \".\" skips a group (stats.)")
	fs.IntVar(&max, "examples", 20, "violations shown per check (all are counted)")
	fs.StringVar(&prof, "cpuprofile", "", "write a CPU profile (pprof) of the run to this file")
	_ = fs.MarkHidden("cpuprofile")
	return cmd
}
