// Package server is the HTTP side of `retail-datagen serve`: a JSON REST API
// under /api/v1 described by an OpenAPI document generated from typed
// handlers (huma), health and readiness probes, Prometheus metrics, the
// Swagger UI at /docs and the web UI's static files at /.
//
// # Adding operations
//
// New builds a Server with every built-in route registered. More operations
// are added before serving, either from this package (a file such as
// jobs.go with a method called from New, like registerConfig) or from
// outside through API():
//
//	huma.Register(s.API(), huma.Operation{
//		OperationID: "list-jobs",
//		Method:      http.MethodGet,
//		Path:        "/api/v1/jobs",
//		Summary:     "List jobs",
//		Tags:        []string{"jobs"},
//	}, handler)
//
// Every operation gets the server's middleware: request logging, metrics,
// CORS, the 1 MiB body limit and, for POST, PUT, PATCH and DELETE, the
// bearer-token check (the OpenAPI document marks those operations as
// secured and lists the 401 response automatically). Plain handlers (a
// server-sent-events stream written by hand, say) can be added to Mux();
// they get the same middleware but no OpenAPI entry.
//
// Code that must stop the output folder from being cleared while it works
// (generation jobs, the stream) registers a check with AddBusy. Collectors
// of more metrics are registered on Registry().
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/retail-datagen/retail-datagen/internal/config"
)

// MaxBodyBytes limits every request body; larger bodies get 413.
const MaxBodyBytes = 1 << 20

// TokenEnv names the environment variable holding the API's bearer token.
const TokenEnv = "RETAIL_DATAGEN_API_TOKEN"

// Options configure a Server. Only Config is needed.
type Options struct {
	// Config says how the configuration is loaded: file, environment and
	// command-line overrides. The server loads it once (a file is read
	// once too), and PATCH /api/v1/config adds a layer above it. When
	// Config.File is set, accepted changes are also written to that file
	// (never secrets). Config.Patch must be empty.
	Config config.LoadOptions
	// Token is the bearer token required on mutating requests. Empty: no
	// token, which ListenAndServe allows on loopback addresses only.
	Token string
	// Logger receives one line per request and the server's own events.
	// Nil: text to standard error.
	Logger *slog.Logger
	// Registry is where /metrics reads from. Nil: a new registry with the
	// Go and process collectors.
	Registry *prometheus.Registry
	// UI holds the web UI's files, served at / (index.html for /). Nil: a
	// small page linking to the API documentation.
	UI fs.FS
	// Busy, when it returns true, refuses DELETE /api/v1/state with 409.
	// More checks can be added with AddBusy.
	Busy func() bool
	// Version is reported in the OpenAPI document.
	Version string
}

// Server is the HTTP API. Create it with New, add operations, then call
// Serve or ListenAndServe once.
type Server struct {
	log     *slog.Logger
	reg     *prometheus.Registry
	mux     *http.ServeMux
	api     huma.API
	handler http.Handler
	token   []byte
	ui      fs.FS
	metrics *httpMetrics
	ready   atomic.Bool

	// outDir is the output folder served; it does not change while serving.
	outDir string

	cfgMu    sync.RWMutex
	base     config.LoadOptions // as given, with FileData set
	file     string             // the configuration file, or ""
	fileData []byte             // its content when the server started
	fileDirt bool               // the file was changed by PATCH
	patch    config.Patch       // the accepted changes
	cfg      *config.Config     // the effective configuration
	origins  map[string]bool    // canonical allowed CORS origins

	busyMu sync.Mutex
	busy   []func() bool
}

