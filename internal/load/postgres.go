package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/retail-datagen/retail-datagen/internal/schema"
)

// postgres loads with COPY … FROM STDIN (CSV) through pgx, one connection
// per partition loading in parallel.
type postgres struct {
	pool   *pgxpool.Pool
	tgt    Target
	schema string
}

func openPostgres(ctx context.Context, tgt Target, opts Options) (backend, error) {
	cfg, err := pgxpool.ParseConfig(tgt.URL)
	if err != nil {
		return nil, fmt.Errorf("database URL %s: %s", tgt.Redacted(), redactErr(err, tgt.URL))
	}
	cfg.MaxConns = int32(opts.Parallel + 1)
	cfg.MinConns = 0
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "retail-datagen load"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %s", tgt.Redacted(), redactErr(err, tgt.URL))
	}
	pg := &postgres{pool: pool, tgt: tgt, schema: opts.Schema}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, pg.wrap("connecting", err)
	}
	return pg, nil
}

// wrap names what failed and what to do, without the password.
func (pg *postgres) wrap(what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := redactErr(err, pg.tgt.URL)
	hint := ""
	var pe *pgconn.PgError
	var ce *pgconn.ConnectError
	switch {
	case errors.As(err, &pe):
		switch {
		case pe.Code == "28P01" || pe.Code == "28000":
			hint = ": check the user and password (in the URL, or PGPASSWORD / ~/.pgpass)"
		case pe.Code == "3D000":
			hint = ": create the database first (createdb), or name an existing one in the URL"
		case pe.Code == "42501":
			hint = ": the user needs CREATE on the database (or the schema) and INSERT/DELETE on the tables"
		case pe.Code == "23503":
			hint = ": the data refers to master data that is not loaded; load the master tables too (omit --tables) or use --no-constraints"
		case pe.Code == "23505":
			hint = ": rows with these keys are already in the table but not recorded as loaded; load into an empty schema (--schema) or drop the tables"
		case strings.HasPrefix(pe.Code, "22"):
			hint = ": a file holds a value the column rejects; check the folder with retail-datagen validate"
		}
	case errors.As(err, &ce):
		hint = ": is the server running and reachable, and is the URL right (host, port, user, database)?"
	}
	return fmt.Errorf("%s %s: %s%s", what, pg.tgt.Redacted(), msg, hint)
}

func (pg *postgres) close() error {
	pg.pool.Close()
	return nil
}

func (pg *postgres) setup(ctx context.Context, stmts []string) error {
	err := pgx.BeginFunc(ctx, pg.pool, func(tx pgx.Tx) error {
		// Concurrent loads into one schema create its tables one at a time.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", "retail-datagen setup "+pg.schema); err != nil {
			return err
		}
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return fmt.Errorf("%w (in %s)", err, firstLine(s))
			}
		}
		return nil
	})
	if err != nil {
		return pg.wrap("creating the tables in", err)
	}
	return nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(l, " (")
}

func (pg *postgres) ledger(ctx context.Context) (map[string]string, error) {
	rs, err := pg.pool.Query(ctx, fmt.Sprintf("SELECT table_name, part, files_sha256 FROM %s", qualified(pg.schema, LedgerTable)))
	if err != nil {
		return nil, pg.wrap("reading the ledger of", err)
	}
	out := map[string]string{}
	var t, p, d string
	_, err = pgx.ForEachRow(rs, []any{&t, &p, &d}, func() error {
		out[ledgerKey(t, p)] = d
		return nil
	})
	if err != nil {
		return nil, pg.wrap("reading the ledger of", err)
	}
	return out, nil
}

func (pg *postgres) replace(ctx context.Context, p part, add func(int64)) (skipped bool, err error) {
	enc, ok := encoderFor(p.table.Name)
	if !ok {
		return false, fmt.Errorf("no encoder for table %s", p.table.Name)
	}
	name := TableName(p.table)
	tbl := qualified(pg.schema, name)
	err = pgx.BeginFunc(ctx, pg.pool, func(tx pgx.Tx) error {
		// One loader per part at a time; a part recorded meanwhile is skipped.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", pg.schema+"."+name+"/"+p.name); err != nil {
			return err
		}
		var digest string
		err := tx.QueryRow(ctx, fmt.Sprintf("SELECT files_sha256 FROM %s WHERE table_name = $1 AND part = $2", qualified(pg.schema, LedgerTable)),
			name, p.name).Scan(&digest)
		switch {
		case err == nil && digest == p.digest:
			skipped = true
			return nil
		case err != nil && !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if p.table.Kind == schema.Master {
			// Facts refer to the rows replaced: check the references at commit,
			// against the new rows.
			if _, err := tx.Exec(ctx, "SET CONSTRAINTS ALL DEFERRED"); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM "+tbl); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE %s = $1", tbl, DayColumn), p.name); err != nil {
			return err
		}
		n, err := pg.copy(ctx, tx.Conn().PgConn(), tbl, p, enc, add)
		if err != nil {
			return err
		}
		if n != p.rows {
			return fmt.Errorf("%s %s: loaded %d rows but the manifest records %d; check the folder with retail-datagen validate", p.table.Name, p.name, n, p.rows)
		}
		_, err = tx.Exec(ctx, fmt.Sprintf(`INSERT INTO %s (table_name, part, files_sha256, "rows", loaded_at)
VALUES ($1, $2, $3, $4, localtimestamp)
ON CONFLICT (table_name, part) DO UPDATE SET files_sha256 = excluded.files_sha256, "rows" = excluded."rows", loaded_at = excluded.loaded_at`,
			qualified(pg.schema, LedgerTable)), name, p.name, p.digest, n)
		return err
	})
	if err != nil {
		return false, pg.wrap(fmt.Sprintf("loading %s (%s) into", name, p.name), err)
	}
	return skipped, nil
}

// copy streams the part's rows into the table with COPY … (FORMAT csv); the
// text columns that cannot be null are FORCE_NOT_NULL, so an empty string
// stays an empty string.
func (pg *postgres) copy(ctx context.Context, conn *pgconn.PgConn, tbl string, p part, enc encodeFunc, add func(int64)) (int64, error) {
	var notNull []string
	for _, c := range p.table.Columns {
		if c.Type == schema.String && !c.Nullable {
			notNull = append(notNull, c.Name)
		}
	}
	sql := fmt.Sprintf("COPY %s (%s) FROM STDIN WITH (FORMAT csv", tbl, columnList(p.table))
	if len(notNull) > 0 {
		sql += ", FORCE_NOT_NULL (" + joinIdents(notNull) + ")"
	}
	sql += ")"
	pr, pw := io.Pipe()
	encErr := make(chan error, 1)
	go func() {
		_, err := enc(p.files, p.day(), pw, add)
		pw.CloseWithError(err)
		encErr <- err
	}()
	tag, err := conn.CopyFrom(ctx, pr, sql)
	// Unblock the encoder if COPY stopped reading early.
	ended := errors.New("COPY ended")
	pr.CloseWithError(ended)
	if eerr := <-encErr; eerr != nil && !errors.Is(eerr, ended) {
		return 0, eerr // the files, not the database, failed
	}
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
