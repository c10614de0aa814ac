package output

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

func sampleTrucks() []rows.Truck {
	return []rows.Truck{
		{TruckID: 1, LicensePlate: "ABC-1234", Refrigerated: true, DCID: 3, CapacityUnits: 5000},
		{TruckID: 2, LicensePlate: `Q"uote,d`, Refrigerated: false, DCID: 0, CapacityUnits: 4000},
	}
}

func sampleProducts() []rows.Product {
	return []rows.Product{{
		ProductID: 7, SKU: "GRO-0000007", ProductName: "Brightfield Whole Milk, 1 Gallon", Brand: "Brightfield",
		Company: "Harrow Co.", Department: "Grocery", Category: "Dairy", Subcategory: "Milk", Tags: "everyday",
		Cost: 199, MSRP: 405, SalePrice: 399, Taxability: "NON_TAXABLE", RequiresRefrigeration: true,
		LaunchDate: int32(civil.DaysFromCivil(2024, 2, 29)),
	}}
}

func TestCSVRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trucks.csv")
	fi, err := WriteFile(path, Options{Format: CSV}, sampleTrucks())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Rows != 2 || fi.Bytes == 0 || len(fi.SHA256) != 64 {
		t.Fatalf("file info %+v", fi)
	}
	recs := readCSV(t, path, false)
	want := [][]string{
		{"truck_id", "license_plate", "refrigerated", "dc_id", "capacity_units"},
		{"1", "ABC-1234", "true", "3", "5000"},
		{"2", `Q"uote,d`, "false", "", "4000"},
	}
	if !equalRecords(recs, want) {
		t.Fatalf("got %q\nwant %q", recs, want)
	}
}

func TestCSVMoneyAndDate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "products.csv.gz")
	if _, err := WriteFile(path, Options{Format: CSV, Compression: "gzip"}, sampleProducts()); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, path, true)
	row := map[string]string{}
	for i, h := range recs[0] {
		row[h] = recs[1][i]
	}
	for k, v := range map[string]string{"cost": "1.99", "msrp": "4.05", "sale_price": "3.99", "launch_date": "2024-02-29",
		"product_name": "Brightfield Whole Milk, 1 Gallon", "requires_refrigeration": "true"} {
		if row[k] != v {
			t.Errorf("%s = %q, want %q", k, row[k], v)
		}
	}
}

func TestJSONLRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trucks.jsonl")
	if _, err := WriteFile(path, Options{Format: JSONL}, sampleTrucks()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	var second map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatalf("line 2 is not JSON: %v", err)
	}
	if second["dc_id"] != nil {
		t.Errorf("null dc_id encoded as %v", second["dc_id"])
	}
	if second["license_plate"] != `Q"uote,d` || second["refrigerated"] != false || second["capacity_units"] != 4000.0 {
		t.Errorf("decoded %v", second)
	}
	path = filepath.Join(t.TempDir(), "products.jsonl")
	if _, err := WriteFile(path, Options{Format: JSONL}, sampleProducts()); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	for _, want := range []string{`"cost":1.99`, `"launch_date":"2024-02-29"`, `"msrp":4.05`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("missing %s in %s", want, b)
		}
	}
}

