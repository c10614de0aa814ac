package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/sse"

	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/generate"
	"github.com/retail-datagen/retail-datagen/internal/jobs"
	"github.com/retail-datagen/retail-datagen/internal/stream"
)

// minUpdateGap is the shortest time between two progress events.
const minUpdateGap = 100 * time.Millisecond

// Control adds the generation jobs, the stream and the dead-letter queue
// to the API, run by m (which the caller closes after the server stops).
func (s *Server) Control(m *jobs.Manager, version string) {
	c := &control{s: s, m: m, version: version}
	s.AddBusy(m.Busy)
	s.reg.MustRegister(m.Collectors()...)
	c.registerJobs()
	c.registerStream()
	c.registerDLQ()
}

type control struct {
	s       *Server
	m       *jobs.Manager
	version string
}

type jobBody struct {
	Kind   string   `json:"kind" enum:"master,facts,all" doc:"What to generate"`
	Start  string   `json:"start,omitempty" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"First simulated day (historical.start_date)"`
	End    string   `json:"end,omitempty" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"Last simulated day, inclusive"`
	Days   int      `json:"days,omitempty" minimum:"0" maximum:"36600" doc:"Number of days when end is not given"`
	Format string   `json:"format,omitempty" enum:"parquet,csv,jsonl" doc:"File format"`
	Tables []string `json:"tables,omitempty" maxItems:"64" doc:"Tables to write (default all)"`
	Force  bool     `json:"force,omitempty" doc:"Delete the folder's data first"`
}

type jobOutput struct {
	Body jobs.JobStatus
}

type jobsOutput struct {
	Body []jobs.JobStatus `nullable:"false"`
}

type jobID struct {
	ID string `path:"id" maxLength:"32" pattern:"^job-[0-9]+$" doc:"Job id"`
}

// options builds the generation options of a request over the current
// configuration.
func (c *control) options(b jobBody) (generate.Options, error) {
	cfg := c.s.Config()
	if b.Start != "" {
		cfg.Historical.StartDate = b.Start
	}
	if b.End != "" {
		cfg.Historical.EndDate = b.End
	}
	if b.Days > 0 {
		cfg.Historical.Days = b.Days
		if b.End == "" {
			cfg.Historical.EndDate = ""
		}
	}
	if b.Format != "" {
		cfg.Output.Format = b.Format
	}
	if err := cfg.Validate(); err != nil {
		var ve config.ValidationErrors
		if errors.As(err, &ve) {
			return generate.Options{}, invalidConfig(ve)
		}
		return generate.Options{}, huma.Error422UnprocessableEntity(err.Error())
	}
	if err := generate.CheckTables(b.Tables); err != nil {
		return generate.Options{}, huma.Error422UnprocessableEntity(err.Error(), &huma.ErrorDetail{Location: "body.tables", Value: b.Tables})
	}
	d, err := dict.Load(cfg.Paths.Dictionaries)
	if err != nil {
		return generate.Options{}, huma.Error500InternalServerError("loading dictionaries: " + err.Error())
	}
	return generate.Options{Config: &cfg, Dict: d, Workers: workers(&cfg), Version: c.version, Tables: b.Tables}, nil
}

func workers(cfg *config.Config) int {
	if cfg.Performance.MaxWorkers > 0 {
		return cfg.Performance.MaxWorkers
	}
	return runtime.GOMAXPROCS(0)
}

// busyError is the 409 for a folder in use.
func busyError() error {
	return huma.Error409Conflict("the output folder is in use by a running job or stream: wait for it, or cancel or stop it")
}

