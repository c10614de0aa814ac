package jobs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/blobstore"
	"github.com/retail-datagen/retail-datagen/internal/generate"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/progress"
	"github.com/retail-datagen/retail-datagen/internal/state"
)

// ExportRequest copies an output folder to object storage.
type ExportRequest struct {
	From        string // output folder
	To          string // s3://, azblob://, abfs(s):// or gs:// URL
	Credentials blobstore.Credentials
	Parallel    int // concurrent uploads (default 4)
	Progress    progress.Reporter
}

// ExportSummary is what an export did.
type ExportSummary struct {
	From     string  `json:"from"`
	To       string  `json:"to"`
	Files    int     `json:"files"`
	Uploaded int     `json:"uploaded"`
	Skipped  int     `json:"skipped"`
	Bytes    int64   `json:"bytes_uploaded"`
	Seconds  float64 `json:"seconds"`
	MBPerSec float64 `json:"mb_per_sec"`
}

// ExportTask is the progress task counting the files of an export.
const ExportTask = "files"

// Export uploads every file the folder's manifests name, then the
// manifests and states: a reader of the bucket never finds a manifest that
// names a missing object. A file whose object already exists with the same
// size and sha256 metadata is skipped, so running it again uploads
// nothing; each upload is checked against the manifest's sha256.
func Export(ctx context.Context, req ExportRequest) (*ExportSummary, error) {
	if req.Progress == nil {
		req.Progress = progress.Nop{}
	}
	began := time.Now()
	files, roots, err := exportPlan(req.From)
	if err != nil {
		return nil, err
	}
	st, err := blobstore.Open(ctx, req.To, req.Credentials)
	if err != nil {
		return nil, err
	}
	defer st.Close()

	sum := &ExportSummary{From: req.From, To: st.Location().String(), Files: len(files) + len(roots)}
	var mu sync.Mutex
	done := func(r blobstore.Result) {
		mu.Lock()
		if r.Skipped {
			sum.Skipped++
		} else {
			sum.Uploaded++
			sum.Bytes += r.Size
		}
		mu.Unlock()
		req.Progress.Add(ExportTask, 1)
	}
	req.Progress.Start(ExportTask, int64(sum.Files))
	up := st.NewUploader(ctx, defaultParallel(req.Parallel), done)
	for _, f := range files {
		if err := up.Add(f); err != nil {
			break
		}
	}
	if err := up.Wait(); err != nil {
		return nil, err
	}
	// The manifests and states go last, one after the other.
	for _, f := range roots {
		sha, size, err := hashLocal(f.Path)
		if err != nil {
			return nil, err
		}
		f.SHA256, f.Size = sha, size
		obj, ok, err := st.Stat(ctx, f.Rel)
		if err != nil {
			return nil, err
		}
		if ok && obj.Size == size && obj.SHA256 == sha {
			done(blobstore.Result{File: f, Skipped: true})
			continue
		}
		if _, err := st.UploadFile(ctx, f.Rel, f.Path, sha); err != nil {
			return nil, err
		}
		done(blobstore.Result{File: f})
	}
	req.Progress.Finish(ExportTask)
	sum.Seconds = time.Since(began).Seconds()
	sum.MBPerSec = float64(sum.Bytes) / 1e6 / max(sum.Seconds, 1e-9)
	return sum, nil
}

