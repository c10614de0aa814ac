package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/retail-datagen/retail-datagen/internal/cli"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/server"
)

const testToken = "s3cret-t0ken"

// generateMu serializes dataset generation: the generator uses every CPU.
var generateMu sync.Mutex

// generated maps "format/days" to a generated folder, shared by the tests
// that only read it.
var generated sync.Map

// dataset returns a folder holding a tiny dataset of the given format and
// number of days, generated once per test binary with the real CLI.
func dataset(t *testing.T, format string, days int) string {
	t.Helper()
	key := fmt.Sprintf("%s/%d", format, days)
	if dir, ok := generated.Load(key); ok {
		return dir.(string)
	}
	generateMu.Lock()
	defer generateMu.Unlock()
	if dir, ok := generated.Load(key); ok {
		return dir.(string)
	}
	dir, err := os.MkdirTemp("", "serve-test-")
	if err != nil {
		t.Fatal(err)
	}
	generateInto(t, dir, format, days)
	generated.Store(key, dir)
	return dir
}

// generateInto writes a tiny dataset into dir.
func generateInto(t *testing.T, dir, format string, days int) {
	t.Helper()
	var stderr bytes.Buffer
	args := []string{"generate", "--scale", "tiny", "--format", format, "--days", fmt.Sprint(days), "-o", dir, "-q"}
	if code := cli.Run(context.Background(), "test", args, io.Discard, &stderr); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr.String())
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	generated.Range(func(_, dir any) bool {
		os.RemoveAll(dir.(string))
		return true
	})
	os.Exit(code)
}

type setup struct {
	dir     string
	token   string
	environ []string
	file    string
	ui      *fstest.MapFS
	busy    func() bool
	logs    *bytes.Buffer
}

// newServer builds a server over an output folder.
func newServer(t testing.TB, s setup) *server.Server {
	t.Helper()
	if s.dir == "" {
		s.dir = t.TempDir()
	}
	if s.logs == nil {
		s.logs = &bytes.Buffer{}
	}
	opts := server.Options{
		Config: config.LoadOptions{
			File:      s.file,
			Environ:   s.environ,
			Overrides: map[string]string{"output.dir": s.dir, "scale": "tiny"},
		},
		Token:   s.token,
		Logger:  slog.New(slog.NewTextHandler(s.logs, nil)),
		Busy:    s.busy,
		Version: "test",
	}
	if s.ui != nil {
		opts.UI = s.ui
	}
	srv, err := server.New(opts)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	return srv
}

type request struct {
	method, path string
	body         string
	header       map[string]string
}

// do sends a request to the server's handler.
func do(t testing.TB, srv *server.Server, r request) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	req := httptest.NewRequest(method, r.path, body)
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, req)
	return w
}

func get(t testing.TB, srv *server.Server, path string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, srv, request{path: path})
}

// decode parses a JSON response body.
func decode[T any](t testing.TB, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("response is not the expected JSON (%v):\n%s", err, w.Body.String())
	}
	return v
}

type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Message  string `json:"message"`
		Location string `json:"location"`
		Value    any    `json:"value"`
	} `json:"errors"`
}

// wantProblem checks an RFC 9457 answer with the given status.
func wantProblem(t testing.TB, w *httptest.ResponseRecorder, status int) problem {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d:\n%s", w.Code, status, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	p := decode[problem](t, w)
	if p.Status != status || p.Title == "" {
		t.Errorf("problem %+v", p)
	}
	return p
}

// locations lists the locations of a problem's errors.
func (p problem) locations() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Location)
	}
	return out
}

