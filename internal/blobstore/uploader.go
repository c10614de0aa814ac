package blobstore

import (
	"context"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sync/errgroup"
)

// File is a local file to upload.
type File struct {
	Rel    string // object key relative to the location (slash-separated)
	Path   string // local file
	Size   int64  // expected size; with SHA256, used to skip identical objects
	SHA256 string // expected content hash (hex); empty: hashed before upload
	// SkipSame skips the upload when the object already exists with the
	// same size and the same sha256 metadata.
	SkipSame bool
	// Remove deletes the local file once it is uploaded.
	Remove bool
}

// Result is a finished upload.
type Result struct {
	File
	Skipped bool // the object was already there with the same content
}

// Uploader uploads files in parallel: at most parallel uploads run at
// once, and Add blocks while they do, so a producer that removes its files
// after upload keeps at most that many waiting on disk.
type Uploader struct {
	store *Store
	g     *errgroup.Group
	ctx   context.Context
	done  func(Result)

	mu  sync.Mutex
	err error
}

// NewUploader starts an uploader; done (optional) is called after each
// upload, from the uploading goroutine. Canceling ctx aborts the uploads
// in flight.
func (s *Store) NewUploader(ctx context.Context, parallel int, done func(Result)) *Uploader {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, parallel))
	if done == nil {
		done = func(Result) {}
	}
	return &Uploader{store: s, g: g, ctx: ctx, done: done}
}

// Add queues f. It returns the error of an earlier upload, if one failed,
// and then queues nothing.
func (u *Uploader) Add(f File) error {
	if err := u.failed(); err != nil {
		return err
	}
	if err := u.ctx.Err(); err != nil {
		return err
	}
	u.g.Go(func() error {
		if err := u.upload(f); err != nil {
			u.mu.Lock()
			if u.err == nil {
				u.err = err
			}
			u.mu.Unlock()
			return err
		}
		return nil
	})
	return nil
}

func (u *Uploader) failed() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.err
}

func (u *Uploader) upload(f File) error {
	if err := u.ctx.Err(); err != nil {
		return err
	}
	if f.SkipSame && f.SHA256 != "" {
		obj, ok, err := u.store.Stat(u.ctx, f.Rel)
		if err != nil {
			return err
		}
		if ok && obj.Size == f.Size && obj.SHA256 == f.SHA256 {
			u.done(Result{File: f, Skipped: true})
			return nil
		}
	}
	if _, err := u.store.UploadFile(u.ctx, f.Rel, f.Path, f.SHA256); err != nil {
		return err
	}
	if f.Remove {
		if err := os.Remove(f.Path); err != nil {
			return fmt.Errorf("removing the staged copy %s: %w", f.Path, err)
		}
	}
	u.done(Result{File: f})
	return nil
}

// Wait waits for every queued upload and returns the first error.
func (u *Uploader) Wait() error {
	err := u.g.Wait()
	if first := u.failed(); first != nil {
		return first
	}
	return err
}
