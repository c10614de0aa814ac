package server

import (
	"archive/zip"
	"cmp"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/validate"
)

// dataset is the manifest of the output folder and the folder itself,
// opened so that no file outside it can be reached.
type dataset struct {
	man  *output.Manifest
	root *os.Root
}

// openDataset reads the manifest. With no manifest it returns a dataset
// without tables (and a nil root).
func (s *Server) openDataset() (*dataset, error) {
	man, err := output.ReadManifest(s.outDir)
	if err != nil {
		return nil, huma.Error500InternalServerError(fmt.Sprintf("reading the manifest of %s: %v", s.outDir, err))
	}
	if man == nil {
		return &dataset{man: &output.Manifest{Tables: map[string]*output.TableEntry{}}}, nil
	}
	root, err := os.OpenRoot(s.outDir)
	if err != nil {
		return nil, huma.Error500InternalServerError(fmt.Sprintf("opening %s: %v", s.outDir, err))
	}
	return &dataset{man: man, root: root}, nil
}

func (d *dataset) Close() error {
	if d.root == nil {
		return nil
	}
	return d.root.Close()
}

// table checks a table name against the schema and the manifest.
func (d *dataset) table(name string) (schema.Table, *output.TableEntry, error) {
	t, ok := schema.Lookup(name)
	if !ok {
		return schema.Table{}, nil, huma.Error404NotFound(fmt.Sprintf("unknown table %q", name), &huma.ErrorDetail{
			Message: "not one of " + strings.Join(tableNames(), ", "), Location: "path.table", Value: name,
		})
	}
	e := d.man.Tables[name]
	if e == nil {
		return t, nil, huma.Error404NotFound(fmt.Sprintf("table %s has not been generated in this output folder", name))
	}
	return t, e, nil
}

func tableNames() []string {
	return append(schema.Names(schema.Master), schema.Names(schema.Fact)...)
}

// open opens a file listed in the manifest. Its path must stay inside the
// table's folder.
func (d *dataset) open(table string, f output.FileInfo) (*os.File, error) {
	rel := path.Clean(f.Path)
	if !filepath.IsLocal(filepath.FromSlash(rel)) ||
		(rel != "master/"+path.Base(rel) && !strings.HasPrefix(rel, "facts/"+table+"/")) {
		return nil, fmt.Errorf("the manifest lists %q, which is not a file of table %s", f.Path, table)
	}
	file, err := d.root.Open(filepath.FromSlash(rel))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", f.Path, err)
	}
	return file, nil
}

