package blobstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// SHA256Key is the metadata key under which every uploaded object records
// the SHA-256 of its content (hex), so that a later upload of the same bytes
// can be skipped.
const SHA256Key = "sha256"

// Store is an opened bucket and prefix. It is safe for concurrent use.
type Store struct {
	loc     Location
	bucket  *blob.Bucket
	secrets []string
	closers []func() error
}

// Object is a stored object; Rel is its key relative to the location.
type Object struct {
	Rel    string
	Size   int64
	SHA256 string // from the object's metadata; empty when unknown
}

// Location is where the store points.
func (s *Store) Location() Location { return s.loc }

// Close releases the bucket's clients.
func (s *Store) Close() error {
	err := s.bucket.Close()
	for _, c := range s.closers {
		err = errors.Join(err, c())
	}
	return err
}

// Stat describes the object rel; ok is false when there is none.
func (s *Store) Stat(ctx context.Context, rel string) (obj Object, ok bool, err error) {
	a, err := s.bucket.Attributes(ctx, rel)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return Object{}, false, nil
	}
	if err != nil {
		return Object{}, false, s.scrub(fmt.Errorf("reading the attributes of %s: %w", s.loc.Key(rel), err))
	}
	return Object{Rel: rel, Size: a.Size, SHA256: a.Metadata[SHA256Key]}, true, nil
}

// UploadFile copies the local file at localPath to the object rel. The
// object is written with a single or a multipart (block) upload that is
// completed only after the last byte: readers see the old object or the
// new one, never a partial one, and a failed or canceled upload is aborted.
// When wantSHA256 is set the file must hash to it (it is checked while
// uploading, and the upload aborted on a mismatch); otherwise the file is
// hashed first. The hash is stored as the object's sha256 metadata.
func (s *Store) UploadFile(ctx context.Context, rel, localPath, wantSHA256 string) (Object, error) {
	if wantSHA256 == "" {
		sum, _, err := HashFile(localPath)
		if err != nil {
			return Object{}, err
		}
		wantSHA256 = sum
	}
	f, err := os.Open(localPath)
	if err != nil {
		return Object{}, fmt.Errorf("opening %s to upload it: %w", localPath, err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	vr := &verifyingReader{r: f, h: sha256.New(), want: wantSHA256, abort: cancel}
	// Bucket.Upload hands the reader to the driver in one call (a
	// multipart or block upload for big files). A read error, or a content
	// that does not hash to wantSHA256, cancels the upload's context before
	// the driver sees the end of the data: the upload is aborted and no
	// object appears.
	err = s.bucket.Upload(ctx, rel, vr, &blob.WriterOptions{
		ContentType: contentType(rel),
		Metadata:    map[string]string{SHA256Key: wantSHA256},
	})
	if vr.err != nil {
		err = vr.err
	}
	if err != nil {
		return Object{}, s.scrub(fmt.Errorf("uploading %s to %s: %w", localPath, s.loc.Key(rel), err))
	}
	n := vr.n
	return Object{Rel: rel, Size: n, SHA256: wantSHA256}, nil
}

// verifyingReader hashes what it reads and, at the end, checks the hash;
// on any error it calls abort first.
type verifyingReader struct {
	r     io.Reader
	h     hash.Hash
	want  string
	abort func()
	n     int64
	err   error
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	switch {
	case err == io.EOF:
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want {
			v.err = fmt.Errorf("its content (sha256 %s) differs from what the manifest records (%s): the file changed after it was written; generate it again", got, v.want)
		}
	case err != nil:
		v.err = err
	}
	if v.err != nil {
		v.abort()
		return n, v.err
	}
	return n, err
}

// WriteBytes stores data as the object rel, atomically like UploadFile.
func (s *Store) WriteBytes(ctx context.Context, rel string, data []byte) error {
	sum := sha256.Sum256(data)
	err := s.bucket.Upload(ctx, rel, bytes.NewReader(data), &blob.WriterOptions{
		ContentType: contentType(rel),
		Metadata:    map[string]string{SHA256Key: hex.EncodeToString(sum[:])},
	})
	if err != nil {
		return s.scrub(fmt.Errorf("writing %s: %w", s.loc.Key(rel), err))
	}
	return nil
}

// ReadAll returns the content of the object rel; ok is false when there is
// none.
func (s *Store) ReadAll(ctx context.Context, rel string) (data []byte, ok bool, err error) {
	b, err := s.bucket.ReadAll(ctx, rel)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.scrub(fmt.Errorf("reading %s: %w", s.loc.Key(rel), err))
	}
	return b, true, nil
}

// DownloadFile copies the object rel to localPath through a temporary file
// and a rename; ok is false (and nothing is written) when there is no such
// object.
func (s *Store) DownloadFile(ctx context.Context, rel, localPath string) (ok bool, err error) {
	r, err := s.bucket.NewReader(ctx, rel, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return false, nil
	}
	if err != nil {
		return false, s.scrub(fmt.Errorf("reading %s: %w", s.loc.Key(rel), err))
	}
	defer r.Close()
	dir := filepath.Dir(localPath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fmt.Errorf("creating folder %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(localPath)+".*.tmp")
	if err != nil {
		return false, fmt.Errorf("creating a temporary file in %s: %w", dir, err)
	}
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return false, s.scrub(fmt.Errorf("downloading %s: %w", s.loc.Key(rel), err))
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return false, fmt.Errorf("writing %s: %w", localPath, err)
	}
	if err := os.Rename(tmp.Name(), localPath); err != nil {
		os.Remove(tmp.Name())
		return false, fmt.Errorf("writing %s: %w", localPath, err)
	}
	return true, nil
}

// List returns the objects whose key (relative to the location) starts
// with prefix. With recursive false only the objects directly under prefix
// are listed, as in a folder.
func (s *Store) List(ctx context.Context, prefix string, recursive bool) ([]Object, error) {
	opts := &blob.ListOptions{Prefix: prefix}
	if !recursive {
		opts.Delimiter = "/"
	}
	it := s.bucket.List(opts)
	var out []Object
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, s.scrub(fmt.Errorf("listing %s: %w", s.loc.Key(prefix), err))
		}
		if o.IsDir {
			continue
		}
		out = append(out, Object{Rel: o.Key, Size: o.Size})
	}
}

