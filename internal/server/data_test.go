package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/validate"
)

func readManifest(t *testing.T, dir string) *output.Manifest {
	t.Helper()
	m, err := output.ReadManifest(dir)
	if err != nil || m == nil {
		t.Fatalf("manifest of %s: %v", dir, err)
	}
	return m
}

func sortedDays(e *output.TableEntry) []string {
	var out []string
	for d := range e.Partitions {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

type tableItem struct {
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Rows       int64   `json:"rows"`
	Bytes      int64   `json:"bytes"`
	Files      int     `json:"files"`
	Partitions int     `json:"partitions"`
	FirstDay   *string `json:"first_day"`
	LastDay    *string `json:"last_day"`
}

type preview struct {
	Table   string              `json:"table"`
	Date    *string             `json:"date"`
	Columns []string            `json:"columns"`
	Rows    [][]json.RawMessage `json:"rows"`
}

func TestTablesMatchTheManifest(t *testing.T) {
	dir := dataset(t, "parquet", 3)
	man := readManifest(t, dir)
	srv := newServer(t, setup{dir: dir})

	w := get(t, srv, "/api/v1/tables")
	tables := decode[[]tableItem](t, w)
	if len(tables) != len(man.Tables) {
		t.Fatalf("%d tables, the manifest has %d", len(tables), len(man.Tables))
	}
	for i, ti := range tables {
		e := man.Tables[ti.Name]
		if e == nil || e.Kind != ti.Kind || e.Rows != ti.Rows {
			t.Errorf("%+v does not match the manifest", ti)
			continue
		}
		if i > 0 && tables[i-1].Kind == "fact" && ti.Kind == "master" {
			t.Error("master tables do not come first")
		}
		if ti.Kind == "fact" {
			days := sortedDays(e)
			if ti.FirstDay == nil || *ti.FirstDay != days[0] || *ti.LastDay != days[len(days)-1] || ti.Partitions != len(days) {
				t.Errorf("%s: days %v..%v, want %s..%s", ti.Name, ti.FirstDay, ti.LastDay, days[0], days[len(days)-1])
			}
		} else if ti.FirstDay != nil || ti.Files != 1 {
			t.Errorf("%s: %+v", ti.Name, ti)
		}
	}

	w = get(t, srv, "/api/v1/tables/receipts")
	detail := decode[struct {
		Name      string `json:"name"`
		Format    string `json:"format"`
		Columns   []struct{ Name string }
		PartList  []struct{ Date string } `json:"partition_list"`
		Partition int                     `json:"partitions"`
	}](t, w)
	if detail.Name != "receipts" || detail.Format != "parquet" || len(detail.PartList) != 3 || detail.Columns[0].Name != "trace_id" {
		t.Errorf("table detail: %s", w.Body)
	}
	wantProblem(t, get(t, srv, "/api/v1/tables/no_such_table"), http.StatusNotFound)
}

func TestRowsPreview(t *testing.T) {
	dir := dataset(t, "parquet", 3)
	man := readManifest(t, dir)
	srv := newServer(t, setup{dir: dir})
	days := sortedDays(man.Tables["receipts"])

	w := get(t, srv, "/api/v1/tables/receipts/rows")
	p := decode[preview](t, w)
	st, _ := schema.Lookup("receipts")
	if len(p.Columns) != len(st.Columns) || p.Columns[0] != "trace_id" || *p.Date != days[0] || len(p.Rows) != 50 {
		t.Fatalf("default preview: date %v, %d columns, %d rows", p.Date, len(p.Columns), len(p.Rows))
	}
	for _, r := range p.Rows {
		if len(r) != len(p.Columns) {
			t.Fatalf("a row has %d values for %d columns", len(r), len(p.Columns))
		}
	}
	// Receipt ids exceed 2^53: strings, so browsers show them exactly.
	if id := string(p.Rows[0][4]); !strings.HasPrefix(id, `"`) {
		t.Errorf("receipt_id %s is not a string", id)
	}

	last := days[len(days)-1]
	w = get(t, srv, "/api/v1/tables/receipts/rows?date="+last+"&limit=1000")
	p = decode[preview](t, w)
	if want := min(1000, man.Tables["receipts"].Partitions[last].Rows); int64(len(p.Rows)) != want || *p.Date != last {
		t.Errorf("%d rows of %v, want %d of %s", len(p.Rows), p.Date, want, last)
	}
	w = get(t, srv, "/api/v1/tables/stores/rows?limit=1000")
	if p := decode[preview](t, w); int64(len(p.Rows)) != man.Tables["stores"].Rows || p.Date != nil {
		t.Errorf("stores preview: %d rows, date %v", len(p.Rows), p.Date)
	}

	for _, tt := range []struct {
		query    string
		status   int
		location string
	}{
		{"/api/v1/tables/nope/rows", http.StatusNotFound, "path.table"},
		{"/api/v1/tables/..%2F..%2Fetc/rows", http.StatusUnprocessableEntity, "path.table"},
		{"/api/v1/tables/Receipts/rows", http.StatusUnprocessableEntity, "path.table"},
		{"/api/v1/tables/receipts/rows?date=2025-02-30", http.StatusUnprocessableEntity, "query.date"},
		{"/api/v1/tables/receipts/rows?date=../../x", http.StatusUnprocessableEntity, "query.date"},
		{"/api/v1/tables/receipts/rows?date=yesterday", http.StatusUnprocessableEntity, "query.date"},
		{"/api/v1/tables/receipts/rows?limit=0", http.StatusUnprocessableEntity, "query.limit"},
		{"/api/v1/tables/receipts/rows?limit=1001", http.StatusUnprocessableEntity, "query.limit"},
		{"/api/v1/tables/receipts/rows?limit=ten", http.StatusUnprocessableEntity, "query.limit"},
		{"/api/v1/tables/receipts/rows?date=1999-01-01", http.StatusNotFound, ""},
	} {
		w := get(t, srv, tt.query)
		pr := wantProblem(t, w, tt.status)
		if tt.location != "" && !slices.Contains(pr.locations(), tt.location) {
			t.Errorf("%s: errors at %v, want %s", tt.query, pr.locations(), tt.location)
		}
	}
}

// TestPreviewIsTheSameInEveryFormat reads the same data written as
// Parquet, CSV and JSON Lines.
func TestPreviewIsTheSameInEveryFormat(t *testing.T) {
	var want map[string]string
	for _, format := range []string{"parquet", "csv", "jsonl"} {
		srv := newServer(t, setup{dir: dataset(t, format, 1)})
		got := map[string]string{}
		for _, table := range []string{"stores", "products", "receipts", "truck_moves", "ble_pings"} {
			w := get(t, srv, "/api/v1/tables/"+table+"/rows?limit=20")
			if w.Code != 200 {
				t.Fatalf("%s %s: %d %s", format, table, w.Code, w.Body)
			}
			got[table] = w.Body.String()
		}
		if want == nil {
			want = got
			continue
		}
		for table := range want {
			if got[table] != want[table] {
				t.Errorf("%s preview of %s differs from parquet:\n%s\n%s", format, table, got[table], want[table])
			}
		}
	}
}

func TestPartitionDownload(t *testing.T) {
	dir := dataset(t, "parquet", 3)
	man := readManifest(t, dir)
	srv := newServer(t, setup{dir: dir})
	fileBytes := func(rel string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	w := get(t, srv, "/api/v1/tables/stores/partitions/all")
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), fileBytes(man.Tables["stores"].Files[0].Path)) {
		t.Fatalf("stores download: %d, %d bytes", w.Code, w.Body.Len())
	}
	if ct, cd := w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"); ct != "application/vnd.apache.parquet" || cd != "attachment; filename=stores.parquet" {
		t.Errorf("headers %q %q", ct, cd)
	}

	day := sortedDays(man.Tables["receipts"])[1]
	part := man.Tables["receipts"].Partitions[day]
	if len(part.Files) < 2 {
		t.Fatalf("the tiny dataset should have a file per DC network, got %d", len(part.Files))
	}
	w = get(t, srv, "/api/v1/tables/receipts/partitions/"+day)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" || !strings.Contains(w.Header().Get("Content-Disposition"), "receipts-"+day+".zip") {
		t.Fatalf("zip download: %d %q", w.Code, w.Header())
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(part.Files) {
		t.Fatalf("%d files in the archive, want %d", len(zr.File), len(part.Files))
	}
	for i, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name != path.Base(part.Files[i].Path) || !bytes.Equal(b, fileBytes(part.Files[i].Path)) {
			t.Errorf("archive member %s differs from %s", zf.Name, part.Files[i].Path)
		}
	}

	one := path.Base(part.Files[1].Path)
	w = get(t, srv, "/api/v1/tables/receipts/partitions/"+day+"?file="+one)
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), fileBytes(part.Files[1].Path)) ||
		w.Header().Get("Content-Disposition") != "attachment; filename=receipts-"+day+"-"+one {
		t.Errorf("single file: %d %q", w.Code, w.Header())
	}

	for _, tt := range []struct {
		query  string
		status int
	}{
		{"/api/v1/tables/receipts/partitions/all", http.StatusNotFound},
		{"/api/v1/tables/stores/partitions/" + day, http.StatusNotFound},
		{"/api/v1/tables/receipts/partitions/1999-01-01", http.StatusNotFound},
		{"/api/v1/tables/receipts/partitions/2025-13-01", http.StatusUnprocessableEntity},
		{"/api/v1/tables/receipts/partitions/%2e%2e", http.StatusUnprocessableEntity},
		{"/api/v1/tables/%2e%2e/partitions/all", http.StatusUnprocessableEntity},
		{"/api/v1/tables/receipts/partitions/" + day + "?file=../../manifest.json", http.StatusNotFound},
		{"/api/v1/tables/nope/partitions/all", http.StatusNotFound},
	} {
		wantProblem(t, get(t, srv, tt.query), tt.status)
	}
}