func TestProbesMetricsAndDocs(t *testing.T) {
	srv := newServer(t, setup{})
	if w := get(t, srv, "/health"); w.Code != 200 || !strings.Contains(w.Body.String(), `"ok"`) {
		t.Errorf("/health: %d %s", w.Code, w.Body)
	}
	// Not serving yet.
	wantProblem(t, get(t, srv, "/ready"), http.StatusServiceUnavailable)

	w := get(t, srv, "/metrics")
	for _, want := range []string{"go_goroutines", "process_", "retail_datagen_http_requests_total", `route="GET /health"`} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	w = get(t, srv, "/docs")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "/docs/swagger-ui-bundle.js") || !strings.Contains(w.Header().Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("/docs: %d %q\n%s", w.Code, w.Header(), w.Body)
	}
	if strings.Contains(w.Body.String(), "//") && strings.Contains(w.Body.String(), "http") {
		t.Errorf("/docs refers to another site:\n%s", w.Body)
	}
	for _, asset := range []string{"/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/docs.js", "/docs/LICENSE"} {
		if w := get(t, srv, asset); w.Code != 200 || w.Body.Len() == 0 {
			t.Errorf("%s: %d", asset, w.Code)
		}
	}
	if w := get(t, srv, "/docs/docs.js"); !strings.Contains(w.Body.String(), `"/openapi.json"`) {
		t.Error("docs.js does not load /openapi.json")
	}

	if w := get(t, srv, "/"); w.Code != 200 || !strings.Contains(w.Body.String(), "/docs") {
		t.Errorf("/ without UI: %d %s", w.Code, w.Body)
	}
	wantProblem(t, get(t, srv, "/api/v1/nothing-here"), http.StatusNotFound)
	wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/"}), http.StatusMethodNotAllowed)
}

func TestWebUIIsServed(t *testing.T) {
	ui := fstest.MapFS{
		"index.html": {Data: []byte("<!DOCTYPE html><title>ui</title>")},
		"app.js":     {Data: []byte("console.log(1)")},
	}
	srv := newServer(t, setup{ui: &ui})
	if w := get(t, srv, "/"); w.Code != 200 || !strings.Contains(w.Body.String(), "<title>ui</title>") {
		t.Errorf("/: %d %s", w.Code, w.Body)
	}
	if w := get(t, srv, "/app.js"); w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), "javascript") {
		t.Errorf("/app.js: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	if w := get(t, srv, "/missing.js"); w.Code != 404 {
		t.Errorf("/missing.js: %d", w.Code)
	}
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	srv := newServer(t, setup{})
	w := get(t, srv, "/openapi.json")
	if w.Code != 200 {
		t.Fatalf("/openapi.json: %d", w.Code)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatalf("loading /openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("/openapi.json is not valid: %v", err)
	}
	for _, p := range []string{"/health", "/ready", "/api/v1/config", "/api/v1/config/validate", "/api/v1/config/reset",
		"/api/v1/state", "/api/v1/tables", "/api/v1/tables/{table}", "/api/v1/tables/{table}/rows",
		"/api/v1/tables/{table}/partitions/{date}", "/api/v1/sales/daily"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("the document lacks %s", p)
		}
	}
	patch := doc.Paths.Find("/api/v1/config").Patch
	if len(*patch.Security) == 0 || patch.Responses.Status(401) == nil {
		t.Error("PATCH /api/v1/config is not marked as needing the bearer token")
	}
	if get := doc.Paths.Find("/api/v1/config").Get; get.Security != nil && len(*get.Security) > 0 {
		t.Error("GET /api/v1/config needs no token")
	}
}

