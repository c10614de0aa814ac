package load

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// Target is a parsed database URL.
type Target struct {
	// Kind is "postgres" or "duckdb".
	Kind string
	// URL is the URL as given (it may hold a password: print Redacted).
	URL string
	// Path is the DuckDB database file.
	Path string
}

// ParseTarget reads a database URL: postgres://user[:password]@host[:port]/db
// (or postgresql://…, with any libpq parameters) or duckdb://PATH, where
// duckdb:///abs/file.duckdb is absolute and duckdb://file.duckdb relative.
func ParseTarget(raw string) (Target, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	switch {
	case raw == "":
		return Target{}, fmt.Errorf("no database URL: give postgres://user@host:port/db or duckdb:///path/file.duckdb")
	case !ok:
		return Target{}, fmt.Errorf("database %q is not a URL: give postgres://user@host:port/db or duckdb:///path/file.duckdb", Redact(raw))
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		if _, err := url.Parse(raw); err != nil {
			return Target{}, fmt.Errorf("database URL %s is not valid: %v", Redact(raw), redactErr(err, raw))
		}
		return Target{Kind: "postgres", URL: raw}, nil
	case "duckdb":
		if rest == "" || rest == "/" {
			return Target{}, fmt.Errorf("database URL %s names no file: give duckdb:///path/file.duckdb", raw)
		}
		return Target{Kind: "duckdb", URL: raw, Path: rest}, nil
	}
	return Target{}, fmt.Errorf("database URL scheme %q is not supported: use postgres:// (or postgresql://) or duckdb://", scheme)
}

// Redacted returns the URL with its password replaced by ***.
func (t Target) Redacted() string { return Redact(t.URL) }

func (t Target) defaultSchema() string {
	if t.Kind == "duckdb" {
		return "main"
	}
	return "public"
}

func (t Target) dialect() dialect {
	if t.Kind == "duckdb" {
		return duckdbDialect
	}
	return postgresDialect
}

func (t Target) open(ctx context.Context, opts Options) (backend, error) {
	if t.Kind == "duckdb" {
		return openDuckDB(ctx, t, opts)
	}
	return openPostgres(ctx, t, opts)
}

// Redact returns a URL with the password of its user info, and any password
// query parameter, replaced by ***. Text that does not parse as a URL is
// returned with everything between "://" and "@" hidden.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		scheme, rest, ok := strings.Cut(raw, "://")
		if at := strings.LastIndex(rest, "@"); ok && at >= 0 {
			return scheme + "://***@" + rest[at+1:]
		}
		return raw
	}
	const hidden = "REDACTEDPASSWORD"
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), hidden)
		}
	}
	q := u.Query()
	changed := false
	for k := range q {
		if strings.EqualFold(k, "password") {
			q.Set(k, hidden)
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return strings.ReplaceAll(u.String(), hidden, "***")
}

// redactErr returns err's message with any password of raw removed.
func redactErr(err error, raw string) string {
	msg := err.Error()
	u, perr := url.Parse(raw)
	if perr != nil {
		return strings.ReplaceAll(msg, raw, Redact(raw))
	}
	msg = strings.ReplaceAll(msg, raw, Redact(raw))
	if u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "***")
		}
	}
	return msg
}
