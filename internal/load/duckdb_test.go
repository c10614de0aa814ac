//go:build duckdb

package load_test

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/cli"
	"github.com/retail-datagen/retail-datagen/internal/load"
	"github.com/retail-datagen/retail-datagen/internal/schema"
)

// freshDuckDB returns a new database file.
func freshDuckDB(t *testing.T) target {
	t.Helper()
	path := filepath.Join(t.TempDir(), "retail.duckdb")
	tg := target{url: "duckdb://" + path, schema: "main"}
	tg.query = func(t *testing.T, q string) string {
		t.Helper()
		db, err := sql.Open("duckdb", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var s sql.NullString
		if err := db.QueryRow(q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if !s.Valid {
			return "NULL"
		}
		return s.String
	}
	return tg
}

func duckdbKeys(t *testing.T, tg target) int64 {
	return tg.int(t, `SELECT CAST(count(*) AS VARCHAR) FROM duckdb_constraints()
WHERE schema_name = 'main' AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')`)
}

func TestDuckDB(t *testing.T) {
	runSuite(t, [][2]string{{"parquet", ""}, {"csv", ""}, {"csv", "gzip"}, {"jsonl", ""}}, freshDuckDB, duckdbKeys)
}

// Nullable references read from Parquet (anonymous shoppers, impressions
// of unknown customers) load with their foreign keys: this day of the small
// preset once made DuckDB report the nulls as violations.
func TestDuckDBNullableReferences(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var out, errb bytes.Buffer
	args := []string{"generate", "--scale", "small", "--start", "2025-01-12", "--days", "1", "--out", dir, "-q",
		"--tables", "geographies,distribution_centers,stores,customers,products,campaigns,promotions,receipts,marketing_impressions,ble_pings"}
	if code := cli.Run(context.Background(), "test", args, &out, &errb); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errb.String())
	}
	tg := freshDuckDB(t)
	if _, err := load.Run(context.Background(), load.Options{URL: tg.url, From: dir}); err != nil {
		t.Fatal(err)
	}
	for name, e := range manifest(t, dir).Tables {
		tab, _ := schema.Lookup(name)
		if got := tg.count(t, load.TableName(tab)); got != e.Rows {
			t.Errorf("%s: %d rows, manifest %d", load.TableName(tab), got, e.Rows)
		}
	}
	if n := tg.int(t, "SELECT CAST(count(*) AS VARCHAR) FROM fact_marketing_impressions WHERE customer_id IS NULL"); n == 0 {
		t.Error("no impression of an unknown customer: the case is not covered")
	}
}
