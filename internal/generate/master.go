// Package generate runs generation jobs: it builds the data with the engine
// packages and writes it through package output, reporting progress.
package generate

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"

	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/progress"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/schema"
)

// Options configure a job.
type Options struct {
	Config   *config.Config
	Dict     *dict.Set
	Workers  int
	Progress progress.Reporter
	Version  string
	// Tables limits output to these tables (empty = all).
	Tables []string
	// Shard, when N > 1, limits the run to the DC networks whose index is
	// K modulo N; shard 0 also writes the master data. Each shard records
	// its files in its own manifest (see output.ShardManifestName).
	Shard Shard
	// SoftMemoryLimit, when set, makes a generation job cap the garbage
	// collector's heap growth for the simulation (see jobs.Generate); the
	// command line sets it, a long-lived server does not.
	SoftMemoryLimit bool
	// Committed, when set, is called with every data file once it is
	// committed, before the manifest names it (the object-storage
	// uploader hooks in here). An error stops the job.
	Committed func(output.FileInfo) error
}

// committed passes fi to the Committed hook, if any.
func (o Options) committed(fi output.FileInfo) error {
	if o.Committed == nil {
		return nil
	}
	return o.Committed(fi)
}

// Shard is part K of N of a dataset; the zero value is the whole dataset.
type Shard struct{ K, N int }

// Sharded reports whether the run is one shard of several.
func (s Shard) Sharded() bool { return s.N > 1 }

// Has reports whether network i belongs to the shard.
func (s Shard) Has(i int) bool { return !s.Sharded() || i%s.N == s.K }

// ManifestName is the manifest file the shard writes.
func (s Shard) ManifestName() string {
	if !s.Sharded() {
		return output.ManifestName
	}
	return output.ShardManifestName(s.K, s.N)
}

// MasterResult summarises a master-data run.
type MasterResult struct {
	Data  *master.Data
	Files map[string]output.FileInfo
}

// Layout is where and how the job writes; it assumes a validated config.
func (o Options) Layout() output.Layout {
	l, _ := o.layout()
	return l
}

func (o Options) layout() (output.Layout, error) {
	opts, err := output.Options{
		Format:      output.Format(o.Config.Output.Format),
		Compression: o.Config.Output.Compression,
		Version:     o.Version,
	}.Normalize()
	if err != nil {
		return output.Layout{}, err
	}
	return output.Layout{Root: o.Config.Output.Dir, Opts: opts}, nil
}

// CheckTables rejects table names that do not exist.
func CheckTables(names []string) error {
	for _, n := range names {
		if _, ok := schema.Lookup(n); !ok {
			all := make([]string, 0)
			for _, t := range schema.Tables() {
				all = append(all, t.Name)
			}
			return fmt.Errorf("--tables: unknown table %q; tables are: %v", n, all)
		}
	}
	return nil
}

func (o Options) wants(table string) bool {
	return len(o.Tables) == 0 || slices.Contains(o.Tables, table)
}

