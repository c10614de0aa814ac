package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/jobs"
	"github.com/retail-datagen/retail-datagen/internal/stream"
)

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
			opts, stopProfile, err := a.prepare(cmd, f)
			if err != nil {
				return err
			}
			defer stopProfile()
			cfg := opts.Config
			if err := refuseURL("--out", cfg.Output.Dir, "stream continues the checkpoint of a local output folder; generate into a folder (and `export` it to object storage)"); err != nil {
				return err
			}
			var typeList []string
			for _, t := range strings.Split(types, ",") {
				if t = strings.TrimSpace(t); t != "" {
					typeList = append(typeList, t)
				}
			}
			req := jobs.StreamRequest{
				Config: cfg, Dict: opts.Dict, Workers: opts.Workers, Version: a.version, Sink: sinkSpec,
				SinkOptions: jobs.SinkOptions{Stdout: a.stdout, EventsPerFile: perFile, Getenv: a.getenv},
				Speed:       speed, MaxEvents: maxEvents, Duration: duration, Types: typeList,
				Live: stream.NewLive(nil),
			}
			if cmd.Flags().Changed("rate") {
				req.Rate = &rateFlag
			}
			sctx, stopStatus := context.WithCancel(cmd.Context())
			defer stopStatus()
			var wg sync.WaitGroup
			if metrics != "" {
				addr, err := serveMetrics(sctx, metrics, req.Live, &wg)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "metrics at http://%s/metrics\n", addr)
			}
			if !f.quiet {
				p := &statusPrinter{w: a.stderr, live: req.Live, every: every, tty: a.stderrIsTerminal()}
				if !cmd.Flags().Changed("status-every") && !p.tty {
					p.every = 10 * time.Second
				}
				// The counters start once the stream is set up.
				req.Started = func() {
					wg.Add(1)
					go func() { defer wg.Done(); p.run(sctx) }()
				}
			}
			res, err := jobs.Stream(cmd.Context(), req)
			stopStatus()
			wg.Wait()
			if res != nil && (res.Events > 0 || err == nil) {
				fmt.Fprintf(a.stderr, "streamed %d events in %.1fs (%.0f events/s); retried %d, dead-lettered %d; next: %s, after event %d\n",
					res.Events, res.Seconds, float64(res.Events)/max(res.Seconds, 1e-9), res.Retried, res.DeadLettered,
					res.Next, res.NextAfter)
			}
			return err
		},
	}
	f.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&sinkSpec, "sink", "stdout", "where events go: "+jobs.SinkSpecs)
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

// getenv reads the run's environment.
func (a *app) getenv(key string) string {
	for _, kv := range a.environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}
