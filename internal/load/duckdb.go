//go:build duckdb

package load

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver

	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/validate"
)

// duckDB loads with INSERT … SELECT over DuckDB's own readers
// (read_parquet, read_csv, read_json) of a partition's files.
type duckDB struct {
	db     *sql.DB
	tgt    Target
	schema string
}

func openDuckDB(ctx context.Context, tgt Target, opts Options) (backend, error) {
	db, err := sql.Open("duckdb", tgt.Path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", tgt.URL, err)
	}
	db.SetMaxOpenConns(opts.Parallel + 1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w; check that its folder exists and that no other program has the file open", tgt.URL, err)
	}
	return &duckDB{db: db, tgt: tgt, schema: opts.Schema}, nil
}

func (d *duckDB) close() error { return d.db.Close() }

func (d *duckDB) setup(ctx context.Context, stmts []string) error {
	for _, s := range stmts {
		if _, err := d.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("creating the tables in %s (%s): %w", d.tgt.URL, firstLine(s), err)
		}
	}
	return nil
}

func (d *duckDB) ledger(ctx context.Context) (map[string]string, error) {
	rs, err := d.db.QueryContext(ctx, "SELECT table_name, part, files_sha256 FROM "+qualified(d.schema, LedgerTable))
	if err != nil {
		return nil, fmt.Errorf("reading the ledger of %s: %w", d.tgt.URL, err)
	}
	defer rs.Close()
	out := map[string]string{}
	for rs.Next() {
		var t, p, dg string
		if err := rs.Scan(&t, &p, &dg); err != nil {
			return nil, fmt.Errorf("reading the ledger of %s: %w", d.tgt.URL, err)
		}
		out[ledgerKey(t, p)] = dg
	}
	return out, rs.Err()
}

func (d *duckDB) replace(ctx context.Context, p part, add func(int64)) (skipped bool, err error) {
	name := TableName(p.table)
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		var digest string
		err := tx.QueryRowContext(ctx, "SELECT files_sha256 FROM "+qualified(d.schema, LedgerTable)+" WHERE table_name = ? AND part = ?", name, p.name).Scan(&digest)
		switch {
		case err == nil && digest == p.digest:
			skipped = true
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var n int64
		if p.table.Kind == schema.Master {
			n, err = d.replaceDimension(ctx, tx, p)
		} else {
			n, err = d.replaceDay(ctx, tx, p)
		}
		if err != nil {
			return err
		}
		if n != p.rows {
			return fmt.Errorf("loaded %d rows but the manifest records %d; check the folder with retail-datagen validate", n, p.rows)
		}
		add(n)
		_, err = tx.ExecContext(ctx, `INSERT INTO `+qualified(d.schema, LedgerTable)+` (table_name, part, files_sha256, "rows", loaded_at)
VALUES (?, ?, ?, ?, localtimestamp)
ON CONFLICT (table_name, part) DO UPDATE SET files_sha256 = excluded.files_sha256, "rows" = excluded."rows", loaded_at = excluded.loaded_at`,
			name, p.name, p.digest, n)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("loading %s (%s) into %s: %w", name, p.name, d.tgt.URL, err)
	}
	return skipped, nil
}

