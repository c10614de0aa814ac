package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/generate"
	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/stream"
)

// ErrBusy is returned when the output folder is already in use by a job or
// a stream.
var ErrBusy = errors.New("the output folder is in use by a running job or stream")

// ErrNotFound is returned for an unknown job.
var ErrNotFound = errors.New("no such job")

// Job states.
const (
	StateRunning   = "running"
	StateSucceeded = "succeeded"
	StateFailed    = "failed"
	StateCancelled = "cancelled"
)

// Table progress states.
const (
	TableNotStarted = "not_started"
	TableInProgress = "in_progress"
	TableCompleted  = "completed"
)

// JobSpec is a generation job to start.
type JobSpec struct {
	Kind          string // "master", "facts" or "all"
	Options       generate.Options
	Force         bool
	UpToYesterday bool
}

// TableProgress is one table's progress in a job.
type TableProgress struct {
	Name  string `json:"name"`
	State string `json:"state"`
	Rows  int64  `json:"rows"`
	Total int64  `json:"total"` // expected rows, 0 if unknown
}

// JobStatus is a snapshot of a job.
type JobStatus struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	State      string          `json:"state"`
	Fraction   float64         `json:"fraction"`
	Tables     []TableProgress `json:"tables"`
	Rows       int64           `json:"rows"`
	RowsPerSec float64         `json:"rows_per_sec"`
	ETASeconds *float64        `json:"eta_seconds,omitempty"`
	CurrentDay string          `json:"current_day,omitempty"`
	Note       string          `json:"note,omitempty"`
	Error      string          `json:"error,omitempty"`
	StartedAt  time.Time       `json:"started_at"`
	FinishedAt *time.Time      `json:"finished_at,omitempty"`
	Summary    *Summary        `json:"summary,omitempty"`
}

// Manager runs generation jobs and one stream at a time over one output
// folder, for the HTTP server: one of them at a time uses the folder.
type Manager struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	seq      int
	jobs     []*job
	active   *job // the running generation job
	sess     *session
	finished map[string]int // jobs ended, by state
}

// NewManager starts a manager; Close stops everything it runs.
func NewManager() *Manager {
	ctx, cancel := context.WithCancel(context.Background())
	return &Manager{ctx: ctx, cancel: cancel, finished: map[string]int{}}
}

// Close cancels the running job and stream and waits for them.
func (m *Manager) Close() {
	m.cancel()
	m.wg.Wait()
}

// Busy tells whether a job or a stream uses the output folder.
func (m *Manager) Busy() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.busyLocked()
}

func (m *Manager) busyLocked() bool {
	return m.active != nil || (m.sess != nil && !m.sess.ended())
}

// job is a running or finished generation job.
type job struct {
	id, kind string
	cancel   context.CancelFunc
	tr       *tracker
	mu       sync.Mutex
	state    string
	err      string
	note     string
	started  time.Time
	finished *time.Time
	summary  *Summary
	changed  chan struct{} // closed and replaced at every state change
}

// StartJob plans and starts a generation job. It fails with ErrBusy while
// another job or the stream runs, and at once when the plan is refused
// (another configuration in the folder, say).
func (m *Manager) StartJob(spec JobSpec) (JobStatus, error) {
	withMaster, withFacts := spec.Kind == "master" || spec.Kind == "all", spec.Kind == "facts" || spec.Kind == "all"
	if !withMaster && !withFacts {
		return JobStatus{}, fmt.Errorf("kind %q: must be master, facts or all", spec.Kind)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.busyLocked() {
		return JobStatus{}, ErrBusy
	}
	plan, err := PlanGeneration(GenerateRequest{Options: spec.Options, Master: withMaster, Facts: withFacts, Force: spec.Force, UpToYesterday: spec.UpToYesterday})
	if err != nil {
		return JobStatus{}, err
	}
	m.seq++
	ctx, cancel := context.WithCancel(m.ctx)
	j := &job{
		id: "job-" + strconv.Itoa(m.seq), kind: spec.Kind, cancel: cancel, state: StateRunning,
		started: time.Now(), changed: make(chan struct{}), note: plan.Note,
	}
	j.tr = newTracker(plan, spec.Options, j.started)
	opts := spec.Options
	opts.Progress = j.tr
	m.jobs = append(m.jobs, j)
	m.active = j
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		sum, err := Generate(ctx, opts, plan)
		cancel()
		now := time.Now()
		// The folder is released in the same step as the final state is
		// published: a watcher that sees the job finished can start the
		// next one at once.
		m.mu.Lock()
		j.mu.Lock()
		j.finished, j.summary = &now, sum
		switch {
		case err == nil:
			j.state = StateSucceeded
		case errors.Is(err, context.Canceled):
			j.state = StateCancelled
		default:
			j.state, j.err = StateFailed, err.Error()
		}
		close(j.changed)
		j.changed = make(chan struct{})
		state := j.state
		j.mu.Unlock()
		m.active = nil
		m.finished[state]++
		m.mu.Unlock()
	}()
	return j.status(), nil
}

func (j *job) status() JobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := JobStatus{ID: j.id, Kind: j.kind, State: j.state, Error: j.err, Note: j.note, StartedAt: j.started, FinishedAt: j.finished, Summary: j.summary}
	end := time.Now()
	if j.finished != nil {
		end = *j.finished
	}
	j.tr.fill(&s, end, j.state == StateSucceeded)
	return s
}

// Jobs lists the jobs, newest first.
func (m *Manager) Jobs() []JobStatus {
	m.mu.Lock()
	js := slices.Clone(m.jobs)
	m.mu.Unlock()
	out := make([]JobStatus, 0, len(js))
	for i := len(js) - 1; i >= 0; i-- {
		out = append(out, js[i].status())
	}
	return out
}

