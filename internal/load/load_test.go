package load_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/load"
)

func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://u:s3cret@db:5432/retail", "postgres://u:***@db:5432/retail"},
		{"postgres://u@db/retail", "postgres://u@db/retail"},
		{"postgres://db/retail?user=u&password=s3cret", "postgres://db/retail?password=***&user=u"},
		{"postgres://u:s%40cret@db/retail", "postgres://u:***@db/retail"},
		{"postgres://u:s3cret@db:bad port/x", "postgres://***@db:bad port/x"},
		{"duckdb:///tmp/x.duckdb", "duckdb:///tmp/x.duckdb"},
	} {
		if got := load.Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for _, c := range []struct{ in, kind, path, err string }{
		{in: "postgres://u@h/db", kind: "postgres"},
		{in: "postgresql://u@h/db", kind: "postgres"},
		{in: "duckdb:///tmp/a.duckdb", kind: "duckdb", path: "/tmp/a.duckdb"},
		{in: "duckdb://rel/a.duckdb", kind: "duckdb", path: "rel/a.duckdb"},
		{in: "duckdb://", err: "names no file"},
		{in: "mysql://u:pw@h/db", err: `scheme "mysql" is not supported`},
		{in: "just-a-name", err: "is not a URL"},
		{in: "", err: "no database URL"},
	} {
		tg, err := load.ParseTarget(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseTarget(%q): error %v, want one containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || tg.Kind != c.kind || tg.Path != c.path {
			t.Errorf("ParseTarget(%q) = %+v, %v; want kind %s path %q", c.in, tg, err, c.kind, c.path)
		}
	}
}

func TestClearErrors(t *testing.T) {
	ctx := context.Background()
	empty := t.TempDir()
	data := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "manifest.json"), []byte(`{"format":"parquet","tables":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opts load.Options
		want []string
	}{
		{"no manifest", load.Options{URL: "postgres://u@127.0.0.1:1/db", From: empty}, []string{"has no manifest.json", "generate"}},
		{"missing folder", load.Options{URL: "postgres://u@127.0.0.1:1/db", From: filepath.Join(empty, "nope")}, []string{"nope", "folder generate wrote"}},
		{"object storage", load.Options{URL: "postgres://u@127.0.0.1:1/db", From: "s3://bucket/data"}, []string{"local folder", "export or download"}},
		{"unknown table", load.Options{URL: "postgres://u@127.0.0.1:1/db", From: data, Tables: []string{"sales"}}, []string{`unknown table "sales"`, "receipts"}},
		{"table not generated", load.Options{URL: "postgres://u@127.0.0.1:1/db", From: data, Tables: []string{"fact_receipts"}}, []string{"receipts is not in", "generate it first"}},
		{"unreachable", load.Options{URL: "postgres://loader:Sup3rSecret@127.0.0.1:1/db?connect_timeout=5", From: data}, []string{"postgres://loader:***@127.0.0.1:1/db", "is the server running"}},
		{"bad scheme", load.Options{URL: "mysql://u:Sup3rSecret@h/db", From: data}, []string{"not supported"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := load.Run(ctx, c.opts)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
			if strings.Contains(msg, "Sup3rSecret") {
				t.Errorf("error shows the password: %s", msg)
			}
		})
	}
}
