package generate

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/progress"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

// FactsResult summarises a fact run.
type FactsResult struct {
	Start, End civil.Date
	// Rows per table.
	Rows map[string]int64
	// Bytes written, all tables.
	Bytes int64
	// States are the network states after the last day, in network order.
	States []*sim.NetworkState
}

// DaysTask is the progress task counting simulated network-days.
const DaysTask = "simulated days"

// Span is the part of the simulation a run writes: the days From..To, each
// network starting from its state in Initial (nil: from the initial
// positions of master data, with From the configured start).
type Span struct {
	From, To civil.Date
	Initial  []*sim.NetworkState
}

// Facts simulates the days of span over data and writes one file per
// table, day and DC network: facts/<table>/dt=<day>/part-<dc_id>-0.<ext>.
// Networks run in parallel; the files do not depend on the number of
// workers, nor on how the range is split between runs.
func Facts(ctx context.Context, o Options, data *master.Data, span Span) (*FactsResult, error) {
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
	startT, _ := o.Config.DateRange()
	epoch := civil.FromTime(startT)
	start, end := span.From, span.To
	if end < start {
		return nil, fmt.Errorf("nothing to simulate: %s is after %s", start, end)
	}
	model, err := sim.NewModel(o.Config, data, epoch, end)
	if err != nil {
		return nil, err
	}
	var nets []sim.Network
	for i, n := range model.Networks() {
		if o.Shard.Has(i) {
			nets = append(nets, n)
		}
	}
	if span.Initial != nil && len(span.Initial) != len(nets) {
		return nil, fmt.Errorf("the checkpoint has %d networks, the configuration %d: clear the state and generate again", len(span.Initial), len(nets))
	}
	days := int64(end-start) + 1
	o.Progress.Start(DaysTask, days*int64(len(nets)))
	for _, t := range schema.Names(schema.Fact) {
		if o.wants(t) {
			o.Progress.Start(t, 0)
		}
	}

	res := &FactsResult{Start: start, End: end, Rows: map[string]int64{}, States: make([]*sim.NetworkState, len(nets))}
	col := &collector{files: map[string]map[civil.Date][]output.FileInfo{}, rows: res.Rows}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	next := make(chan int)
	// Four times as many networks as workers are in flight, so that one that waits
	// for its files to reach the disk does not leave a core idle.
	for range max(1, min(4*o.Workers, len(nets))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ni := range next {
				var from *sim.NetworkState
				if span.Initial != nil {
					from = span.Initial[ni]
				}
				st, err := runNetwork(ctx, o, lay, model, nets[ni], from, start, end, col)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					continue
				}
				res.States[ni] = st
			}
		}()
	}
	for ni := range nets {
		if ctx.Err() != nil {
			break
		}
		next <- ni
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.Progress.Finish(DaysTask)
	for _, t := range schema.Names(schema.Fact) {
		if o.wants(t) {
			o.Progress.Finish(t)
		}
	}
	if err := recordFacts(o, lay, col.files); err != nil {
		return nil, err
	}
	res.Bytes = col.bytes
	return res, nil
}

// collector gathers the files written by all networks.
type collector struct {
	mu    sync.Mutex
	files map[string]map[civil.Date][]output.FileInfo
	rows  map[string]int64
	bytes int64
}

func (c *collector) add(table string, day civil.Date, fi output.FileInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files[table] == nil {
		c.files[table] = map[civil.Date][]output.FileInfo{}
	}
	c.files[table][day] = append(c.files[table][day], fi)
	c.rows[table] += fi.Rows
	c.bytes += fi.Bytes
}

func runNetwork(ctx context.Context, o Options, lay output.Layout, model *sim.Model, n sim.Network, from *sim.NetworkState, start, end civil.Date, col *collector) (*sim.NetworkState, error) {
	if from == nil {
		from = model.InitialState(n)
	}
	if from.Next != start {
		return nil, fmt.Errorf("the network of DC %d is at %s, not %s: clear the state and generate again", n.DCID, from.Next, start)
	}
	runner, err := model.NewRunner(n, from)
	if err != nil {
		return nil, err
	}
	for day := start; day <= end; day++ {
		files := &dayFiles{o: o, lay: lay, day: day, shard: int(n.DCID)}
		if err := runner.RunDay(ctx, day, files.sinks()); err != nil {
			files.abort()
			return nil, fmt.Errorf("simulating %s for the network of DC %d: %w", day, n.DCID, err)
		}
		infos, err := files.commit()
		if err != nil {
			return nil, err
		}
		for _, fi := range infos {
			if err := o.committed(fi.FileInfo); err != nil {
				return nil, err
			}
			col.add(fi.table, day, fi.FileInfo)
		}
		o.Progress.Add(DaysTask, 1)
	}
	return runner.State(), nil
}

// dayFiles opens one file per table of a network-day, on the first row
// (no empty files), and commits them together.
type dayFiles struct {
	o      Options
	lay    output.Layout
	day    civil.Date
	shard  int
	opened []committer
}

type tableFile struct {
	table string
	output.FileInfo
}

type committer interface {
	table() string
	commit() (output.FileInfo, error)
	abort()
}

// lazyFile is a sim.Sink that creates its file on the first batch.
type lazyFile[T any, PT rows.Row[T]] struct {
	d    *dayFiles
	name string
	w    *output.Writer[T, PT]
}

