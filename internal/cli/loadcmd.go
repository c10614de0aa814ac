package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/load"
	"github.com/retail-datagen/retail-datagen/internal/schema"
)

func (a *app) loadCmd() *cobra.Command {
	var (
		from          string
		dbSchema      string
		noConstraints bool
		parallel      int
		f             = &runFlags{}
	)
	cmd := &cobra.Command{
		Use:   "load DATABASE-URL --from DIR",
		Short: "Load an output folder into PostgreSQL or DuckDB",
		Long: `load copies the output folder DIR (the one generate wrote, with its
manifest.json) into a database, as typed tables named dim_<table> and
fact_<table> (types, primary keys and foreign keys from the data dictionary;
each fact table also gets a dt DATE column, its partition's day).

DATABASE-URL is one of:
  postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]
      PostgreSQL, loaded with COPY. The password may also come from
      PGPASSWORD or ~/.pgpass (and PGHOST, PGUSER, … fill what the URL omits);
      it is never printed.
  duckdb:///absolute/path/file.duckdb  or  duckdb://relative/file.duckdb
      a DuckDB file (created if missing), loaded with DuckDB's own Parquet,
      CSV and JSON readers. Needs a binary built with -tags duckdb.

Each partition — a dimension table, or one day of a fact table — loads in
one transaction together with its row in the ledger table
retail_datagen_loads (table_name, part, files_sha256, rows, loaded_at). Loading
again skips the partitions whose files are unchanged, and replaces those whose
files changed (regenerated): their rows are deleted and loaded anew. Dimensions
load first, in foreign-key order; fact partitions load --parallel at a time.

DIR must be a local folder; to load data written to object storage, export or
download it to a local folder first.`,
		Example: `  # Generate a small dataset and load it into a local PostgreSQL database
  retail-datagen generate --scale tiny --out data
  retail-datagen load postgres://postgres@localhost:5432/retail --from data

  # Password from the environment, into schema "poc", 8 partitions at a time
  PGPASSWORD=secret retail-datagen load postgres://loader@db.example.com/analytics --from data --schema poc --parallel 8

  # Only sales, no primary or foreign keys (faster; the tables are created without them)
  retail-datagen load postgres://postgres@localhost/retail --from data --tables receipts,receipt_lines --no-constraints

  # Into a DuckDB file (binary built with: go build -tags duckdb ./cmd/retail-datagen)
  retail-datagen load duckdb:///tmp/retail.duckdb --from data

  # Loading again loads only what changed
  retail-datagen generate --scale tiny --out data --days 40
  retail-datagen load postgres://postgres@localhost/retail --from data`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("load takes one database URL (postgres://… or duckdb://…), got %d arguments; see retail-datagen load --help", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if parallel < 1 {
				return fmt.Errorf("--parallel %d: must be at least 1", parallel)
			}
			rep := a.reporter(f)
			res, err := load.Run(cmd.Context(), load.Options{
				URL:           args[0],
				From:          from,
				Schema:        dbSchema,
				Tables:        f.tableList(),
				NoConstraints: noConstraints,
				Parallel:      parallel,
				Progress:      rep,
			})
			rep.Close()
			if err != nil {
				return err
			}
			switch {
			case f.json:
				b, _ := json.Marshal(res)
				fmt.Fprintf(a.stdout, "%s\n", b)
			case !f.quiet:
				fmt.Fprintf(a.stdout, "Loaded %s into %s (schema %s):\n", from, res.Database, res.Schema)
				for _, t := range schema.Tables() {
					if n, ok := res.Tables[load.TableName(t)]; ok {
						fmt.Fprintf(a.stdout, "  %-32s %14s rows\n", load.TableName(t), formatCount(n))
					}
				}
				fmt.Fprintf(a.stdout, "%s rows in %d partitions in %.1fs (%s rows/s); %d partitions already loaded and unchanged\n",
					formatCount(res.Rows), res.Parts, res.Seconds, formatCount(int64(res.RowsPerSec)), res.Skipped)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&from, "from", "data", "output folder to load (local; holds manifest.json)")
	fs.StringVar(&dbSchema, "schema", "", "database schema of the tables (default public for PostgreSQL, main for DuckDB)")
	fs.StringVar(&f.tables, "tables", "", "comma-separated tables to load (default: every table in the folder)")
	fs.BoolVar(&noConstraints, "no-constraints", false, "create the tables without primary and foreign keys (faster loads; applies when the tables are created)")
	fs.IntVar(&parallel, "parallel", 4, "fact partitions loaded at once")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but errors")
	fs.BoolVar(&f.json, "json", false, "machine-readable progress and summary (JSON lines)")
	return cmd
}