func (d *duckDB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// replaceDay deletes the day's rows of a fact table and inserts its files'.
func (d *duckDB) replaceDay(ctx context.Context, tx *sql.Tx, p part) (int64, error) {
	tbl := qualified(d.schema, TableName(p.table))
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+tbl+" WHERE "+DayColumn+" = CAST(? AS DATE)", p.name); err != nil {
		return 0, err
	}
	if len(p.files) == 0 {
		return 0, nil
	}
	src, err := d.selectFiles(p)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO "+tbl+" ("+columnList(p.table)+") "+src)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// replaceDimension replaces a dimension's rows. With a primary key the new
// rows are upserted and the rows no longer present deleted: DuckDB refuses
// to delete a row that a fact refers to, even when it is inserted again in
// the same transaction, and has no deferrable constraints.
func (d *duckDB) replaceDimension(ctx context.Context, tx *sql.Tx, p part) (int64, error) {
	tbl := qualified(d.schema, TableName(p.table))
	var keyed bool
	err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_constraints()
WHERE schema_name = ? AND table_name = ? AND constraint_type = 'PRIMARY KEY'`, d.schema, TableName(p.table)).Scan(&keyed)
	if err != nil {
		return 0, err
	}
	src := "SELECT * FROM " + tbl + " WHERE false"
	if len(p.files) > 0 {
		if src, err = d.selectFiles(p); err != nil {
			return 0, err
		}
	}
	if !keyed {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+tbl); err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO "+tbl+" ("+columnList(p.table)+") "+src)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	stage := quoteIdent("retail_datagen_stage_" + p.table.Name)
	if _, err := tx.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+stage+" AS "+src); err != nil {
		return 0, err
	}
	// The temporary table would end with the connection anyway.
	defer func() { _, _ = tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+stage) }()
	var n int64
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+stage).Scan(&n); err != nil {
		return 0, err
	}
	key := map[string]bool{}
	for _, k := range p.table.Key {
		key[k] = true
	}
	var set, match []string
	for _, c := range p.table.Columns {
		if key[c.Name] {
			match = append(match, fmt.Sprintf("s.%[1]s = t.%[1]s", quoteIdent(c.Name)))
		} else {
			set = append(set, fmt.Sprintf("%[1]s = excluded.%[1]s", quoteIdent(c.Name)))
		}
	}
	action := "NOTHING"
	if len(set) > 0 {
		action = "UPDATE SET " + strings.Join(set, ", ")
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) SELECT * FROM %s ON CONFLICT (%s) DO %s",
		tbl, columnList(p.table), stage, joinIdents(p.table.Key), action)); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s AS t WHERE NOT EXISTS (SELECT 1 FROM %s AS s WHERE %s)",
		tbl, stage, strings.Join(match, " AND "))); err != nil {
		return 0, err
	}
	return n, nil
}

// selectList is the table's columns cast to their types, then the day for
// facts: the select list that reads a partition.
func (d *duckDB) selectList(t schema.Table) string {
	cols := make([]string, 0, len(t.Columns)+1)
	for _, c := range t.Columns {
		expr := quoteIdent(c.Name)
		if c.Ref != "" && c.Nullable {
			// DuckDB 1.5 checks the foreign key of a nullable column read
			// from Parquet against the value under a null (0 or ''), and
			// reports a violation; through NULLIF it sees the nulls. The
			// zero value of a nullable column means null in every format.
			zero := "0"
			if c.Type == schema.String {
				zero = "''"
			}
			expr = "NULLIF(" + expr + ", " + zero + ")"
		}
		cols = append(cols, fmt.Sprintf("CAST(%s AS %s) AS %s", expr, duckdbDialect.types[c.Type], quoteIdent(c.Name)))
	}
	return strings.Join(cols, ", ")
}

// selectFiles is a SELECT of the part's rows from its files, with DuckDB's
// reader for their format.
func (d *duckDB) selectFiles(p part) (string, error) {
	ff, err := validate.FormatOf(p.files[0])
	if err != nil {
		return "", err
	}
	list := make([]string, len(p.files))
	for i, f := range p.files {
		list[i] = quoteString(f)
	}
	files := "[" + strings.Join(list, ", ") + "]"
	var types, notNull []string
	for _, c := range p.table.Columns {
		types = append(types, quoteString(c.Name)+": "+quoteString(duckdbDialect.types[c.Type]))
		if c.Type == schema.String && !c.Nullable {
			notNull = append(notNull, quoteString(c.Name))
		}
	}
	columns := "{" + strings.Join(types, ", ") + "}"
	var from string
	switch ff.Format {
	case "parquet":
		from = "read_parquet(" + files + ")"
	case "csv":
		from = "read_csv(" + files + ", header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', nullstr = '', columns = " + columns +
			", force_not_null = [" + strings.Join(notNull, ", ") + "])"
	case "jsonl":
		from = "read_json(" + files + ", format = 'newline_delimited', columns = " + columns + ")"
	default:
		return "", fmt.Errorf("%s: format %s cannot be loaded", p.files[0], ff.Format)
	}
	sel := "SELECT " + d.selectList(p.table)
	if day := p.day(); day != "" {
		sel += ", DATE " + quoteString(day) + " AS " + DayColumn
	}
	return sel + " FROM " + from, nil
}

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