func TestAuthorization(t *testing.T) {
	srv := newServer(t, setup{token: testToken})
	mutations := []request{
		{method: http.MethodPatch, path: "/api/v1/config", body: `{"seed":7}`},
		{method: http.MethodPost, path: "/api/v1/config/validate", body: `{}`},
		{method: http.MethodPost, path: "/api/v1/config/reset"},
		{method: http.MethodDelete, path: "/api/v1/state"},
	}
	for _, r := range mutations {
		for name, header := range map[string]string{
			"missing":    "",
			"wrong":      "Bearer not-the-token",
			"prefix":     "Bearer " + testToken[:5],
			"not bearer": "Basic " + testToken,
		} {
			if header != "" {
				r.header = map[string]string{"Authorization": header}
			} else {
				r.header = nil
			}
			w := do(t, srv, r)
			p := wantProblem(t, w, http.StatusUnauthorized)
			if !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s (%s token): no WWW-Authenticate", r.method, r.path, name)
			}
			if strings.Contains(w.Body.String(), testToken) || strings.Contains(p.Detail, testToken) {
				t.Error("the answer shows the token")
			}
		}
	}
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	if w := do(t, srv, request{method: http.MethodPatch, path: "/api/v1/config", body: `{"seed":7}`, header: auth}); w.Code != 200 {
		t.Errorf("with the token: %d %s", w.Code, w.Body)
	}
	if w := get(t, srv, "/api/v1/config"); w.Code != 200 || !strings.Contains(w.Body.String(), `"seed":7`) {
		t.Errorf("GET without a token: %d %s", w.Code, w.Body)
	}
	if w := get(t, srv, "/api/v1/tables"); w.Code != 200 {
		t.Errorf("GET /api/v1/tables without a token: %d", w.Code)
	}

	// Without a token (loopback), other web pages cannot change anything.
	open := newServer(t, setup{})
	w := do(t, open, request{method: http.MethodPost, path: "/api/v1/config/reset", header: map[string]string{"Origin": "http://evil.test"}})
	wantProblem(t, w, http.StatusForbidden)
	if w := do(t, open, request{method: http.MethodPost, path: "/api/v1/config/reset", header: map[string]string{"Origin": "http://example.com"}}); w.Code != 200 {
		t.Errorf("same-origin change without a token: %d %s", w.Code, w.Body)
	}
	if w := do(t, open, request{method: http.MethodPost, path: "/api/v1/config/reset"}); w.Code != 200 {
		t.Errorf("change without a token from a non-browser client: %d %s", w.Code, w.Body)
	}
}

func TestCORS(t *testing.T) {
	srv := newServer(t, setup{
		token:   testToken,
		environ: []string{"RETAIL_SERVER_ALLOWED_ORIGINS=http://localhost:5173", "ALLOWED_ORIGINS=https://ui.example.test"},
	})
	for _, origin := range []string{"http://localhost:5173", "https://ui.example.test", "HTTPS://UI.example.test:443"} {
		w := do(t, srv, request{path: "/api/v1/config", header: map[string]string{"Origin": origin}})
		if w.Header().Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("%s: Access-Control-Allow-Origin %q", origin, w.Header().Get("Access-Control-Allow-Origin"))
		}
		if !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Origin") {
			t.Errorf("%s: no Vary: Origin", origin)
		}
		w = do(t, srv, request{method: http.MethodOptions, path: "/api/v1/config", header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "authorization,content-type",
		}})
		if w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != origin ||
			!strings.Contains(w.Header().Get("Access-Control-Allow-Methods"), "PATCH") ||
			!strings.Contains(w.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Errorf("%s preflight: %d %q", origin, w.Code, w.Header())
		}
	}
	for _, origin := range []string{"http://evil.test", "http://localhost:5174", "null"} {
		w := do(t, srv, request{path: "/api/v1/config", header: map[string]string{"Origin": origin}})
		if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: %d with Access-Control-Allow-Origin %q", origin, w.Code, w.Header().Get("Access-Control-Allow-Origin"))
		}
		w = do(t, srv, request{method: http.MethodOptions, path: "/api/v1/config", header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "PATCH",
		}})
		wantProblem(t, w, http.StatusForbidden)
		if w.Header().Get("Access-Control-Allow-Origin") != "" || w.Header().Get("Access-Control-Allow-Methods") != "" {
			t.Errorf("%s preflight got CORS headers %q", origin, w.Header())
		}
	}

	// A changed server.allowed_origins applies at once.
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	w := do(t, srv, request{method: http.MethodPatch, path: "/api/v1/config", body: `{"server":{"allowed_origins":["http://new.test:8080"]}}`, header: auth})
	if w.Code != 200 {
		t.Fatalf("PATCH: %d %s", w.Code, w.Body)
	}
	cfg := decode[map[string]any](t, w)
	if got := fmt.Sprint(cfg["server"].(map[string]any)["allowed_origins"]); got != "[http://new.test:8080 https://ui.example.test]" {
		t.Errorf("allowed_origins after PATCH: %s", got)
	}
	w = do(t, srv, request{path: "/health", header: map[string]string{"Origin": "http://new.test:8080"}})
	if w.Header().Get("Access-Control-Allow-Origin") != "http://new.test:8080" {
		t.Error("a newly allowed origin gets no CORS headers")
	}
	w = do(t, srv, request{path: "/health", header: map[string]string{"Origin": "http://localhost:5173"}})
	if w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Error("a removed origin still gets CORS headers")
	}
}

