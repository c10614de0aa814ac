package generate

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

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

// DaysTask is the progress task of the simulation: its total is days ×
// networks, and each network-day adds its part of the network's share,
// which is proportional to the network's work (see progressShares).
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
	shares := progressShares(model, nets, days)
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
	// Commits (fsync, rename, fsync of the folder) wait for the disk; a
	// few more goroutines than workers keep it busy, and the file system
	// can group the flushes of concurrent commits.
	commits := newTasks(max(4, 2*o.Workers), 4*max(1, o.Workers))
	next := make(chan int)
	// One network per worker; each network's files are encoded and written
	// by a goroutine of its own while it simulates (see tasks).
	for range max(1, min(o.Workers, len(nets))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ni := range next {
				var from *sim.NetworkState
				if span.Initial != nil {
					from = span.Initial[ni]
				}
				st, err := runNetwork(ctx, o, lay, model, nets[ni], from, start, end, col, commits, shares[ni])
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
	// The heaviest networks start first (longest processing time first), so
	// the last to finish are short ones and no core idles at the end.
	order := make([]int, len(nets))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(model.Work(nets[b]), model.Work(nets[a]))
	})
	for _, ni := range order {
		if ctx.Err() != nil {
			break
		}
		next <- ni
	}
	close(next)
	wg.Wait()
	if err := commits.close(); err != nil && firstErr == nil {
		firstErr = err
	}
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

// progressShares splits the progress total, days × networks, between the
// networks in proportion to their work, so that progress (and its ETA)
// advances with the work done rather than with network-days, of which a
// large network's cost many times a small one's. The shares add up to the
// total exactly (largest remainders).
func progressShares(model *sim.Model, nets []sim.Network, days int64) []int64 {
	total := days * int64(len(nets))
	work := make([]float64, len(nets))
	sum := 0.0
	for i, n := range nets {
		work[i] = model.Work(n)
		sum += work[i]
	}
	shares := make([]int64, len(nets))
	rem := make([]float64, len(nets))
	given := int64(0)
	for i := range nets {
		exact := float64(total) * work[i] / sum
		shares[i] = int64(exact)
		rem[i] = exact - float64(shares[i])
		given += shares[i]
	}
	order := make([]int, len(nets))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for k := 0; given < total; k++ {
		shares[order[k%len(order)]]++
		given++
	}
	return shares
}

func runNetwork(ctx context.Context, o Options, lay output.Layout, model *sim.Model, n sim.Network, from *sim.NetworkState, start, end civil.Date, col *collector, commits *tasks, share int64) (*sim.NetworkState, error) {
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
	files := &networkFiles{o: o, lay: lay, shard: int(n.DCID), col: col, w: newTasks(1, writeQueueDepth), commits: commits,
		first: start, days: int64(end-start) + 1, share: share}
	sinks := files.sinks()
	for day := start; day <= end; day++ {
		files.day = day
		if err = runner.RunDay(ctx, day, sinks); err != nil {
			err = fmt.Errorf("simulating %s for the network of DC %d: %w", day, n.DCID, err)
			break
		}
		if err = files.commitDay(); err != nil {
			break
		}
	}
	if werr := files.w.close(); err == nil {
		err = werr
	}
	if err != nil {
		files.abort()
		return nil, err
	}
	return runner.State(), nil
}

// writeQueueDepth bounds the batches a network's simulation may run ahead
// of its file writer: with batches of 2048 rows, a few megabytes.
const writeQueueDepth = 32

// tasks runs queued work on goroutines of its own. A network's file work
// (encoding, hashing, writing) runs on one goroutine, in the order it was
// queued, so that the simulation goes on meanwhile and a single large
// network keeps two cores busy; the job's commits run on a few. After the
// first error, nothing more runs: later tasks are discarded instead.
type tasks struct {
	queue  chan task
	wg     sync.WaitGroup
	failed atomic.Pointer[error]
}

// task is work to run, and what undoes it (may be nil) when it is
// discarded after an earlier error.
type task struct {
	run     func() error
	discard func()
}

func newTasks(goroutines, depth int) *tasks {
	t := &tasks{queue: make(chan task, depth)}
	for range goroutines {
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			for k := range t.queue {
				if t.failed.Load() != nil {
					if k.discard != nil {
						k.discard()
					}
					continue
				}
				if err := k.run(); err != nil {
					t.failed.CompareAndSwap(nil, &err)
				}
			}
		}()
	}
	return t
}