// exportPlan lists the data files the manifests of dir name (checked to be
// there with the recorded size) and the root files to upload after them.
func exportPlan(dir string) (files, roots []blobstore.File, err error) {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return nil, nil, fmt.Errorf("--from %s: no such folder", dir)
	}
	m, err := output.ReadManifest(dir)
	if err != nil {
		return nil, nil, err
	}
	shardManifests, _ := filepath.Glob(filepath.Join(dir, "manifest.shard-*-of-*.json"))
	shardStates, _ := filepath.Glob(filepath.Join(dir, "state.shard-*-of-*.json"))
	if m == nil {
		if len(shardManifests) > 0 {
			return nil, nil, fmt.Errorf("%s has shard manifests but no manifest.json: run `retail-datagen merge -o %s` once every shard is done, then export", dir, dir)
		}
		return nil, nil, fmt.Errorf("%s has no manifest.json, so it is not an output folder of retail-datagen (or its generation has not finished): generate into it first, or point --from at the folder that holds manifest.json", dir)
	}
	manifests := []*output.Manifest{m}
	for _, p := range shardManifests {
		sm, err := output.ReadManifestFile(dir, filepath.Base(p))
		if err != nil {
			return nil, nil, err
		}
		manifests = append(manifests, sm)
	}
	seen := map[string]bool{}
	for _, man := range manifests {
		for _, fi := range manifestFiles(man) {
			if seen[fi.Path] {
				continue
			}
			seen[fi.Path] = true
			p := filepath.Join(dir, filepath.FromSlash(fi.Path))
			st, err := os.Stat(p)
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil, fmt.Errorf("the manifest names %s, which is missing from %s: the folder is incomplete; generate it again (`retail-datagen validate %s` tells what else is wrong)", fi.Path, dir, dir)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("reading %s: %w", p, err)
			}
			if st.Size() != fi.Bytes {
				return nil, nil, fmt.Errorf("%s has %d bytes, the manifest records %d: the folder changed after generation; generate it again", p, st.Size(), fi.Bytes)
			}
			files = append(files, blobstore.File{Rel: fi.Path, Path: p, Size: fi.Bytes, SHA256: fi.SHA256, SkipSame: true})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Rel < files[j].Rel })
	var names []string
	for _, p := range shardManifests {
		names = append(names, filepath.Base(p))
	}
	names = append(names, output.ManifestName)
	for _, p := range shardStates {
		names = append(names, filepath.Base(p))
	}
	if _, err := os.Stat(filepath.Join(dir, state.FileName)); err == nil {
		names = append(names, state.FileName)
	}
	for _, n := range names {
		roots = append(roots, blobstore.File{Rel: n, Path: filepath.Join(dir, n), SkipSame: true})
	}
	return files, roots, nil
}

// manifestFiles lists every file of a manifest.
func manifestFiles(m *output.Manifest) []output.FileInfo {
	var out []output.FileInfo
	for _, t := range m.Tables {
		out = append(out, t.Files...)
		for _, p := range t.Partitions {
			out = append(out, p.Files...)
		}
	}
	return out
}

func hashLocal(p string) (sha string, size int64, err error) {
	return blobstore.HashFile(p)
}

// RenamePath names target instead of the local folder dir in err's
// message (a staging folder stands for a bucket).
func RenamePath(err error, dir, target string) error {
	if err == nil || dir == "" || !strings.Contains(err.Error(), dir) {
		return err
	}
	return &renamedError{msg: strings.ReplaceAll(err.Error(), dir, target), err: err}
}

type renamedError struct {
	msg string
	err error
}

func (e *renamedError) Error() string { return e.msg }
func (e *renamedError) Unwrap() error { return e.err }

// MergeRemote merges the shards of a dataset in object storage, as
// generate.MergeShards does in a folder: it downloads the shards'
// manifests and states, uploads manifest.json and then state.json, and
// removes the shards' files.
func MergeRemote(ctx context.Context, url string, creds blobstore.Credentials) (int, error) {
	st, err := blobstore.Open(ctx, url, creds)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	dir, err := os.MkdirTemp("", "retail-datagen-merge-")
	if err != nil {
		return 0, fmt.Errorf("creating a temporary folder: %w", err)
	}
	defer os.RemoveAll(dir)
	objs, err := st.List(ctx, "", false)
	if err != nil {
		return 0, err
	}
	var shards []string
	for _, o := range objs {
		if shardRootFile.MatchString(o.Rel) {
			shards = append(shards, o.Rel)
			if _, err := st.DownloadFile(ctx, o.Rel, filepath.Join(dir, o.Rel)); err != nil {
				return 0, err
			}
		}
	}
	n, err := generate.MergeShards(dir)
	if err != nil {
		return 0, RenamePath(err, dir, st.Location().String())
	}
	for _, name := range []string{output.ManifestName, state.FileName} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if _, err := st.UploadFile(ctx, name, p, ""); err != nil {
			return 0, err
		}
	}
	// States first: a shard state without its manifest is never left
	// behind.
	slices.SortStableFunc(shards, func(a, b string) int {
		return strings.Compare(a[:5], b[:5]) * -1 // "state" before "manif"
	})
	for _, s := range shards {
		if err := st.Delete(ctx, s); err != nil {
			return 0, err
		}
	}
	return n, nil
}
