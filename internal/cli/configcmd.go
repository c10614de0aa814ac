package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/config"
)

func (a *app) configCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Write, show and check configuration",
		Long: `Configuration keys keep the names of existing config.json files (seed,
volume.*, realtime.*, paths.*, stream.hub, historical.*, performance.*,
marketing_cost.*, storage.*) plus output.*. Precedence: defaults < scale preset <
file < RETAIL_* environment < flags. Keys starting with "_" are comments.
Secrets are always shown as ***.`,
		Example: `  retail-datagen config init > retail.yaml
  retail-datagen config show --config retail.yaml --as json
  retail-datagen config check retail.yaml
  RETAIL_VOLUME_STORES=40 retail-datagen config check --config retail.yaml`,
	}
	cmd.AddCommand(a.configInitCmd(), a.configShowCmd(), a.configCheckCmd())
	return cmd
}

func (a *app) configInitCmd() *cobra.Command {
	var format, scale, file string
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented configuration with every key and its default",
		Example: `  retail-datagen config init > retail.yaml
  retail-datagen config init --format json --scale small -o retail.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "yaml" && format != "json" {
				return fmt.Errorf("--format %q: must be yaml or json", format)
			}
			if file == "" {
				return config.WriteInitFile(a.stdout, format, scale)
			}
			if _, err := os.Stat(file); err == nil && !force {
				return fmt.Errorf("%s already exists; use --force to overwrite it", file)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("checking %s: %w", file, err)
			}
			out, err := os.Create(file)
			if err != nil {
				return fmt.Errorf("creating %s: %w", file, err)
			}
			if err := config.WriteInitFile(out, format, scale); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return fmt.Errorf("writing %s: %w", file, err)
			}
			fmt.Fprintf(a.stderr, "wrote %s\n", file)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "yaml", "yaml (comments with #) or json (comments in \"_comment\" keys)")
	cmd.Flags().StringVar(&scale, "scale", "default", "preset whose volumes the file starts from: tiny, small, default, large")
	cmd.Flags().StringVarP(&file, "out", "o", "", "write to this file instead of standard output")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing --file")
	return cmd
}

func (a *app) configShowCmd() *cobra.Command {
	f := &runFlags{}
	var format string
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the effective configuration (secrets redacted)",
		Long: `show resolves defaults, preset, file, environment and flags exactly as
generate would, and prints the result. Secrets are printed as ***.`,
		Example: `  retail-datagen config show
  RETAIL_VOLUME_STORES=40 retail-datagen config show --scale small --as json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "yaml" && format != "json" {
				return fmt.Errorf("--as %q: must be yaml or json", format)
			}
			cfg, err := a.loadConfig(cmd, f)
			if err != nil {
				return err
			}
			return cfg.WriteTo(a.stdout, format)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&format, "as", "yaml", "print as yaml or json")
	return cmd
}

func (a *app) configCheckCmd() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "check [FILE]",
		Short: "Validate a configuration file and report every problem",
		Long: `check loads FILE (or --config, or only defaults when neither is given) with
the RETAIL_* environment applied, validates every key and prints all problems
at once (key, value and rule). Exit status 0 when valid, 1 otherwise.`,
		Example: `  retail-datagen config check retail.yaml
  RETAIL_VOLUME_STORES=40 retail-datagen config check --config retail.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if file != "" && file != args[0] {
					return fmt.Errorf("two files given (%s and --config %s): check one at a time", args[0], file)
				}
				file = args[0]
			}
			if _, err := config.Load(config.LoadOptions{File: file, Environ: a.environ}); err != nil {
				return err
			}
			name := file
			if name == "" {
				name = "defaults and environment"
			}
			fmt.Fprintf(a.stdout, "%s: valid\n", name)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "config", "c", "", "configuration file to check (same as the FILE argument)")
	return cmd
}
