// Package output writes tables to files: Parquet, CSV and JSON Lines behind
// one writer type, the folder layout of SPEC §5.3, atomic file creation and
// the manifest.
package output

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	pqgzip "github.com/parquet-go/parquet-go/compress/gzip"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Format is an output file format.
type Format string

// Supported formats.
const (
	Parquet Format = "parquet"
	CSV     Format = "csv"
	JSONL   Format = "jsonl"
)

// ParseFormat validates a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Parquet, CSV, JSONL:
		return f, nil
	}
	return "", fmt.Errorf("output format %q is not supported: use parquet, csv or jsonl", s)
}

// Options select the encoding of written files.
type Options struct {
	Format Format
	// Compression: for Parquet zstd (default), snappy, gzip or none; for CSV
	// and JSONL none (default) or gzip.
	Compression string
	// Version is recorded as the Parquet "created by" version.
	Version string
	// codec is the Parquet compression codec, shared by every writer made
	// from these options: codecs pool their encoders, and a zstd encoder
	// holds megabytes of history, so one pool per job keeps memory flat.
	codec compress.Codec
	// bufs recycles the writers' 1 MiB output buffers across files:
	// *bufio.Writer for Parquet's and gzip's output, *[]byte (raw) for
	// CSV and JSON Lines, which rows are encoded into directly.
	bufs *sync.Pool
	raw  *sync.Pool
}

// Normalize fills defaults and validates the combination.
func (o Options) Normalize() (Options, error) {
	if o.Format == "" {
		o.Format = Parquet
	}
	if _, err := ParseFormat(string(o.Format)); err != nil {
		return o, err
	}
	switch o.Format {
	case Parquet:
		if o.Compression == "" {
			o.Compression = "zstd"
		}
		switch o.Compression {
		case "zstd", "snappy", "gzip", "none":
		default:
			return o, fmt.Errorf("compression %q is not supported for parquet: use zstd, snappy, gzip or none", o.Compression)
		}
		if o.codec == nil || o.codec.String() != parquetCodec(o.Compression).String() {
			o.codec = parquetCodec(o.Compression)
		}
	default:
		if o.Compression == "" {
			o.Compression = "none"
		}
		if o.Compression != "none" && o.Compression != "gzip" {
			return o, fmt.Errorf("compression %q is not supported for %s: use none or gzip", o.Compression, o.Format)
		}
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.bufs == nil {
		o.bufs = &sync.Pool{New: func() any { return bufio.NewWriterSize(nil, writeBufferSize) }}
	}
	if o.raw == nil {
		o.raw = &sync.Pool{New: func() any { b := make([]byte, 0, writeBufferSize); return &b }}
	}
	return o, nil
}

// Ext returns the file extension, including compression for text formats.
func (o Options) Ext() string {
	ext := "." + string(o.Format)
	if o.Format != Parquet && o.Compression == "gzip" {
		ext += ".gz"
	}
	return ext
}

// FileInfo describes a committed file.
type FileInfo struct {
	Path   string `json:"path"` // as given to Create
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Writer writes rows of one table to one file. Rows become visible only when
// Commit renames the finished temporary file to its final name.
type Writer[T any, PT rows.Row[T]] struct {
	path    string
	tmp     *os.File
	counter *countingWriter
	buf     *bufio.Writer // Parquet's and gzip's output
	gz      *gzip.Writer
	pq      *parquet.GenericWriter[T]
	// out is CSV's and JSON Lines' buffer: rows are appended to it and it
	// is written to text (the file, or gzip) when nearly full.
	out    *[]byte
	text   io.Writer
	format Format
	rows   int64
	done   bool
	// finished: everything is written to the temporary file (see Finish).
	finished bool
	bufs     *sync.Pool
	raw      *sync.Pool
}

// writeBufferSize is the size of the writes to the file: large writes
// cost the kernel less per byte.
const writeBufferSize = 1 << 20

// flushAt is when plain text's buffer is written out: early enough that
// rows of up to 64 KiB never make it grow.
const flushAt = writeBufferSize - 64<<10

type countingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}

// Create starts a file at path (its folder is created). Nothing is visible at
// path until Commit.
func Create[T any, PT rows.Row[T]](path string, opts Options) (*Writer[T, PT], error) {
	opts, err := opts.Normalize()
	if err != nil {
		return nil, err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating output folder %s: %w", dir, err)
	}
	// A leading dot hides the temporary file from Spark, DuckDB and friends.
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("creating temporary file in %s: %w", dir, err)
	}
	w := &Writer[T, PT]{path: path, tmp: tmp, format: opts.Format, bufs: opts.bufs, raw: opts.raw}
	w.counter = &countingWriter{w: tmp, h: sha256.New()}
	if opts.Format == Parquet || opts.Compression == "gzip" {
		w.buf = opts.bufs.Get().(*bufio.Writer)
		w.buf.Reset(w.counter)
	}
	switch {
	case opts.Format == Parquet:
		w.pq = parquet.NewGenericWriter[T](w.buf,
			parquet.Compression(opts.codec),
			parquet.CreatedBy("retail-datagen", opts.Version, ""),
			parquet.MaxRowsPerRowGroup(512*1024),
			parquet.PageBufferSize(256*1024),
		)
		return w, nil
	case opts.Compression == "gzip":
		// A zero header (no name, no mtime) keeps the bytes reproducible.
		w.gz, _ = gzip.NewWriterLevel(w.buf, gzip.DefaultCompression)
		w.text = w.gz
	default:
		w.text = w.counter
	}
	w.out = opts.raw.Get().(*[]byte)
	*w.out = (*w.out)[:0]
	if opts.Format == CSV {
		*w.out = append(*w.out, PT(new(T)).CSVHeader()...)
	}
	return w, nil
}

