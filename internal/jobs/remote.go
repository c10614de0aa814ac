package jobs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/retail-datagen/retail-datagen/internal/blobstore"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/state"
)

// RemoteOptions say where a run that writes to object storage stages its
// files.
type RemoteOptions struct {
	URL         string
	Credentials blobstore.Credentials
	// Staging is the local folder files are written to before upload;
	// empty: a new temporary folder, removed by Close.
	Staging string
	// Parallel is the number of concurrent uploads (default 4); it also
	// bounds the files waiting on disk for their upload.
	Parallel int
	// RootFiles are the manifests and states (in the output root) the run
	// reads and writes: they are downloaded first and uploaded last.
	RootFiles []string
}

// Remote runs generation into object storage. Generation writes to a
// local staging folder as usual; each data file is uploaded as soon as it
// is committed and then removed from the staging folder, and Publish
// uploads the manifest and state last, once every file they name is
// uploaded.
type Remote struct {
	Store   *blobstore.Store
	Dir     string
	tempDir bool
	root    []string
	up      *blobstore.Uploader
	cancel  context.CancelFunc
}

// OpenRemote opens the bucket, prepares the staging folder and downloads
// the root files (manifest and state) the run continues from.
func OpenRemote(ctx context.Context, o RemoteOptions) (*Remote, error) {
	st, err := blobstore.Open(ctx, o.URL, o.Credentials)
	if err != nil {
		return nil, err
	}
	r := &Remote{Store: st, Dir: o.Staging, root: o.RootFiles}
	if r.Dir == "" {
		if r.Dir, err = os.MkdirTemp("", "retail-datagen-staging-"); err != nil {
			st.Close()
			return nil, fmt.Errorf("creating a staging folder (set --staging DIR or TMPDIR): %w", err)
		}
		r.tempDir = true
	} else if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		st.Close()
		return nil, fmt.Errorf("creating the staging folder %s: %w", r.Dir, err)
	}
	for _, name := range r.root {
		// The bucket's copy wins over anything an earlier run left in
		// the staging folder; no copy in the bucket means no file.
		p := filepath.Join(r.Dir, name)
		ok, err := st.DownloadFile(ctx, name, p)
		if err != nil {
			r.Close()
			return nil, err
		}
		if !ok {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				r.Close()
				return nil, fmt.Errorf("removing the stale staged %s: %w", p, err)
			}
		}
	}
	upCtx, cancel := context.WithCancel(ctx)
	r.cancel = cancel
	r.up = st.NewUploader(upCtx, max(1, defaultParallel(o.Parallel)), nil)
	return r, nil
}

func defaultParallel(n int) int {
	if n <= 0 {
		return 4
	}
	return n
}

// Committed queues the upload of a committed data file; it blocks while
// the uploads in flight are at their limit, and returns the error of a
// failed earlier upload.
func (r *Remote) Committed(fi output.FileInfo) error {
	rel, err := filepath.Rel(r.Dir, fi.Path)
	if err != nil {
		return fmt.Errorf("%s is not in the staging folder %s: %w", fi.Path, r.Dir, err)
	}
	return r.up.Add(blobstore.File{
		Rel: filepath.ToSlash(rel), Path: fi.Path, Size: fi.Bytes, SHA256: fi.SHA256, Remove: true,
	})
}

var shardRootFile = regexp.MustCompile(`^(manifest|state)\.shard-\d+-of-\d+\.json$`)

// Clear deletes the generated data in the bucket, as state.Clear does in a
// folder: the states first (a later run must not continue from them), then
// the manifests, then master/ and facts/.
func (r *Remote) Clear(ctx context.Context) error {
	objs, err := r.Store.List(ctx, "", false)
	if err != nil {
		return err
	}
	var shards []string
	for _, o := range objs {
		if shardRootFile.MatchString(o.Rel) {
			shards = append(shards, o.Rel)
		}
	}
	names := append([]string{state.FileName, state.StreamPositionFile, output.ManifestName}, shards...)
	for _, n := range names {
		if err := r.Store.Delete(ctx, n); err != nil {
			return err
		}
	}
	for _, dir := range []string{"master/", "facts/"} {
		if err := r.Store.DeleteAll(ctx, dir); err != nil {
			return err
		}
	}
	return nil
}

// Publish waits for every data file to be uploaded, then uploads the root
// files (in the order given to OpenRemote) that the staging folder holds.
func (r *Remote) Publish(ctx context.Context) error {
	if err := r.up.Wait(); err != nil {
		return err
	}
	for _, name := range r.root {
		p := filepath.Join(r.Dir, name)
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if _, err := r.Store.UploadFile(ctx, name, p, ""); err != nil {
			return err
		}
	}
	return nil
}

// Close aborts the uploads still in flight (none after Publish), removes
// a temporary staging folder and closes the bucket.
func (r *Remote) Close() error {
	if r.cancel != nil {
		r.cancel()
		_ = r.up.Wait()
	}
	var err error
	if r.tempDir {
		err = os.RemoveAll(r.Dir)
	}
	return errors.Join(err, r.Store.Close())
}
