//go:build duckdb

package load_test

import (
	"database/sql"
	"path/filepath"
	"testing"
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