func parquetCodec(name string) compress.Codec {
	switch name {
	case "snappy":
		return &snappy.Codec{}
	case "gzip":
		return &pqgzip.Codec{}
	case "none":
		return &uncompressed.Codec{}
	}
	return &zstd.Codec{Level: zstd.SpeedFastest}
}

// Write appends a batch of rows.
func (w *Writer[T, PT]) Write(batch []T) error {
	if w.done || w.finished {
		return errors.New("write after finish, commit or abort")
	}
	switch w.format {
	case Parquet:
		if _, err := w.pq.Write(batch); err != nil {
			return fmt.Errorf("writing %s: %w", w.path, err)
		}
	case CSV, JSONL:
		if err := w.writeText(batch); err != nil {
			return err
		}
	}
	w.rows += int64(len(batch))
	return nil
}

// writeText encodes batch straight into the output buffer, writing the
// buffer out (to the file, or to gzip) whenever it is nearly full.
func (w *Writer[T, PT]) writeText(batch []T) error {
	out := *w.out
	csv := w.format == CSV
	for i := range batch {
		if csv {
			out = PT(&batch[i]).AppendCSV(out)
		} else {
			out = PT(&batch[i]).AppendJSON(out)
		}
		if len(out) >= flushAt {
			if _, err := w.text.Write(out); err != nil {
				*w.out = out[:0]
				return fmt.Errorf("writing %s: %w", w.path, err)
			}
			out = out[:0]
		}
	}
	*w.out = out
	return nil
}

// Rows reports the rows written so far.
func (w *Writer[T, PT]) Rows() int64 { return w.rows }

// Finish writes out everything buffered and releases the encoder's memory;
// the file is complete but not yet durable nor visible. Commit follows (it
// finishes the file itself if Finish was not called): splitting the two
// lets the CPU work of the next file overlap this one's wait for the disk.
func (w *Writer[T, PT]) Finish() error {
	if w.done {
		return errors.New("finish after commit or abort")
	}
	if w.finished {
		return nil
	}
	fail := func(err error) error {
		w.Abort()
		return fmt.Errorf("finishing %s: %w", w.path, err)
	}
	if w.out != nil {
		if _, err := w.text.Write(*w.out); err != nil {
			return fail(err)
		}
	}
	if w.pq != nil {
		if err := w.pq.Close(); err != nil {
			return fail(err)
		}
		w.pq = nil
	}
	if w.gz != nil {
		if err := w.gz.Close(); err != nil {
			return fail(err)
		}
		w.gz = nil
	}
	if w.buf != nil {
		if err := w.buf.Flush(); err != nil {
			return fail(err)
		}
	}
	w.releaseBuffer()
	w.finished = true
	return nil
}

// Commit finishes the file, makes it durable and renames it into place.
func (w *Writer[T, PT]) Commit() (FileInfo, error) {
	if w.done {
		return FileInfo{}, errors.New("commit after commit or abort")
	}
	if err := w.Finish(); err != nil {
		return FileInfo{}, err
	}
	fail := func(err error) (FileInfo, error) {
		w.Abort()
		return FileInfo{}, fmt.Errorf("finishing %s: %w", w.path, err)
	}
	if err := w.tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := w.tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(w.tmp.Name(), w.path); err != nil {
		return fail(err)
	}
	w.done = true
	if err := syncDir(filepath.Dir(w.path)); err != nil {
		return FileInfo{}, err
	}
	return FileInfo{
		Path:   w.path,
		Rows:   w.rows,
		Bytes:  w.counter.n,
		SHA256: hex.EncodeToString(w.counter.h.Sum(nil)),
	}, nil
}

// Abort discards the file. It is safe to call after Commit (it does nothing).
func (w *Writer[T, PT]) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.releaseBuffer()
	_ = w.tmp.Close()
	_ = os.Remove(w.tmp.Name())
}

// releaseBuffer returns the output buffer to the pool, once.
func (w *Writer[T, PT]) releaseBuffer() {
	if w.out != nil {
		*w.out = (*w.out)[:0]
		w.raw.Put(w.out)
		w.out = nil
	}
	if w.buf == nil {
		return
	}
	w.buf.Reset(nil)
	w.bufs.Put(w.buf)
	w.buf = nil
}

// WriteFile writes all rows to path in one go and commits.
func WriteFile[T any, PT rows.Row[T]](path string, opts Options, all []T) (FileInfo, error) {
	w, err := Create[T, PT](path, opts)
	if err != nil {
		return FileInfo{}, err
	}
	const batch = 8192
	for i := 0; i < len(all); i += batch {
		if err := w.Write(all[i:min(i+batch, len(all))]); err != nil {
			w.Abort()
			return FileInfo{}, err
		}
	}
	return w.Commit()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("opening folder %s to sync it: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing folder %s: %w", dir, err)
	}
	return nil
}

// RemoveTemps deletes the temporary files (".<name>.*.tmp") that a killed
// run may have left under root's master and facts folders. They are hidden
// from readers, but a new run should not leave them behind.
func RemoveTemps(root string) error {
	for _, dir := range []string{"master", "facts"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if !d.IsDir() && strings.HasPrefix(d.Name(), ".") && strings.HasSuffix(d.Name(), ".tmp") {
				if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("removing temporary files under %s: %w", filepath.Join(root, dir), err)
		}
	}
	// Temporary files of the manifest and state, in the root.
	m, _ := filepath.Glob(filepath.Join(root, ".*.tmp"))
	for _, p := range m {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing %s: %w", p, err)
		}
	}
	return nil
}
