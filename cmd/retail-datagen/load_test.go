package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// testPostgres returns the URL of the test server and a fresh schema in it,
// dropped at the end of the test.
func testPostgres(t *testing.T) (string, string) {
	t.Helper()
	u := os.Getenv("RETAIL_DATAGEN_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("RETAIL_DATAGEN_TEST_POSTGRES is not set: under CI the PostgreSQL tests must run (./scripts/test.sh starts the server and sets it)")
		}
		t.Skip("RETAIL_DATAGEN_TEST_POSTGRES is not set: run ./scripts/test.sh, which starts a throw-away PostgreSQL server for these tests")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	sch := "e2e_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, `DROP SCHEMA IF EXISTS "`+sch+`" CASCADE`)
	})
	return u, sch
}

type loadSummary struct {
	Database   string           `json:"database"`
	Schema     string           `json:"schema"`
	Tables     map[string]int64 `json:"tables"`
	Rows       int64            `json:"rows"`
	Parts      int              `json:"partitions_loaded"`
	Skipped    int              `json:"partitions_skipped"`
	RowsPerSec float64          `json:"rows_per_sec"`
}

// checkLoad loads dir into db twice with the binary: the first load holds
// every row of the manifest, the second nothing.
func checkLoad(t *testing.T, db, sch, dir string) {
	t.Helper()
	args := []string{"load", db, "--from", dir, "--parallel", "2"}
	if sch != "" {
		args = append(args, "--schema", sch)
	}
	r := mustRun(t, append(args, "--json")...)
	var sum loadSummary
	if err := json.Unmarshal([]byte(lastLine(r.stdout)), &sum); err != nil {
		t.Fatalf("--json summary %q: %v", r.stdout, err)
	}
	m := readManifest(t, dir)
	var want int64
	for name, e := range m.Tables {
		want += e.Rows
		prefix := "fact_"
		if e.Kind == "master" {
			prefix = "dim_"
		}
		if sum.Tables[prefix+name] != e.Rows {
			t.Errorf("%s%s: loaded %d rows, manifest %d", prefix, name, sum.Tables[prefix+name], e.Rows)
		}
	}
	if sum.Rows != want || sum.Skipped != 0 {
		t.Errorf("loaded %d rows (%d partitions skipped), want %d", sum.Rows, sum.Skipped, want)
	}
	again := mustRun(t, args...) // plain text summary
	if !strings.Contains(again.stdout, "0 rows in 0 partitions") || !strings.Contains(again.stdout, "already loaded and unchanged") {
		t.Errorf("second load is not empty:\n%s", again.stdout)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestLoadPostgres(t *testing.T) {
	db, sch := testPostgres(t)
	dir := t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "--days", "2", "--format", "csv", "--out", dir, "-q")
	checkLoad(t, db, sch, dir)

	// A password in the URL is never shown (the test server trusts every
	// connection, so any password works).
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "Ultra-Secret-42")
	r := mustRun(t, "load", u.String(), "--from", dir, "--schema", sch)
	if strings.Contains(r.stdout+r.stderr, "Ultra-Secret-42") || !strings.Contains(r.stdout, ":***@") {
		t.Errorf("the password is shown, or the URL not at all:\n%s%s", r.stdout, r.stderr)
	}
	u.Host = "127.0.0.1:1"
	r = run(t, nil, "load", u.String(), "--from", dir)
	if r.code != 1 || strings.Contains(r.stderr, "Ultra-Secret-42") || !strings.Contains(r.stderr, "is the server running") {
		t.Errorf("unreachable server: exit %d, stderr %q", r.code, r.stderr)
	}

	// Object storage is not a folder to load from.
	r = run(t, nil, "load", db, "--from", "s3://bucket/retail")
	if r.code != 1 || !strings.Contains(r.stderr, "export or download") {
		t.Errorf("--from s3://: exit %d, stderr %q", r.code, r.stderr)
	}
}
