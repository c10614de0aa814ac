package jobs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/blobstore"
	"github.com/retail-datagen/retail-datagen/internal/blobstore/blobtest"
	"github.com/retail-datagen/retail-datagen/internal/output"
)

// A failed upload stops the run before its manifest is published: the
// bucket never holds a manifest that names a missing object.
func TestPublishAfterAFailedUploadPublishesNothing(t *testing.T) {
	st := blobtest.S3(t)
	ctx := context.Background()
	r, err := OpenRemote(ctx, RemoteOptions{URL: st.At("run"), Parallel: 2, RootFiles: []string{output.ManifestName}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	good := filepath.Join(r.Dir, "master", "a.csv")
	if err := os.MkdirAll(filepath.Dir(good), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Committed(output.FileInfo{Path: good, Bytes: 2, SHA256: "wrong"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.Dir, output.ManifestName), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Publish(ctx); err == nil {
		t.Fatal("Publish succeeded after a failed upload")
	}
	s, err := blobstore.Open(ctx, st.At("run"), st.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	objs, err := s.List(ctx, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 0 {
		t.Errorf("the bucket holds %v after a failed run", objs)
	}
}

// The staging folder's stale manifest is replaced by the bucket's (here:
// none), so a run never continues from a leftover.
func TestOpenRemoteDropsStaleStagedFiles(t *testing.T) {
	st := blobtest.S3(t)
	staging := t.TempDir()
	stale := filepath.Join(staging, output.ManifestName)
	if err := os.WriteFile(stale, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRemote(context.Background(), RemoteOptions{URL: st.At("x"), Staging: staging, RootFiles: []string{output.ManifestName}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale staged manifest is still there: %v", err)
	}
	if r.Dir != staging {
		t.Errorf("staging folder %s, want %s", r.Dir, staging)
	}
}
