package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/sim"
	"github.com/retail-datagen/retail-datagen/internal/state"
	"github.com/retail-datagen/retail-datagen/internal/stream"
)

// positionFile records, in the output folder, how many events of the day
// after the checkpoint the sink acknowledged.
const positionFile = "stream-position.json"

type streamPosition struct {
	ConfigFingerprint string          `json:"config_fingerprint"`
	Day               string          `json:"day"`
	Sent              int             `json:"sent"`
	After             stream.EventKey `json:"after"`
}

func (a *app) streamCmd() *cobra.Command {
	f := &runFlags{}
	var (
		sinkSpec  string
		rateFlag  float64
		speed     float64
		maxEvents int64
		duration  time.Duration
		types     string
		perFile   int
		metrics   string
		every     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "stream",
		Short: "Continue the simulation as a live event stream",
		Long: `stream continues the simulation from the output folder's checkpoint (state.json,
written by generate or facts) and emits every fact row as an event: receipts,
lines, payments, stock movements, trucks, online orders, impressions, sensor
pings... each in a JSON envelope (event_type, event_id, trace_id, partition_key,
event_ts, payload = the table row). The events of a simulated day carry exactly
the rows facts would write for that day.

While the simulated clock is behind the wall clock, the stream catches up as fast
as --rate allows; then it follows the wall clock, --speed times faster. Every
simulated day it completes advances state.json, so a later facts run or stream
continues after it; within a day the position is recorded as events are
acknowledged, and a restart resumes after the last acknowledged event.

Sinks:
  stdout                 JSON Lines on standard output
  file:DIR               rotating JSON Lines files (complete files only)
  kafka://BROKER[,BROKER]/TOPIC
                         Kafka; record key = partition key. Add ?tls=true&sasl=plain
                         with RETAIL_DATAGEN_KAFKA_USER/PASSWORD, or ?sasl=eventhubs to
                         reach Event Hubs' Kafka endpoint. No broker at hand? Run
                         retail-datagen kafka-sandbox in another terminal.
  eventhubs              Azure Event Hubs with AZURE_EVENTHUB_CONNECTION_STRING (or
                         realtime.azure_connection_string); the hub is its EntityPath
  eventhubs://HUB        the same connection string, another hub
  eventhubs://NAMESPACE.servicebus.windows.net/HUB
                         Entra ID (az login, managed identity, AZURE_CLIENT_ID/...),
                         with the "Azure Event Hubs Data Sender" role

Live counters (events/s by type, retries, failures, dead letters, breaker state,
lag of the simulated clock) print on stderr; --metrics-addr serves them to
Prometheus. SIGINT/SIGTERM delivers the pending batch, records the position and
exits.`,
		Example: `  retail-datagen generate --scale tiny --start 2025-01-01 --days 7
  retail-datagen stream --scale tiny --start 2025-01-01 --sink stdout --max-events 20
  retail-datagen stream --scale tiny --start 2025-01-01 --sink file:events --rate 5000
  retail-datagen stream --scale tiny --start 2025-01-01 --sink kafka://localhost:9092/retail-events
  AZURE_EVENTHUB_CONNECTION_STRING='Endpoint=sb://…;EntityPath=retail-events' \
    retail-datagen stream --scale tiny --start 2025-01-01 --sink eventhubs --metrics-addr 127.0.0.1:9464
  retail-datagen stream --scale tiny --start 2025-01-01 --types receipt_created,payment_processed --speed 60`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig(cmd, f)
			if err != nil {
				return err
			}
			opts, err := a.jobOptions(cfg, f)
			if err != nil {
				return err
			}
			root := cfg.Output.Dir
			st, err := state.Read(root)
			if err != nil {
				return err
			}
			if st == nil {
				return fmt.Errorf("%s has no state.json: run `retail-datagen generate` first (the stream continues its history)", root)
			}
			if st.ConfigFingerprint != cfg.Fingerprint() || st.Seed != cfg.Seed {
				return fmt.Errorf("%s was generated with another seed or configuration: stream with the configuration that generated it", root)
			}
			from := stream.Position{Day: st.LastDay + 1}
			if b, err := os.ReadFile(filepath.Join(root, positionFile)); err == nil {
				var p streamPosition
				if json.Unmarshal(b, &p) == nil && p.ConfigFingerprint == st.ConfigFingerprint && p.Day == from.Day.String() {
					from.Sent, from.After = p.Sent, p.After
				}
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("reading %s: %w", positionFile, err)
			}
			raw, err := a.openSink(cmd.Context(), sinkSpec, perFile, cfg.Realtime.AzureConnectionString, cfg.Realtime.MaxBatchSize)
			if err != nil {
				return err
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
				return err
			}
			data, err := master.Generate(cmd.Context(), cfg, opts.Dict, opts.Workers)
			if err != nil {
				return fmt.Errorf("rebuilding master data: %w", err)
			}
			// The calendar covers a year past the start of the stream.
			model, err := sim.NewModel(cfg, data, st.FirstDay, from.Day+366)
			if err != nil {
				return err
			}
			var typeList []string
			for _, t := range strings.Split(types, ",") {
				if t = strings.TrimSpace(t); t != "" {
					typeList = append(typeList, t)
				}
			}
			eng, err := stream.NewEngine(model, st.Networks, typeList, opts.Workers)
			if err != nil {
				return err
			}
			o := stream.Options{
				Rate: rateFlag, Burst: rt.Burst, Speed: speed, MaxEvents: maxEvents, Duration: duration,
				BatchSize: rt.MaxBatchSize, BatchTimeout: time.Duration(rt.BatchTimeoutMS) * time.Millisecond,
				BufferSize: rt.MaxBufferSize,
			}
			if !cmd.Flags().Changed("rate") && rt.EmitIntervalMS > 0 {
				// emit_interval_ms + burst: a burst of events per interval.
				o.Rate = float64(rt.Burst) * 1000 / float64(rt.EmitIntervalMS)
			}
			lastSave := time.Time{}
			savePos := func(p stream.Position) error {
				b, _ := json.Marshal(streamPosition{ConfigFingerprint: st.ConfigFingerprint, Day: p.Day.String(), Sent: p.Sent, After: p.After})
				return output.WriteFileAtomic(filepath.Join(root, positionFile), b)
			}
			hooks := stream.Hooks{
				DayDone: func(day civil.Date) error {
					next := &state.State{
						Generator: "retail-datagen", Version: a.version, ConfigFingerprint: st.ConfigFingerprint,
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
			live := stream.NewLive(&sink.Stats)
			o.Live = live
			sctx, stopStatus := context.WithCancel(cmd.Context())
			var wg sync.WaitGroup
			if metrics != "" {
				addr, err := serveMetrics(sctx, metrics, live, &wg)
				if err != nil {
					stopStatus()
					return err
				}
				fmt.Fprintf(a.stderr, "metrics at http://%s/metrics\n", addr)
			}
			if !f.quiet {
				p := &statusPrinter{w: a.stderr, live: live, every: every, tty: a.stderrIsTerminal()}
				if !cmd.Flags().Changed("status-every") && !p.tty {
					p.every = 10 * time.Second
				}
				wg.Add(1)
				go func() { defer wg.Done(); p.run(sctx) }()
			}
			began := time.Now()
			res, runErr := stream.Run(cmd.Context(), eng, sink, from, o, hooks)
			stopStatus()
			wg.Wait()
			closeErr := sink.Close()
			if res != nil {
				if err := savePos(res.Stopped); err != nil && runErr == nil {
					runErr = err
				}
				el := time.Since(began).Seconds()
				fmt.Fprintf(a.stderr, "streamed %d events in %.1fs (%.0f events/s); retried %d, dead-lettered %d; next: %s, after event %d\n",
					res.Events, el, float64(res.Events)/max(el, 1e-9), sink.Stats.Retried.Load(), sink.Stats.DeadLettered.Load(),
					res.Stopped.Day, res.Stopped.Sent)
			}
			return errors.Join(runErr, closeErr)
		},
	}
	f.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&sinkSpec, "sink", "stdout", "where events go: stdout, file:DIR, kafka://BROKER[,BROKER]/TOPIC, eventhubs[://HUB] or eventhubs://NAMESPACE/HUB")
	fs.Float64Var(&rateFlag, "rate", 0, "events per second at most (default: realtime.burst per realtime.emit_interval_ms)")
	fs.Float64Var(&speed, "speed", 1, "simulated seconds per wall-clock second once caught up")
	fs.Int64Var(&maxEvents, "max-events", 0, "stop after this many events (0: no limit)")
	fs.DurationVar(&duration, "duration", 0, "stop after this long, e.g. 10m (0: no limit)")
	fs.StringVar(&types, "types", "", "comma-separated event types to emit (default: all)")
	fs.IntVar(&perFile, "events-per-file", 1_000_000, "file sink: events per file before rotating")
	fs.StringVar(&metrics, "metrics-addr", "", "serve Prometheus metrics at http://ADDR/metrics, e.g. 127.0.0.1:9464")
	fs.DurationVar(&every, "status-every", time.Second, "how often the live counters are printed (every 10s when stderr is not a terminal)")
	return cmd
}

// openSink opens the sink named by spec. connString is the Event Hubs
// connection string (also used by kafka://…?sasl=eventhubs); maxBatch caps
// the events of one Event Hubs batch.
func (a *app) openSink(ctx context.Context, spec string, perFile int, connString string, maxBatch int) (stream.Sink, error) {
	switch {
	case spec == "stdout":
		return stream.NewWriterSink(a.stdout), nil
	case strings.HasPrefix(spec, "file:") && len(spec) > len("file:"):
		return stream.NewFileSink(strings.TrimPrefix(spec, "file:"), perFile)
	case strings.HasPrefix(spec, "kafka://"):
		c, err := stream.ParseKafkaURL(spec, a.getenv, connString)
		if err != nil {
			return nil, err
		}
		return stream.NewKafkaSink(c, 0)
	case spec == "eventhubs" || strings.HasPrefix(spec, "eventhubs://"):
		c, err := stream.ParseEventHubsSpec(spec, connString)
		if err != nil {
			return nil, err
		}
		return stream.NewEventHubsSink(ctx, c, maxBatch)
	}
	return nil, fmt.Errorf("--sink %q: use stdout, file:DIR, kafka://BROKER[,BROKER]/TOPIC, eventhubs, eventhubs://HUB or eventhubs://NAMESPACE.servicebus.windows.net/HUB", spec)
}

// getenv reads the run's environment.
func (a *app) getenv(key string) string {
	for _, kv := range a.environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}
