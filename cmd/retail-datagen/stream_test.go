package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// eventIDs reads the event ids of every file of a file sink's folder, and
// fails on a duplicate.
func eventIDs(t *testing.T, dir string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(dir, "events-*.jsonl"))
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var e struct {
				ID string `json:"event_id"`
			}
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if ids[e.ID] {
				t.Fatalf("event %s delivered twice", e.ID)
			}
			ids[e.ID] = true
		}
		f.Close()
	}
	return ids
}

// TestStreamSIGTERMThenRestart stops a paced stream with SIGTERM while it
// serves Prometheus metrics: it exits cleanly having recorded its position,
// and a restart continues exactly there — together the two runs deliver
// the same events as one uninterrupted run, none twice, none missing.
func TestStreamSIGTERMThenRestart(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	base := []string{"--scale", "tiny", "--start", "2025-02-01"}
	dir := t.TempDir()
	mustRun(t, append([]string{"generate", "-o", dir, "--days", "2", "--quiet", "--format", "jsonl"}, base...)...)
	ref := copyTree(t, dir)
	const total = 40000
	refEvents := filepath.Join(t.TempDir(), "ref")
	mustRun(t, append([]string{"stream", "-o", ref, "--sink", "file:" + refEvents, "--max-events", "40000", "--rate", "0", "--quiet"}, base...)...)
	want := eventIDs(t, refEvents)
	if len(want) != total {
		t.Fatalf("reference run: %d events", len(want))
	}

	events := filepath.Join(t.TempDir(), "events")
	cmd := exec.Command(binary, append([]string{"stream", "-o", dir, "--sink", "file:" + events, "--rate", "4000",
		"--metrics-addr", "127.0.0.1:0", "--status-every", "200ms", "--events-per-file", "2500"}, base...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var log strings.Builder
	var metricsURL string
	deadline := time.After(time.Minute)
	for metricsURL == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended early:\n%s", log.String())
			}
			log.WriteString(l + "\n")
			if m := regexp.MustCompile(`metrics at (http://\S+)`).FindStringSubmatch(l); m != nil {
				metricsURL = m[1]
			}
		case <-deadline:
			t.Fatalf("no metrics address:\n%s", log.String())
		}
	}
	// Wait for events to flow, then read the metrics.
	var body string
	for !regexp.MustCompile(`retail_datagen_stream_events_total\{type="receipt_created"\} [1-9]`).MatchString(body) {
		select {
		case <-deadline:
			t.Fatalf("no events counted in the metrics:\n%s\n%s", body, log.String())
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := http.Get(metricsURL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
	}
	for _, m := range []string{"retail_datagen_stream_breaker_open 0", "retail_datagen_stream_lag_seconds", "retail_datagen_stream_dead_lettered_total 0", "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(body, m) {
			t.Errorf("metrics lack %q", m)
		}
	}
	// Live counters reach stderr, with the rates by type.
	for !regexp.MustCompile(`[1-9]\d* events, \d+/s \(\w+ \d+/s.*breaker closed`).MatchString(log.String()) {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended early:\n%s", log.String())
			}
			log.WriteString(l + "\n")
		case <-deadline:
			t.Fatalf("no live counters with rates by type on stderr:\n%s", log.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for l := range lines {
		log.WriteString(l + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, log.String())
	}
	m := regexp.MustCompile(`streamed (\d+) events`).FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("no summary after SIGTERM:\n%s", log.String())
	}
	first := eventIDs(t, events)
	if n := len(first); n == 0 || n >= total || m[1] != itoa(n) {
		t.Fatalf("the stopped run reports %s events and its files hold %d", m[1], n)
	}
	if _, err := os.Stat(filepath.Join(dir, "stream-position.json")); err != nil {
		t.Fatal(err)
	}
	// The restart delivers the rest.
	mustRun(t, append([]string{"stream", "-o", dir, "--sink", "file:" + events, "--max-events", itoa(total - len(first)), "--rate", "0", "--quiet"}, base...)...)
	got := eventIDs(t, events)
	if len(got) != total {
		t.Fatalf("after the restart: %d events, want %d", len(got), total)
	}
	for id := range want {
		if !got[id] {
			t.Fatalf("event %s of the uninterrupted run is missing after SIGTERM and restart", id)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestKafkaSandbox: the README's Kafka walkthrough — a sandbox broker, a
// stream into it, and the sandbox reporting what it received.
func TestKafkaSandbox(t *testing.T) {
	sb := exec.Command(binary, "kafka-sandbox", "--port", "0", "--report-every", "100ms")
	stderr, _ := sb.StderrPipe()
	out := &lockedBuffer{}
	sb.Stdout = out
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Process.Kill(); _ = sb.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := regexp.MustCompile(`kafka://(\S+)/retail-events`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var broker string
	select {
	case broker = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatal("the sandbox did not start")
	}
	base := []string{"--scale", "tiny", "--start", "2025-02-01"}
	dir := t.TempDir()
	mustRun(t, append([]string{"generate", "-o", dir, "--days", "1", "--quiet"}, base...)...)
	mustRun(t, append([]string{"stream", "-o", dir, "--sink", "kafka://" + broker + "/retail-events", "--max-events", "5000", "--rate", "0", "--quiet"}, base...)...)
	_ = sb.Process.Signal(syscall.SIGTERM)
	_ = sb.Wait()
	if !strings.Contains(out.String(), "received 5000 records") {
		t.Errorf("the sandbox reports:\n%s", out.String())
	}
}