// err is the first error of a task.
func (t *tasks) err() error {
	if p := t.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// do queues k, waiting while the queue is full; it returns the first error
// of an earlier task instead, without queueing k, if there is one.
func (t *tasks) do(k task) error {
	if err := t.err(); err != nil {
		return err
	}
	t.queue <- k
	return nil
}

// close waits for the queued tasks and returns the first error.
func (t *tasks) close() error {
	close(t.queue)
	t.wg.Wait()
	return t.err()
}

// networkFiles are the sinks of one network: one file per table and day,
// created on the first row (no empty files) and committed together at the
// end of the day. Fields other than the writers' belong to the simulation's
// goroutine; the writers and their output.Writer belong to w's goroutine.
type networkFiles struct {
	o       Options
	lay     output.Layout
	shard   int
	col     *collector
	w       *tasks // the network's file writer: one goroutine
	commits *tasks // the job's commits
	day     civil.Date
	// The network's share of the progress total, reported day by day.
	first  civil.Date
	days   int64
	share  int64
	all    []tableFile // every table's file, for abort
	opened []tableFile // files with rows today
}

type tableFile interface {
	table() string
	newDay() // simulation side: the next rows start a new file
	// finish completes today's file on the writer goroutine and hands it
	// over for its durable commit; the next rows start a new file.
	finish() (pendingFile, error)
	abort()
}

// pendingFile is a finished file waiting for its durable commit.
type pendingFile interface {
	Commit() (output.FileInfo, error)
	Abort()
}

// commitDay queues the day's files: the network's writer finishes them (the
// rest of their encoding), then the job's commit tasks make them durable,
// rename them into place and record them, while the writer goes on with
// the next day.
func (d *networkFiles) commitDay() error {
	files := slices.Clone(d.opened)
	for _, f := range files {
		f.newDay()
	}
	d.opened = d.opened[:0]
	day := d.day
	return d.w.do(task{run: func() error {
		pending := make([]pendingFile, 0, len(files))
		for i, f := range files {
			p, err := f.finish()
			if err != nil {
				for _, g := range files[i+1:] {
					g.abort()
				}
				abortAll(pending)
				return fmt.Errorf("writing %s for %s: %w", f.table(), day, err)
			}
			pending = append(pending, p)
		}
		commit := func() error {
			for i, p := range pending {
				if err := d.commit(files[i].table(), day, p); err != nil {
					abortAll(pending[i+1:])
					return err
				}
			}
			// Day i of n reports share·(i+1)/n − share·i/n: the day's part
			// of the network's share, adding up to the share exactly.
			i := int64(day - d.first)
			d.o.Progress.Add(DaysTask, d.share*(i+1)/d.days-d.share*i/d.days)
			return nil
		}
		if err := d.commits.do(task{run: commit, discard: func() { abortAll(pending) }}); err != nil {
			abortAll(pending)
			return err
		}
		return nil
	}})
}

// commit makes a finished file durable and visible, hands it to the
// object-storage uploader, if any, and records it; the manifest names it
// only after the run.
func (d *networkFiles) commit(table string, day civil.Date, p pendingFile) error {
	fi, err := p.Commit()
	if err != nil {
		return fmt.Errorf("writing %s for %s: %w", table, day, err)
	}
	if err := d.o.committed(fi); err != nil {
		return err
	}
	d.col.add(table, day, fi)
	return nil
}

func abortAll(ps []pendingFile) {
	for _, p := range ps {
		p.Abort()
	}
}

// abort discards uncommitted files; call it once the writer has stopped.
func (d *networkFiles) abort() {
	for _, f := range d.all {
		f.abort()
	}
}

// lazyFile is a sim.Sink that takes each batch over (sim.Taker) and queues
// its writing.
type lazyFile[T any, PT rows.Row[T]] struct {
	d      *networkFiles
	name   string
	opened bool // today; simulation side
	// free returns written batches for reuse, so batches are not
	// allocated in the steady state.
	free chan []T
	w    *output.Writer[T, PT] // writer side
}

// Take queues batch for writing and returns an empty batch for the next
// rows: a written one when the writer has returned one, else a new one.
func (f *lazyFile[T, PT]) Take(batch []T) ([]T, error) {
	if len(batch) == 0 {
		return batch, nil
	}
	var next []T
	select {
	case next = <-f.free:
	default:
		next = make([]T, 0, cap(batch))
	}
	return next[:0], f.queue(batch)
}

// Write copies batch and queues the copy, for callers that keep their batch.
func (f *lazyFile[T, PT]) Write(batch []T) error {
	if len(batch) == 0 {
		return nil
	}
	var buf []T
	select {
	case buf = <-f.free:
	default:
		buf = make([]T, 0, len(batch))
	}
	return f.queue(append(buf[:0], batch...))
}

// queue hands buf, which the simulation no longer touches, to the network's
// file writer; the writer returns it to free once written.
func (f *lazyFile[T, PT]) queue(buf []T) error {
	if !f.opened {
		f.opened = true
		f.d.opened = append(f.d.opened, f)
	}
	day := f.d.day
	return f.d.w.do(task{run: func() error {
		defer func() {
			select {
			case f.free <- buf:
			default:
			}
		}()
		if f.w == nil {
			w, err := output.Create[T, PT](f.d.lay.FactPath(f.name, day, f.d.shard, 0), f.d.lay.Opts)
			if err != nil {
				return err
			}
			f.w = w
		}
		if err := f.w.Write(buf); err != nil {
			return fmt.Errorf("writing %s: %w", f.name, err)
		}
		f.d.o.Progress.Add(f.name, int64(len(buf)))
		return nil
	}})
}

func (f *lazyFile[T, PT]) table() string { return f.name }

func (f *lazyFile[T, PT]) newDay() { f.opened = false }

func (f *lazyFile[T, PT]) finish() (pendingFile, error) {
	w := f.w
	f.w = nil
	if err := w.Finish(); err != nil {
		return nil, err
	}
	return w, nil
}

func (f *lazyFile[T, PT]) abort() {
	if f.w != nil {
		f.w.Abort()
		f.w = nil
	}
}

func sink[T any, PT rows.Row[T]](d *networkFiles) sim.Sink[T] {
	name := PT(new(T)).TableName()
	if !d.o.wants(name) {
		return nil
	}
	f := &lazyFile[T, PT]{d: d, name: name, free: make(chan []T, writeQueueDepth)}
	d.all = append(d.all, f)
	return f
}

func (d *networkFiles) sinks() sim.Sinks {
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
