package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// humaConfig is the OpenAPI setup: our own /docs page (not huma's, which
// loads scripts from a CDN), no $schema links in bodies, bearer security on
// mutating operations.
func (s *Server) humaConfig(version string) huma.Config {
	if version == "" {
		version = "dev"
	}
	c := huma.DefaultConfig("retail-datagen API", version)
	c.CreateHooks = nil
	c.SchemasPath = ""
	c.DocsPath = ""
	c.OpenAPIPath = "/openapi"
	c.Info.Description = "Generate, stream, configure and browse synthetic retail data. " +
		"Mutating calls (POST, PUT, PATCH, DELETE) need `Authorization: Bearer <token>` when the server has a token (" + TokenEnv + "). " +
		"Errors are RFC 9457 problem documents."
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "The token in " + TokenEnv + "."},
	}
	c.OnAddOperation = append(c.OnAddOperation, func(oapi *huma.OpenAPI, op *huma.Operation) {
		if op.MaxBodyBytes <= 0 || op.MaxBodyBytes > MaxBodyBytes {
			// Raw bodies get no limit from huma; limitBody's reader would
			// then fail the read with a 500 instead of a 413.
			op.MaxBodyBytes = MaxBodyBytes
		}
		if !mutating(op.Method) {
			return
		}
		op.Security = []map[string][]string{{"bearer": {}}}
		if op.Responses == nil {
			op.Responses = map[string]*huma.Response{}
		}
		if _, ok := op.Responses["401"]; !ok {
			op.Responses["401"] = &huma.Response{
				Description: "Missing or wrong bearer token",
				Content: map[string]*huma.MediaType{"application/problem+json": {
					Schema: oapi.Components.Schemas.Schema(reflect.TypeFor[huma.ErrorModel](), true, ""),
				}},
			}
		}
	})
	return c
}

// mutating reports whether a method changes something.
func mutating(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// middleware wraps the router: outermost first, logging and metrics, then
// security headers, CORS, authorization and the body limit.
func (s *Server) middleware(next http.Handler) http.Handler {
	h := s.limitBody(next)
	h = s.authorize(h)
	h = s.cors(h)
	h = securityHeaders(h)
	return s.observe(h)
}

// statusWriter records the status and size of a response. It keeps
// http.Flusher working and exposes the original writer to
// http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush sends buffered data to the client (server-sent events need it).
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// httpMetrics count requests by route and status.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "retail_datagen_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "retail_datagen_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("registering HTTP metrics: %w", err)
		}
	}
	return m, nil
}

// observe logs every request (method, path, status, duration) and counts
// it. The path is logged without its query string; headers are never
// logged.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		d := time.Since(start)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := r.Pattern // set by the router on this request
		if route == "" {
			route = "unmatched"
		}
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(d.Seconds())
		s.log.LogAttrs(r.Context(), levelFor(sw.status), "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000),
			slog.Int64("bytes", sw.bytes),
		)
	})
}

// levelFor logs server errors as errors, everything else as information.
func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// securityHeaders sets headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// canonicalOrigin lowercases scheme and host and drops a default port, as
// browsers send origins.
func canonicalOrigin(o string) string {
	u, err := url.Parse(strings.TrimSuffix(o, "/"))
	if err != nil || u.Host == "" {
		return strings.ToLower(o)
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}

// originAllowed reports whether a browser origin is configured for CORS.
func (s *Server) originAllowed(origin string) bool {
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	return s.origins[canonicalOrigin(origin)]
}

// sameOrigin reports whether origin is the server's own (as the request
// reached it).
func sameOrigin(r *http.Request, origin string) bool {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return canonicalOrigin(origin) == canonicalOrigin(scheme+"://"+r.Host)
}

// cors answers preflight requests and adds CORS headers for configured
// origins only; other origins get no CORS headers (and 403 on preflight).
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		allowed := s.originAllowed(origin)
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if preflight {
			w.Header().Add("Vary", "Access-Control-Request-Method")
			w.Header().Add("Vary", "Access-Control-Request-Headers")
			if !allowed {
				writeProblem(w, http.StatusForbidden, "origin "+origin+" is not allowed: add it to server.allowed_origins or ALLOWED_ORIGINS")
				return
			}
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", "Content-Disposition, Content-Length")
		}
		next.ServeHTTP(w, r)
	})
}

// authorize requires the bearer token on mutating requests. Without a
// token (loopback only), it refuses mutating requests that a browser sends
// from another, unconfigured origin, so a web page cannot drive the API.
func (s *Server) authorize(next http.Handler) http.Handler {
	var want [sha256.Size]byte
	if s.token != nil {
		want = sha256.Sum256(s.token)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !mutating(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		if s.token == nil {
			if o := r.Header.Get("Origin"); o != "" && !sameOrigin(r, o) && !s.originAllowed(o) {
				writeProblem(w, http.StatusForbidden, "cross-origin changes from "+o+" are not allowed: add the origin to server.allowed_origins or ALLOWED_ORIGINS")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		// Hashing first makes the comparison independent of the length.
		gotSum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !ok || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(gotSum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="retail-datagen"`)
			writeProblem(w, http.StatusUnauthorized, "this call changes something: send Authorization: Bearer <token>, the token in "+TokenEnv+" of the server")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies over MaxBodyBytes with 413. Operations read at
// most MaxBodyBytes themselves; the reader is limited one byte later so
// that they, not this reader, report the overflow.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			writeProblem(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", MaxBodyBytes))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes+1)
		}
		next.ServeHTTP(w, r)
	})
}

// writeProblem writes an RFC 9457 problem document.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	b, err := json.Marshal(&huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: detail})
	if err != nil {
		b = []byte(`{"status":500}`) // unreachable: the model holds only strings and an int
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
