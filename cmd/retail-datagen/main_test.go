package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// binary is the retail-datagen executable built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "retail-datagen-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "retail-datagen")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	if duckdbEnabled {
		args = append(args, "-tags", "duckdb")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building retail-datagen:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// run executes the binary with a clean RETAIL_* environment.
func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RETAIL_") && !strings.HasPrefix(kv, "AZURE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{code, out.String(), errb.String()}
}

func mustRun(t *testing.T, args ...string) result {
	t.Helper()
	r := run(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

type fileEntry struct {
	Path   string `json:"path"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

type manifest struct {
	Seed   uint64 `json:"seed"`
	Format string `json:"format"`
	Tables map[string]struct {
		Kind       string      `json:"kind"`
		Rows       int64       `json:"rows"`
		Files      []fileEntry `json:"files"`
		Partitions map[string]struct {
			Rows  int64       `json:"rows"`
			Files []fileEntry `json:"files"`
		} `json:"partitions"`
	} `json:"tables"`
}

func readManifest(t *testing.T, dir string) manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	return m
}

// countRows counts the data rows of a file in the given format.
func countRows(t *testing.T, path, format string) int64 {
	t.Helper()
	switch format {
	case "parquet":
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return pf.NumRows()
	default:
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var n int64
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			n++
		}
		if format == "csv" {
			n-- // header
		}
		return n
	}
}

// treeHashes maps every file under dir to its sha256.
func treeHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var masterTables = []string{
	"geographies", "distribution_centers", "stores", "trucks", "customers", "products",
	"campaigns", "promotions", "store_inventory_initial", "dc_inventory_initial",
}

func TestGenerateEveryFormatMatchesManifest(t *testing.T) {
	for _, format := range []string{"parquet", "csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			r := mustRun(t, "generate", "--scale", "tiny", "--format", format, "-o", dir, "--days", "3")
			if !strings.Contains(r.stdout, "manifest") {
				t.Errorf("summary does not name the manifest:\n%s", r.stdout)
			}
			m := readManifest(t, dir)
			if m.Format != format || m.Seed != 42 {
				t.Errorf("manifest format %q seed %d", m.Format, m.Seed)
			}
			for _, name := range masterTables {
				e, ok := m.Tables[name]
				if !ok {
					t.Errorf("manifest lacks %s", name)
					continue
				}
				if e.Kind != "master" || len(e.Files) != 1 || e.Rows == 0 {
					t.Errorf("%s: kind %q, %d files, %d rows", name, e.Kind, len(e.Files), e.Rows)
					continue
				}
				f := e.Files[0]
				path := filepath.Join(dir, filepath.FromSlash(f.Path))
				b, err := os.ReadFile(path)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				sum := sha256.Sum256(b)
				if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Bytes {
					t.Errorf("%s: file does not match its manifest entry", name)
				}
				if n := countRows(t, path, format); n != f.Rows || n != e.Rows {
					t.Errorf("%s: %d rows in file, manifest says %d", name, n, f.Rows)
				}
			}
			// Every fact table has a partition per day, each file as recorded.
			facts := 0
			for name, e := range m.Tables {
				if e.Kind != "fact" {
					continue
				}
				facts++
				var sum int64
				for dt, p := range e.Partitions {
					for _, f := range p.Files {
						path := filepath.Join(dir, filepath.FromSlash(f.Path))
						if !strings.Contains(f.Path, "facts/"+name+"/dt="+dt+"/part-") {
							t.Errorf("%s: file %s outside its partition %s", name, f.Path, dt)
						}
						if n := countRows(t, path, format); n != f.Rows {
							t.Errorf("%s: %d rows in %s, manifest says %d", name, n, f.Path, f.Rows)
						}
						sum += f.Rows
					}
				}
				if sum != e.Rows || e.Rows == 0 {
					t.Errorf("%s: %d rows in partitions, %d in total", name, sum, e.Rows)
				}
			}
			if facts < 15 {
				t.Errorf("only %d fact tables written", facts)
			}
			// No temporary files are left behind.
			for p := range treeHashes(t, dir) {
				if strings.HasSuffix(p, ".tmp") {
					t.Errorf("leftover temporary file %s", p)
				}
			}
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b, c, d := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "-o", a, "--workers", "1", "--quiet", "--days", "4")
	mustRun(t, "generate", "--scale", "tiny", "-o", b, "--workers", "4", "--quiet", "--days", "4")
	mustRun(t, "generate", "--scale", "tiny", "-o", c, "--workers", "4", "--quiet", "--days", "4")
	mustRun(t, "generate", "--scale", "tiny", "-o", d, "--workers", "4", "--seed", "43", "--quiet", "--days", "4")
	ha, hb, hc, hd := treeHashes(t, a), treeHashes(t, b), treeHashes(t, c), treeHashes(t, d)
	if len(ha) < len(masterTables)+1 {
		t.Fatalf("only %d files written", len(ha))
	}
	for p, h := range ha {
		if hb[p] != h {
			t.Errorf("%s differs between --workers 1 and 4", p)
		}
		if hc[p] != h {
			t.Errorf("%s differs between two identical runs", p)
		}
	}
	facts := 0
	for p := range ha {
		if strings.HasPrefix(p, "facts/") {
			facts++
		}
	}
	if facts < 50 {
		t.Errorf("only %d fact files", facts)
	}
	for _, name := range []string{"master/customers.parquet", "master/stores.parquet", "master/products.parquet", "facts/receipts/dt=2025-01-02/part-1-0.parquet"} {
		if hd[name] == ha[name] {
			t.Errorf("%s is the same under another seed", name)
		}
	}
}

func TestMasterTablesFlag(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "master", "--scale", "tiny", "--tables", "stores,products", "--format", "csv", "-o", dir, "--quiet")
	files := treeHashes(t, dir)
	var names []string
	for p := range files {
		names = append(names, p)
	}
	sort.Strings(names)
	want := []string{"manifest.json", "master/products.csv", "master/stores.csv"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("files %v, want %v", names, want)
	}
}

func TestConfigRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	mustRun(t, "config", "init", "--scale", "small", "-o", cfgPath)
	if r := mustRun(t, "config", "check", "-c", cfgPath); !strings.Contains(strings.ToLower(r.stdout), "valid") {
		t.Errorf("config check output: %q", r.stdout)
	}
	// A run from the written file equals a run from the preset.
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	mustRun(t, "master", "-c", cfgPath, "-o", a, "--quiet", "--tables", "customers")
	mustRun(t, "master", "--scale", "small", "-o", b, "--quiet", "--tables", "customers")
	if ha, hb := treeHashes(t, a), treeHashes(t, b); ha["master/customers.parquet"] != hb["master/customers.parquet"] {
		t.Error("a run from `config init --scale small` differs from --scale small")
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	secret := "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=TOPSECRETVALUE;EntityPath=e"
	r := run(t, []string{"AZURE_EVENTHUB_CONNECTION_STRING=" + secret}, "config", "show", "--as", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "TOPSECRETVALUE") {
		t.Errorf("secret printed by config show:\n%s", r.stdout)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Errorf("config show --as json is not JSON: %v", err)
	}
}

func TestInvalidInputFailsClearly(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"_comment": "ok", "seed": 1, "volume": {"stores": -3, "no_such_key": 1}, "historical": {"start_date": "2024-13-01"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		env  []string
		want []string
	}{
		{"unknown scale", []string{"generate", "--scale", "huge", "-o", dir}, nil, []string{"huge", "tiny"}},
		{"bad file reports every problem", []string{"generate", "-c", bad, "-o", dir}, nil, []string{"volume.stores", "-3", "no_such_key", "historical.start_date"}},
		{"missing file", []string{"config", "check", "-c", filepath.Join(dir, "nope.yaml")}, nil, []string{"nope.yaml"}},
		{"bad date flag", []string{"generate", "--scale", "tiny", "--start", "yesterday", "-o", dir}, nil, []string{"yesterday"}},
		{"bad workers", []string{"generate", "--scale", "tiny", "--workers", "-2", "-o", dir}, nil, []string{"-2"}},
		{"bad format", []string{"generate", "--scale", "tiny", "--format", "xlsx", "-o", dir}, nil, []string{"xlsx"}},
		{"unknown table", []string{"master", "--scale", "tiny", "--tables", "shoppers", "-o", dir}, nil, []string{"shoppers"}},
		{"bad environment", []string{"config", "check"}, []string{"RETAIL_VOLUME_STORES=many"}, []string{"many", "RETAIL_VOLUME_STORES"}},
		{"unknown flag", []string{"generate", "--colour"}, nil, []string{"colour"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.env, c.args...)
			if r.code == 0 {
				t.Fatalf("exit 0; stdout:\n%s", r.stdout)
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
				t.Fatalf("crashed:\n%s", r.stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
	// Nothing was written by the failed runs.
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		t.Error("a failed run wrote a manifest")
	}
}

func TestHelpTeaches(t *testing.T) {
	for _, cmd := range [][]string{{"--help"}, {"generate", "--help"}, {"master", "--help"}, {"config", "init", "--help"}, {"config", "show", "--help"}, {"config", "check", "--help"}, {"load", "--help"}} {
		r := mustRun(t, cmd...)
		if !strings.Contains(r.stdout, "retail-datagen") || !strings.Contains(r.stdout, "Example") {
			t.Errorf("%v --help has no examples:\n%s", cmd, r.stdout)
		}
	}
	if r := mustRun(t, "version"); !strings.Contains(r.stdout, "retail-datagen") {
		t.Errorf("version output %q", r.stdout)
	}
}

func TestFactsAfterMaster(t *testing.T) {
	whole, split := t.TempDir(), t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "-o", whole, "--quiet", "--days", "2", "--format", "csv")
	mustRun(t, "master", "--scale", "tiny", "-o", split, "--quiet", "--format", "csv")
	mustRun(t, "facts", "--scale", "tiny", "-o", split, "--quiet", "--days", "2", "--format", "csv")
	hw, hs := treeHashes(t, whole), treeHashes(t, split)
	if len(hw) != len(hs) {
		t.Fatalf("generate wrote %d files, master then facts %d", len(hw), len(hs))
	}
	for p, h := range hw {
		if hs[p] != h {
			t.Errorf("%s differs between generate and master+facts", p)
		}
	}
	// facts refuses an output folder made with another configuration.
	r := run(t, nil, "facts", "--scale", "tiny", "--seed", "9", "-o", split, "--days", "2", "--format", "csv")
	if r.code == 0 || !strings.Contains(r.stderr, "another seed or configuration") {
		t.Errorf("facts over another seed: exit %d, %s", r.code, r.stderr)
	}
	// --tables limits the fact tables too.
	only := t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "-o", only, "--quiet", "--days", "2", "--tables", "stores,receipts")
	for p := range treeHashes(t, only) {
		if p != "manifest.json" && p != "master/stores.parquet" && !strings.HasPrefix(p, "facts/receipts/") {
			t.Errorf("--tables stores,receipts wrote %s", p)
		}
	}
}

// TestValidateGeneratedOutput generates the holiday season and proves every
// invariant on the files with the validate command, statistics included.
func TestValidateGeneratedOutput(t *testing.T) {
	start, end := "2025-11-01", "2025-11-07"
	if !testing.Short() {
		end = "2025-12-31"
	}
	// The small chain runs with fewer receipts per store, to keep the test
	// quick; validate --stats reads the same environment.
	for _, sc := range []struct {
		scale, seed, format string
		env                 []string
	}{
		{"tiny", "42", "csv", nil},
		{"tiny", "7", "parquet", nil},
		{"small", "42", "jsonl", []string{"RETAIL_VOLUME_CUSTOMERS_PER_DAY=50", "RETAIL_VOLUME_TOTAL_CUSTOMERS=8000"}},
	} {
		t.Run(sc.scale+"-"+sc.seed+"-"+sc.format, func(t *testing.T) {
			if testing.Short() && sc.scale != "tiny" {
				t.Skip("a larger scale in the full run")
			}
			dir := t.TempDir()
			if r := run(t, sc.env, "generate", "--scale", sc.scale, "--seed", sc.seed, "--start", start, "--end", end,
				"--format", sc.format, "-o", dir, "--quiet"); r.code != 0 {
				t.Fatalf("generate: exit %d\n%s", r.code, r.stderr)
			}
			args := []string{"validate", dir}
			if !testing.Short() {
				// The statistics hold over the two months; a week is too short.
				args = append(args, "--stats", "--scale", sc.scale)
			}
			r := run(t, sc.env, args...)
			if r.code != 0 {
				t.Fatalf("validate failed (exit %d):\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, "OK: every check passed") {
				t.Errorf("validate output:\n%s", r.stdout)
			}
		})
	}
	// A corrupted file is caught: exit 1 and the check named.
	dir := t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "--days", "2", "--format", "csv", "-o", dir, "--quiet")
	path := filepath.Join(dir, "facts", "receipts", "dt=2025-01-01", "part-1-0.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bytes.Replace(b, []byte(",SALE,"), []byte(",SOLD,"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "validate", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "FAIL") || !strings.Contains(r.stdout, "files") {
		t.Errorf("corrupted output: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestIncrementalEqualsWhole: generating days 1-10, then continuing to day
// 20, writes the same files (manifest and state included) as 1-20 at once;
// a run over days already written writes nothing.
func TestIncrementalEqualsWhole(t *testing.T) {
	split, whole := t.TempDir(), t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "--start", "2025-12-15", "--days", "10", "-o", split, "--quiet", "--format", "csv")
	r := mustRun(t, "facts", "--scale", "tiny", "--start", "2025-12-15", "--end", "2026-01-03", "-o", split, "--format", "csv")
	if !strings.Contains(r.stdout, "simulated 2025-12-25 to 2026-01-03") {
		t.Errorf("the continuation did not start after the checkpoint:\n%s", r.stdout)
	}
	mustRun(t, "generate", "--scale", "tiny", "--start", "2025-12-15", "--end", "2026-01-03", "-o", whole, "--quiet", "--format", "csv")
	hs, hw := treeHashes(t, split), treeHashes(t, whole)
	if len(hs) != len(hw) {
		t.Fatalf("split run wrote %d files, whole run %d", len(hs), len(hw))
	}
	for p, h := range hw {
		if hs[p] != h {
			t.Errorf("%s differs between the split and the whole run", p)
		}
	}
	if _, ok := hw["state.json"]; !ok {
		t.Error("no state.json written")
	}
	// Nothing left to do: no file changes.
	r = mustRun(t, "generate", "--scale", "tiny", "--start", "2025-12-15", "--end", "2026-01-03", "-o", whole, "--format", "csv")
	if !strings.Contains(r.stdout, "up to date") {
		t.Errorf("a second identical run did work:\n%s", r.stdout)
	}
	for p, h := range treeHashes(t, whole) {
		if hw[p] != h {
			t.Errorf("%s changed on an up-to-date run", p)
		}
	}
	// Another configuration is refused, and --force starts over.
	r = run(t, nil, "generate", "--scale", "tiny", "--seed", "9", "--start", "2025-12-15", "--days", "2", "-o", whole, "--format", "csv")
	if r.code == 0 || !strings.Contains(r.stderr, "--force") {
		t.Errorf("a run with another seed over existing data: exit %d\n%s", r.code, r.stderr)
	}
	mustRun(t, "generate", "--scale", "tiny", "--seed", "9", "--start", "2025-12-15", "--days", "2", "-o", whole, "--format", "csv", "--force", "--quiet")
	if _, err := os.Stat(filepath.Join(whole, "facts", "receipts", "dt=2026-01-03")); err == nil {
		t.Error("--force kept the old data")
	}
	r = mustRun(t, "state", "show", "-o", whole)
	if !strings.Contains(r.stdout, "2025-12-16") {
		t.Errorf("state show:\n%s", r.stdout)
	}
	mustRun(t, "state", "clear", "-o", whole, "--yes")
	if _, err := os.Stat(filepath.Join(whole, "state.json")); err == nil {
		t.Error("state clear left state.json")
	}
}

// TestShardUnionEqualsWhole: N processes with --shard K/N into one folder,
// then merge, give exactly the single-process dataset, for N = 1, 2, 3.
func TestShardUnionEqualsWhole(t *testing.T) {
	args := []string{"--scale", "small", "--start", "2025-11-27", "--days", "3", "--format", "csv", "--quiet"}
	whole := t.TempDir()
	mustRun(t, append([]string{"generate", "-o", whole}, args...)...)
	want := treeHashes(t, whole)
	for _, n := range []int{1, 2, 3} {
		dir := t.TempDir()
		for k := range n {
			mustRun(t, append([]string{"generate", "-o", dir, "--shard", fmt.Sprintf("%d/%d", k, n)}, args...)...)
		}
		if n > 1 {
			mustRun(t, "merge", "-o", dir)
		}
		got := treeHashes(t, dir)
		if len(got) != len(want) {
			t.Errorf("N=%d: %d files, single process %d", n, len(got), len(want))
		}
		for p, h := range want {
			if got[p] != h {
				t.Errorf("N=%d: %s differs from the single-process run", n, p)
			}
		}
	}
	// merge refuses an incomplete set.
	dir := t.TempDir()
	mustRun(t, append([]string{"generate", "-o", dir, "--shard", "0/2"}, args...)...)
	if r := run(t, nil, "merge", "-o", dir); r.code == 0 || !strings.Contains(r.stderr, "lacks shards [1]") {
		t.Errorf("merge of 1 of 2 shards: exit %d, %s", r.code, r.stderr)
	}
	if r := run(t, nil, "generate", "--shard", "2/2", "-o", dir); r.code == 0 || !strings.Contains(r.stderr, "K/N") {
		t.Errorf("--shard 2/2: exit %d, %s", r.code, r.stderr)
	}
}

// TestKilledRunsLeaveNoPartialData kills real runs with SIGKILL at several
// points: every file left visible is complete (identical to the one of an
// uninterrupted run), the state never runs ahead of the data, and running
// again completes the dataset byte for byte.
func TestKilledRunsLeaveNoPartialData(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL semantics")
	}
	args := []string{"generate", "--scale", "small", "--start", "2025-06-01", "--days", "6", "--format", "csv", "--quiet"}
	ref := t.TempDir()
	mustRun(t, append(args, "-o", ref)...)
	want := treeHashes(t, ref)
	// Kill points spread over the master and fact phases, plus a second
	// kill while a killed run is being completed.
	for _, delays := range [][]time.Duration{{50 * time.Millisecond}, {300 * time.Millisecond}, {900 * time.Millisecond}, {1600 * time.Millisecond}, {400 * time.Millisecond, 700 * time.Millisecond}} {
		dir := t.TempDir()
		for _, d := range delays {
			cmd := exec.Command(binary, append(args, "-o", dir)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(d)
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			got := treeHashes(t, dir)
			if _, ok := got["manifest.json"]; ok {
				// The manifest of a killed run lists what is complete so
				// far: every file it names is there, byte for byte.
				m := readManifest(t, dir)
				for name, e := range m.Tables {
					files := e.Files
					for _, p := range e.Partitions {
						files = append(files, p.Files...)
					}
					for _, f := range files {
						if got[f.Path] != f.SHA256 {
							t.Errorf("kill after %v: the manifest lists %s of %s, which is not on disk as recorded", d, f.Path, name)
						}
					}
				}
			}
			for p, h := range got {
				if strings.HasSuffix(p, ".tmp") || p == "manifest.json" {
					continue // hidden temporary files are not part of the data
				}
				if want[p] != h {
					t.Errorf("kill after %v: visible file %s is not the complete file", d, p)
				}
			}
			if _, ok := got["state.json"]; ok && len(got) < len(want) {
				t.Errorf("kill after %v: state.json written before all the data", d)
			}
		}
		mustRun(t, append(args, "-o", dir)...)
		got := treeHashes(t, dir)
		if len(got) != len(want) {
			t.Errorf("after kills %v and a rerun: %d files, want %d", delays, len(got), len(want))
		}
		for p, h := range want {
			if got[p] != h {
				t.Errorf("after kills %v and a rerun: %s differs", delays, p)
			}
		}
	}
}

// TestValidateCatchesCorruption corrupts copies of real output one way at a
// time — with the manifest updated, so that only the data is wrong — and
// checks that validate fails and names the right check.
func TestValidateCatchesCorruption(t *testing.T) {
	src := t.TempDir()
	mustRun(t, "generate", "--scale", "tiny", "--start", "2025-03-03", "--days", "4", "--format", "csv", "-o", src, "--quiet")
	if r := run(t, nil, "validate", src); r.code != 0 {
		t.Fatalf("clean output fails validation:\n%s", r.stdout)
	}
	cases := []struct {
		name, table, check string
		edit               func(header []string, rows [][]string) bool
	}{
		{"negative balance", "store_inventory_txn", "facts.inventory", func(h []string, rows [][]string) bool {
			rows[len(rows)/2][col(h, "balance_after")] = "-5"
			return true
		}},
		{"broken foreign key", "receipts", "facts.fk", func(h []string, rows [][]string) bool {
			rows[0][col(h, "store_id")] = "99"
			return true
		}},
		{"wrong total", "receipts", "facts.money", func(h []string, rows [][]string) bool {
			c := col(h, "total")
			rows[0][c] = bumpCents(rows[0][c])
			return true
		}},
		{"out-of-order lifecycle", "truck_moves", "facts.shipments", func(h []string, rows [][]string) bool {
			st, ts, id := col(h, "status"), col(h, "event_ts"), col(h, "shipment_id")
			for i, r := range rows {
				if r[st] != "UNLOADING" {
					continue
				}
				for _, q := range rows {
					if q[id] == r[id] && q[st] == "IN_TRANSIT" && q[ts][:10] == r[ts][:10] && q[ts] < r[ts] {
						rows[i][ts] = q[ts][:11] + "00:00:00"
						return true
					}
				}
			}
			return false
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyTree(t, src)
			m := readManifest(t, dir)
			done := false
			for dt, p := range m.Tables[c.table].Partitions {
				for _, f := range p.Files {
					if !done && editCSV(t, filepath.Join(dir, filepath.FromSlash(f.Path)), c.edit) {
						done = true
						refreshManifest(t, dir, f.Path)
						t.Logf("corrupted %s (%s)", f.Path, dt)
					}
				}
			}
			if !done {
				t.Fatal("found nothing to corrupt")
			}
			r := run(t, nil, "validate", dir)
			if r.code != 1 {
				t.Fatalf("validate exit %d on corrupted data:\n%s", r.code, r.stdout)
			}
			if !regexp.MustCompile(`(?m)^FAIL\s+` + regexp.QuoteMeta(c.check) + `\s`).MatchString(r.stdout) {
				t.Errorf("%s not reported as failing:\n%s", c.check, r.stdout)
			}
			if regexp.MustCompile(`(?m)^FAIL\s+files\s`).MatchString(r.stdout) {
				t.Errorf("files check failed although the manifest was updated:\n%s", r.stdout)
			}
		})
	}
	t.Run("partition missing", func(t *testing.T) {
		dir := copyTree(t, src)
		if err := os.RemoveAll(filepath.Join(dir, "facts", "receipt_lines", "dt=2025-03-04")); err != nil {
			t.Fatal(err)
		}
		r := run(t, nil, "validate", dir)
		if r.code != 1 || !regexp.MustCompile(`(?m)^FAIL\s+files\s`).MatchString(r.stdout) {
			t.Errorf("missing partition: exit %d\n%s", r.code, r.stdout)
		}
	})
}

func col(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	panic("no column " + name)
}

// bumpCents adds one cent to an amount written like 12.34.
func bumpCents(s string) string {
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole+frac, 10, 64)
	n++
	neg := n < 0
	if neg {
		n = -n
	}
	out := fmt.Sprintf("%d.%02d", n/100, n%100)
	if neg {
		out = "-" + out
	}
	return out
}

// editCSV rewrites a CSV file through edit; it reports whether edit changed it.
func editCSV(t *testing.T, path string, edit func([]string, [][]string) bool) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 || !edit(recs[0], recs[1:]) {
		return false
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return true
}

// refreshManifest records a rewritten file's new size and hash.
func refreshManifest(t *testing.T, dir, rel string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["path"] == rel {
				x["sha256"] = hex.EncodeToString(sum[:])
				x["bytes"] = len(b)
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(m)
	out, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestStreamContinuesHistory: stream picks up after generate, a restart
// continues after the last acknowledged event, and the events of a day are
// the rows facts would have written for it.
func TestStreamContinuesHistory(t *testing.T) {
	dir, hist := t.TempDir(), t.TempDir()
	events := filepath.Join(t.TempDir(), "events")
	base := []string{"--scale", "tiny", "--start", "2025-02-01"}
	mustRun(t, append([]string{"generate", "-o", dir, "--days", "2", "--quiet", "--format", "jsonl"}, base...)...)
	// The history of the same days plus the streamed ones, for comparison.
	mustRun(t, append([]string{"generate", "-o", hist, "--days", "3", "--quiet", "--format", "jsonl"}, base...)...)
	// Two runs: 5,000 events, then the rest of the day and a bit more.
	mustRun(t, append([]string{"stream", "-o", dir, "--sink", "file:" + events, "--max-events", "5000", "--events-per-file", "3000", "--rate", "0"}, base...)...)
	r := mustRun(t, append([]string{"stream", "-o", dir, "--sink", "file:" + events, "--max-events", "60000", "--events-per-file", "3000", "--rate", "0"}, base...)...)
	if !regexp.MustCompile(`next: 2025-02-(0[4-9]|[1-2][0-9])`).MatchString(r.stderr) {
		t.Fatalf("the second run did not finish 2025-02-03:\n%s", r.stderr)
	}
	// Every event once; day 2025-02-03's payloads equal the JSON Lines rows.
	seen := map[string]bool{}
	payloads := map[string][]string{}
	files, _ := filepath.Glob(filepath.Join(events, "events-*.jsonl"))
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var e struct {
				ID      string          `json:"event_id"`
				TS      string          `json:"event_ts"`
				Payload json.RawMessage `json:"payload"`
			}
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			if seen[e.ID] {
				t.Fatalf("event %s delivered twice", e.ID)
			}
			seen[e.ID] = true
			if strings.HasPrefix(e.TS, "2025-02-03") && tableOf(e.ID) != "de" { // "de": a disruption's end, not a row
				payloads[tableOf(e.ID)] = append(payloads[tableOf(e.ID)], string(e.Payload))
			}
		}
		f.Close()
	}
	rowsOfDay := 0
	err := filepath.WalkDir(filepath.Join(hist, "facts"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, "dt=2025-02-03") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			rowsOfDay++
			table := filepath.Base(filepath.Dir(filepath.Dir(p)))
			if !slices.Contains(payloads[tableCode(table)], line) {
				t.Fatalf("row of %s on 2025-02-03 not streamed: %s", table, line)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range payloads {
		n += len(v)
	}
	if n != rowsOfDay || n == 0 {
		t.Errorf("2025-02-03: %d events, %d rows in the history", n, rowsOfDay)
	}
}

// tableOf reads the table code of an event id (DAY-DC-code-n).
func tableOf(id string) string { return strings.Split(id, "-")[2] }

func tableCode(table string) string {
	return map[string]string{
		"receipts": "rc", "receipt_lines": "rl", "payments": "pm", "promotions_applied": "pa",
		"store_inventory_txn": "si", "dc_inventory_txn": "di", "stockouts": "so", "reorders": "ro",
		"foot_traffic": "ft", "customer_zone_changes": "zc", "ble_pings": "bp", "truck_moves": "tm",
		"truck_inventory": "ti", "store_ops": "op", "marketing_impressions": "ad", "online_orders": "oo",
		"online_order_lines": "ol", "supply_chain_disruptions": "sd",
	}[table]
}
