package validate

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// FileFormat is how one file is encoded, from its name.
type FileFormat struct {
	Format string // parquet, csv or jsonl
	Gzip   bool
}

// FormatOf returns the format of a file from its extension: .parquet, .csv,
// .jsonl, .csv.gz or .jsonl.gz.
func FormatOf(path string) (FileFormat, error) {
	name := path
	gz := strings.HasSuffix(name, ".gz")
	name = strings.TrimSuffix(name, ".gz")
	switch {
	case strings.HasSuffix(name, ".parquet") && !gz:
		return FileFormat{Format: "parquet"}, nil
	case strings.HasSuffix(name, ".csv"):
		return FileFormat{Format: "csv", Gzip: gz}, nil
	case strings.HasSuffix(name, ".jsonl"):
		return FileFormat{Format: "jsonl", Gzip: gz}, nil
	}
	return FileFormat{}, fmt.Errorf("%s: unknown file type: want .parquet, .csv, .jsonl, .csv.gz or .jsonl.gz", path)
}

// RowError is a row that could not be decoded.
type RowError struct {
	Row int64 // 1-based data row
	Err error
}

func (e *RowError) Error() string { return fmt.Sprintf("row %d: %v", e.Row, e.Err) }
func (e *RowError) Unwrap() error { return e.Err }

// Each reads the file at path one batch of at most batchSize rows at a time
// and calls fn with each batch; the slice is reused, so fn must copy what it
// keeps. The format follows the file name (see FormatOf). A row that cannot
// be decoded stops the reading with a *RowError; an error from fn stops it
// and is returned as is.
func Each[T any, PT rows.Parser[T]](path string, batchSize int, fn func(batch []T) error) error {
	if _, err := FormatOf(path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	return EachFile[T, PT](f, path, batchSize, fn)
}

// EachFile is Each on a file the caller opened (and closes); path names it
// in messages and gives its format.
func EachFile[T any, PT rows.Parser[T]](f *os.File, path string, batchSize int, fn func(batch []T) error) error {
	ff, err := FormatOf(path)
	if err != nil {
		return err
	}
	if batchSize <= 0 {
		batchSize = 1024
	}
	switch ff.Format {
	case "parquet":
		return eachParquet[T](f, path, batchSize, fn)
	}
	var src io.Reader = bufio.NewReaderSize(f, 1<<20)
	if ff.Gzip {
		zr, err := gzip.NewReader(src)
		if err != nil {
			return fmt.Errorf("%s is not gzip-compressed: %w", path, err)
		}
		defer zr.Close()
		src = zr
	}
	if ff.Format == "csv" {
		return eachCSV[T, PT](src, path, batchSize, fn)
	}
	return eachJSONL[T, PT](src, path, batchSize, fn)
}

func eachParquet[T any](f *os.File, path string, batchSize int, fn func([]T) error) (err error) {
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return fmt.Errorf("%s is not a readable Parquet file: %w", path, err)
	}
	// The Parquet library panics on a schema it cannot convert to T.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: Parquet schema does not match the table: %v", path, p)
		}
	}()
	r := parquet.NewGenericReader[T](pf)
	defer r.Close()
	buf := make([]T, batchSize)
	for {
		clear(buf)
		n, rerr := r.Read(buf)
		if n > 0 {
			if err := fn(buf[:n]); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("reading %s: %w", path, rerr)
		}
	}
}

func eachCSV[T any, PT rows.Parser[T]](src io.Reader, path string, batchSize int, fn func([]T) error) error {
	cr := csv.NewReader(src)
	cr.ReuseRecord = true
	want := strings.Split(strings.TrimSuffix(PT(new(T)).CSVHeader(), "\n"), ",")
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s is empty: a CSV file starts with its header", path)
	}
	if err != nil {
		return fmt.Errorf("reading the header of %s: %w", path, err)
	}
	if strings.Join(header, ",") != strings.Join(want, ",") {
		return fmt.Errorf("%s: CSV header %q does not match the table's columns %q", path, strings.Join(header, ","), strings.Join(want, ","))
	}
	cr.FieldsPerRecord = len(want)
	buf := make([]T, batchSize)
	n := 0
	var row int64
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		row++
		if err != nil {
			return &RowError{Row: row, Err: err}
		}
		var zero T
		buf[n] = zero
		if err := PT(&buf[n]).ParseCSV(rec); err != nil {
			return &RowError{Row: row, Err: err}
		}
		n++
		if n == batchSize {
			if err := fn(buf); err != nil {
				return err
			}
			n = 0
		}
	}
	if n > 0 {
		return fn(buf[:n])
	}
	return nil
}

func eachJSONL[T any, PT rows.Parser[T]](src io.Reader, path string, batchSize int, fn func([]T) error) error {
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	buf := make([]T, batchSize)
	n := 0
	var row int64
	for sc.Scan() {
		line := bytes.TrimSuffix(sc.Bytes(), []byte("\r"))
		row++
		var zero T
		buf[n] = zero
		if err := PT(&buf[n]).ParseJSON(line); err != nil {
			return &RowError{Row: row, Err: err}
		}
		n++
		if n == batchSize {
			if err := fn(buf); err != nil {
				return err
			}
			n = 0
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s after row %d: %w", path, row, err)
	}
	if n > 0 {
		return fn(buf[:n])
	}
	return nil
}

// fileDigest returns the size and SHA-256 of a file.
func fileDigest(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
