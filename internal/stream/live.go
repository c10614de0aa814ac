package stream

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Live counts what a running stream acknowledged, for the terminal and for
// Prometheus. Run updates it after every acknowledged batch; any goroutine
// may read it.
type Live struct {
	byType [len(eventTypes)]atomic.Int64
	lastTS atomic.Int64          // event time of the last acknowledged event (micros of simulated local time)
	sink   atomic.Pointer[Stats] // the resilient sink's counters (nil: none)
	now    func() time.Time
}

// NewLive reads the sink's counters from stats (which may be nil).
func NewLive(stats *Stats) *Live {
	l := &Live{now: time.Now}
	l.sink.Store(stats)
	return l
}

// SetSink points the counters at the sink's (a sink opened later).
func (l *Live) SetSink(stats *Stats) { l.sink.Store(stats) }

// acked records an acknowledged batch.
func (l *Live) acked(batch []*Event) {
	for _, e := range batch {
		l.byType[e.typ].Add(1)
	}
	if len(batch) > 0 {
		l.lastTS.Store(batch[len(batch)-1].TS)
	}
}

// Snapshot is the stream's counters at one moment.
type Snapshot struct {
	Events       int64            `json:"events"`
	ByType       map[string]int64 `json:"by_type"`
	Retried      int64            `json:"retried"`
	Failed       int64            `json:"failed"`
	DeadLettered int64            `json:"dead_lettered"`
	BreakerOpen  bool             `json:"breaker_open"`
	// SimulatedTime is the event time of the last acknowledged event
	// (zero before the first); Lag is how far it is behind the wall clock
	// (negative when the stream runs ahead, with --speed above 1).
	SimulatedTime time.Time     `json:"simulated_time,omitzero"`
	Lag           time.Duration `json:"-"`
	LagSeconds    float64       `json:"lag_seconds"`
}

// Snapshot reads the counters.
func (l *Live) Snapshot() Snapshot {
	s := Snapshot{ByType: map[string]int64{}}
	for i := range l.byType {
		if n := l.byType[i].Load(); n > 0 {
			s.ByType[eventTypes[i]] = n
			s.Events += n
		}
	}
	if st := l.sink.Load(); st != nil {
		s.Retried, s.Failed, s.DeadLettered = st.Retried.Load(), st.Failed.Load(), st.DeadLettered.Load()
		s.BreakerOpen = st.BreakerOpen.Load()
	}
	if ts := l.lastTS.Load(); ts != 0 {
		s.SimulatedTime = simTime(ts)
		s.Lag = l.now().Sub(s.SimulatedTime)
		s.LagSeconds = s.Lag.Seconds()
	}
	return s
}

// Collector exposes the counters as Prometheus metrics.
func (l *Live) Collector() prometheus.Collector { return NewCollector(func() *Live { return l }) }

// NewCollector exposes the counters of the stream current returns (nil:
// none running) as Prometheus metrics.
func NewCollector(current func() *Live) prometheus.Collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("retail_datagen_stream_"+name, help, labels, nil)
	}
	return &liveCollector{
		current: current,
		events:  d("events_total", "Events acknowledged by the sink, by event type.", "type"),
		retried: d("retries_total", "Batches sent again after a failure."),
		failed:  d("failures_total", "Failed attempts to send a batch."),
		dlq:     d("dead_lettered_total", "Events the sink rejected permanently, written to the dead-letter queue."),
		breaker: d("breaker_open", "1 while the circuit breaker is open (the sink is down and the stream paused)."),
		simTime: d("simulated_time_seconds", "Simulated business time of the last acknowledged event, as Unix seconds."),
		lag:     d("lag_seconds", "Wall clock minus the simulated time of the last acknowledged event."),
	}
}

type liveCollector struct {
	current                                             func() *Live
	events, retried, failed, dlq, breaker, simTime, lag *prometheus.Desc
}

func (c *liveCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.events, c.retried, c.failed, c.dlq, c.breaker, c.simTime, c.lag} {
		ch <- d
	}
}

func (c *liveCollector) Collect(ch chan<- prometheus.Metric) {
	l := c.current()
	if l == nil {
		return
	}
	s := l.Snapshot()
	for i := range l.byType {
		ch <- prometheus.MustNewConstMetric(c.events, prometheus.CounterValue, float64(l.byType[i].Load()), eventTypes[i])
	}
	ch <- prometheus.MustNewConstMetric(c.retried, prometheus.CounterValue, float64(s.Retried))
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.CounterValue, float64(s.Failed))
	ch <- prometheus.MustNewConstMetric(c.dlq, prometheus.CounterValue, float64(s.DeadLettered))
	open := 0.0
	if s.BreakerOpen {
		open = 1
	}
	ch <- prometheus.MustNewConstMetric(c.breaker, prometheus.GaugeValue, open)
	if !s.SimulatedTime.IsZero() {
		ch <- prometheus.MustNewConstMetric(c.simTime, prometheus.GaugeValue, float64(s.SimulatedTime.UnixMicro())/1e6)
		ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, s.Lag.Seconds())
	}
}
