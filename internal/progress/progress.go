// Package progress reports the progress of long runs: bars with rows/s and
// ETA on a terminal, plain periodic lines otherwise, JSON lines for machines,
// or nothing.
package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Reporter receives progress. Implementations are safe for concurrent use.
type Reporter interface {
	// Start announces a task (a table) with its expected total rows (0 if unknown).
	Start(task string, total int64)
	// Add records n more rows done.
	Add(task string, n int64)
	// Finish marks the task complete.
	Finish(task string)
	// Close flushes output; call once at the end.
	Close()
}

// Nop discards progress.
type Nop struct{}

func (Nop) Start(string, int64) {}
func (Nop) Add(string, int64)   {}
func (Nop) Finish(string)       {}
func (Nop) Close()              {}

// Bars draws one bar per task with rows, rows/s and ETA.
type Bars struct {
	p    *mpb.Progress
	mu   sync.Mutex
	bars map[string]*mpb.Bar
}

// NewBars draws on w (a terminal).
func NewBars(w io.Writer) *Bars {
	return &Bars{
		p:    mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithRefreshRate(150*time.Millisecond)),
		bars: map[string]*mpb.Bar{},
	}
}

func (b *Bars) Start(task string, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.bars[task]; ok {
		return
	}
	b.bars[task] = b.p.AddBar(max(total, 1),
		mpb.PrependDecorators(
			decor.Name(fmt.Sprintf("%-26s", task)),
			decor.CountersNoUnit("%d/%d rows", decor.WCSyncWidth),
		),
		mpb.AppendDecorators(
			decor.AverageSpeed(0, " %.0f rows/s", decor.WCSyncWidth),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncWidth), " done"),
		),
	)
}

func (b *Bars) bar(task string) *mpb.Bar {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bars[task]
}

func (b *Bars) Add(task string, n int64) {
	if bar := b.bar(task); bar != nil {
		bar.IncrInt64(n)
	}
}

func (b *Bars) Finish(task string) {
	if bar := b.bar(task); bar != nil {
		bar.SetTotal(-1, true)
	}
}

func (b *Bars) Close() {
	b.mu.Lock()
	for _, bar := range b.bars {
		if !bar.Completed() {
			bar.Abort(false)
		}
	}
	b.mu.Unlock()
	b.p.Wait()
}

type taskState struct {
	done, total int64
	started     time.Time
	finished    bool
}

// Lines prints, every interval, one line per unfinished task; and one line
// per finished task, except in plain mode for tasks that finished within
// the first interval (a short run prints nothing but its summary). With JSON
// set each line is a JSON object and every finished task is reported.
type Lines struct {
	w        io.Writer
	json     bool
	interval time.Duration
	now      func() time.Time
	mu       sync.Mutex
	tasks    map[string]*taskState
	last     time.Time
}

// NewLines prints plain lines (or JSON lines) to w at most every interval.
func NewLines(w io.Writer, asJSON bool, interval time.Duration) *Lines {
	return &Lines{w: w, json: asJSON, interval: interval, now: time.Now, tasks: map[string]*taskState{}, last: time.Now()}
}

func (l *Lines) Start(task string, total int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.tasks[task]; !ok {
		l.tasks[task] = &taskState{total: total, started: l.now()}
	}
}

func (l *Lines) Add(task string, n int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.tasks[task]
	if t == nil {
		return
	}
	t.done += n
	if now := l.now(); now.Sub(l.last) >= l.interval {
		l.last = now
		l.emitAll(now)
	}
}

func (l *Lines) Finish(task string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.tasks[task]
	if t == nil || t.finished {
		return
	}
	t.finished = true
	now := l.now()
	if l.json || now.Sub(t.started) >= l.interval {
		l.emit(task, t, now)
	}
}

func (l *Lines) Close() {}

func (l *Lines) emitAll(now time.Time) {
	names := make([]string, 0, len(l.tasks))
	for name, t := range l.tasks {
		if !t.finished {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		l.emit(name, l.tasks[name], now)
	}
}

// Event is one JSON progress line.
type Event struct {
	Task       string  `json:"task"`
	Rows       int64   `json:"rows"`
	Total      int64   `json:"total"`
	RowsPerSec float64 `json:"rows_per_sec"`
	ETASeconds float64 `json:"eta_seconds"`
	Done       bool    `json:"done"`
}

func (l *Lines) emit(name string, t *taskState, now time.Time) {
	elapsed := now.Sub(t.started).Seconds()
	ev := Event{Task: name, Rows: t.done, Total: t.total, Done: t.finished}
	if elapsed > 0 {
		ev.RowsPerSec = float64(t.done) / elapsed
	}
	if ev.RowsPerSec > 0 && t.total > t.done {
		ev.ETASeconds = float64(t.total-t.done) / ev.RowsPerSec
	}
	if l.json {
		b, _ := json.Marshal(ev)
		fmt.Fprintf(l.w, "%s\n", b)
		return
	}
	state := "in progress"
	if ev.Done {
		state = "done"
	}
	fmt.Fprintf(l.w, "%-26s %12d/%-12d rows %10.0f rows/s  eta %5.0fs  %s\n",
		name, ev.Rows, ev.Total, ev.RowsPerSec, ev.ETASeconds, state)
}