func (c *control) registerJobs() {
	api := c.s.api
	huma.Register(api, huma.Operation{
		OperationID: "start-job", Method: http.MethodPost, Path: "/api/v1/jobs", DefaultStatus: http.StatusAccepted,
		Summary: "Start a generation job", Tags: []string{"jobs"},
		Description: "Generates master data, facts or both in the background, continuing the output folder's history. " +
			"409 while another job or the stream uses the folder.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(_ context.Context, in *struct{ Body jobBody }) (*jobOutput, error) {
		o, err := c.options(in.Body)
		if err != nil {
			return nil, err
		}
		st, err := c.m.StartJob(jobs.JobSpec{Kind: in.Body.Kind, Options: o, Force: in.Body.Force})
		switch {
		case errors.Is(err, jobs.ErrBusy):
			return nil, busyError()
		case err != nil:
			return nil, huma.Error409Conflict(err.Error())
		}
		c.s.log.Info("job started", "job", st.ID, "kind", st.Kind)
		return &jobOutput{Body: st}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "list-jobs", Method: http.MethodGet, Path: "/api/v1/jobs",
		Summary: "List the jobs", Description: "Jobs of this process, newest first.", Tags: []string{"jobs"},
	}, func(context.Context, *struct{}) (*jobsOutput, error) {
		return &jobsOutput{Body: c.m.Jobs()}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-job", Method: http.MethodGet, Path: "/api/v1/jobs/{id}",
		Summary: "A job's status", Tags: []string{"jobs"}, Errors: []int{http.StatusNotFound},
	}, func(_ context.Context, in *jobID) (*jobOutput, error) {
		st, err := c.m.Job(in.ID)
		if err != nil {
			return nil, huma.Error404NotFound(err.Error())
		}
		return &jobOutput{Body: st}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "cancel-job", Method: http.MethodPost, Path: "/api/v1/jobs/{id}/cancel",
		Summary: "Cancel a job", Tags: []string{"jobs"}, Errors: []int{http.StatusNotFound},
		Description: "The folder stays consistent: only complete files are recorded.",
	}, func(_ context.Context, in *jobID) (*jobOutput, error) {
		st, err := c.m.CancelJob(in.ID)
		if err != nil {
			return nil, huma.Error404NotFound(err.Error())
		}
		return &jobOutput{Body: st}, nil
	})
	sse.Register(api, huma.Operation{
		OperationID: "watch-job", Method: http.MethodGet, Path: "/api/v1/jobs/{id}/events",
		Summary: "Follow a job", Tags: []string{"jobs"}, Errors: []int{http.StatusNotFound},
		Description: "Server-sent `status` events with the job's status, at least 100 ms apart, ending with its final status.",
		// An unknown job is a 404 before the event stream starts.
		Middlewares: huma.Middlewares{func(ctx huma.Context, next func(huma.Context)) {
			if _, err := c.m.Job(ctx.Param("id")); err != nil {
				_ = huma.WriteErr(api, ctx, http.StatusNotFound, err.Error())
				return
			}
			next(ctx)
		}},
	}, map[string]any{"status": jobs.JobStatus{}}, func(ctx context.Context, in *jobID, send sse.Sender) {
		ch, err := c.m.WatchJob(ctx, in.ID, minUpdateGap)
		if err != nil {
			return // removed since the check: nothing to follow
		}
		var last time.Time
		for st := range ch {
			if wait := minUpdateGap - time.Since(last); wait > 0 {
				time.Sleep(wait)
			}
			last = time.Now()
			if send.Data(st) != nil {
				return
			}
		}
	})
}

type streamBody struct {
	Sink            string   `json:"sink" minLength:"1" maxLength:"1024" doc:"stdout, file:NAME (a folder inside the output folder), kafka://BROKER[,BROKER]/TOPIC, eventhubs, eventhubs://HUB or eventhubs://NAMESPACE.servicebus.windows.net/HUB"`
	Rate            *float64 `json:"rate,omitempty" minimum:"0" doc:"Events per second at most; 0 unlimited; absent: realtime.burst per realtime.emit_interval_ms"`
	Types           []string `json:"types,omitempty" maxItems:"64" doc:"Event types to emit (default all)"`
	Speed           float64  `json:"speed,omitempty" minimum:"0" doc:"Simulated seconds per wall-clock second once caught up (default 1)"`
	MaxEvents       int64    `json:"max_events,omitempty" minimum:"0" doc:"Stop after this many events (0: no limit)"`
	DurationSeconds float64  `json:"duration_seconds,omitempty" minimum:"0" doc:"Stop after this long (0: no limit)"`
}