func TestParquetTypesAndNulls(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trucks.parquet")
	if _, err := WriteFile(path, Options{Format: Parquet}, sampleTrucks()); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != 2 {
		t.Fatalf("rows = %d", pf.NumRows())
	}
	r := parquet.NewReader(pf)
	buf := make([]parquet.Row, 2)
	n, _ := r.ReadRows(buf)
	if n != 2 {
		t.Fatalf("read %d rows", n)
	}
	dcCol := -1
	for i, c := range pf.Schema().Columns() {
		if c[0] == "dc_id" {
			dcCol = i
		}
	}
	var dcVals []parquet.Value
	for _, row := range buf[:n] {
		for _, v := range row {
			if v.Column() == dcCol {
				dcVals = append(dcVals, v)
			}
		}
	}
	if len(dcVals) != 2 || dcVals[0].IsNull() || dcVals[0].Int64() != 3 || !dcVals[1].IsNull() {
		t.Fatalf("dc_id values %v", dcVals)
	}

	path = filepath.Join(dir, "products.parquet")
	if _, err := WriteFile(path, Options{Format: Parquet, Compression: "snappy"}, sampleProducts()); err != nil {
		t.Fatal(err)
	}
	got, err := parquet.ReadFile[rows.Product](path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != sampleProducts()[0] {
		t.Fatalf("read back %+v", got)
	}
	schema := parquet.SchemaOf(rows.Product{})
	for _, want := range []struct{ col, logical string }{{"cost", "DECIMAL(12,2)"}, {"launch_date", "DATE"}} {
		field, ok := schema.Lookup(want.col)
		if !ok {
			t.Fatalf("no column %s", want.col)
		}
		if lt := field.Node.Type().LogicalType(); lt == nil || !strings.EqualFold(strings.ReplaceAll(lt.String(), " ", ""), want.logical) {
			t.Errorf("%s logical type %v, want %s", want.col, lt, want.logical)
		}
	}
}

func TestWritesAreAtomicAndDeterministic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "trucks.parquet")
	w, err := Create[rows.Truck](path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleTrucks()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("file visible before commit: %v", err)
	}
	fi1, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)

	w2, _ := Create[rows.Truck](path+".aborted", Options{})
	_ = w2.Write(sampleTrucks())
	w2.Abort()
	entries, _ := os.ReadDir(filepath.Join(dir, "sub"))
	if len(entries) != 1 {
		t.Fatalf("abort left files behind: %v", entries)
	}

	fi2, err := WriteFile(path, Options{}, sampleTrucks())
	if err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(path)
	if !bytes.Equal(first, second) || fi1.SHA256 != fi2.SHA256 {
		t.Fatal("identical input gave different bytes")
	}
}

func TestOptionsValidation(t *testing.T) {
	bad := []Options{{Format: "xml"}, {Format: CSV, Compression: "zstd"}, {Format: Parquet, Compression: "lzma"}}
	for _, o := range bad {
		if _, err := o.Normalize(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	o, err := Options{Format: CSV, Compression: "gzip"}.Normalize()
	if err != nil || o.Ext() != ".csv.gz" {
		t.Fatalf("%v %q", err, o.Ext())
	}
}

func TestManifestPartitions(t *testing.T) {
	dir := t.TempDir()
	m := &Manifest{Format: Parquet}
	day := civil.DaysFromCivil(2025, 1, 2)
	m.SetPartition("receipts", day, []FileInfo{{Path: "b", Rows: 3}, {Path: "a", Rows: 2}})
	m.SetPartition("receipts", day, []FileInfo{{Path: "a", Rows: 4}})
	m.SetMaster("stores", FileInfo{Path: "master/stores.parquet", Rows: 5})
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
	back, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.Tables["receipts"].Rows != 4 || back.Tables["stores"].Rows != 5 {
		t.Fatalf("manifest %+v", back.Tables)
	}
	if none, err := ReadManifest(t.TempDir()); none != nil || err != nil {
		t.Fatalf("missing manifest: %v %v", none, err)
	}
}

func readCSV(t *testing.T, path string, gz bool) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func equalRecords(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\x00") != strings.Join(b[i], "\x00") {
			return false
		}
	}
	return true
}