func (m *Manager) find(id string) (*job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, j := range m.jobs {
		if j.id == id {
			return j, nil
		}
	}
	return nil, fmt.Errorf("%w %q", ErrNotFound, id)
}

// Job returns a job's status.
func (m *Manager) Job(id string) (JobStatus, error) {
	j, err := m.find(id)
	if err != nil {
		return JobStatus{}, err
	}
	return j.status(), nil
}

// CancelJob cancels a job; the folder keeps only complete files.
func (m *Manager) CancelJob(id string) (JobStatus, error) {
	j, err := m.find(id)
	if err != nil {
		return JobStatus{}, err
	}
	j.cancel()
	return j.status(), nil
}

// WatchJob sends the job's status at most every interval while it runs,
// and its final status, then closes the channel (or when ctx ends).
func (m *Manager) WatchJob(ctx context.Context, id string, every time.Duration) (<-chan JobStatus, error) {
	j, err := m.find(id)
	if err != nil {
		return nil, err
	}
	out := make(chan JobStatus)
	go func() {
		defer close(out)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			j.mu.Lock()
			changed := j.changed
			j.mu.Unlock()
			s := j.status()
			select {
			case out <- s:
			case <-ctx.Done():
				return
			}
			if s.FinishedAt != nil {
				return
			}
			select {
			case <-t.C:
			case <-changed:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// Collectors are the manager's Prometheus metrics: the running stream's
// counters and the jobs.
func (m *Manager) Collectors() []prometheus.Collector {
	running := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "retail_datagen_jobs_running", Help: "Generation jobs running (0 or 1).",
	}, func() float64 {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.active != nil {
			return 1
		}
		return 0
	})
	return []prometheus.Collector{running, &jobsCollector{m: m, desc: prometheus.NewDesc("retail_datagen_jobs_finished_total",
		"Generation jobs ended, by final state.", []string{"state"}, nil)}, stream.NewCollector(m.currentLive)}
}

type jobsCollector struct {
	m    *Manager
	desc *prometheus.Desc
}

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	for _, st := range []string{StateSucceeded, StateFailed, StateCancelled} {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(c.m.finished[st]), st)
	}
}

// tracker follows a job's progress (a progress.Reporter).
type tracker struct {
	mu       sync.Mutex
	tables   []TableProgress
	index    map[string]int
	days     int64 // network-days done
	total    int64 // network-days to simulate
	spanDays int64
	from     civil.Date
	master   bool
	facts    bool
	started  time.Time
}

func newTracker(plan *Plan, o generate.Options, started time.Time) *tracker {
	t := &tracker{index: map[string]int{}, from: plan.Span.From, master: plan.WriteMaster, facts: plan.RunFacts, started: started}
	for _, tb := range schema.Tables() {
		isMaster := tb.Kind == schema.Master
		if (isMaster && !plan.WriteMaster) || (!isMaster && !plan.RunFacts) {
			continue
		}
		if len(o.Tables) > 0 && !slices.Contains(o.Tables, tb.Name) {
			continue
		}
		t.index[tb.Name] = len(t.tables)
		t.tables = append(t.tables, TableProgress{Name: tb.Name, State: TableNotStarted})
	}
	if plan.RunFacts {
		t.spanDays = int64(plan.Span.To - plan.Span.From + 1)
	}
	return t
}

func (t *tracker) Start(task string, total int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if task == generate.DaysTask {
		t.total = total
		return
	}
	if i, ok := t.index[task]; ok {
		t.tables[i].State, t.tables[i].Total = TableInProgress, total
	}
}

func (t *tracker) Add(task string, n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if task == generate.DaysTask {
		t.days += n
		return
	}
	if i, ok := t.index[task]; ok {
		t.tables[i].Rows += n
		if t.tables[i].State == TableNotStarted {
			t.tables[i].State = TableInProgress
		}
	}
}

func (t *tracker) Finish(task string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.index[task]; ok {
		t.tables[i].State = TableCompleted
		if t.tables[i].Total > 0 {
			t.tables[i].Total = t.tables[i].Rows // some totals are estimates
		}
	}
}

func (t *tracker) Close() {}

// fill writes the progress into s: the fraction weighs the master data as
// a tenth of a job that also simulates facts.
func (t *tracker) fill(s *JobStatus, now time.Time, done bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.Tables = slices.Clone(t.tables)
	var masterDone, masterTotal int64
	for _, tb := range t.tables {
		s.Rows += tb.Rows
		if tb.Total > 0 { // master tables know their size
			masterDone += min(tb.Rows, tb.Total)
			masterTotal += tb.Total
		}
	}
	var mf, ff float64
	if masterTotal > 0 {
		mf = float64(masterDone) / float64(masterTotal)
	}
	if t.total > 0 {
		ff = float64(t.days) / float64(t.total)
	}
	switch {
	case t.master && t.facts:
		s.Fraction = 0.1*mf + 0.9*ff
	case t.master:
		s.Fraction = mf
	case t.facts:
		s.Fraction = ff
	}
	if done {
		s.Fraction = 1
	}
	s.Fraction = min(s.Fraction, 1)
	el := now.Sub(t.started).Seconds()
	if el > 0 {
		s.RowsPerSec = float64(s.Rows) / el
	}
	if s.Fraction > 0.01 && s.Fraction < 1 {
		eta := el * (1 - s.Fraction) / s.Fraction
		s.ETASeconds = &eta
	}
	if t.facts && t.total > 0 && t.days > 0 && t.days < t.total {
		nets := max(1, t.total/max(1, t.spanDays))
		s.CurrentDay = (t.from + civil.Date(t.days/nets)).String()
	}
}
