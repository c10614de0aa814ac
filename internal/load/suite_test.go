package load_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/cli"
	"github.com/retail-datagen/retail-datagen/internal/load"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/validate"
)

// probe runs a query returning one value, as text, against the database a
// suite loads into.
type probe func(t *testing.T, query string) string

// target is a fresh place to load into: a URL, its schema, and a probe.
type target struct {
	url    string
	schema string
	query  probe
}

func (tg target) table(name string) string { return `"` + tg.schema + `"."` + name + `"` }

func (tg target) count(t *testing.T, table string) int64 {
	t.Helper()
	return tg.int(t, "SELECT CAST(count(*) AS VARCHAR) FROM "+tg.table(table))
}

func (tg target) int(t *testing.T, query string) int64 {
	t.Helper()
	s := tg.query(t, query)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%s: %q is not a number", query, s)
	}
	return n
}

// generate writes a tiny dataset of days days in format into a new folder.
func generate(t *testing.T, format, compression string, days int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	var out, errb bytes.Buffer
	args := []string{"generate", "--scale", "tiny", "--days", strconv.Itoa(days), "--format", format, "--out", dir, "-q", "--workers", "2"}
	if compression != "" {
		cfg := filepath.Join(t.TempDir(), "retail.yaml")
		if err := os.WriteFile(cfg, []byte("output:\n  compression: "+compression+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", cfg)
	}
	if code := cli.Run(context.Background(), "test", args, &out, &errb); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errb.String())
	}
	return dir
}

func manifest(t *testing.T, dir string) *output.Manifest {
	t.Helper()
	m, err := output.ReadManifest(dir)
	if err != nil || m == nil {
		t.Fatalf("reading the manifest of %s: %v", dir, err)
	}
	return m
}