// New loads the configuration and builds a Server with every built-in
// route. It fails when the configuration is invalid or the file cannot
// be read.
func New(opts Options) (*Server, error) {
	if opts.Config.Patch.Len() > 0 {
		return nil, errors.New("server: Options.Config.Patch must be empty")
	}
	base := opts.Config
	if base.File != "" && base.FileData == nil {
		data, err := os.ReadFile(base.File)
		if err != nil {
			return nil, fmt.Errorf("reading configuration file: %w", err)
		}
		base.FileData = data
	}
	cfg, err := config.Load(base)
	if err != nil {
		return nil, err
	}
	s := &Server{
		log:      opts.Logger,
		reg:      opts.Registry,
		mux:      http.NewServeMux(),
		ui:       opts.UI,
		outDir:   cfg.Output.Dir,
		base:     base,
		file:     base.File,
		fileData: base.FileData,
	}
	if opts.Token != "" {
		s.token = []byte(opts.Token)
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
		s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if opts.Busy != nil {
		s.busy = append(s.busy, opts.Busy)
	}
	s.setConfig(cfg, config.Patch{})
	s.metrics, err = newHTTPMetrics(s.reg)
	if err != nil {
		return nil, err
	}

	s.api = humago.New(s.mux, s.humaConfig(opts.Version))
	s.registerProbes()
	s.registerConfig()
	s.registerState()
	s.registerTables()
	s.registerSales()
	s.registerStatic()
	s.handler = s.middleware(s.mux)
	return s, nil
}

// API is the huma API the operations are registered on.
func (s *Server) API() huma.API { return s.api }

// Mux is the router behind API(); handlers added to it get the server's
// middleware but no OpenAPI entry.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// Registry is the Prometheus registry /metrics serves; register more
// collectors on it.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Logger is the server's logger.
func (s *Server) Logger() *slog.Logger { return s.log }

// Handler is the complete HTTP handler: routes and middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// OutputDir is the output folder the server reads and clears.
func (s *Server) OutputDir() string { return s.outDir }

// Config returns the effective configuration (with secrets: never send it
// to a client as is; Redacted() it).
func (s *Server) Config() config.Config {
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	return *s.cfg
}

// AddBusy registers a check; while any check returns true, the output
// folder cannot be cleared (DELETE /api/v1/state answers 409).
func (s *Server) AddBusy(check func() bool) {
	s.busyMu.Lock()
	defer s.busyMu.Unlock()
	s.busy = append(s.busy, check)
}

// Busy reports whether a registered check says the output folder is in use.
func (s *Server) Busy() bool {
	s.busyMu.Lock()
	checks := slices.Clone(s.busy)
	s.busyMu.Unlock()
	for _, c := range checks {
		if c() {
			return true
		}
	}
	return false
}

// Ready reports whether the server is serving and not shutting down.
func (s *Server) Ready() bool { return s.ready.Load() }

// setConfig installs an effective configuration and its patch.
func (s *Server) setConfig(cfg *config.Config, p config.Patch) {
	origins := map[string]bool{}
	for _, o := range cfg.Server.AllowedOrigins {
		origins[canonicalOrigin(o)] = true
	}
	s.cfg, s.patch, s.origins = cfg, p, origins
}

// CheckBind refuses a non-loopback address when no token is set: the
// API would let anyone who reaches it change the configuration and delete
// data.
func CheckBind(addr string, token string) error {
	if token != "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8000: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if host == "" {
		host = "all interfaces"
	}
	return fmt.Errorf("--addr %s binds to %s, which is not a loopback address: set %s to a secret token first (clients then send Authorization: Bearer <token> on every change)", addr, host, TokenEnv)
}

// ListenAndServe checks the address (see CheckBind), listens on it and
// serves until ctx is cancelled. started, when not nil, is called with
// the listening address once connections are accepted.
func (s *Server) ListenAndServe(ctx context.Context, addr string, started func(net.Addr)) error {
	if err := CheckBind(addr, string(s.token)); err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w (is another server using the port? choose another with --addr)", addr, err)
	}
	if started != nil {
		started(ln.Addr())
	}
	return s.Serve(ctx, ln)
}

// shutdownGrace is how long requests in flight get to finish once ctx is
// cancelled.
const shutdownGrace = 10 * time.Second

// Serve answers connections on ln until ctx is cancelled, then shuts down
// gracefully: no new connections, requests in flight get shutdownGrace to
// finish, long-lived streams are told to end (their request context is
// cancelled). It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	baseCtx, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(cancelBase)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.ready.Store(true)
	s.log.Info("serving", "addr", ln.Addr().String(), "output", s.outDir)

	select {
	case err := <-errc:
		s.ready.Store(false)
		return fmt.Errorf("serving HTTP: %w", err)
	case <-ctx.Done():
	}
	s.ready.Store(false)
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		s.log.Warn("requests still running at shutdown were cut off", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %w", err)
	}
	return nil
}

// closeQuietly closes c, logging a failure.
func (s *Server) closeQuietly(c io.Closer, what string) {
	if err := c.Close(); err != nil {
		s.log.Warn("closing "+what, "err", err)
	}
}
