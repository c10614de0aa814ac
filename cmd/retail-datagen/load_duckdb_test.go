//go:build duckdb

package main

import (
	"path/filepath"
	"testing"
)

func TestLoadDuckDB(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "--days", "2", "--out", dir, "-q")
	checkLoad(t, "duckdb://"+filepath.Join(t.TempDir(), "retail.duckdb"), "", dir)
}
