// Package load copies an output folder into a database: typed dim_ and fact_
// tables with primary and foreign keys from package schema, loaded one
// partition (a fact table's day, or a whole dimension) per transaction and
// recorded in a ledger table, so loading again skips what is already there
// and replaces what changed. The backends (PostgreSQL, and DuckDB when built
// with the duckdb tag) share the plan, the DDL and the orchestration.
package load

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/progress"
	"github.com/retail-datagen/retail-datagen/internal/schema"
)

// LedgerTable is the table, in the target schema, that records every loaded
// partition.
const LedgerTable = "retail_datagen_loads"

// MasterPart is the ledger's part name of a dimension table.
const MasterPart = "master"

// Options configure one load.
type Options struct {
	// URL is the database: postgres://… (or postgresql://…) or duckdb://PATH.
	URL string
	// From is the local output folder holding manifest.json.
	From string
	// Schema is the database schema of the tables (default: public for
	// PostgreSQL, main for DuckDB).
	Schema string
	// Tables limits the load to these tables (schema names, without prefix);
	// empty loads every table of the manifest.
	Tables []string
	// NoConstraints creates the tables without primary and foreign keys.
	NoConstraints bool
	// Parallel is how many fact partitions load at once (default 4).
	Parallel int
	// Progress receives rows loaded per table; nil reports nothing.
	Progress progress.Reporter
}

// Result summarizes a load.
type Result struct {
	Database    string           `json:"database"` // the URL, password redacted
	Schema      string           `json:"schema"`
	Tables      map[string]int64 `json:"tables"` // rows loaded per database table
	Rows        int64            `json:"rows"`
	Parts       int              `json:"partitions_loaded"`
	Skipped     int              `json:"partitions_skipped"` // already loaded, unchanged
	Seconds     float64          `json:"seconds"`
	RowsPerSec  float64          `json:"rows_per_sec"`
	Constraints bool             `json:"constraints"`
}

// part is one unit of loading: a dimension table, or one day of a fact table.
type part struct {
	table  schema.Table
	name   string   // MasterPart or YYYY-MM-DD
	files  []string // absolute paths
	rows   int64    // as the manifest records
	digest string   // identifies the files' contents
}

// day returns the partition's day, "" for a dimension.
func (p part) day() string {
	if p.name == MasterPart {
		return ""
	}
	return p.name
}

// backend is one kind of database.
type backend interface {
	// setup creates the schema, the ledger and the tables that are missing.
	setup(ctx context.Context, stmts []string) error
	// ledger returns the digest recorded for each loaded part, keyed by
	// ledgerKey.
	ledger(ctx context.Context) (map[string]string, error)
	// replace loads one part in one transaction: unless the ledger already
	// records its digest (then it returns skipped), it deletes the rows the
	// part held, loads its files, checks the row count against p.rows and
	// records the part in the ledger. add reports rows as they load.
	replace(ctx context.Context, p part, add func(int64)) (skipped bool, err error)
	close() error
}

func ledgerKey(table, part string) string { return table + "\x00" + part }

// TableName is the database name of a table: dim_<name> or fact_<name>.
func TableName(t schema.Table) string {
	if t.Kind == schema.Master {
		return "dim_" + t.Name
	}
	return "fact_" + t.Name
}

