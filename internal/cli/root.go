// Package cli implements the retail-datagen command line.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// app holds what the commands share. There is no global state: each Run
// builds its own.
type app struct {
	version string
	stdout  io.Writer
	stderr  io.Writer
	environ []string
}

// Run executes the command line and returns the process exit code.
func Run(ctx context.Context, version string, args []string, stdout, stderr io.Writer) int {
	a := &app{version: resolveVersion(version), stdout: stdout, stderr: stderr, environ: os.Environ()}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "error: %s\n", strings.TrimRight(err.Error(), "\n"))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		return 130
	}
	return 1
}

func resolveVersion(v string) string {
	if v != "" {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "retail-datagen",
		Short: "Generate realistic, 100 % synthetic retail data",
		Long: `retail-datagen generates a believable retail chain — geographies, distribution
centers, stores, trucks, customers, products, campaigns and inventory — as
dimension tables, and (as the simulation grows) years of historical facts and a
live event stream that continues them. Every value is synthetic and
deterministic: the same seed and configuration give byte-identical files.

Configuration comes from built-in defaults, a scale preset, an optional JSON or
YAML file (--config), RETAIL_* environment variables and flags, in that order
of precedence.`,
		Example: `  # Master data and facts for the tiny preset into ./data
  retail-datagen generate --scale tiny

  # Default scale as CSV into /tmp/retail
  retail-datagen generate --format csv --out /tmp/retail

  # Write a commented configuration file to start from
  retail-datagen config init > retail.yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(a.generateCmd(), a.masterCmd(), a.factsCmd(), a.streamCmd(), a.dlqCmd(), a.kafkaSandboxCmd(), a.validateCmd(), a.stateCmd(), a.mergeCmd(), a.configCmd(), a.serveCmd(), a.versionCmd(), a.loadCmd(), a.exportCmd())
	return root
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the program version",
		Example: `  retail-datagen version`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(a.stdout, "retail-datagen %s\n", a.version)
			return nil
		},
	}
}
