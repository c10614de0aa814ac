package blobstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/blobstore"
	"github.com/retail-datagen/retail-datagen/internal/blobstore/blobtest"
)

var backends = []struct {
	name  string
	start func(testing.TB) blobtest.Store
}{
	{"s3", blobtest.S3},
	{"azblob", blobtest.Azurite},
	{"gs", blobtest.GCS},
}

func open(t *testing.T, st blobtest.Store, prefix string) *blobstore.Store {
	t.Helper()
	s, err := blobstore.Open(context.Background(), st.At(prefix), st.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func writeFile(t *testing.T, dir, name string, data []byte) (path, sum string) {
	t.Helper()
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	return path, hex.EncodeToString(h[:])
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in                              string
		scheme, bucket, prefix, account string
	}{
		{"s3://b/a/b/", "s3", "b", "a/b", ""},
		{"gs://b", "gs", "b", "", ""},
		{"azblob://c/p?localemu=true", "azblob", "c", "p", ""},
		{"abfss://c@acct.dfs.core.windows.net/x/y", "azblob", "c", "x/y", "acct"},
		{"abfs://c/x", "azblob", "c", "x", ""},
	} {
		l, err := blobstore.Parse(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if l.Scheme != c.scheme || l.Bucket != c.bucket || l.Prefix != c.prefix || l.Account != c.account {
			t.Errorf("%s: got %+v", c.in, l)
		}
	}
	l, _ := blobstore.Parse("abfss://c@acct.dfs.core.windows.net/x")
	if l.Domain != "blob.core.windows.net" {
		t.Errorf("abfss domain = %q, want the blob endpoint", l.Domain)
	}
	for _, bad := range []string{"ftp://b/x", "s3:///x", "s3://key:secret@b/x", "s3://b/../x"} {
		_, err := blobstore.Parse(bad)
		if err == nil {
			t.Errorf("%s: no error", bad)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the error shows the secret: %v", bad, err)
		}
	}
}

func TestStore(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := b.start(t)
			s := open(t, st, "pre/fix")
			ctx := context.Background()
			dir := t.TempDir()
			// Bigger than one part of a multipart upload on every backend.
			big := make([]byte, 12<<20)
			rand.Read(big)
			p, sum := writeFile(t, dir, "big.parquet", big)
			obj, err := s.UploadFile(ctx, "facts/t/dt=2025-01-01/part-1-0.parquet", p, sum)
			if err != nil {
				t.Fatal(err)
			}
			if obj.Size != int64(len(big)) {
				t.Errorf("size %d", obj.Size)
			}
			got, ok, err := s.ReadAll(ctx, "facts/t/dt=2025-01-01/part-1-0.parquet")
			if err != nil || !ok || !bytes.Equal(got, big) {
				t.Fatalf("read back: ok=%v err=%v equal=%v", ok, err, bytes.Equal(got, big))
			}
			info, ok, err := s.Stat(ctx, "facts/t/dt=2025-01-01/part-1-0.parquet")
			if err != nil || !ok || info.SHA256 != sum || info.Size != int64(len(big)) {
				t.Fatalf("stat: %+v ok=%v err=%v", info, ok, err)
			}
			// The prefix is part of the key: a store at the bucket's root
			// sees the object under pre/fix/.
			rootObjs, err := open(t, st, "").List(ctx, "pre/", true)
			if err != nil || len(rootObjs) != 1 || rootObjs[0].Rel != "pre/fix/facts/t/dt=2025-01-01/part-1-0.parquet" {
				t.Fatalf("root listing: %+v %v", rootObjs, err)
			}
			if _, ok, _ := s.Stat(ctx, "missing.json"); ok {
				t.Error("a missing object exists")
			}
			if ok, err := s.DownloadFile(ctx, "missing.json", filepath.Join(dir, "m.json")); ok || err != nil {
				t.Errorf("download of a missing object: ok=%v err=%v", ok, err)
			}
			if err := s.WriteBytes(ctx, "manifest.json", []byte("{}\n")); err != nil {
				t.Fatal(err)
			}
			top, err := s.List(ctx, "", false)
			if err != nil || len(top) != 1 || top[0].Rel != "manifest.json" {
				t.Errorf("top-level listing: %+v %v", top, err)
			}
			if err := s.DeleteAll(ctx, "facts/"); err != nil {
				t.Fatal(err)
			}
			if all, _ := s.List(ctx, "", true); len(all) != 1 {
				t.Errorf("after DeleteAll: %+v", all)
			}
		})
	}
}

