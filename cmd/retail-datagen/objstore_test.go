package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/blobstore"
	"github.com/retail-datagen/retail-datagen/internal/blobstore/blobtest"
)

var objectStores = []struct {
	name  string
	start func(testing.TB) blobtest.Store
}{
	{"s3", blobtest.S3},
	{"azblob", blobtest.Azurite},
	{"gs", blobtest.GCS},
}

// bucketFiles downloads every object under prefix into a folder and
// returns it.
func bucketFiles(t *testing.T, st blobtest.Store, prefix string) string {
	t.Helper()
	ctx := context.Background()
	s, err := blobstore.Open(ctx, st.At(prefix), st.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	objs, err := s.List(ctx, "", true)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, o := range objs {
		if _, err := s.DownloadFile(ctx, o.Rel, filepath.Join(dir, filepath.FromSlash(o.Rel))); err != nil {
			t.Fatal(err)
		}
		info, _, err := s.Stat(ctx, o.Rel)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(o.Rel)))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); info.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: sha256 metadata %q does not match the content", o.Rel, info.SHA256)
		}
	}
	return dir
}

// sameTree fails unless got holds exactly the files of want, byte for byte.
func sameTree(t *testing.T, what string, want map[string]string, gotDir string) {
	t.Helper()
	got := treeHashes(t, gotDir)
	for p, h := range want {
		if got[p] != h {
			t.Errorf("%s: %s differs from the local run (or is missing)", what, p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: unexpected object %s", what, p)
		}
	}
}

// checkManifest verifies that every file the manifest names is there, with
// its sha256 and row count.
func checkManifest(t *testing.T, dir string) {
	t.Helper()
	m := readManifest(t, dir)
	check := func(fe fileEntry) {
		p := filepath.Join(dir, filepath.FromSlash(fe.Path))
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("the manifest names %s, which is not in the bucket", fe.Path)
			return
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != fe.SHA256 {
			t.Errorf("%s: sha256 differs from the manifest", fe.Path)
		}
		if n := countRows(t, p, m.Format); n != fe.Rows {
			t.Errorf("%s: %d rows, the manifest says %d", fe.Path, n, fe.Rows)
		}
	}
	for _, tab := range m.Tables {
		for _, fe := range tab.Files {
			check(fe)
		}
		for _, p := range tab.Partitions {
			for _, fe := range p.Files {
				check(fe)
			}
		}
	}
}

func runOK(t *testing.T, env []string, args ...string) result {
	t.Helper()
	r := run(t, env, args...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

// TestObjectStorage writes the same dataset to each object store in every
// way the commands allow — one run, an incremental run, two shards and a
// merge, an export of a local folder — and compares it, object by object,
// with a local run of the same seed.
func TestObjectStorage(t *testing.T) {
	days := []string{"--scale", "tiny", "--start", "2025-03-01", "--quiet"}
	local := t.TempDir()
	mustRun(t, append([]string{"generate", "-o", local, "--days", "3"}, days...)...)
	want := treeHashes(t, local)

	for _, b := range objectStores {
		t.Run(b.name, func(t *testing.T) {
			st := b.start(t)
			env := st.Env

			// One run.
			r := runOK(t, env, "generate", "-o", st.At("one"), "--scale", "tiny", "--start", "2025-03-01", "--days", "3")
			if !strings.Contains(r.stdout, b.name+"://retail/one/manifest.json") {
				t.Errorf("the summary does not name the bucket's manifest:\n%s", r.stdout)
			}
			one := bucketFiles(t, st, "one")
			sameTree(t, "single run", want, one)
			checkManifest(t, one)
			// Nothing to do the second time; the objects stay as they are.
			r = runOK(t, env, append([]string{"generate", "-o", st.At("one"), "--days", "3"}, days[:len(days)-1]...)...)
			if !strings.Contains(r.stdout, "up to date") {
				t.Errorf("a second run into the bucket did work:\n%s", r.stdout)
			}
			sameTree(t, "up-to-date run", want, bucketFiles(t, st, "one"))

			// Two days, then facts continuing from the bucket's state.
			runOK(t, env, append([]string{"generate", "-o", st.At("inc"), "--days", "2"}, days...)...)
			r = runOK(t, env, "facts", "-o", st.At("inc"), "--scale", "tiny", "--start", "2025-03-01", "--end", "2025-03-03")
			if !strings.Contains(r.stdout, "simulated 2025-03-03 to 2025-03-03") {
				t.Errorf("facts did not continue from the bucket's state:\n%s", r.stdout)
			}
			sameTree(t, "incremental run", want, bucketFiles(t, st, "inc"))

			// Two shards, as on two machines, then merge.
			for k := range 2 {
				runOK(t, env, append([]string{"generate", "-o", st.At("shards"), "--days", "3", "--shard", fmt.Sprintf("%d/2", k)}, days...)...)
			}
			runOK(t, env, "merge", "-o", st.At("shards"))
			sameTree(t, "sharded run", want, bucketFiles(t, st, "shards"))

			// Export of the local folder; the second export uploads nothing.
			r = runOK(t, env, "export", "--from", local, "--to", st.At("export"), "--json")
			var sum struct{ Files, Uploaded, Skipped int }
			if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
				t.Fatalf("export --json: %v\n%s", err, r.stdout)
			}
			if sum.Files != len(want) || sum.Uploaded != len(want) {
				t.Errorf("export: %+v, want %d files uploaded", sum, len(want))
			}
			sameTree(t, "export", want, bucketFiles(t, st, "export"))
			r = runOK(t, env, "export", "--from", local, "--to", st.At("export"), "--json")
			sum.Uploaded, sum.Skipped = -1, -1
			_ = json.Unmarshal([]byte(r.stdout), &sum)
			if sum.Uploaded != 0 || sum.Skipped != len(want) {
				t.Errorf("a second export uploaded %d files and skipped %d; want 0 and %d", sum.Uploaded, sum.Skipped, len(want))
			}
		})
	}
}

// TestKilledUploadsLeaveNoPartialObject kills generation into S3 at
// several points: the bucket never holds a partial object, nor a
// manifest naming a missing one, and a new run completes the dataset.
func TestKilledUploadsLeaveNoPartialObject(t *testing.T) {
	if testing.Short() {
		t.Skip("kills several runs; the -short run skips it")
	}
	args := []string{"generate", "--scale", "small", "--start", "2025-06-01", "--days", "4", "--format", "csv", "--quiet"}
	ref := t.TempDir()
	mustRun(t, append(args, "-o", ref)...)
	want := treeHashes(t, ref)
	st := blobtest.S3(t)
	for i, d := range []time.Duration{200 * time.Millisecond, 700 * time.Millisecond, 1500 * time.Millisecond} {
		prefix := fmt.Sprintf("killed-%d", i)
		cmd := exec.Command(binary, append(args, "-o", st.At(prefix))...)
		cmd.Env = append(os.Environ(), st.Env...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(d)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		dir := bucketFiles(t, st, prefix)
		for p, h := range treeHashes(t, dir) {
			if want[p] != h {
				t.Errorf("kill after %v: %s is partial or foreign", d, p)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
			checkManifest(t, dir)
		}
		mustRunEnv(t, st.Env, append(args, "-o", st.At(prefix))...)
		sameTree(t, "completed after a kill", want, bucketFiles(t, st, prefix))
	}
}

func mustRunEnv(t *testing.T, env []string, args ...string) {
	t.Helper()
	runOK(t, env, args...)
}

// TestFolderCommandsRefuseURLs: commands that work on a local folder say
// so when given a URL, and export refuses a folder without a manifest.
func TestFolderCommandsRefuseURLs(t *testing.T) {
	const u = "s3://bucket/retail"
	for _, args := range [][]string{
		{"validate", u},
		{"state", "show", "-o", u},
		{"state", "clear", "-o", u, "--yes"},
		{"stream", "-o", u, "--scale", "tiny", "--max-events", "1"},
		{"dlq", "list", "-o", u},
		{"serve", "--out", u, "--addr", "127.0.0.1:0"},
	} {
		r := run(t, nil, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "is a URL, but this command works on a local folder") {
			t.Errorf("%v: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
	}
	r := run(t, nil, "export", "--from", t.TempDir(), "--to", u)
	if r.code == 0 || !strings.Contains(r.stderr, "has no manifest.json") {
		t.Errorf("export of an empty folder: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = run(t, nil, "generate", "-o", "ftp://host/x", "--scale", "tiny", "--days", "1")
	if r.code == 0 || !strings.Contains(r.stderr, "unsupported URL scheme") {
		t.Errorf("generate to ftp://: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	// A secret never shows in an error.
	const key = "c2VjcmV0LWtleS1ub3QtZm9yLXByaW50aW5nLTEyMzQ1Njc4OTA="
	r = run(t, []string{"AZURE_STORAGE_ACCOUNT_URI=http://127.0.0.1:1/devstoreaccount1?sv=2022-11-02&sig=TOPSECRETSIG", "AZURE_STORAGE_ACCOUNT_KEY=" + key},
		"generate", "-o", "azblob://retail/x", "--scale", "tiny", "--days", "1", "--quiet")
	if r.code == 0 || strings.Contains(r.stderr+r.stdout, key) || strings.Contains(r.stderr+r.stdout, "TOPSECRETSIG") {
		t.Errorf("unreachable Azure account: exit %d, output shows a secret or no error:\n%s", r.code, r.stderr)
	}
}
