package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/config"
)

func TestConfigReadIsRedacted(t *testing.T) {
	srv := newServer(t, setup{environ: []string{
		"AZURE_STORAGE_ACCOUNT_KEY=very-secret-key",
		"AZURE_EVENTHUB_CONNECTION_STRING=Endpoint=sb://x/;SharedAccessKey=abc",
	}})
	w := get(t, srv, "/api/v1/config")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("%d %q", w.Code, w.Header().Get("Content-Type"))
	}
	body := w.Body.String()
	if strings.Contains(body, "very-secret-key") || strings.Contains(body, "SharedAccessKey") {
		t.Fatalf("a secret is returned:\n%s", body)
	}
	cfg := decode[map[string]any](t, w)
	if got := cfg["storage"].(map[string]any)["account_key"]; got != config.RedactedValue {
		t.Errorf("account_key = %v", got)
	}
	if got := cfg["volume"].(map[string]any)["stores"]; got != float64(5) {
		t.Errorf("volume.stores = %v, want the tiny preset's 5", got)
	}
}

type validation struct {
	Valid  bool `json:"valid"`
	Errors []struct {
		Key, Value, Rule string
	} `json:"errors"`
}

func TestConfigValidate(t *testing.T) {
	srv := newServer(t, setup{})
	w := do(t, srv, request{method: http.MethodPost, path: "/api/v1/config/validate", body: `{"volume":{"stores":3}}`})
	if v := decode[validation](t, w); w.Code != 200 || !v.Valid || len(v.Errors) != 0 {
		t.Errorf("valid body: %d %s", w.Code, w.Body)
	}
	w = do(t, srv, request{method: http.MethodPost, path: "/api/v1/config/validate", body: `{"volume":{"stores":-1,"storez":2},"output":{"format":"xlsx"},"server":{"allowed_origins":["nope"]}}`})
	v := decode[validation](t, w)
	if w.Code != 200 || v.Valid {
		t.Fatalf("invalid body: %d %s", w.Code, w.Body)
	}
	var keys []string
	for _, e := range v.Errors {
		keys = append(keys, e.Key)
		if e.Rule == "" {
			t.Errorf("problem without a rule: %+v", e)
		}
	}
	for _, k := range []string{"volume.stores", "volume.storez", "output.format", "server.allowed_origins"} {
		if !slices.Contains(keys, k) {
			t.Errorf("no problem for %s in %v", k, keys)
		}
	}
	// Nothing changed.
	if w := get(t, srv, "/api/v1/config"); !strings.Contains(w.Body.String(), `"stores":5`) {
		t.Error("validate changed the configuration")
	}
	wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/config/validate", body: `{"volume":`}), http.StatusBadRequest)
	wantProblem(t, do(t, srv, request{method: http.MethodPost, path: "/api/v1/config/validate", body: `[1,2]`}), http.StatusBadRequest)
}

