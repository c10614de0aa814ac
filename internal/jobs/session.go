package jobs

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/stream"
)

// Stream session states.
const (
	StreamIdle     = "idle"
	StreamStarting = "starting"
	StreamRunning  = "running"
	StreamPaused   = "paused"
	StreamStopping = "stopping"
	StreamStopped  = "stopped"
	StreamFailed   = "failed"
)

// StreamStatus is a snapshot of the stream.
type StreamStatus struct {
	State        string        `json:"state"`
	Sink         string        `json:"sink,omitempty"`
	StartedAt    *time.Time    `json:"started_at,omitempty"`
	FinishedAt   *time.Time    `json:"finished_at,omitempty"`
	EventsPerSec float64       `json:"events_per_sec"`
	Error        string        `json:"error,omitempty"`
	Result       *StreamResult `json:"result,omitempty"`
	stream.Snapshot
}

// session is a running or ended stream.
type session struct {
	sink    string
	cancel  func()
	gate    *stream.Gate
	live    *stream.Live
	started time.Time

	mu       sync.Mutex
	state    string
	err      string
	finished *time.Time
	result   *StreamResult
	// events/s, sampled
	lastN int64
	lastT time.Time
	rate  float64
}

func (s *session) ended() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.finished != nil
}

func (s *session) status() StreamStatus {
	// The counters are read under the lock the end of the stream takes,
	// so a final status carries the final counts.
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := s.live.Snapshot()
	now := time.Now()
	if s.finished == nil {
		if el := now.Sub(s.lastT); el >= 500*time.Millisecond {
			s.rate = float64(snap.Events-s.lastN) / el.Seconds()
			s.lastN, s.lastT = snap.Events, now
		}
	} else {
		s.rate = 0
	}
	st := s.state
	if st == StreamRunning && s.gate.Paused() {
		st = StreamPaused
	}
	started := s.started
	return StreamStatus{State: st, Sink: s.sink, StartedAt: &started, FinishedAt: s.finished, EventsPerSec: s.rate,
		Error: s.err, Result: s.result, Snapshot: snap}
}

// StartStream starts the stream of req in the background. It fails with
// ErrBusy while a job or another stream runs. req.Gate and req.Live are
// set by the manager.
func (m *Manager) StartStream(req StreamRequest) (StreamStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.busyLocked() {
		return StreamStatus{}, ErrBusy
	}
	ctx, cancel := context.WithCancel(m.ctx)
	s := &session{sink: req.Sink, cancel: cancel, gate: stream.NewGate(), live: stream.NewLive(nil), started: time.Now(), state: StreamStarting}
	s.lastT = s.started
	req.Gate, req.Live = s.gate, s.live
	req.Started = func() {
		s.mu.Lock()
		s.state = StreamRunning
		s.mu.Unlock()
	}
	m.sess = s
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		res, err := Stream(ctx, req)
		now := time.Now()
		s.mu.Lock()
		s.finished, s.result = &now, res
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			s.state, s.err = StreamFailed, err.Error()
		default:
			s.state = StreamStopped
		}
		s.mu.Unlock()
		cancel()
	}()
	return s.status(), nil
}

// ErrNoStream is returned when no stream runs.
var ErrNoStream = errors.New("no stream is running")

func (m *Manager) session() *session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sess
}

// StreamStatus returns the stream's status (state idle before the first).
func (m *Manager) StreamStatus() StreamStatus {
	s := m.session()
	if s == nil {
		return StreamStatus{State: StreamIdle, Snapshot: stream.Snapshot{ByType: map[string]int64{}}}
	}
	return s.status()
}

func (m *Manager) running() (*session, error) {
	s := m.session()
	if s == nil || s.ended() {
		return nil, ErrNoStream
	}
	return s, nil
}

// StopStream stops the stream: the pending batch is delivered and the
// position recorded.
func (m *Manager) StopStream() (StreamStatus, error) {
	s := m.session()
	if s == nil {
		return StreamStatus{}, ErrNoStream
	}
	s.mu.Lock()
	if s.finished != nil {
		s.mu.Unlock()
		return StreamStatus{}, ErrNoStream
	}
	s.state = StreamStopping
	s.mu.Unlock()
	s.gate.Resume() // a paused stream must see the cancellation
	s.cancel()
	return s.status(), nil
}

// PauseStream pauses the stream after delivering its pending batch.
func (m *Manager) PauseStream() (StreamStatus, error) {
	s, err := m.running()
	if err != nil {
		return StreamStatus{}, err
	}
	s.gate.Pause()
	return s.status(), nil
}

// ResumeStream resumes a paused stream.
func (m *Manager) ResumeStream() (StreamStatus, error) {
	s, err := m.running()
	if err != nil {
		return StreamStatus{}, err
	}
	s.gate.Resume()
	return s.status(), nil
}

func (m *Manager) currentLive() *stream.Live {
	if s := m.session(); s != nil {
		return s.live
	}
	return nil
}
