package load

import (
	"fmt"
	"strings"

	"github.com/retail-datagen/retail-datagen/internal/schema"
)

// dialect is what differs between the databases' DDL.
type dialect struct {
	// types maps column types to the database's.
	types map[schema.Type]string
	// deferrable declares foreign keys DEFERRABLE, so replacing a dimension
	// that facts refer to checks the references at commit.
	deferrable bool
	// dayIndex adds an index on the dt column of fact tables (the column a
	// partition is replaced by).
	dayIndex bool
}

var postgresDialect = dialect{
	types: map[schema.Type]string{
		schema.Int64: "BIGINT", schema.Int32: "INTEGER", schema.Float64: "DOUBLE PRECISION",
		schema.String: "TEXT", schema.Bool: "BOOLEAN", schema.Money: "NUMERIC(12,2)",
		schema.Date: "DATE", schema.Timestamp: "TIMESTAMP", schema.UUID: "UUID",
	},
	deferrable: true,
	dayIndex:   true,
}

var duckdbDialect = dialect{
	types: map[schema.Type]string{
		schema.Int64: "BIGINT", schema.Int32: "INTEGER", schema.Float64: "DOUBLE",
		schema.String: "VARCHAR", schema.Bool: "BOOLEAN", schema.Money: "DECIMAL(12,2)",
		schema.Date: "DATE", schema.Timestamp: "TIMESTAMP", schema.UUID: "UUID",
	},
}

// DayColumn is the column of every fact table that holds its partition's
// day (dt=YYYY-MM-DD in the folder layout).
const DayColumn = "dt"

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// qualified is schema.table, quoted.
func qualified(sch, table string) string { return quoteIdent(sch) + "." + quoteIdent(table) }

// ddl returns the statements that create the schema, the ledger and every
// table when missing. With keys, tables get their primary keys and foreign
// keys to the dimensions they refer to. References between facts are not
// declared: a fact partition can then be replaced without touching the
// partitions that refer to it (a return refers to a sale of an earlier day),
// and fact partitions can load in parallel.
func (d dialect) ddl(sch string, keys bool) []string {
	out := []string{
		"CREATE SCHEMA IF NOT EXISTS " + quoteIdent(sch),
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  table_name %s NOT NULL,
  part %[2]s NOT NULL,
  files_sha256 %[2]s NOT NULL,
  %[3]s BIGINT NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (table_name, part)
)`, qualified(sch, LedgerTable), d.types[schema.String], quoteIdent("rows")),
	}
	for _, t := range schema.Tables() {
		out = append(out, d.createTable(sch, t, keys))
		if d.dayIndex && t.Kind == schema.Fact {
			out = append(out, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (%s)",
				quoteIdent(TableName(t)+"_"+DayColumn), qualified(sch, TableName(t)), DayColumn))
		}
	}
	return out
}

func (d dialect) createTable(sch string, t schema.Table, keys bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (\n", qualified(sch, TableName(t)))
	var lines []string
	for _, c := range t.Columns {
		l := "  " + quoteIdent(c.Name) + " " + d.types[c.Type]
		if !c.Nullable {
			l += " NOT NULL"
		}
		lines = append(lines, l)
	}
	if t.Kind == schema.Fact {
		lines = append(lines, "  "+DayColumn+" DATE NOT NULL")
	}
	if keys {
		lines = append(lines, "  PRIMARY KEY ("+joinIdents(t.Key)+")")
		for _, c := range t.Columns {
			target, ok := schema.Lookup(c.RefTable())
			if c.Ref == "" || !ok || target.Kind != schema.Master {
				continue
			}
			fk := fmt.Sprintf("  FOREIGN KEY (%s) REFERENCES %s (%s)", quoteIdent(c.Name),
				qualified(sch, TableName(target)), quoteIdent(c.RefColumn()))
			if d.deferrable {
				fk += " DEFERRABLE INITIALLY IMMEDIATE"
			}
			lines = append(lines, fk)
		}
	}
	b.WriteString(strings.Join(lines, ",\n"))
	b.WriteString("\n)")
	return b.String()
}

func joinIdents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// columnList is the quoted column list a part loads into: the table's
// columns, then dt for facts.
func columnList(t schema.Table) string {
	names := make([]string, 0, len(t.Columns)+1)
	for _, c := range t.Columns {
		names = append(names, c.Name)
	}
	if t.Kind == schema.Fact {
		names = append(names, DayColumn)
	}
	return joinIdents(names)
}