// A file that does not match its expected hash, or an upload canceled
// half-way, leaves no object.
func TestFailedUploadLeavesNothing(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := b.start(t)
			s := open(t, st, "x")
			ctx := context.Background()
			dir := t.TempDir()
			data := make([]byte, 9<<20)
			rand.Read(data)
			p, _ := writeFile(t, dir, "f.parquet", data)
			_, err := s.UploadFile(ctx, "master/f.parquet", p, strings.Repeat("0", 64))
			if err == nil || !strings.Contains(err.Error(), "differs") {
				t.Fatalf("mismatching hash: err = %v", err)
			}
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := s.UploadFile(cctx, "master/g.parquet", p, ""); err == nil {
				t.Fatal("an upload with a canceled context succeeded")
			}
			objs, err := s.List(ctx, "", true)
			if err != nil {
				t.Fatal(err)
			}
			if len(objs) != 0 {
				t.Errorf("failed uploads left objects: %+v", objs)
			}
		})
	}
}

func TestUploaderSkipsSameAndStopsOnError(t *testing.T) {
	st := blobtest.S3(t)
	s := open(t, st, "u")
	ctx := context.Background()
	dir := t.TempDir()
	var files []blobstore.File
	for i := range 10 {
		data := bytes.Repeat([]byte{byte(i)}, 1000+i)
		p, sum := writeFile(t, dir, "f"+string(rune('a'+i))+".csv", data)
		files = append(files, blobstore.File{Rel: "d/" + filepath.Base(p), Path: p, Size: int64(len(data)), SHA256: sum, SkipSame: true})
	}
	run := func() (uploaded, skipped int64) {
		up := s.NewUploader(ctx, 3, func(r blobstore.Result) {
			if r.Skipped {
				atomic.AddInt64(&skipped, 1)
			} else {
				atomic.AddInt64(&uploaded, 1)
			}
		})
		for _, f := range files {
			if err := up.Add(f); err != nil {
				t.Fatal(err)
			}
		}
		if err := up.Wait(); err != nil {
			t.Fatal(err)
		}
		return uploaded, skipped
	}
	if u, sk := run(); u != 10 || sk != 0 {
		t.Fatalf("first run: %d uploaded, %d skipped", u, sk)
	}
	if u, sk := run(); u != 0 || sk != 10 {
		t.Fatalf("second run: %d uploaded, %d skipped", u, sk)
	}

	up := s.NewUploader(ctx, 2, nil)
	bad := blobstore.File{Rel: "d/missing", Path: filepath.Join(dir, "missing")}
	if err := up.Add(bad); err != nil {
		t.Fatal(err)
	}
	err := up.Wait()
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Wait after a failed upload: %v", err)
	}
	if err := up.Add(files[0]); err == nil {
		t.Error("Add after a failure queued more")
	}
}

// Errors never show the Azure account key nor a SAS signature.
func TestSecretsStayOutOfErrors(t *testing.T) {
	const key = "c2VjcmV0LWtleS1ub3QtZm9yLXByaW50aW5nLTEyMzQ1Njc4OTA="
	const sig = "SiGnAtUrE%2Bsecret"
	ctx := context.Background()
	for _, creds := range []blobstore.Credentials{
		{AzureAccountURI: "http://127.0.0.1:1/devstoreaccount1", AzureAccountKey: key},
		{AzureAccountURI: "http://127.0.0.1:1/devstoreaccount1?sv=2022-11-02&sig=" + sig},
		{AzureAccountURI: "http://127.0.0.1:1/devstoreaccount1", AzureAccountKey: "not base64 " + key},
	} {
		s, err := blobstore.Open(ctx, "azblob://c/p", creds)
		if err == nil {
			_, _, err = s.ReadAll(ctx, "manifest.json")
			s.Close()
		}
		if err == nil {
			t.Fatal("no error from an unreachable account")
		}
		for _, secret := range []string{key, sig, "SiGnAtUrE"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows a secret: %v", err)
			}
		}
	}
	if got := blobstore.Redact("https://a.blob.core.windows.net/?sv=1&sig=abc"); strings.Contains(got, "abc") {
		t.Errorf("Redact kept the signature: %s", got)
	}
}
