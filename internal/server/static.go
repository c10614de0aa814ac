package server

import (
	"context"
	"embed"
	"io/fs"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// docsFiles are the Swagger UI page and its assets (see docsui/README.md).
//
//go:embed docsui
var docsFiles embed.FS

// docsCSP allows the Swagger UI page nothing from other origins.
const docsCSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

type statusBody struct {
	Body struct {
		Status string `json:"status" example:"ok" doc:"ok, or ready"`
	}
}

func (s *Server) registerProbes() {
	huma.Register(s.api, huma.Operation{
		OperationID: "health",
		Method:      http.MethodGet,
		Path:        "/health",
		Summary:     "Liveness",
		Description: "Answers while the process lives.",
		Tags:        []string{"probes"},
	}, func(context.Context, *struct{}) (*statusBody, error) {
		out := &statusBody{}
		out.Body.Status = "ok"
		return out, nil
	})
	huma.Register(s.api, huma.Operation{
		OperationID: "ready",
		Method:      http.MethodGet,
		Path:        "/ready",
		Summary:     "Readiness",
		Description: "`ready` once the server accepts work; 503 while starting or shutting down.",
		Tags:        []string{"probes"},
		Errors:      []int{http.StatusServiceUnavailable},
	}, func(context.Context, *struct{}) (*statusBody, error) {
		if !s.Ready() {
			return nil, huma.Error503ServiceUnavailable("starting or shutting down")
		}
		out := &statusBody{}
		out.Body.Status = "ready"
		return out, nil
	})
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{
		ErrorLog:      slogPrinter{s},
		ErrorHandling: promhttp.ContinueOnError,
	}))
}

// slogPrinter passes promhttp's errors to the server's logger.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) {
	p.s.log.Warn("metrics", "err", v)
}

// registerStatic serves /docs, the web UI at / and a JSON 404 for unknown
// API paths.
func (s *Server) registerStatic() {
	docs, err := fs.Sub(docsFiles, "docsui")
	if err != nil {
		panic(err) // unreachable: the folder is embedded
	}
	files := http.StripPrefix("/docs/", http.FileServerFS(docs))
	index := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", docsCSP)
		http.ServeFileFS(w, r, docs, "index.html")
	}
	s.mux.HandleFunc("GET /docs", index)
	s.mux.HandleFunc("GET /docs/{$}", index)
	s.mux.HandleFunc("GET /docs/{file}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("file") == "index.html" {
			index(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", docsCSP)
		files.ServeHTTP(w, r)
	})

	notFound := func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path+" (see /openapi.json)")
	}
	s.mux.HandleFunc("/api/", notFound)

	var ui http.Handler = http.HandlerFunc(s.noUI)
	if s.ui != nil {
		ui = http.FileServerFS(s.ui)
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeProblem(w, http.StatusMethodNotAllowed, r.Method+" "+r.URL.Path+" is not allowed")
			return
		}
		ui.ServeHTTP(w, r)
	})
}

// noUI is the page at / of a build without the web UI.
func (s *Server) noUI(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	_, _ = w.Write([]byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>retail-datagen</title></head>` +
		`<body><h1>retail-datagen</h1><p>No web UI is built in. The API is described at <a href="/docs">/docs</a> (<a href="/openapi.json">/openapi.json</a>).</p></body></html>`))
}