// BenchmarkWriter measures the encode path of each format on batches of
// product rows, the widest master row; allocations are reported per batch
// of 1024 rows.
func BenchmarkWriter(b *testing.B) {
	batch := make([]rows.Product, 1024)
	base := sampleProducts()[0]
	for i := range batch {
		batch[i] = base
		batch[i].ProductID = int64(i + 1)
		batch[i].SalePrice = int64(300 + i%97)
	}
	for _, opts := range []Options{{Format: Parquet}, {Format: CSV}, {Format: JSONL}} {
		b.Run(string(opts.Format), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "products"+opts.Ext())
			w, err := Create[rows.Product](path, opts)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Abort()
			b.ReportAllocs()
			for b.Loop() {
				if err := w.Write(batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestTextAcrossBuffers: CSV and JSON Lines files much larger than the
// output buffer, with rows far larger than its slack, hold exactly the
// rows' encodings in order (the same bytes as the gzip path decompressed).
func TestTextAcrossBuffers(t *testing.T) {
	var all []rows.Truck
	for i := range 40_000 {
		plate := "P-" + strings.Repeat("x", i%50)
		if i%9_999 == 0 {
			plate = strings.Repeat("long, quoted ", 20_000) // 260 KB: more than the buffer's slack
		}
		all = append(all, rows.Truck{TruckID: int64(i + 1), LicensePlate: plate, DCID: int64(i % 7), CapacityUnits: int32(i)})
	}
	for _, f := range []Format{CSV, JSONL} {
		var want []byte
		if f == CSV {
			want = append(want, rows.Truck{}.CSVHeader()...)
		}
		for i := range all {
			if f == CSV {
				want = all[i].AppendCSV(want)
			} else {
				want = all[i].AppendJSON(want)
			}
		}
		if len(want) < 3*writeBufferSize {
			t.Fatalf("only %d bytes: the test must cross several buffers", len(want))
		}
		dir := t.TempDir()
		plain := filepath.Join(dir, "trucks"+string(f))
		w, err := Create[rows.Truck](plain, Options{Format: f})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(all); i += 777 {
			if err := w.Write(all[i:min(i+777, len(all))]); err != nil {
				t.Fatal(err)
			}
		}
		fi, err := w.Commit()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(plain)
		if !bytes.Equal(got, want) || fi.Bytes != int64(len(want)) || fi.Rows != int64(len(all)) {
			t.Fatalf("%s: %d bytes (info %d, %d rows), want %d bytes", f, len(got), fi.Bytes, fi.Rows, len(want))
		}
		gzPath := filepath.Join(dir, "trucks-gz"+string(f))
		if _, err := WriteFile(gzPath, Options{Format: f, Compression: "gzip"}, all); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(gzPath)
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		unz, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(unz, want) {
			t.Fatalf("%s: the gzip path holds other bytes (%v)", f, err)
		}
	}
}

// TestFinishThenCommit: Finish completes the file without making it
// visible; Commit then gives the same bytes as Commit alone; no row may be
// written after Finish; Abort after Finish leaves nothing behind.
func TestFinishThenCommit(t *testing.T) {
	for _, f := range []Format{Parquet, CSV, JSONL} {
		dir := t.TempDir()
		whole, err := WriteFile(filepath.Join(dir, "whole"), Options{Format: f}, sampleTrucks())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "split")
		w, err := Create[rows.Truck](path, Options{Format: f})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(sampleTrucks()); err != nil {
			t.Fatal(err)
		}
		if err := w.Finish(); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(sampleTrucks()); err == nil {
			t.Errorf("%s: a write after Finish was accepted", f)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("%s: file visible after Finish: %v", f, err)
		}
		fi, err := w.Commit()
		if err != nil {
			t.Fatal(err)
		}
		if fi.SHA256 != whole.SHA256 || fi.Rows != whole.Rows {
			t.Errorf("%s: Finish then Commit wrote other bytes than Commit", f)
		}

		aborted, err := Create[rows.Truck](filepath.Join(dir, "aborted"), Options{Format: f})
		if err != nil {
			t.Fatal(err)
		}
		_ = aborted.Write(sampleTrucks())
		if err := aborted.Finish(); err != nil {
			t.Fatal(err)
		}
		aborted.Abort()
		entries, _ := os.ReadDir(dir)
		if len(entries) != 2 {
			t.Errorf("%s: Abort after Finish left %d entries, want whole and split", f, len(entries))
		}
	}
}
