package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/validate"
)

// anyRow is what every generated row type does; rows.New returns one.
type anyRow interface {
	CSVHeader() string
	AppendJSON(b []byte) []byte
	ParseCSV(fields []string) error
}

// preview reads at most limit rows of a file as values in column order.
func (d *dataset) preview(t schema.Table, f output.FileInfo, limit int) ([][]any, error) {
	ff, err := validate.FormatOf(f.Path)
	if err != nil {
		return nil, err
	}
	file, err := d.open(t.Name, f)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = c.Name
	}
	var out [][]any
	add := func(obj []byte) error {
		vals, err := ordered(obj, cols)
		if err != nil {
			return err
		}
		out = append(out, vals)
		return nil
	}
	if ff.Format == "parquet" {
		err = previewParquet(file, t.Name, limit, add)
		return out, err
	}
	var src io.Reader = bufio.NewReader(file)
	if ff.Gzip {
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, fmt.Errorf("not gzip-compressed: %w", err)
		}
		defer zr.Close()
		src = zr
	}
	if ff.Format == "csv" {
		err = previewCSV(src, t.Name, limit, add)
	} else {
		err = previewJSONL(src, limit, add)
	}
	return out, err
}

// maxExactInt is the largest integer a JavaScript number holds exactly.
const maxExactInt = 1<<53 - 1

// exact returns a JSON integer beyond ±maxExactInt (receipt ids, say) as a
// JSON string, so that browsers show it exactly; other values unchanged.
func exact(v json.RawMessage) json.RawMessage {
	if len(v) < 16 || bytes.ContainsAny(v, `."eE`) {
		return v
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || (n <= maxExactInt && n >= -maxExactInt) {
		return v
	}
	return json.RawMessage(strconv.Quote(string(v)))
}

// ordered picks the values of a JSON object in column order.
func ordered(obj []byte, cols []string) ([]any, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		return nil, fmt.Errorf("a row is not a JSON object: %w", err)
	}
	vals := make([]any, len(cols))
	for i, c := range cols {
		v, ok := m[c]
		if !ok {
			return nil, fmt.Errorf("a row has no column %s", c)
		}
		vals[i] = exact(v)
	}
	return vals, nil
}

func newRow(table string) (anyRow, error) {
	r, ok := rows.New(table).(anyRow)
	if !ok {
		return nil, fmt.Errorf("no row type for table %s", table)
	}
	return r, nil
}

func previewParquet(f *os.File, table string, limit int, add func([]byte) error) (err error) {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return fmt.Errorf("not a readable Parquet file: %w", err)
	}
	// The Parquet library panics on a schema it cannot convert.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the Parquet schema does not match table %s: %v", table, p)
		}
	}()
	r := parquet.NewReader(pf)
	defer r.Close()
	var buf []byte
	for n := 0; n < limit; n++ {
		row, err := newRow(table)
		if err != nil {
			return err
		}
		if err := r.Read(row); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("row %d: %w", n+1, err)
		}
		buf = row.AppendJSON(buf[:0])
		if err := add(buf); err != nil {
			return err
		}
	}
	return nil
}

func previewCSV(src io.Reader, table string, limit int, add func([]byte) error) error {
	row, err := newRow(table)
	if err != nil {
		return err
	}
	cr := csv.NewReader(src)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return errors.New("empty file: a CSV file starts with its header")
	}
	if err != nil {
		return fmt.Errorf("reading the header: %w", err)
	}
	if want := strings.TrimSuffix(row.CSVHeader(), "\n"); strings.Join(header, ",") != want {
		return fmt.Errorf("the CSV header %q does not match the table's columns %q", strings.Join(header, ","), want)
	}
	var buf []byte
	for n := 0; n < limit; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("row %d: %w", n+1, err)
		}
		if row, err = newRow(table); err != nil {
			return err
		}
		if err := row.ParseCSV(rec); err != nil {
			return fmt.Errorf("row %d: %w", n+1, err)
		}
		buf = row.AppendJSON(buf[:0])
		if err := add(buf); err != nil {
			return err
		}
	}
	return nil
}

func previewJSONL(src io.Reader, limit int, add func([]byte) error) error {
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 0; n < limit && sc.Scan(); n++ {
		if err := add(bytes.TrimSuffix(sc.Bytes(), []byte("\r"))); err != nil {
			return fmt.Errorf("row %d: %w", n+1, err)
		}
	}
	return sc.Err()
}
