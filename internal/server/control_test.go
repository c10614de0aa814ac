package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/jobs"
	"github.com/retail-datagen/retail-datagen/internal/server"
)

// controlled is a server with jobs and stream control over a fresh folder,
// behind a real listener (server-sent events need one).
func controlled(t *testing.T, token string) (*server.Server, *httptest.Server, string) {
	t.Helper()
	dir := t.TempDir()
	srv := newServer(t, setup{dir: dir, token: token})
	m := jobs.NewManager()
	t.Cleanup(m.Close)
	srv.Control(m, "test")
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts, dir
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestJobLifecycle starts a generation job through the API, follows it with
// server-sent events (at least 100 ms apart, fraction never going back,
// ending at 1 with every table completed), refuses a second job with 409,
// and lists it.
func TestJobLifecycle(t *testing.T) {
	srv, ts, dir := controlled(t, "")
	w := do(t, srv, request{method: http.MethodPost, path: "/api/v1/jobs", body: `{"kind":"all","days":3,"format":"csv"}`})
	if w.Code != http.StatusAccepted {
		t.Fatalf("start: %d %s", w.Code, w.Body.String())
	}
	job := decode[jobs.JobStatus](t, w)
	if job.ID == "" || job.State != jobs.StateRunning {
		t.Fatalf("started job %+v", job)
	}
	wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/jobs", body: `{"kind":"facts"}`}), http.StatusConflict)
	wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/stream", body: `{"sink":"stdout"}`}), http.StatusConflict)
	wantProblem(t, do(t, srv, request{method: http.MethodDelete, path: "/api/v1/state"}), http.StatusConflict)

	resp, err := http.Get(ts.URL + "/api/v1/jobs/" + job.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var last jobs.JobStatus
	var times []time.Time
	prev := -1.0
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		times = append(times, time.Now())
		if err := json.Unmarshal([]byte(line), &last); err != nil {
			t.Fatalf("event %q: %v", line, err)
		}
		if last.Fraction < prev {
			t.Errorf("fraction went back from %v to %v", prev, last.Fraction)
		}
		prev = last.Fraction
	}
	if last.State != jobs.StateSucceeded || last.Fraction != 1 {
		t.Fatalf("last event %+v", last)
	}
	for _, tb := range last.Tables {
		if tb.State != jobs.TableCompleted {
			t.Errorf("%s: %s", tb.Name, tb.State)
		}
	}
	// Throttled: no more events than 100 ms periods of the job, plus the
	// first and the last. (Arrival gaps at the client say little: the
	// network may deliver two events together.)
	if max := int(last.FinishedAt.Sub(last.StartedAt)/(100*time.Millisecond)) + 2; len(times) > max {
		t.Errorf("%d events for a job of %v", len(times), last.FinishedAt.Sub(last.StartedAt))
	}
	if _, err := os.Stat(filepath.Join(dir, "state.json")); err != nil {
		t.Errorf("the job left no state: %v", err)
	}
	list := decode[[]jobs.JobStatus](t, get(t, srv, "/api/v1/jobs"))
	if len(list) != 1 || list[0].ID != job.ID || list[0].State != jobs.StateSucceeded {
		t.Errorf("jobs %+v", list)
	}
	wantProblem(t, get(t, srv, "/api/v1/jobs/job-99"), http.StatusNotFound)
	wantProblem(t, get(t, srv, "/api/v1/jobs/job-99/events"), http.StatusNotFound)
	p := wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/jobs", body: `{"kind":"everything","format":"xml"}`}), http.StatusUnprocessableEntity)
	if locs := strings.Join(p.locations(), ","); !strings.Contains(locs, "body.kind") || !strings.Contains(locs, "body.format") {
		t.Errorf("errors at %s", locs)
	}
	p = wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/jobs", body: `{"kind":"facts","tables":["receipts","nope"]}`}), http.StatusUnprocessableEntity)
	if !strings.Contains(p.Detail, "nope") {
		t.Errorf("unknown table: %+v", p)
	}
}

// TestJobCancel cancels a running job: it ends cancelled.
func TestJobCancel(t *testing.T) {
	srv, _, _ := controlled(t, "tok")
	auth := map[string]string{"Authorization": "Bearer tok"}
	wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/jobs", body: `{"kind":"all"}`}), http.StatusUnauthorized)
	w := do(t, srv, request{method: http.MethodPost, path: "/api/v1/jobs", body: `{"kind":"all","days":300}`, header: auth})
	job := decode[jobs.JobStatus](t, w)
	w = do(t, srv, request{method: http.MethodPost, path: "/api/v1/jobs/" + job.ID + "/cancel", header: auth})
	if w.Code != http.StatusOK {
		t.Fatalf("cancel: %d %s", w.Code, w.Body.String())
	}
	waitUntil(t, "the job to end", func() bool {
		return decode[jobs.JobStatus](t, get(t, srv, "/api/v1/jobs/"+job.ID)).FinishedAt != nil
	})
	if st := decode[jobs.JobStatus](t, get(t, srv, "/api/v1/jobs/"+job.ID)); st.State != jobs.StateCancelled && st.State != jobs.StateSucceeded {
		t.Errorf("after cancel: %s (%s)", st.State, st.Error)
	}
}

// TestStreamControl streams through the API into a file sink inside the
// output folder: start, pause, resume, stop; status and server-sent
// counters; metrics; file sinks outside the folder and unknown types are
// refused.
func TestStreamControl(t *testing.T) {
	srv, ts, dir := controlled(t, "")
	generateInto(t, dir, "jsonl", 2)
	for _, body := range []string{`{"sink":"file:../elsewhere"}`, `{"sink":"file:/tmp/x"}`, `{"sink":"file:a","types":["nope"]}`, `{"sink":"ftp://x"}`} {
		wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/stream", body: body}), http.StatusUnprocessableEntity)
	}
	wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/stream/stop"}), http.StatusConflict)
	w := do(t, srv, request{method: http.MethodPost, path: "/api/v1/stream", body: `{"sink":"file:events","rate":3000}`})
	if w.Code != http.StatusAccepted {
		t.Fatalf("start: %d %s", w.Code, w.Body.String())
	}
	status := func() jobs.StreamStatus { return decode[jobs.StreamStatus](t, get(t, srv, "/api/v1/stream")) }
	waitUntil(t, "events", func() bool { return status().Events > 300 })
	wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/jobs", body: `{"kind":"facts"}`}), http.StatusConflict)

	// Server-sent counters.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/api/v1/stream/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var seen []jobs.StreamStatus
	for len(seen) < 3 && sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var s jobs.StreamStatus
			if err := json.Unmarshal([]byte(line), &s); err != nil {
				t.Fatal(err)
			}
			seen = append(seen, s)
		}
	}
	resp.Body.Close()
	if len(seen) < 3 || seen[2].Events <= seen[0].Events || seen[2].State != jobs.StreamRunning {
		t.Fatalf("server-sent counters: %+v", seen)
	}

	if w := do(t, srv, request{method: http.MethodPost, path: "/api/v1/stream/pause"}); w.Code != http.StatusOK {
		t.Fatalf("pause: %s", w.Body.String())
	}
	waitUntil(t, "paused", func() bool { return status().State == jobs.StreamPaused })
	time.Sleep(300 * time.Millisecond)
	n := status().Events
	time.Sleep(400 * time.Millisecond)
	if m := status().Events; m != n {
		t.Errorf("paused, yet %d then %d events", n, m)
	}
	do(t, srv, request{method: http.MethodPost, path: "/api/v1/stream/resume"})
	waitUntil(t, "resumed", func() bool { return status().Events > n })
	metrics := get(t, srv, "/metrics").Body.String()
	if !strings.Contains(metrics, `retail_datagen_stream_events_total{type="ble_ping_detected"}`) || !strings.Contains(metrics, "retail_datagen_jobs_running 0") {
		t.Errorf("metrics lack the stream or job counters")
	}
	do(t, srv, request{method: http.MethodPost, path: "/api/v1/stream/stop"})
	waitUntil(t, "stopped", func() bool { return status().FinishedAt != nil })
	s := status()
	if s.State != jobs.StreamStopped || s.Result == nil || s.Result.Events != s.Events {
		t.Fatalf("stopped: %+v", s)
	}
	lines := 0
	files, _ := filepath.Glob(filepath.Join(dir, "events", "events-*.jsonl"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		lines += strings.Count(string(b), "\n")
	}
	if int64(lines) != s.Events {
		t.Errorf("%d events in the files, %d acknowledged", lines, s.Events)
	}
	if pos, err := jobs.ReadPosition(dir); err != nil || pos == nil {
		t.Errorf("no stream position recorded (%v)", err)
	}
	dlq := decode[[]map[string]any](t, get(t, srv, "/api/v1/dlq"))
	if len(dlq) != 0 {
		t.Errorf("dead letters %v", dlq)
	}
	w = do(t, srv, request{method: http.MethodPost, path: "/api/v1/dlq/replay", body: `{"sink":"file:replayed"}`})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"replayed":0`) {
		t.Errorf("replay: %d %s", w.Code, w.Body.String())
	}
}
