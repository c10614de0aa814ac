//go:build !duckdb

package main

import (
	"strings"
	"testing"
)

const duckdbEnabled = false

// The default (static) binary explains how to get DuckDB support.
func TestLoadDuckDBNeedsBuildTag(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "--days", "1", "--out", dir, "-q")
	r := run(t, nil, "load", "duckdb://"+dir+"/retail.duckdb", "--from", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "go build -tags duckdb") {
		t.Fatalf("exit %d, stderr %q; want exit 1 and how to build with -tags duckdb", r.code, r.stderr)
	}
}
