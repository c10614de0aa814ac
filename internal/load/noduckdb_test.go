//go:build !duckdb

package load_test

import (
	"context"
	"strings"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/load"
)

// Without the duckdb tag, a DuckDB URL says how to get a binary that has it.
func TestDuckDBNeedsBuildTag(t *testing.T) {
	dir := generate(t, "parquet", "", 1)
	_, err := load.Run(context.Background(), load.Options{URL: "duckdb:///tmp/x.duckdb", From: dir})
	if err == nil || !strings.Contains(err.Error(), "-tags duckdb") {
		t.Fatalf("error %v, want one telling to build with -tags duckdb", err)
	}
}