func TestConfigPatchAndReset(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "retail.yaml")
	original := "# my settings\nseed: 9 # lucky\nvolume:\n  customers_per_day: 70\nstorage:\n  account_key: file-secret\n"
	if err := os.WriteFile(file, []byte(original), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, setup{file: file, environ: []string{"AZURE_EVENTHUB_CONNECTION_STRING=Endpoint=sb://env/;SharedAccessKey=abc"}})
	before := get(t, srv, "/api/v1/config").Body.String()

	// Invalid: 422 naming every key, nothing changes, the file neither.
	for body, keys := range map[string][]string{
		`{"volume":{"stores":0}}`:                                    {"body.volume.stores"},
		`{"volume":{"stores":"many"},"seed":-3}`:                     {"body.volume.stores", "body.seed"},
		`{"historical":{"start_date":"2025-02-30"}}`:                 {"body.historical.start_date"},
		`{"volume":{"store_reorder_point_min":500}}`:                 {"body.volume.store_reorder_point_max"},
		`{"bogus":{"key":1}}`:                                        {"body.bogus"},
		`{"output":{"dir":"/elsewhere"}}`:                            {"body.output.dir"},
		`{"server":{"allowed_origins":["http://a.test/path"]}}`:      {"body.server.allowed_origins"},
		`{"realtime":{"backoff_multiplier":0.5},"scale":"gigantic"}`: {"body.realtime.backoff_multiplier", "body.scale"},
	} {
		w := do(t, srv, request{method: http.MethodPatch, path: "/api/v1/config", body: body})
		p := wantProblem(t, w, http.StatusUnprocessableEntity)
		for _, k := range keys {
			if !slices.Contains(p.locations(), k) {
				t.Errorf("%s: no error at %s in %v", body, k, p.locations())
			}
		}
	}
	if after := get(t, srv, "/api/v1/config").Body.String(); after != before {
		t.Error("a refused PATCH changed the configuration")
	}
	if b, _ := os.ReadFile(file); string(b) != original {
		t.Errorf("a refused PATCH changed the file:\n%s", b)
	}

	// Valid: applied, other keys kept, saved without secrets.
	w := do(t, srv, request{method: http.MethodPatch, path: "/api/v1/config", body: `{"volume":{"stores":4},"storage":{"account_key":"***"},"realtime":{"azure_connection_string":"Endpoint=sb://new/;SharedAccessKey=zzz"},"output":{"dir":"` + srv.OutputDir() + `"}}`})
	if w.Code != 200 {
		t.Fatalf("PATCH: %d %s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{`"stores":4`, `"customers_per_day":70`, `"seed":9`, `"account_key":"***"`, `"azure_connection_string":"***"`} {
		if !strings.Contains(body, want) {
			t.Errorf("after PATCH the configuration lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "zzz") {
		t.Error("PATCH returned a secret")
	}
	if got := srv.Config(); got.Storage.AccountKey != "file-secret" || !strings.Contains(got.Realtime.AzureConnectionString, "zzz") {
		t.Errorf("secrets after PATCH: key %q, connection %q", got.Storage.AccountKey, got.Realtime.AzureConnectionString)
	}
	saved, _ := os.ReadFile(file)
	if !strings.Contains(string(saved), "stores: 4") || !strings.Contains(string(saved), "# lucky") || strings.Contains(string(saved), "zzz") {
		t.Errorf("saved file:\n%s", saved)
	}
	c, err := config.Load(config.LoadOptions{File: file, Scale: config.ScaleTiny})
	if err != nil || c.Volume.Stores != 4 || c.Seed != 9 || c.Storage.AccountKey != "file-secret" {
		t.Errorf("the saved file loads as %+v, %v", c, err)
	}
	// A second PATCH keeps the first.
	w = do(t, srv, request{method: http.MethodPatch, path: "/api/v1/config", body: `{"seed":11}`})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"stores":4`) || !strings.Contains(w.Body.String(), `"seed":11`) {
		t.Errorf("second PATCH: %d %s", w.Code, w.Body)
	}

	// Reset: the starting configuration and the file's original content.
	w = do(t, srv, request{method: http.MethodPost, path: "/api/v1/config/reset"})
	if w.Code != 200 || w.Body.String() != before {
		t.Errorf("reset: %d\n%s\nwant\n%s", w.Code, w.Body, before)
	}
	if b, _ := os.ReadFile(file); string(b) != original {
		t.Errorf("reset left the file as:\n%s", b)
	}
}

// FuzzConfigPatch sends arbitrary bodies to PATCH /api/v1/config: the
// answer is 200, 400, 413 or 422, never a server error, and a refused body
// changes nothing.
func FuzzConfigPatch(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"volume":{"stores":3}}`, `{"volume":{"stores":-1}}`, `{"seed":18446744073709551615}`,
		`{"server":{"allowed_origins":["http://a.test",""]}}`, `{"storage":{"account_key":"***"}}`,
		`{"volume":null,"_c":[1,{"x":null}]}`, `{"output":{"dir":"x"}}`, `[]`, `null`, `"str"`, `{"a":`,
		`{"historical":{"start_date":"2025-01-01","end_date":"2024-01-01"}}`, `{"paths":{"dict":"a","dictionaries":"b"}}`,
	} {
		f.Add(s)
	}
	srv := newServer(f, setup{})
	f.Fuzz(func(t *testing.T, body string) {
		before := get(t, srv, "/api/v1/config").Body.String()
		w := do(t, srv, request{method: http.MethodPatch, path: "/api/v1/config", body: body})
		switch w.Code {
		case http.StatusOK:
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			if after := get(t, srv, "/api/v1/config").Body.String(); after != before {
				t.Fatalf("refused body %q changed the configuration", body)
			}
		default:
			t.Fatalf("body %q: status %d: %s", body, w.Code, w.Body)
		}
	})
}