type salesPoint struct {
	Day      string  `json:"day"`
	Class    string  `json:"class"`
	Revenue  float64 `json:"revenue"`
	Receipts int64   `json:"receipts"`
}

func TestDailySales(t *testing.T) {
	dir := dataset(t, "parquet", 3)
	man := readManifest(t, dir)
	srv := newServer(t, setup{dir: dir})

	// The expected sums, straight from the files.
	class := map[int64]string{}
	err := validate.Each[rows.Store](filepath.Join(dir, man.Tables["stores"].Files[0].Path), 0, func(b []rows.Store) error {
		for _, s := range b {
			class[s.StoreID] = s.VolumeClass
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ day, class string }
	cents, counts := map[key]int64{}, map[key]int64{}
	days := sortedDays(man.Tables["receipts"])
	for _, day := range days {
		for _, f := range man.Tables["receipts"].Partitions[day].Files {
			err := validate.Each[rows.Receipt](filepath.Join(dir, f.Path), 0, func(b []rows.Receipt) error {
				for _, r := range b {
					k := key{day, class[r.StoreID]}
					cents[k] += r.Total
					counts[k]++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}

	w := get(t, srv, "/api/v1/sales/daily")
	points := decode[[]salesPoint](t, w)
	if len(points) != len(cents) {
		t.Fatalf("%d points, want %d", len(points), len(cents))
	}
	var total int64
	for _, p := range points {
		k := key{p.Day, p.Class}
		if p.Receipts != counts[k] || int64(p.Revenue*100+0.5*sign(p.Revenue)) != cents[k] {
			t.Errorf("%+v, want %d receipts and %d cents", p, counts[k], cents[k])
		}
		total += p.Receipts
	}
	if total != man.Tables["receipts"].Rows {
		t.Errorf("%d receipts in all, the manifest has %d", total, man.Tables["receipts"].Rows)
	}

	points = decode[[]salesPoint](t, get(t, srv, "/api/v1/sales/daily?days=1"))
	for _, p := range points {
		if p.Day != days[len(days)-1] {
			t.Errorf("days=1 gave %s", p.Day)
		}
	}
	wantProblem(t, get(t, srv, "/api/v1/sales/daily?days=0"), http.StatusUnprocessableEntity)
	wantProblem(t, get(t, srv, "/api/v1/sales/daily?days=100000"), http.StatusUnprocessableEntity)

	empty := newServer(t, setup{})
	if w := get(t, empty, "/api/v1/sales/daily"); w.Code != 200 || strings.TrimSpace(w.Body.String()) != "[]" {
		t.Errorf("no data: %d %s", w.Code, w.Body)
	}
	if w := get(t, empty, "/api/v1/tables"); w.Code != 200 || strings.TrimSpace(w.Body.String()) != "[]" {
		t.Errorf("no data: %d %s", w.Code, w.Body)
	}
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

func TestStateReadAndClear(t *testing.T) {
	dir := t.TempDir()
	busy := false
	srv := newServer(t, setup{dir: dir, busy: func() bool { return busy }})
	wantProblem(t, get(t, srv, "/api/v1/state"), http.StatusNotFound)

	generateInto(t, dir, "parquet", 2)
	w := get(t, srv, "/api/v1/state")
	st := decode[struct {
		Seed     uint64 `json:"seed"`
		FirstDay string `json:"first_day"`
		LastDay  string `json:"last_day"`
		NextDay  string `json:"next_day"`
		Days     int    `json:"days"`
		Networks []struct {
			DCID   int64 `json:"dc_id"`
			Stores int   `json:"stores"`
		} `json:"networks"`
		Stream *struct{} `json:"stream"`
	}](t, w)
	if st.Seed != 42 || st.FirstDay != "2025-01-01" || st.LastDay != "2025-01-02" || st.NextDay != "2025-01-03" || st.Days != 2 || len(st.Networks) != 2 || st.Stream != nil {
		t.Errorf("state: %s", w.Body)
	}

	busy = true
	wantProblem(t, do(t, srv, request{method: http.MethodDelete, path: "/api/v1/state"}), http.StatusConflict)
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		t.Fatal("a refused DELETE removed data")
	}
	busy = false
	extra := false
	srv.AddBusy(func() bool { return extra })
	extra = true
	wantProblem(t, do(t, srv, request{method: http.MethodDelete, path: "/api/v1/state"}), http.StatusConflict)
	extra = false

	if w := do(t, srv, request{method: http.MethodDelete, path: "/api/v1/state"}); w.Code != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", w.Code, w.Body)
	}
	for _, name := range []string{"manifest.json", "state.json", "master", "facts"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s is still there", name)
		}
	}
	wantProblem(t, get(t, srv, "/api/v1/state"), http.StatusNotFound)
	if w := get(t, srv, "/api/v1/tables"); strings.TrimSpace(w.Body.String()) != "[]" {
		t.Errorf("tables after clearing: %s", w.Body)
	}
}
