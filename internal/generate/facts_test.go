package generate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/sim"
)

func tinyOptions(t *testing.T, dir string, workers int) Options {
	t.Helper()
	cfg, err := config.Load(config.LoadOptions{Overrides: map[string]string{
		"scale": "tiny", "output.dir": dir, "historical.start_date": "2025-03-01", "output.format": "csv",
	}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := dict.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return Options{Config: cfg, Dict: d, Workers: workers, Version: "test"}
}

func runFacts(t *testing.T, o Options, data *master.Data, days int) (*FactsResult, error) {
	t.Helper()
	start := civil.DaysFromCivil(2025, 3, 1)
	return Facts(context.Background(), o, data, Span{From: start, To: start + civil.Date(days-1)})
}

// TestFactsWorkerIndependent runs the same days with one and with three
// workers: each network's files are written by its own goroutine while it
// simulates, and neither that nor the scheduling may change a byte.
func TestFactsWorkerIndependent(t *testing.T) {
	var manifests []string
	for _, workers := range []int{1, 3} {
		dir := t.TempDir()
		o := tinyOptions(t, dir, workers)
		data, err := master.Generate(context.Background(), o.Config, o.Dict, workers)
		if err != nil {
			t.Fatal(err)
		}
		res, err := runFacts(t, o, data, 4)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows["receipts"] == 0 || res.Rows["ble_pings"] == 0 {
			t.Fatalf("no rows: %v", res.Rows)
		}
		b, err := os.ReadFile(filepath.Join(dir, output.ManifestName))
		if err != nil {
			t.Fatal(err)
		}
		manifests = append(manifests, string(b))
	}
	if manifests[0] != manifests[1] {
		t.Error("1 and 3 workers wrote different files (manifests with their checksums differ)")
	}
}

// TestFactsWriteFailure makes a file impossible to create: the error of the
// writer goroutine reaches the caller, naming the path, and no partial file
// is left visible.
func TestFactsWriteFailure(t *testing.T) {
	dir := t.TempDir()
	o := tinyOptions(t, dir, 2)
	data, err := master.Generate(context.Background(), o.Config, o.Dict, 2)
	if err != nil {
		t.Fatal(err)
	}
	// A file where the receipts' partition folder of the second day goes.
	blocked := o.Layout().PartitionDir("receipts", civil.DaysFromCivil(2025, 3, 2))
	if err := os.MkdirAll(filepath.Dir(blocked), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = runFacts(t, o, data, 3)
	if err == nil || !strings.Contains(err.Error(), "dt=2025-03-02") {
		t.Fatalf("error = %v, want one naming the blocked partition", err)
	}
	checkFailedRun(t, dir)
}

// checkFailedRun: a failed run left no temporary file and no manifest.
func checkFailedRun(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasSuffix(d.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, output.ManifestName)); err == nil {
		t.Error("a failed run wrote a manifest")
	}
}

// TestFactsCommitFailure: files are made durable and renamed into place
// by the job's committer, after the writer has moved on. A rename that
// fails (a folder squats the file's name) and a Committed hook that fails
// (as an upload would) both reach the caller, naming the file, and leave
// no temporary file and no manifest.
func TestFactsCommitFailure(t *testing.T) {
	day2 := civil.DaysFromCivil(2025, 3, 2)
	for _, tc := range []struct {
		name string
		prep func(t *testing.T, o *Options) string // returns what the error must name
	}{
		{"rename", func(t *testing.T, o *Options) string {
			target := o.Layout().FactPath("payments", day2, 1, 0)
			if err := os.MkdirAll(target, 0o755); err != nil {
				t.Fatal(err)
			}
			return "dt=2025-03-02"
		}},
		{"hook", func(t *testing.T, o *Options) string {
			o.Committed = func(fi output.FileInfo) error {
				if strings.Contains(fi.Path, "stockouts") && strings.Contains(fi.Path, "dt=2025-03-03") {
					return fmt.Errorf("upload of %s refused", fi.Path)
				}
				return nil
			}
			return "upload of"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			o := tinyOptions(t, dir, 2)
			want := tc.prep(t, &o)
			data, err := master.Generate(context.Background(), o.Config, o.Dict, 2)
			if err != nil {
				t.Fatal(err)
			}
			_, err = runFacts(t, o, data, 4)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error = %v, want one naming %q", err, want)
			}
			checkFailedRun(t, dir)
		})
	}
}

// daysRecorder records the simulation task's progress.
type daysRecorder struct {
	mu           sync.Mutex
	total, added int64
	adds         int
}

func (r *daysRecorder) Start(task string, total int64) {
	if task == DaysTask {
		r.mu.Lock()
		r.total = total
		r.mu.Unlock()
	}
}

func (r *daysRecorder) Add(task string, n int64) {
	if task == DaysTask {
		r.mu.Lock()
		r.added += n
		r.adds++
		r.mu.Unlock()
	}
}

func (r *daysRecorder) Finish(string) {}
func (r *daysRecorder) Close()        {}

// TestProgressWeightedByWork: the simulation's progress reaches its total
// (days × networks) exactly, one report per network-day, and a network's
// share follows its work.
func TestProgressWeightedByWork(t *testing.T) {
	o := tinyOptions(t, t.TempDir(), 2)
	rec := &daysRecorder{}
	o.Progress = rec
	data, err := master.Generate(context.Background(), o.Config, o.Dict, 2)
	if err != nil {
		t.Fatal(err)
	}
	const days = 5
	if _, err := runFacts(t, o, data, days); err != nil {
		t.Fatal(err)
	}
	if rec.added != rec.total || rec.total == 0 {
		t.Errorf("progress added %d of %d", rec.added, rec.total)
	}
	if rec.adds == 0 || rec.adds%days != 0 {
		t.Errorf("%d reports, want one per network-day", rec.adds)
	}
	start := civil.DaysFromCivil(2025, 3, 1)
	model, err := sim.NewModel(o.Config, data, start, start+days-1)
	if err != nil {
		t.Fatal(err)
	}
	nets := model.Networks()
	shares := progressShares(model, nets, days)
	var sum int64
	for i, s := range shares {
		sum += s
		for j := range shares {
			if model.Work(nets[i]) > model.Work(nets[j]) && s < shares[j] {
				t.Errorf("network %d has more work but a smaller share (%d) than network %d (%d)", i, s, j, shares[j])
			}
		}
	}
	if sum != days*int64(len(nets)) {
		t.Errorf("shares add up to %d, want %d", sum, days*len(nets))
	}
}
