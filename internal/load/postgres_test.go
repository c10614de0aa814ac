package load_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retail-datagen/retail-datagen/internal/load"
)

// freshPostgres returns a new schema in the test server, dropped when the
// test ends.
func freshPostgres(t *testing.T) target {
	t.Helper()
	url := requireService(t, "RETAIL_DATAGEN_TEST_POSTGRES", "PostgreSQL")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connecting to the test server %s: %v", load.Redact(url), err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	sch := "test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		_, _ = conn.Exec(ctx, `DROP SCHEMA IF EXISTS "`+sch+`" CASCADE`)
		conn.Close(ctx)
	})
	return target{url: url, schema: sch, query: func(t *testing.T, q string) string {
		t.Helper()
		var s *string
		if err := conn.QueryRow(ctx, q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if s == nil {
			return "NULL"
		}
		return *s
	}}
}

func postgresKeys(t *testing.T, tg target) int64 {
	return tg.int(t, `SELECT CAST(count(*) AS VARCHAR) FROM information_schema.table_constraints
WHERE table_schema = '`+tg.schema+`' AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')`)
}

func TestPostgres(t *testing.T) {
	runSuite(t, [][2]string{{"parquet", ""}, {"csv", ""}, {"csv", "gzip"}, {"jsonl", ""}}, freshPostgres, postgresKeys)
}