// Run loads the output folder opts.From into the database opts.URL.
func Run(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	rep := opts.Progress
	if rep == nil {
		rep = progress.Nop{}
	}
	tgt, err := ParseTarget(opts.URL)
	if err != nil {
		return nil, err
	}
	parts, err := plan(opts.From, opts.Tables)
	if err != nil {
		return nil, err
	}
	if opts.Schema == "" {
		opts.Schema = tgt.defaultSchema()
	}
	be, err := tgt.open(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer be.close()
	d := tgt.dialect()
	if err := be.setup(ctx, d.ddl(opts.Schema, !opts.NoConstraints)); err != nil {
		return nil, err
	}
	done, err := be.ledger(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{Database: tgt.Redacted(), Schema: opts.Schema, Tables: map[string]int64{}, Constraints: !opts.NoConstraints}
	var dims, facts []part
	totals := map[string]int64{}
	for _, p := range parts {
		if done[ledgerKey(TableName(p.table), p.name)] == p.digest {
			res.Skipped++
			continue
		}
		totals[TableName(p.table)] += p.rows
		if p.table.Kind == schema.Master {
			dims = append(dims, p)
		} else {
			facts = append(facts, p)
		}
	}
	var mu sync.Mutex
	remaining := map[string]int{}
	for _, p := range append(slices.Clone(dims), facts...) {
		remaining[TableName(p.table)]++
	}
	started := map[string]bool{}
	loadOne := func(ctx context.Context, p part) error {
		name := TableName(p.table)
		// A table's rows/s count from when its first partition starts.
		mu.Lock()
		if !started[name] {
			started[name] = true
			rep.Start(name, totals[name])
		}
		mu.Unlock()
		skipped, err := be.replace(ctx, p, func(n int64) { rep.Add(name, n) })
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if skipped { // another load recorded it meanwhile
			res.Skipped++
		} else {
			res.Parts++
			res.Tables[name] += p.rows
			res.Rows += p.rows
		}
		if remaining[name]--; remaining[name] == 0 {
			rep.Finish(name)
		}
		return nil
	}
	// Dimensions first, one at a time in definition order: each refers only
	// to those before it.
	for _, p := range dims {
		if err := loadOne(ctx, p); err != nil {
			return nil, err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Parallel)
	for _, p := range facts {
		g.Go(func() error { return loadOne(gctx, p) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	res.Seconds = time.Since(start).Seconds()
	if res.Seconds > 0 {
		res.RowsPerSec = float64(res.Rows) / res.Seconds
	}
	return res, nil
}

// plan reads the manifest of the folder dir and returns its parts, in load
// order: dimensions in definition order, then facts by table and day.
func plan(dir string, only []string) ([]part, error) {
	if dir == "" {
		return nil, errors.New("no output folder: give --from DIR, the folder generate wrote (with manifest.json)")
	}
	if strings.Contains(dir, "://") {
		return nil, fmt.Errorf("--from %s: load reads a local folder only; export or download the data to a local folder first, then load that folder", dir)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--from %s: %w; give the folder generate wrote", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--from %s is not a folder; give the folder generate wrote", dir)
	}
	man, err := output.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if man == nil {
		return nil, fmt.Errorf("%s has no %s: generate data there first (retail-datagen generate --out %s) or give the output folder with --from", dir, output.ManifestName, dir)
	}
	want := map[string]bool{}
	for _, name := range only {
		t, ok := schema.Lookup(name)
		if !ok {
			t, ok = lookupPrefixed(name)
		}
		if !ok {
			return nil, fmt.Errorf("--tables: unknown table %q; tables are %s", name, strings.Join(tableNames(), ", "))
		}
		if man.Tables[t.Name] == nil {
			return nil, fmt.Errorf("--tables: %s is not in %s; generate it first", t.Name, filepath.Join(dir, output.ManifestName))
		}
		want[t.Name] = true
	}
	var parts []part
	for _, t := range schema.Tables() {
		e := man.Tables[t.Name]
		if e == nil || (len(want) > 0 && !want[t.Name]) {
			continue
		}
		if t.Kind == schema.Master {
			p, err := newPart(dir, t, MasterPart, e.Files)
			if err != nil {
				return nil, err
			}
			parts = append(parts, p)
			continue
		}
		days := make([]string, 0, len(e.Partitions))
		for d := range e.Partitions {
			days = append(days, d)
		}
		sort.Strings(days)
		for _, d := range days {
			p, err := newPart(dir, t, d, e.Partitions[d].Files)
			if err != nil {
				return nil, err
			}
			parts = append(parts, p)
		}
	}
	return parts, nil
}

func lookupPrefixed(name string) (schema.Table, bool) {
	for _, t := range schema.Tables() {
		if TableName(t) == name {
			return t, true
		}
	}
	return schema.Table{}, false
}

func tableNames() []string {
	var out []string
	for _, t := range schema.Tables() {
		out = append(out, t.Name)
	}
	return out
}

func newPart(dir string, t schema.Table, name string, files []output.FileInfo) (part, error) {
	if name != MasterPart {
		if len(name) != len("2006-01-02") {
			return part{}, fmt.Errorf("manifest: %s has a partition %q that is not a day (YYYY-MM-DD)", t.Name, name)
		}
		if _, err := time.Parse(time.DateOnly, name); err != nil {
			return part{}, fmt.Errorf("manifest: %s has a partition %q that is not a day (YYYY-MM-DD)", t.Name, name)
		}
	}
	p := part{table: t, name: name}
	h := sha256.New()
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b output.FileInfo) int { return strings.Compare(a.Path, b.Path) })
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if _, err := os.Stat(path); err != nil {
			return part{}, fmt.Errorf("%s lists %s, which cannot be read (%w): regenerate the folder or check it with retail-datagen validate", output.ManifestName, path, err)
		}
		p.files = append(p.files, path)
		p.rows += f.Rows
		fmt.Fprintf(h, "%s %s %d\n", f.Path, f.SHA256, f.Rows)
	}
	p.digest = hex.EncodeToString(h.Sum(nil))
	return p, nil
}
