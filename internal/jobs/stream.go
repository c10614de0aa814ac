package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/sim"
	"github.com/retail-datagen/retail-datagen/internal/state"
	"github.com/retail-datagen/retail-datagen/internal/stream"
)

// PositionFile records, in the output folder, where a stream stopped
// within the day after the checkpoint.
const PositionFile = state.StreamPositionFile

// StreamPosition is the content of PositionFile.
type StreamPosition struct {
	ConfigFingerprint string          `json:"config_fingerprint"`
	Day               string          `json:"day"`
	Sent              int             `json:"sent"`
	After             stream.EventKey `json:"after"`
}

// ReadPosition reads the stream position of an output folder (nil if none).
func ReadPosition(root string) (*StreamPosition, error) {
	b, err := os.ReadFile(filepath.Join(root, PositionFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", PositionFile, err)
	}
	var p StreamPosition
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(root, PositionFile), err)
	}
	return &p, nil
}

// SinkOptions configure OpenSink.
type SinkOptions struct {
	Stdout        io.Writer // the stdout sink's output
	EventsPerFile int       // file sink rotation (default 1,000,000)
	// ConnString is the Event Hubs connection string (also used by
	// kafka://…?sasl=eventhubs).
	ConnString string
	MaxBatch   int                     // events per Event Hubs batch at most
	Getenv     func(key string) string // the environment (Kafka SASL credentials)
}

// SinkSpecs describes the accepted --sink values.
const SinkSpecs = "stdout, file:DIR, kafka://BROKER[,BROKER]/TOPIC, eventhubs, eventhubs://HUB or eventhubs://NAMESPACE.servicebus.windows.net/HUB"

// sinkSpec is a parsed sink spec: one of its fields is set, or stdout.
type sinkSpec struct {
	stdout    bool
	dir       string
	kafka     *stream.KafkaConfig
	eventHubs *stream.EventHubsConfig
}

// parseSink reads a sink spec without connecting.
func parseSink(spec string, o SinkOptions) (sinkSpec, error) {
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	switch {
	case spec == "stdout":
		return sinkSpec{stdout: true}, nil
	case strings.HasPrefix(spec, "file:") && len(spec) > len("file:"):
		return sinkSpec{dir: strings.TrimPrefix(spec, "file:")}, nil
	case strings.HasPrefix(spec, "kafka://"):
		c, err := stream.ParseKafkaURL(spec, o.Getenv, o.ConnString)
		return sinkSpec{kafka: &c}, err
	case spec == "eventhubs" || strings.HasPrefix(spec, "eventhubs://"):
		c, err := stream.ParseEventHubsSpec(spec, o.ConnString)
		return sinkSpec{eventHubs: &c}, err
	}
	return sinkSpec{}, fmt.Errorf("--sink %q: use %s", spec, SinkSpecs)
}

// CheckSinkSpec tells whether spec names a sink, without connecting.
func CheckSinkSpec(spec string, o SinkOptions) error {
	_, err := parseSink(spec, o)
	return err
}

// OpenSink opens the sink named by spec.
func OpenSink(ctx context.Context, spec string, o SinkOptions) (stream.Sink, error) {
	sp, err := parseSink(spec, o)
	switch {
	case err != nil:
		return nil, err
	case sp.stdout:
		if o.Stdout == nil {
			o.Stdout = os.Stdout
		}
		return stream.NewWriterSink(o.Stdout), nil
	case sp.kafka != nil:
		return stream.NewKafkaSink(*sp.kafka, 0)
	case sp.eventHubs != nil:
		return stream.NewEventHubsSink(ctx, *sp.eventHubs, o.MaxBatch)
	}
	perFile := o.EventsPerFile
	if perFile <= 0 {
		perFile = 1_000_000
	}
	return stream.NewFileSink(sp.dir, perFile)
}

// StreamRequest describes a stream.
type StreamRequest struct {
	Config  *config.Config
	Dict    *dict.Set
	Workers int
	Version string
	Sink    string // a sink spec (see OpenSink)
	SinkOptions
	// Rate is events per second at most; nil takes realtime.burst per
	// realtime.emit_interval_ms, 0 is unlimited.
	Rate      *float64
	Speed     float64
	MaxEvents int64
	Duration  time.Duration
	Types     []string
	// Gate pauses the stream (optional); Live receives its counters
	// (optional; its Sink is pointed at the sink's counters).
	Gate *stream.Gate
	Live *stream.Live
	// Started is called once the stream is set up and about to send.
	Started func()
}

// StreamResult summarises a stream.
type StreamResult struct {
	Events       int64            `json:"events"`
	ByType       map[string]int64 `json:"by_type"`
	Seconds      float64          `json:"seconds"`
	Retried      int64            `json:"retried"`
	DeadLettered int64            `json:"dead_lettered"`
	Next         string           `json:"next_day"`
	NextAfter    int              `json:"next_after_event"`
}