// days returns the partition days of a fact table, sorted.
func days(e *output.TableEntry) []string {
	out := make([]string, 0, len(e.Partitions))
	for d := range e.Partitions {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

type tableInfo struct {
	Name       string  `json:"name" example:"receipts"`
	Kind       string  `json:"kind" enum:"master,fact"`
	Rows       int64   `json:"rows"`
	Bytes      int64   `json:"bytes"`
	Files      int     `json:"files"`
	Partitions int     `json:"partitions" doc:"Days of a fact table; 0 for master tables"`
	FirstDay   *string `json:"first_day" example:"2025-01-01" doc:"First partition day; null for master tables"`
	LastDay    *string `json:"last_day" example:"2025-01-30" doc:"Last partition day; null for master tables"`
}

type tablesOutput struct {
	Body []tableInfo `nullable:"false"`
}

type fileItem struct {
	Name  string `json:"name" example:"part-1-0.parquet" doc:"File name, for ?file= of the partition download"`
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes"`
}

type partitionInfo struct {
	Date  string     `json:"date" example:"2025-01-01" doc:"YYYY-MM-DD, or all for a master table"`
	Rows  int64      `json:"rows"`
	Bytes int64      `json:"bytes"`
	Files []fileItem `json:"files" nullable:"false"`
}

type tableOutput struct {
	Body struct {
		tableInfo
		Format     string          `json:"format" example:"parquet"`
		Columns    []columnInfo    `json:"columns" nullable:"false"`
		PartList   []partitionInfo `json:"partition_list" nullable:"false" doc:"Days of a fact table (one entry, all, for a master table)"`
		DocComment string          `json:"doc" doc:"What the table holds"`
	}
}

type columnInfo struct {
	Name     string `json:"name"`
	Type     string `json:"type" example:"BIGINT"`
	Nullable bool   `json:"nullable"`
	Doc      string `json:"doc"`
}

type tablePath struct {
	Table string `path:"table" pattern:"^[a-z][a-z0-9_]{0,63}$" example:"receipts" doc:"Table name"`
}

type rowsInput struct {
	Table string `path:"table" pattern:"^[a-z][a-z0-9_]{0,63}$" example:"receipts" doc:"Table name"`
	Date  string `query:"date" example:"2025-01-01" doc:"Partition day (fact tables); default the first"`
	Limit int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Rows to return"`
}

// Resolve checks the date.
func (in *rowsInput) Resolve(huma.Context) []error {
	if in.Date == "" {
		return nil
	}
	if _, err := civil.ParseDate(in.Date); err != nil {
		return []error{&huma.ErrorDetail{Message: "must be a date YYYY-MM-DD", Location: "query.date", Value: in.Date}}
	}
	return nil
}

type rowsOutput struct {
	Body struct {
		Table   string   `json:"table"`
		Date    *string  `json:"date" doc:"Partition read; null for a master table"`
		Columns []string `json:"columns" nullable:"false"`
		Rows    [][]any  `json:"rows" nullable:"false" doc:"Values in column order: numbers, strings, booleans or null; money as decimal numbers, timestamps as YYYY-MM-DDTHH:MM:SS, integers beyond 2^53 (receipt ids) as strings"`
	}
}

type partitionInput struct {
	Table string `path:"table" pattern:"^[a-z][a-z0-9_]{0,63}$" example:"receipts" doc:"Table name"`
	Date  string `path:"date" example:"2025-01-01" doc:"Partition day YYYY-MM-DD, or all for a master table"`
	File  string `query:"file" example:"part-1-0.parquet" doc:"One file of the partition (by name); default: the only file, or all of them as a zip archive"`
}

// Resolve checks the date.
func (in *partitionInput) Resolve(huma.Context) []error {
	if in.Date == "all" {
		return nil
	}
	if _, err := civil.ParseDate(in.Date); err != nil {
		return []error{&huma.ErrorDetail{Message: "must be a date YYYY-MM-DD or all", Location: "path.date", Value: in.Date}}
	}
	return nil
}

func (s *Server) registerTables() {
	huma.Register(s.api, huma.Operation{
		OperationID: "list-tables",
		Method:      http.MethodGet,
		Path:        "/api/v1/tables",
		Summary:     "Tables in the output folder",
		Description: "Every table of the manifest with its row count, size and date range, dimensions first. Empty when nothing was generated.",
		Tags:        []string{"data"},
	}, func(context.Context, *struct{}) (*tablesOutput, error) {
		d, err := s.openDataset()
		if err != nil {
			return nil, err
		}
		defer s.closeQuietly(d, "output folder")
		out := &tablesOutput{Body: []tableInfo{}}
		for _, name := range tableNames() {
			if e := d.man.Tables[name]; e != nil {
				out.Body = append(out.Body, summarize(name, e))
			}
		}
		return out, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "get-table",
		Method:      http.MethodGet,
		Path:        "/api/v1/tables/{table}",
		Summary:     "One table: columns and partitions",
		Tags:        []string{"data"},
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(_ context.Context, in *tablePath) (*tableOutput, error) {
		d, err := s.openDataset()
		if err != nil {
			return nil, err
		}
		defer s.closeQuietly(d, "output folder")
		t, e, err := d.table(in.Table)
		if err != nil {
			return nil, err
		}
		out := &tableOutput{}
		out.Body.tableInfo = summarize(t.Name, e)
		out.Body.Format = string(d.man.Format)
		out.Body.DocComment = t.Doc
		out.Body.Columns = make([]columnInfo, len(t.Columns))
		for i, c := range t.Columns {
			out.Body.Columns[i] = columnInfo{Name: c.Name, Type: c.Type.SQL(), Nullable: c.Nullable, Doc: c.Doc}
		}
		out.Body.PartList = []partitionInfo{}
		if e.Kind == "master" {
			out.Body.PartList = append(out.Body.PartList, partition("all", e.Rows, e.Files))
		}
		for _, day := range days(e) {
			p := e.Partitions[day]
			out.Body.PartList = append(out.Body.PartList, partition(day, p.Rows, p.Files))
		}
		return out, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "preview-rows",
		Method:      http.MethodGet,
		Path:        "/api/v1/tables/{table}/rows",
		Summary:     "First rows of a table",
		Description: "The first `limit` rows of a master table, or of one day of a fact table (`date`, default the first day).",
		Tags:        []string{"data"},
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *rowsInput) (*rowsOutput, error) {
		d, err := s.openDataset()
		if err != nil {
			return nil, err
		}
		defer s.closeQuietly(d, "output folder")
		t, e, err := d.table(in.Table)
		if err != nil {
			return nil, err
		}
		files := e.Files
		out := &rowsOutput{}
		out.Body.Table = t.Name
		if e.Kind != "master" {
			day := in.Date
			if day == "" {
				if all := days(e); len(all) > 0 {
					day = all[0]
				}
			}
			p := e.Partitions[day]
			if p == nil {
				return nil, huma.Error404NotFound(fmt.Sprintf("table %s has no partition for %s", t.Name, day))
			}
			files = p.Files
			out.Body.Date = &day
		}
		out.Body.Columns = make([]string, len(t.Columns))
		for i, c := range t.Columns {
			out.Body.Columns[i] = c.Name
		}
		out.Body.Rows = [][]any{}
		for _, f := range files {
			if len(out.Body.Rows) >= in.Limit {
				break
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			rs, err := d.preview(t, f, in.Limit-len(out.Body.Rows))
			if err != nil {
				return nil, huma.Error500InternalServerError(fmt.Sprintf("reading %s: %v", f.Path, err))
			}
			out.Body.Rows = append(out.Body.Rows, rs...)
		}
		return out, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "download-partition",
		Method:      http.MethodGet,
		Path:        "/api/v1/tables/{table}/partitions/{date}",
		Summary:     "Download a partition",
		Description: "The file of a master table (`date` = `all`) or of one day of a fact table, as written (Parquet, CSV or JSON Lines, possibly gzip-compressed). " +
			"A day written by several DC networks has several files: `file` picks one, otherwise they come as one zip archive.",
		Tags:   []string{"data"},
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
		Responses: map[string]*huma.Response{
			"200": {
				Description: "The file, or a zip archive of the partition's files",
				Content: map[string]*huma.MediaType{
					"application/vnd.apache.parquet": {Schema: &huma.Schema{Type: "string", Format: "binary"}},
					"text/csv":                       {Schema: &huma.Schema{Type: "string"}},
					"application/x-ndjson":           {Schema: &huma.Schema{Type: "string"}},
					"application/gzip":               {Schema: &huma.Schema{Type: "string", Format: "binary"}},
					"application/zip":                {Schema: &huma.Schema{Type: "string", Format: "binary"}},
				},
			},
		},
	}, func(_ context.Context, in *partitionInput) (*huma.StreamResponse, error) {
		d, err := s.openDataset()
		if err != nil {
			return nil, err
		}
		t, e, err := d.table(in.Table)
		if err != nil {
			s.closeQuietly(d, "output folder")
			return nil, err
		}
		files, err := partitionFiles(t, e, in.Date)
		if err != nil {
			s.closeQuietly(d, "output folder")
			return nil, err
		}
		if in.File != "" {
			i := slices.IndexFunc(files, func(f output.FileInfo) bool { return path.Base(f.Path) == in.File })
			if i < 0 {
				s.closeQuietly(d, "output folder")
				return nil, huma.Error404NotFound(fmt.Sprintf("partition %s of %s has no file %q", in.Date, t.Name, in.File),
					&huma.ErrorDetail{Message: "not a file of the partition", Location: "query.file", Value: in.File})
			}
			files = files[i : i+1]
		}
		stem := ""
		if in.Date != "all" {
			stem = t.Name + "-" + in.Date
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			defer s.closeQuietly(d, "output folder")
			r, w := humago.Unwrap(hctx)
			if len(files) == 1 {
				s.sendFile(w, r, d, t.Name, stem, files[0])
				return
			}
			s.sendZip(w, d, t.Name, stem, files)
		}}, nil
	})
}

// partitionFiles returns the files of a table's partition.
func partitionFiles(t schema.Table, e *output.TableEntry, date string) ([]output.FileInfo, error) {
	if e.Kind == "master" {
		if date != "all" {
			return nil, huma.Error404NotFound(fmt.Sprintf("%s is a master table: its partition is all, not %s", t.Name, date))
		}
		return e.Files, nil
	}
	p := e.Partitions[date]
	if p == nil {
		return nil, huma.Error404NotFound(fmt.Sprintf("table %s has no partition for %s", t.Name, date))
	}
	return p.Files, nil
}

func summarize(name string, e *output.TableEntry) tableInfo {
	ti := tableInfo{Name: name, Kind: e.Kind, Rows: e.Rows}
	add := func(fs []output.FileInfo) {
		for _, f := range fs {
			ti.Files++
			ti.Bytes += f.Bytes
		}
	}
	add(e.Files)
	ds := days(e)
	for _, day := range ds {
		add(e.Partitions[day].Files)
	}
	ti.Partitions = len(ds)
	if len(ds) > 0 {
		ti.FirstDay, ti.LastDay = &ds[0], &ds[len(ds)-1]
	}
	return ti
}

func partition(date string, rows int64, files []output.FileInfo) partitionInfo {
	p := partitionInfo{Date: date, Rows: rows, Files: []fileItem{}}
	for _, f := range files {
		p.Bytes += f.Bytes
		p.Files = append(p.Files, fileItem{Name: path.Base(f.Path), Rows: f.Rows, Bytes: f.Bytes})
	}
	return p
}

// contentType is the media type of a data file, from its name.
func contentType(name string) string {
	ff, err := validate.FormatOf(name)
	switch {
	case err != nil:
		return "application/octet-stream"
	case ff.Gzip:
		return "application/gzip"
	case ff.Format == "parquet":
		return "application/vnd.apache.parquet"
	case ff.Format == "csv":
		return "text/csv; charset=utf-8"
	}
	return "application/x-ndjson"
}

// attachment is a Content-Disposition header value.
func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// sendFile streams one file (with Range support).
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, d *dataset, table, stem string, f output.FileInfo) {
	file, err := d.open(table, f)
	if err != nil {
		s.log.Error("download", "file", f.Path, "err", err)
		writeProblem(w, http.StatusInternalServerError, "the file cannot be read: "+err.Error())
		return
	}
	defer s.closeQuietly(file, f.Path)
	name := path.Base(f.Path)
	if stem != "" {
		name = stem + "-" + name
	}
	w.Header().Set("Content-Type", contentType(name))
	w.Header().Set("Content-Disposition", attachment(name))
	http.ServeContent(w, r, "", time.Time{}, file)
}

// sendZip streams the files of a partition as a zip archive.
func (s *Server) sendZip(w http.ResponseWriter, d *dataset, table, stem string, files []output.FileInfo) {
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", attachment(cmp.Or(stem, table)+".zip"))
	zw := zip.NewWriter(w)
	for _, f := range files {
		if err := s.addToZip(zw, d, table, f); err != nil {
			// The status is sent; a broken archive tells the client.
			s.log.Error("download", "file", f.Path, "err", err)
			return
		}
	}
	if err := zw.Close(); err != nil {
		s.log.Warn("download", "err", err)
	}
}

func (s *Server) addToZip(zw *zip.Writer, d *dataset, table string, f output.FileInfo) error {
	file, err := d.open(table, f)
	if err != nil {
		return err
	}
	defer s.closeQuietly(file, f.Path)
	method := zip.Deflate
	if ct := contentType(f.Path); ct == "application/vnd.apache.parquet" || ct == "application/gzip" {
		method = zip.Store // already compressed
	}
	dst, err := zw.CreateHeader(&zip.FileHeader{Name: path.Base(f.Path), Method: method})
	if err != nil {
		return fmt.Errorf("adding %s to the archive: %w", f.Path, err)
	}
	if _, err := io.Copy(dst, file); err != nil {
		return fmt.Errorf("adding %s to the archive: %w", f.Path, err)
	}
	return nil
}