type streamOutput struct {
	Body jobs.StreamStatus
}

// sinkSpec checks a sink given through the API: a file sink must stay
// inside the output folder.
func (c *control) sinkSpec(spec string) (string, error) {
	name, ok := strings.CutPrefix(spec, "file:")
	if !ok {
		return spec, nil
	}
	clean := filepath.Clean(name)
	if name == "" || filepath.IsAbs(name) || clean == "." || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", huma.Error422UnprocessableEntity("a file sink through the API is file:NAME, a folder inside the output folder",
			&huma.ErrorDetail{Location: "body.sink", Value: spec, Message: "must be a relative folder without .."})
	}
	return "file:" + filepath.Join(c.s.outDir, clean), nil
}

func (c *control) registerStream() {
	api := c.s.api
	huma.Register(api, huma.Operation{
		OperationID: "start-stream", Method: http.MethodPost, Path: "/api/v1/stream", DefaultStatus: http.StatusAccepted,
		Summary: "Start the stream", Tags: []string{"stream"},
		Description: "Continues the output folder's history as a live event stream. 409 while a job or another stream runs.",
		Errors:      []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(_ context.Context, in *struct{ Body streamBody }) (*streamOutput, error) {
		b := in.Body
		sink, err := c.sinkSpec(b.Sink)
		if err != nil {
			return nil, err
		}
		for _, t := range b.Types {
			if !slices.Contains(stream.EventTypes(), t) {
				return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("unknown event type %q", t),
					&huma.ErrorDetail{Location: "body.types", Value: t, Message: "must be one of " + strings.Join(stream.EventTypes(), ", ")})
			}
		}
		cfg := c.s.Config()
		if err := jobs.CheckSinkSpec(sink, jobs.SinkOptions{ConnString: cfg.Realtime.AzureConnectionString, Getenv: os.Getenv}); err != nil {
			return nil, huma.Error422UnprocessableEntity(err.Error(), &huma.ErrorDetail{Location: "body.sink", Value: b.Sink})
		}
		d, err := dict.Load(cfg.Paths.Dictionaries)
		if err != nil {
			return nil, huma.Error500InternalServerError("loading dictionaries: " + err.Error())
		}
		st, err := c.m.StartStream(jobs.StreamRequest{
			Config: &cfg, Dict: d, Workers: workers(&cfg), Version: c.version, Sink: sink,
			SinkOptions: jobs.SinkOptions{Getenv: os.Getenv},
			Rate:        b.Rate, Speed: b.Speed, MaxEvents: b.MaxEvents, Types: b.Types,
			Duration: time.Duration(b.DurationSeconds * float64(time.Second)),
		})
		if errors.Is(err, jobs.ErrBusy) {
			return nil, busyError()
		}
		if err != nil {
			return nil, huma.Error422UnprocessableEntity(err.Error())
		}
		c.s.log.Info("stream started", "sink", redactSink(b.Sink))
		return &streamOutput{Body: st}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-stream", Method: http.MethodGet, Path: "/api/v1/stream",
		Summary: "The stream's status and counters", Tags: []string{"stream"},
	}, func(context.Context, *struct{}) (*streamOutput, error) {
		return &streamOutput{Body: c.m.StreamStatus()}, nil
	})
	for _, a := range []struct {
		verb, summary string
		do            func() (jobs.StreamStatus, error)
	}{
		{"stop", "Stop the stream (the pending batch is delivered and the position recorded)", c.m.StopStream},
		{"pause", "Pause the stream", c.m.PauseStream},
		{"resume", "Resume a paused stream", c.m.ResumeStream},
	} {
		huma.Register(api, huma.Operation{
			OperationID: a.verb + "-stream", Method: http.MethodPost, Path: "/api/v1/stream/" + a.verb,
			Summary: a.summary, Tags: []string{"stream"}, Errors: []int{http.StatusConflict},
		}, func(context.Context, *struct{}) (*streamOutput, error) {
			st, err := a.do()
			if err != nil {
				return nil, huma.Error409Conflict(err.Error())
			}
			return &streamOutput{Body: st}, nil
		})
	}
	sse.Register(api, huma.Operation{
		OperationID: "watch-stream", Method: http.MethodGet, Path: "/api/v1/stream/events",
		Summary: "Follow the stream", Tags: []string{"stream"},
		Description: "Server-sent `status` events with the stream's status every 500 ms, while the client listens.",
	}, map[string]any{"status": jobs.StreamStatus{}}, func(ctx context.Context, _ *struct{}, send sse.Sender) {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			if send.Data(c.m.StreamStatus()) != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

// redactSink keeps a sink spec fit for logs (no credentials in URLs).
func redactSink(spec string) string {
	if i := strings.Index(spec, "@"); i >= 0 && strings.Contains(spec, "://") {
		return spec[:strings.Index(spec, "://")+3] + "***" + spec[i:]
	}
	return spec
}

type dlqFile struct {
	File   string `json:"file"`
	Events int    `json:"events"`
}

func (c *control) registerDLQ() {
	api := c.s.api
	dir := filepath.Join(c.s.outDir, "dlq")
	huma.Register(api, huma.Operation{
		OperationID: "list-dlq", Method: http.MethodGet, Path: "/api/v1/dlq",
		Summary: "Dead-lettered events", Description: "The files of the dead-letter queue with their event counts.", Tags: []string{"stream"},
	}, func(context.Context, *struct{}) (*struct {
		Body []dlqFile `nullable:"false"`
	}, error) {
		files, err := stream.DeadLetters(dir)
		if err != nil {
			return nil, huma.Error500InternalServerError("reading the dead-letter queue: " + err.Error())
		}
		out := &struct {
			Body []dlqFile `nullable:"false"`
		}{Body: []dlqFile{}}
		for name, n := range files {
			out.Body = append(out.Body, dlqFile{name, n})
		}
		slices.SortFunc(out.Body, func(a, b dlqFile) int { return strings.Compare(a.File, b.File) })
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "replay-dlq", Method: http.MethodPost, Path: "/api/v1/dlq/replay",
		Summary: "Replay the dead-lettered events", Tags: []string{"stream"},
		Description: "Sends every dead-lettered event to the sink and removes each file once it is acknowledged.",
		Errors:      []int{http.StatusUnprocessableEntity, http.StatusBadGateway},
	}, func(ctx context.Context, in *struct {
		Body struct {
			Sink string `json:"sink" minLength:"1" maxLength:"1024" doc:"Where to send them (as for the stream)"`
		}
	}) (*struct {
		Body struct {
			Replayed int `json:"replayed"`
		}
	}, error) {
		spec, err := c.sinkSpec(in.Body.Sink)
		if err != nil {
			return nil, err
		}
		cfg := c.s.Config()
		sink, err := jobs.OpenSink(ctx, spec, jobs.SinkOptions{ConnString: cfg.Realtime.AzureConnectionString, MaxBatch: cfg.Realtime.MaxBatchSize, Getenv: os.Getenv})
		if err != nil {
			return nil, huma.Error422UnprocessableEntity(err.Error(), &huma.ErrorDetail{Location: "body.sink", Value: in.Body.Sink})
		}
		raw, ok := sink.(stream.RawSender)
		if !ok {
			_ = sink.Close()
			return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("sink %q cannot replay encoded events", in.Body.Sink))
		}
		n, err := stream.Replay(ctx, dir, raw)
		err = errors.Join(err, sink.Close())
		if err != nil {
			return nil, huma.Error502BadGateway(fmt.Sprintf("replayed %d events, then: %v", n, err))
		}
		out := &struct {
			Body struct {
				Replayed int `json:"replayed"`
			}
		}{}
		out.Body.Replayed = n
		return out, nil
	})
}