// Stream continues the output folder's simulation as a live event stream
// from its checkpoint (and stream position), advancing state.json after
// every completed day and the position as events are acknowledged.
func Stream(ctx context.Context, req StreamRequest) (*StreamResult, error) {
	cfg := req.Config
	root := cfg.Output.Dir
	st, err := state.Read(root)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("%s has no state.json: generate the history first (`retail-datagen generate`); the stream continues it", root)
	}
	if st.ConfigFingerprint != cfg.Fingerprint() || st.Seed != cfg.Seed {
		return nil, fmt.Errorf("%s was generated with another seed or configuration: stream with the configuration that generated it", root)
	}
	from := stream.Position{Day: st.LastDay + 1}
	p, err := ReadPosition(root)
	if err != nil {
		return nil, err
	}
	if p != nil && p.ConfigFingerprint == st.ConfigFingerprint && p.Day == from.Day.String() {
		from.Sent, from.After = p.Sent, p.After
	}
	data, err := master.Generate(ctx, cfg, req.Dict, req.Workers)
	if err != nil {
		return nil, fmt.Errorf("rebuilding master data: %w", err)
	}
	// The calendar covers a year past the start of the stream.
	model, err := sim.NewModel(cfg, data, st.FirstDay, from.Day+366)
	if err != nil {
		return nil, err
	}
	eng, err := stream.NewEngine(model, st.Networks, req.Types, req.Workers)
	if err != nil {
		return nil, err
	}
	so := req.SinkOptions
	if so.ConnString == "" {
		so.ConnString = cfg.Realtime.AzureConnectionString
	}
	if so.MaxBatch == 0 {
		so.MaxBatch = cfg.Realtime.MaxBatchSize
	}
	raw, err := OpenSink(ctx, req.Sink, so)
	if err != nil {
		return nil, err
	}
	rt := cfg.Realtime
	ro := stream.ResilienceOptions{
		RetryAttempts: rt.RetryAttempts, BackoffMultiplier: rt.BackoffMultiplier,
		BreakerRecovery: time.Duration(rt.CircuitBreakerRecoveryTimeout) * time.Second,
	}
	if rt.CircuitBreakerEnabled {
		ro.BreakerThreshold = rt.CircuitBreakerFailureThreshold
	}
	if rt.EnableDeadLetterQueue {
		ro.DLQDir = filepath.Join(root, "dlq")
	}
	sink, err := stream.NewResilient(raw, ro)
	if err != nil {
		return nil, errors.Join(err, raw.Close())
	}
	o := stream.Options{
		Burst: rt.Burst, Speed: req.Speed, MaxEvents: req.MaxEvents, Duration: req.Duration,
		BatchSize: rt.MaxBatchSize, BatchTimeout: time.Duration(rt.BatchTimeoutMS) * time.Millisecond,
		BufferSize: rt.MaxBufferSize, Gate: req.Gate, Live: req.Live,
	}
	switch {
	case req.Rate != nil:
		o.Rate = *req.Rate
	case rt.EmitIntervalMS > 0:
		// emit_interval_ms + burst: a burst of events per interval.
		o.Rate = float64(rt.Burst) * 1000 / float64(rt.EmitIntervalMS)
	}
	if o.Live != nil {
		o.Live.SetSink(&sink.Stats)
	}
	var lastSave time.Time
	savePos := func(p stream.Position) error {
		b, _ := json.Marshal(StreamPosition{ConfigFingerprint: st.ConfigFingerprint, Day: p.Day.String(), Sent: p.Sent, After: p.After})
		return output.WriteFileAtomic(filepath.Join(root, PositionFile), b)
	}
	hooks := stream.Hooks{
		DayDone: func(day civil.Date) error {
			next := &state.State{
				Generator: "retail-datagen", Version: req.Version, ConfigFingerprint: st.ConfigFingerprint,
				Seed: st.Seed, FirstDay: st.FirstDay, LastDay: day, Networks: eng.States(),
			}
			if err := next.Write(root); err != nil {
				return err
			}
			return savePos(stream.Position{Day: day + 1})
		},
		Progress: func(p stream.Position) error {
			if time.Since(lastSave) < time.Second {
				return nil
			}
			lastSave = time.Now()
			return savePos(p)
		},
	}
	if req.Started != nil {
		req.Started()
	}
	began := time.Now()
	res, runErr := stream.Run(ctx, eng, sink, from, o, hooks)
	closeErr := sink.Close()
	out := &StreamResult{Seconds: time.Since(began).Seconds(), Retried: sink.Stats.Retried.Load(), DeadLettered: sink.Stats.DeadLettered.Load()}
	if res != nil {
		if err := savePos(res.Stopped); err != nil && runErr == nil {
			runErr = err
		}
		out.Events, out.ByType = res.Events, res.ByType
		out.Next, out.NextAfter = res.Stopped.Day.String(), res.Stopped.Sent
	}
	return out, errors.Join(runErr, closeErr)
}
