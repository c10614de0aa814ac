package jobs

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/generate"
)

func tinyOptions(t *testing.T, dir string) generate.Options {
	t.Helper()
	cfg, err := config.Load(config.LoadOptions{Overrides: map[string]string{
		"scale": "tiny", "output.dir": dir, "historical.start_date": "2025-03-01", "historical.days": "3", "output.format": "jsonl",
	}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := dict.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return generate.Options{Config: cfg, Dict: d, Workers: 2, Version: "test"}
}

// TestManagerJobAndStream runs a generation job to the end while watching
// it, refuses a second one, then streams with pause, resume and stop.
func TestManagerJobAndStream(t *testing.T) {
	dir := t.TempDir()
	o := tinyOptions(t, dir)
	m := NewManager()
	defer m.Close()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(m.Collectors()...)

	st, err := m.StartJob(JobSpec{Kind: "all", Options: o})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.StartJob(JobSpec{Kind: "facts", Options: o}); !errors.Is(err, ErrBusy) {
		t.Errorf("a second job: %v, want ErrBusy", err)
	}
	if _, err := m.StartStream(StreamRequest{Config: o.Config, Dict: o.Dict, Sink: "stdout"}); !errors.Is(err, ErrBusy) {
		t.Errorf("a stream during a job: %v, want ErrBusy", err)
	}
	ch, err := m.WatchJob(context.Background(), st.ID, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var last JobStatus
	prev := -1.0
	for s := range ch {
		if s.Fraction < prev {
			t.Errorf("fraction went back from %v to %v", prev, s.Fraction)
		}
		prev, last = s.Fraction, s
	}
	if last.State != StateSucceeded || last.Fraction != 1 || last.Summary == nil || last.Rows != last.Summary.Rows {
		t.Fatalf("final status %+v", last)
	}
	for _, tb := range last.Tables {
		if tb.State != TableCompleted {
			t.Errorf("table %s: %s", tb.Name, tb.State)
		}
	}
	if len(last.Tables) < 20 {
		t.Errorf("%d tables tracked", len(last.Tables))
	}
	if js := m.Jobs(); len(js) != 1 || js[0].ID != st.ID {
		t.Errorf("jobs: %+v", js)
	}

	// Stream to files, pause, resume, stop.
	events := filepath.Join(t.TempDir(), "events")
	rate := 3000.0
	if _, err := m.StartStream(StreamRequest{Config: o.Config, Dict: o.Dict, Workers: 2, Sink: "file:" + events, Rate: &rate}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return m.StreamStatus().Events > 500 })
	if _, err := m.PauseStream(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return m.StreamStatus().State == StreamPaused })
	time.Sleep(300 * time.Millisecond) // the pending batch lands
	n := m.StreamStatus().Events
	time.Sleep(500 * time.Millisecond)
	if got := m.StreamStatus().Events; got != n {
		t.Errorf("paused stream went on: %d then %d events", n, got)
	}
	if _, err := m.ResumeStream(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return m.StreamStatus().Events > n+500 })
	if _, err := m.StopStream(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return m.StreamStatus().FinishedAt != nil })
	s := m.StreamStatus()
	if s.State != StreamStopped || s.Result == nil || s.Result.Events != s.Events {
		t.Fatalf("stopped stream: %+v", s)
	}
	lines := 0
	files, _ := filepath.Glob(filepath.Join(events, "events-*.jsonl"))
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines++
		}
		f.Close()
	}
	if int64(lines) != s.Events {
		t.Errorf("%d events in the files, %d counted", lines, s.Events)
	}
	if _, err := m.StopStream(); !errors.Is(err, ErrNoStream) {
		t.Errorf("stopping a stopped stream: %v", err)
	}
	if _, err := reg.Gather(); err != nil {
		t.Errorf("metrics: %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