func TestCheckBind(t *testing.T) {
	for _, tt := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:8000", "", true},
		{"localhost:8000", "", true},
		{"[::1]:8000", "", true},
		{"127.1.2.3:0", "", true},
		{"0.0.0.0:8000", "", false},
		{":8000", "", false},
		{"192.0.2.10:8000", "", false},
		{"[::]:8000", "", false},
		{"example.com:80", "", false},
		{"0.0.0.0:8000", testToken, true},
		{"no-port", "", false},
	} {
		err := server.CheckBind(tt.addr, tt.token)
		if (err == nil) != tt.ok {
			t.Errorf("CheckBind(%q, token %v) = %v", tt.addr, tt.token != "", err)
		}
		if err != nil && tt.addr != "no-port" && !strings.Contains(err.Error(), server.TokenEnv) {
			t.Errorf("the message does not say what to do: %v", err)
		}
	}
	srv := newServer(t, setup{})
	err := srv.ListenAndServe(context.Background(), "0.0.0.0:0", nil)
	if err == nil || !strings.Contains(err.Error(), server.TokenEnv) {
		t.Errorf("ListenAndServe on all interfaces without a token: %v", err)
	}
}

func TestServeAndGracefulShutdown(t *testing.T) {
	srv := newServer(t, setup{})
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx, "127.0.0.1:0", func(a net.Addr) { addrc <- a }) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("ListenAndServe: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not start")
	}
	client := &http.Client{Timeout: 5 * time.Second}
	var resp *http.Response
	var err error
	for range 50 {
		resp, err = client.Get(base + "/ready")
		if err == nil && resp.StatusCode == 200 {
			break
		}
		if resp != nil {
			resp.Body.Close()
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/ready while serving: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop")
	}
	if srv.Ready() {
		t.Error("still ready after shutdown")
	}
}

func TestRequestLog(t *testing.T) {
	logs := &bytes.Buffer{}
	srv := newServer(t, setup{token: testToken, logs: logs})
	get(t, srv, "/api/v1/tables?secret=1")
	do(t, srv, request{method: http.MethodPatch, path: "/api/v1/config", body: `{"seed":3}`, header: map[string]string{"Authorization": "Bearer " + testToken}})
	out := logs.String()
	for _, want := range []string{"method=GET path=/api/v1/tables status=200 duration_ms=", "method=PATCH path=/api/v1/config status=200"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, testToken) || strings.Contains(out, "secret=1") {
		t.Errorf("log shows a secret or a query string:\n%s", out)
	}
}

func TestBodyLimit(t *testing.T) {
	srv := newServer(t, setup{})
	big := `{"stream":{"hub":"` + strings.Repeat("x", server.MaxBodyBytes) + `"}}`
	for _, path := range []string{"/api/v1/config", "/api/v1/config/validate"} {
		method := http.MethodPatch
		if strings.HasSuffix(path, "validate") {
			method = http.MethodPost
		}
		wantProblem(t, do(t, srv, request{method: method, path: path, body: big}), http.StatusRequestEntityTooLarge)
		// Without a Content-Length (chunked), the operation stops reading at the limit.
		req := httptest.NewRequest(method, path, io.MultiReader(strings.NewReader(big)))
		req.ContentLength = -1
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		wantProblem(t, w, http.StatusRequestEntityTooLarge)
	}
	if w := get(t, srv, "/api/v1/config"); strings.Contains(w.Body.String(), "xxxx") {
		t.Error("an oversize body changed the configuration")
	}
}