// Master generates every dimension table and writes it under
// <out>/master, then records the files in the manifest.
func Master(ctx context.Context, o Options) (*MasterResult, error) {
	if o.Progress == nil {
		o.Progress = progress.Nop{}
	}
	if err := CheckTables(o.Tables); err != nil {
		return nil, err
	}
	lay, err := o.layout()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(lay.Root, 0o755); err != nil {
		return nil, fmt.Errorf("creating output folder %s: %w", lay.Root, err)
	}
	data, err := master.Generate(ctx, o.Config, o.Dict, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("generating master data: %w", err)
	}

	type task struct {
		table string
		total int64
		run   func(path string) (output.FileInfo, error)
	}
	// The store total is an estimate (assortments are drawn per product).
	var storeInvRows int64
	for _, s := range data.Stores {
		storeInvRows += int64(float64(len(data.Products)) * master.Assortment(s.StoreFormat))
	}
	dcInvRows := int64(len(data.DCs) * len(data.Products))
	tasks := []task{
		{"geographies", int64(len(data.Geographies)), slice(o, lay, data.Geographies)},
		{"distribution_centers", int64(len(data.DCs)), slice(o, lay, data.DCs)},
		{"stores", int64(len(data.Stores)), slice(o, lay, data.Stores)},
		{"trucks", int64(len(data.Trucks)), slice(o, lay, data.Trucks)},
		{"customers", int64(len(data.Customers)), slice(o, lay, data.Customers)},
		{"products", int64(len(data.Products)), slice(o, lay, data.Products)},
		{"campaigns", int64(len(data.Campaigns)), slice(o, lay, data.Campaigns)},
		{"promotions", int64(len(data.Promotions)), slice(o, lay, data.Promotions)},
		{"store_inventory_initial", storeInvRows, perLocation(ctx, o, lay, "store_inventory_initial", len(data.Stores), data.StoreInventory)},
		{"dc_inventory_initial", dcInvRows, perLocation(ctx, o, lay, "dc_inventory_initial", len(data.DCs), data.DCInventory)},
	}
	var selected []task
	for _, t := range tasks {
		if o.wants(t.table) {
			selected = append(selected, t)
			o.Progress.Start(t.table, t.total)
		}
	}

	res := &MasterResult{Data: data, Files: map[string]output.FileInfo{}}
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, max(1, o.Workers))
	var wg sync.WaitGroup
	for _, t := range selected {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			fi, err := t.run(lay.MasterPath(t.table))
			if err == nil {
				err = o.committed(fi)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("writing table %s: %w", t.table, err)
				}
				return
			}
			o.Progress.Finish(t.table)
			res.Files[t.table] = fi
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := recordMaster(o, lay, res.Files); err != nil {
		return nil, err
	}
	return res, nil
}

// recordMaster writes the manifest entries of the master tables.
func recordMaster(o Options, lay output.Layout, files map[string]output.FileInfo) error {
	m, err := output.ReadManifestFile(lay.Root, o.Shard.ManifestName())
	if err != nil {
		return err
	}
	if m == nil || m.Format != lay.Opts.Format || m.ConfigFingerprint != o.Config.Fingerprint() {
		m = &output.Manifest{}
	}
	m.Generator = "retail-datagen"
	m.Version = o.Version
	m.Seed = o.Config.Seed
	m.ConfigFingerprint = o.Config.Fingerprint()
	m.Format = lay.Opts.Format
	m.Compression = lay.Opts.Compression
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fi := files[n]
		fi.Path = lay.Rel(fi.Path)
		m.SetMaster(n, fi)
	}
	return m.WriteFile(lay.Root, o.Shard.ManifestName())
}

// slice returns a task that writes rows in batches, reporting progress.
func slice[T any, PT rows.Row[T]](o Options, lay output.Layout, all []T) func(string) (output.FileInfo, error) {
	return func(path string) (output.FileInfo, error) {
		w, err := output.Create[T, PT](path, lay.Opts)
		if err != nil {
			return output.FileInfo{}, err
		}
		table := PT(new(T)).TableName()
		const batch = 16384
		for i := 0; i < len(all); i += batch {
			part := all[i:min(i+batch, len(all))]
			if err := w.Write(part); err != nil {
				w.Abort()
				return output.FileInfo{}, err
			}
			o.Progress.Add(table, int64(len(part)))
		}
		return w.Commit()
	}
}

// perLocation writes rows produced per location (store or DC), generating
// locations in parallel windows and writing them in location order.
func perLocation[T any, PT rows.Row[T]](ctx context.Context, o Options, lay output.Layout, table string, n int, gen func(int) []T) func(string) (output.FileInfo, error) {
	return func(path string) (output.FileInfo, error) {
		w, err := output.Create[T, PT](path, lay.Opts)
		if err != nil {
			return output.FileInfo{}, err
		}
		window := max(1, o.Workers) * 2
		buf := make([][]T, window)
		for start := 0; start < n; start += window {
			if err := ctx.Err(); err != nil {
				w.Abort()
				return output.FileInfo{}, err
			}
			end := min(start+window, n)
			var wg sync.WaitGroup
			for i := start; i < end; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					buf[i-start] = gen(i)
				}()
			}
			wg.Wait()
			for i := start; i < end; i++ {
				if err := w.Write(buf[i-start]); err != nil {
					w.Abort()
					return output.FileInfo{}, err
				}
				o.Progress.Add(table, int64(len(buf[i-start])))
				buf[i-start] = nil
			}
		}
		return w.Commit()
	}
}