// salesTotal is the sum of all receipt totals of the folder, from its files.
func salesTotal(t *testing.T, dir string) string {
	t.Helper()
	var cents int64
	for _, p := range manifest(t, dir).Tables["receipts"].Partitions {
		for _, f := range p.Files {
			err := validate.Each[rows.Receipt](filepath.Join(dir, f.Path), 1024, func(batch []rows.Receipt) error {
				for _, r := range batch {
					cents += r.Total
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return string(rows.AppendMoney(nil, cents))
}

// rewritePartition replaces the receipts of one day with all but their last
// row, and records the new file in the manifest, as regenerating that day
// with other settings would. It returns the day and its new row count.
func rewritePartition(t *testing.T, dir string) (string, int64) {
	t.Helper()
	m := manifest(t, dir)
	e := m.Tables["receipts"]
	var day string
	for d := range e.Partitions {
		if day == "" || d > day {
			day = d
		}
	}
	opts, err := output.Options{Format: m.Format, Compression: m.Compression}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	var files []output.FileInfo
	for _, f := range e.Partitions[day].Files {
		path := filepath.Join(dir, f.Path)
		var all []rows.Receipt
		err := validate.Each[rows.Receipt](path, 1024, func(batch []rows.Receipt) error {
			all = append(all, batch...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		fi, err := output.WriteFile[rows.Receipt](path, opts, all[:len(all)-1])
		if err != nil {
			t.Fatal(err)
		}
		fi.Path = f.Path
		files = append(files, fi)
	}
	d, err := civil.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	m.SetPartition("receipts", d, files)
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
	return day, m.Tables["receipts"].Partitions[day].Rows
}

// renameProduct changes the name of one product in the products file and
// records the new file in the manifest.
func renameProduct(t *testing.T, dir string, id int64, name string) {
	t.Helper()
	m := manifest(t, dir)
	opts, err := output.Options{Format: m.Format, Compression: m.Compression}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	f := m.Tables["products"].Files[0]
	path := filepath.Join(dir, f.Path)
	var all []rows.Product
	err = validate.Each[rows.Product](path, 1024, func(batch []rows.Product) error {
		for _, p := range batch {
			if p.ProductID == id {
				p.ProductName = name
			}
			all = append(all, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := output.WriteFile[rows.Product](path, opts, all)
	if err != nil {
		t.Fatal(err)
	}
	fi.Path = f.Path
	m.SetMaster("products", fi)
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
}

// runSuite loads a dataset of each format into fresh targets and checks
// counts, a join, idempotence, replacement and --no-constraints.
func runSuite(t *testing.T, formats [][2]string, fresh func(t *testing.T) target, constraints func(t *testing.T, tg target) int64) {
	for _, fc := range formats {
		name := fc[0]
		if fc[1] != "" {
			name += "." + fc[1]
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := generate(t, fc[0], fc[1], 3)
			tg := fresh(t)
			ctx := context.Background()
			opts := load.Options{URL: tg.url, From: dir, Schema: tg.schema, Parallel: 3}
			res, err := load.Run(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			m := manifest(t, dir)
			var want int64
			parts := 0
			for _, tab := range schema.Tables() {
				e := m.Tables[tab.Name]
				if e == nil {
					continue
				}
				want += e.Rows
				parts += max(len(e.Partitions), len(e.Files))
				if got := tg.count(t, load.TableName(tab)); got != e.Rows {
					t.Errorf("%s: %d rows, manifest %d", load.TableName(tab), got, e.Rows)
				}
			}
			if res.Rows != want || res.Parts != parts || res.Skipped != 0 {
				t.Errorf("first load: %d rows in %d parts (%d skipped); want %d rows in %d parts", res.Rows, res.Parts, res.Skipped, want, parts)
			}
			if got := tg.int(t, "SELECT CAST(count(*) AS VARCHAR) FROM "+tg.table(load.LedgerTable)); got != int64(parts) {
				t.Errorf("ledger holds %d parts, want %d", got, parts)
			}
			if n := constraints(t, tg); n != keyCount() {
				t.Errorf("%d primary and foreign keys, want every table's and every reference to master data", n)
			}

			// Every sale joins its store; the sum equals the files'.
			total := tg.query(t, "SELECT CAST(sum(r.total) AS VARCHAR) FROM "+tg.table("fact_receipts")+" r JOIN "+tg.table("dim_stores")+" s ON s.store_id = r.store_id")
			if wantTotal := salesTotal(t, dir); total != wantTotal {
				t.Errorf("sum of receipt totals joined to stores = %s, files say %s", total, wantTotal)
			}
			lines := tg.int(t, "SELECT CAST(count(*) AS VARCHAR) FROM "+tg.table("fact_receipt_lines")+" l JOIN "+tg.table("dim_products")+" p ON p.product_id = l.product_id")
			if lines != m.Tables["receipt_lines"].Rows {
				t.Errorf("receipt lines joined to products: %d, want %d", lines, m.Tables["receipt_lines"].Rows)
			}

			// Again: nothing to do.
			stamp := tg.query(t, "SELECT CAST(max(loaded_at) AS VARCHAR) FROM "+tg.table(load.LedgerTable))
			res, err = load.Run(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != 0 || res.Parts != 0 || res.Skipped != parts {
				t.Errorf("second load: %d rows in %d parts, %d skipped; want nothing loaded, %d skipped", res.Rows, res.Parts, res.Skipped, parts)
			}
			if got := tg.count(t, "fact_receipts"); got != m.Tables["receipts"].Rows {
				t.Errorf("after the second load fact_receipts has %d rows, want %d", got, m.Tables["receipts"].Rows)
			}
			if s := tg.query(t, "SELECT CAST(max(loaded_at) AS VARCHAR) FROM "+tg.table(load.LedgerTable)); s != stamp {
				t.Errorf("the second load changed the ledger: latest load %s, was %s", s, stamp)
			}

			// A regenerated day replaces that day only.
			day, dayRows := rewritePartition(t, dir)
			res, err = load.Run(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Parts != 1 || res.Tables["fact_receipts"] != dayRows || res.Skipped != parts-1 {
				t.Errorf("after rewriting %s: loaded %d parts (%v), skipped %d; want receipts of that day only (%d rows)", day, res.Parts, res.Tables, res.Skipped, dayRows)
			}
			m = manifest(t, dir)
			if got := tg.count(t, "fact_receipts"); got != m.Tables["receipts"].Rows {
				t.Errorf("after replacing %s fact_receipts has %d rows, want %d", day, got, m.Tables["receipts"].Rows)
			}
			q := fmt.Sprintf("SELECT CAST(count(*) AS VARCHAR) FROM %s WHERE dt = CAST('%s' AS DATE)", tg.table("fact_receipts"), day)
			if got := tg.int(t, q); got != dayRows {
				t.Errorf("day %s holds %d receipts, want %d", day, got, dayRows)
			}

			// A regenerated dimension that facts refer to is replaced in place.
			renameProduct(t, dir, 1, "Renamed product")
			res, err = load.Run(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Parts != 1 || res.Tables["dim_products"] != m.Tables["products"].Rows {
				t.Errorf("after renaming a product: loaded %d parts (%v); want dim_products only", res.Parts, res.Tables)
			}
			if got := tg.query(t, "SELECT product_name FROM "+tg.table("dim_products")+" WHERE product_id = 1"); got != "Renamed product" {
				t.Errorf("product 1 is named %q after reloading, want the new name", got)
			}
			if got := tg.count(t, "dim_products"); got != m.Tables["products"].Rows {
				t.Errorf("dim_products has %d rows after reloading, want %d", got, m.Tables["products"].Rows)
			}

			// Without constraints.
			bare := fresh(t)
			res, err = load.Run(ctx, load.Options{URL: bare.url, From: dir, Schema: bare.schema, NoConstraints: true})
			if err != nil {
				t.Fatal(err)
			}
			if n := constraints(t, bare); n != 1 { // the ledger's primary key
				t.Errorf("--no-constraints: %d keys, want only the ledger's", n)
			}
			want = 0
			for _, e := range m.Tables {
				want += e.Rows
			}
			if got := bare.count(t, "fact_receipts"); got != m.Tables["receipts"].Rows || res.Rows != want {
				t.Errorf("--no-constraints: fact_receipts %d rows (want %d), loaded %d (want %d)", got, m.Tables["receipts"].Rows, res.Rows, want)
			}
		})
	}
}

// keyCount is how many primary and foreign keys a load with constraints
// declares: one primary key per table and the ledger, and a foreign key per
// reference to master data.
func keyCount() int64 {
	n := int64(1)
	for _, tab := range schema.Tables() {
		n++
		for _, c := range tab.Columns {
			if ref, ok := schema.Lookup(c.RefTable()); ok && ref.Kind == schema.Master {
				n++
			}
		}
	}
	return n
}

// requireService returns the environment variable name's value, skipping
// the test when it is unset, or failing it when CI=true.
func requireService(t *testing.T, name, what string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: under CI the %s tests must run (./scripts/test.sh starts the server and sets it)", name, what)
		}
		t.Skipf("%s is not set: run ./scripts/test.sh, which starts a throw-away %s server for these tests", name, what)
	}
	return v
}