func (f *lazyFile[T, PT]) Write(batch []T) error {
	if len(batch) == 0 {
		return nil
	}
	if f.w == nil {
		w, err := output.Create[T, PT](f.d.lay.FactPath(f.name, f.d.day, f.d.shard, 0), f.d.lay.Opts)
		if err != nil {
			return err
		}
		f.w = w
		f.d.opened = append(f.d.opened, f)
	}
	if err := f.w.Write(batch); err != nil {
		return fmt.Errorf("writing %s: %w", f.name, err)
	}
	f.d.o.Progress.Add(f.name, int64(len(batch)))
	return nil
}

func (f *lazyFile[T, PT]) table() string { return f.name }

func (f *lazyFile[T, PT]) commit() (output.FileInfo, error) { return f.w.Commit() }

func (f *lazyFile[T, PT]) abort() { f.w.Abort() }

func sink[T any, PT rows.Row[T]](d *dayFiles) sim.Sink[T] {
	name := PT(new(T)).TableName()
	if !d.o.wants(name) {
		return nil
	}
	return &lazyFile[T, PT]{d: d, name: name}
}

func (d *dayFiles) sinks() sim.Sinks {
	return sim.Sinks{
		Receipts:               sink[rows.Receipt](d),
		ReceiptLines:           sink[rows.ReceiptLine](d),
		Payments:               sink[rows.Payment](d),
		PromotionsApplied:      sink[rows.PromotionApplied](d),
		StoreInventoryTxn:      sink[rows.StoreInventoryTxn](d),
		Stockouts:              sink[rows.Stockout](d),
		FootTraffic:            sink[rows.FootTraffic](d),
		BLEPings:               sink[rows.BLEPing](d),
		CustomerZoneChanges:    sink[rows.CustomerZoneChange](d),
		StoreOps:               sink[rows.StoreOp](d),
		Reorders:               sink[rows.Reorder](d),
		DCInventoryTxn:         sink[rows.DCInventoryTxn](d),
		TruckMoves:             sink[rows.TruckMove](d),
		TruckInventory:         sink[rows.TruckInventory](d),
		MarketingImpressions:   sink[rows.MarketingImpression](d),
		OnlineOrders:           sink[rows.OnlineOrder](d),
		OnlineOrderLines:       sink[rows.OnlineOrderLine](d),
		SupplyChainDisruptions: sink[rows.SupplyChainDisruption](d),
	}
}

func (d *dayFiles) commit() ([]tableFile, error) {
	var out []tableFile
	for i, f := range d.opened {
		fi, err := f.commit()
		if err != nil {
			for _, g := range d.opened[i+1:] {
				g.abort()
			}
			return nil, fmt.Errorf("writing %s for %s: %w", f.table(), d.day, err)
		}
		out = append(out, tableFile{f.table(), fi})
	}
	return out, nil
}

func (d *dayFiles) abort() {
	for _, f := range d.opened {
		f.abort()
	}
}

// recordFacts adds the fact partitions to the manifest.
func recordFacts(o Options, lay output.Layout, files map[string]map[civil.Date][]output.FileInfo) error {
	m, err := output.ReadManifestFile(lay.Root, o.Shard.ManifestName())
	if err != nil {
		return err
	}
	if m == nil {
		m = &output.Manifest{
			Generator: "retail-datagen", Version: o.Version, Seed: o.Config.Seed,
			ConfigFingerprint: o.Config.Fingerprint(), Format: lay.Opts.Format, Compression: lay.Opts.Compression,
		}
	}
	tables := make([]string, 0, len(files))
	for t := range files {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		daysOf := make([]civil.Date, 0, len(files[t]))
		for d := range files[t] {
			daysOf = append(daysOf, d)
		}
		slices.Sort(daysOf)
		for _, d := range daysOf {
			fs := files[t][d]
			for i := range fs {
				fs[i].Path = lay.Rel(fs[i].Path)
			}
			slices.SortFunc(fs, func(a, b output.FileInfo) int { return strings.Compare(a.Path, b.Path) })
			m.SetPartition(t, d, fs)
		}
	}
	return m.WriteFile(lay.Root, o.Shard.ManifestName())
}

// CheckMaster verifies that the output folder holds master data made with
// the same configuration, so that facts written next to it agree with it.
func CheckMaster(o Options) error {
	if o.Shard.Sharded() {
		// Shards run on separate machines: each rebuilds the master data
		// and checks its own manifest (see the run plan).
		return nil
	}
	lay, err := o.layout()
	if err != nil {
		return err
	}
	m, err := output.ReadManifest(lay.Root)
	if err != nil {
		return err
	}
	if m == nil {
		return fmt.Errorf("%s has no manifest.json: run `retail-datagen generate` (or `master`) with this configuration first", lay.Root)
	}
	if m.ConfigFingerprint != o.Config.Fingerprint() || m.Seed != o.Config.Seed {
		return fmt.Errorf("the master data in %s was generated with another seed or configuration: run `retail-datagen generate` with this configuration, or point --out elsewhere", lay.Root)
	}
	if m.Format != lay.Opts.Format {
		return fmt.Errorf("%s holds %s files, not %s: use --format %s", lay.Root, m.Format, lay.Opts.Format, m.Format)
	}
	return nil
}