// Delete removes the object rel; a missing object is not an error.
func (s *Store) Delete(ctx context.Context, rel string) error {
	err := s.bucket.Delete(ctx, rel)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return s.scrub(fmt.Errorf("deleting %s: %w", s.loc.Key(rel), err))
	}
	return nil
}

// DeleteAll removes every object whose key starts with prefix.
func (s *Store) DeleteAll(ctx context.Context, prefix string) error {
	objs, err := s.List(ctx, prefix, true)
	if err != nil {
		return err
	}
	for _, o := range objs {
		if err := s.Delete(ctx, o.Rel); err != nil {
			return err
		}
	}
	return nil
}

// HashFile returns the SHA-256 (hex) and size of a local file.
func HashFile(p string) (sha string, size int64, err error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, fmt.Errorf("opening %s: %w", p, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("reading %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// contentType names the media type of an output file by its extension.
func contentType(rel string) string {
	name := path.Base(rel)
	switch {
	case strings.HasSuffix(name, ".gz"):
		return "application/gzip"
	case strings.HasSuffix(name, ".parquet"):
		return "application/vnd.apache.parquet"
	case strings.HasSuffix(name, ".csv"):
		return "text/csv; charset=utf-8"
	case strings.HasSuffix(name, ".jsonl"):
		return "application/x-ndjson"
	case strings.HasSuffix(name, ".json"):
		return "application/json"
	}
	return "application/octet-stream"
}

// scrub replaces any secret in err's message with ***: SDK errors may quote
// request URLs, and a SAS signature or an account key must never be
// printed.
func (s *Store) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := false
	for _, sec := range s.secrets {
		if len(sec) >= 4 && strings.Contains(msg, sec) {
			msg = strings.ReplaceAll(msg, sec, "***")
			changed = true
		}
	}
	if !changed {
		return err
	}
	return &scrubbedError{msg: msg, err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }

// Unwrap keeps errors.Is and errors.As working (context.Canceled, say).
func (e *scrubbedError) Unwrap() error { return e.err }
