package validate

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/rows"
	"github.com/retail-datagen/retail-datagen/internal/schema"
)

// fileRef is one data file listed in the manifest.
type fileRef struct {
	table string
	rel   string // as recorded in the manifest, relative to the root
	path  string // on disk
	info  output.FileInfo
	day   civil.Date // partition date of fact files
	shard int        // from part-<shard>-<n>
	n     int
}

type validator struct {
	ctx    context.Context
	dir    string
	opts   Options
	man    *output.Manifest
	checks map[string]*checkState
	order  []string
	tables map[string]*TableSummary
	seed   maphash.Seed

	masterFiles map[string][]fileRef
	// factFiles maps table → day → files in (shard, n) order.
	factFiles map[string]map[civil.Date][]fileRef
	days      []civil.Date // every day from the first to the last partition

	m *masterData
	f *factState
}

func newValidator(ctx context.Context, dir string, opts Options) (*validator, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("output folder %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder: give the output folder that holds manifest.json", dir)
	}
	man, err := output.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if man == nil {
		return nil, fmt.Errorf("%s has no %s: it is not a retail-datagen output folder, or its generation did not finish", dir, output.ManifestName)
	}
	v := &validator{
		ctx: ctx, dir: dir, opts: opts, man: man,
		checks:      map[string]*checkState{},
		tables:      map[string]*TableSummary{},
		seed:        maphash.MakeSeed(),
		masterFiles: map[string][]fileRef{},
		factFiles:   map[string]map[civil.Date][]fileRef{},
	}
	for _, c := range checkList() {
		v.checks[c.Name] = &checkState{
			res:     CheckResult{Name: c.Name, Description: c.Description},
			skipped: opts.skips(c.Name),
			max:     opts.MaxExamples,
		}
		v.order = append(v.order, c.Name)
	}
	v.listFiles()
	if err := v.findUnlisted(); err != nil {
		return nil, err
	}
	return v, nil
}

func (v *validator) check(name string) *checkState {
	c, ok := v.checks[name]
	if !ok {
		panic("validate: unknown check " + name) // a programming error, never input
	}
	return c
}

// fail records a violation of check.
func (v *validator) fail(check string, vl Violation) { v.check(check).add(vl) }

// rowFail records a violation found in one row of a file.
func (v *validator) rowFail(check string, f fileRef, row int64, key, format string, args ...any) {
	v.check(check).add(Violation{Table: f.table, File: f.rel, Row: row, Key: key, Detail: fmt.Sprintf(format, args...)})
}

func (v *validator) count(check string, n int64) { v.check(check).count(n) }

// has reports whether the manifest lists the table.
func (v *validator) has(table string) bool {
	_, ok := v.man.Tables[table]
	return ok
}

func (v *validator) hash(s string) uint64 { return maphash.String(v.seed, s) }

// listFiles reads the file lists of the manifest and checks their shape.
func (v *validator) listFiles() {
	names := make([]string, 0, len(v.man.Tables))
	for name := range v.man.Tables {
		names = append(names, name)
	}
	sort.Strings(names)
	bad := func(table, file, format string, args ...any) {
		v.fail(CheckFiles, Violation{Table: table, File: file, Detail: fmt.Sprintf(format, args...)})
	}
	for _, name := range names {
		e := v.man.Tables[name]
		def, known := schema.Lookup(name)
		if !known {
			bad(name, "", "the manifest lists table %q, which this version does not know; it is not validated", name)
			continue
		}
		kind := "master"
		if def.Kind == schema.Fact {
			kind = "fact"
		}
		if e.Kind != kind {
			bad(name, "", "the manifest records kind %q, the table is a %s table", e.Kind, kind)
		}
		sum := &TableSummary{Name: name, Kind: kind}
		v.tables[name] = sum
		var total int64
		ref := func(fi output.FileInfo) (fileRef, bool) {
			if !filepath.IsLocal(filepath.FromSlash(fi.Path)) {
				bad(name, fi.Path, "the manifest path leaves the output folder; it is not read")
				return fileRef{}, false
			}
			if _, err := FormatOf(fi.Path); err != nil {
				bad(name, fi.Path, "%v", err)
				return fileRef{}, false
			}
			total += fi.Rows
			return fileRef{table: name, rel: fi.Path, path: filepath.Join(v.dir, filepath.FromSlash(fi.Path)), info: fi}, true
		}
		if kind == "master" {
			if len(e.Partitions) > 0 {
				bad(name, "", "a master table has dt= partitions in the manifest")
			}
			for _, fi := range e.Files {
				if r, ok := ref(fi); ok {
					if path.Dir(fi.Path) != "master" {
						bad(name, fi.Path, "a master file belongs in master/")
					}
					v.masterFiles[name] = append(v.masterFiles[name], r)
				}
			}
			sum.Files = len(v.masterFiles[name])
		} else {
			if len(e.Files) > 0 {
				bad(name, "", "a fact table lists files outside dt= partitions")
			}
			byDay := map[civil.Date][]fileRef{}
			for key, p := range e.Partitions {
				day, err := civil.ParseDate(key)
				if err != nil {
					bad(name, "", "partition key %q is not a date YYYY-MM-DD", key)
					continue
				}
				var rowsIn int64
				for _, fi := range p.Files {
					r, ok := ref(fi)
					if !ok {
						continue
					}
					rowsIn += fi.Rows
					r.day = day
					wantDir := "facts/" + name + "/dt=" + key
					if path.Dir(fi.Path) != wantDir {
						bad(name, fi.Path, "a file of partition %s belongs in %s/", key, wantDir)
					}
					var okName bool
					r.shard, r.n, okName = partNumbers(path.Base(fi.Path))
					if !okName {
						bad(name, fi.Path, "file name is not part-<shard>-<n>.<ext>")
					}
					byDay[day] = append(byDay[day], r)
				}
				if rowsIn != p.Rows {
					bad(name, "", "partition %s records %d rows, its files %d", key, p.Rows, rowsIn)
				}
			}
			for _, fs := range byDay {
				slices.SortFunc(fs, func(a, b fileRef) int {
					if a.shard != b.shard {
						return a.shard - b.shard
					}
					if a.n != b.n {
						return a.n - b.n
					}
					return strings.Compare(a.rel, b.rel)
				})
			}
			v.factFiles[name] = byDay
			sum.Partitions = len(byDay)
			for _, fs := range byDay {
				sum.Files += len(fs)
			}
		}
		if total != e.Rows {
			bad(name, "", "the manifest records %d rows, its files %d", e.Rows, total)
		}
	}
	var first, last civil.Date
	seen := false
	for _, byDay := range v.factFiles {
		for d := range byDay {
			if !seen || d < first {
				first = d
			}
			if !seen || d > last {
				last = d
			}
			seen = true
		}
	}
	if seen {
		for d := first; d <= last; d++ {
			v.days = append(v.days, d)
		}
	}
}

// partNumbers parses part-<shard>-<n>.<ext>.
func partNumbers(base string) (shard, n int, ok bool) {
	rest, found := strings.CutPrefix(base, "part-")
	if !found {
		return 0, 0, false
	}
	if i := strings.IndexByte(rest, '.'); i >= 0 {
		rest = rest[:i]
	}
	a, b, found := strings.Cut(rest, "-")
	if !found {
		return 0, 0, false
	}
	shard, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	return shard, n, err1 == nil && err2 == nil
}

// findUnlisted reports data files under master/ and facts/ that the
// manifest does not list. Hidden files (temporary files of a running or
// interrupted write) are ignored.
func (v *validator) findUnlisted() error {
	listed := map[string]bool{}
	for _, fs := range v.masterFiles {
		for _, f := range fs {
			listed[f.rel] = true
		}
	}
	for _, byDay := range v.factFiles {
		for _, fs := range byDay {
			for _, f := range fs {
				listed[f.rel] = true
			}
		}
	}
	for _, top := range []string{"master", "facts"} {
		root := filepath.Join(v.dir, top)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == root {
					return filepath.SkipDir
				}
				return err
			}
			if strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(v.dir, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if !listed[rel] {
				v.fail(CheckFiles, Violation{File: rel, Detail: "the file is not listed in the manifest"})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("listing %s: %w", root, err)
		}
	}
	return nil
}

// read streams the rows of one file to fn after checking the file's size and
// SHA-256 against the manifest. Problems with the file are violations of the
// files check; only a cancelled context is returned as an error.
func read[T any, PT rows.Parser[T]](v *validator, f fileRef, fn func(r *T, row int64)) error {
	if err := v.ctx.Err(); err != nil {
		return err
	}
	size, sum, err := fileDigest(f.path)
	if err != nil {
		v.fail(CheckFiles, Violation{Table: f.table, File: f.rel, Detail: fmt.Sprintf("cannot be read: %v", err)})
		return nil
	}
	v.count(CheckFiles, 1)
	if size != f.info.Bytes {
		v.fail(CheckFiles, Violation{Table: f.table, File: f.rel, Detail: fmt.Sprintf("has %d bytes, the manifest records %d", size, f.info.Bytes)})
	}
	if sum != f.info.SHA256 {
		v.fail(CheckFiles, Violation{Table: f.table, File: f.rel, Detail: fmt.Sprintf("SHA-256 %s differs from the manifest's %s", sum, f.info.SHA256)})
	}
	var n int64
	err = Each[T, PT](f.path, 4096, func(batch []T) error {
		if err := v.ctx.Err(); err != nil {
			return err
		}
		for i := range batch {
			n++
			fn(&batch[i], n)
		}
		return nil
	})
	if ctxErr := v.ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if err != nil {
		vl := Violation{Table: f.table, File: f.rel, Detail: fmt.Sprintf("cannot be decoded: %v", err)}
		var re *RowError
		if errors.As(err, &re) {
			vl.Row = re.Row
			vl.Detail = fmt.Sprintf("row cannot be decoded, the rest of the file is not checked: %v", re.Err)
		}
		v.fail(CheckFiles, vl)
		return nil
	}
	if n != f.info.Rows {
		v.fail(CheckFiles, Violation{Table: f.table, File: f.rel, Detail: fmt.Sprintf("has %d rows, the manifest records %d", n, f.info.Rows)})
	}
	if s := v.tables[f.table]; s != nil {
		s.Rows += n
	}
	return nil
}

func (v *validator) run() error {
	if err := v.readMaster(); err != nil {
		return err
	}
	return v.readFacts()
}

func (v *validator) report() *Report {
	r := &Report{Dir: v.dir, Format: string(v.man.Format), Compression: v.man.Compression}
	if len(v.days) > 0 {
		r.FirstDay, r.LastDay = v.days[0].String(), v.days[len(v.days)-1].String()
	}
	for _, t := range schema.Tables() {
		if s, ok := v.tables[t.Name]; ok {
			r.Tables = append(r.Tables, *s)
		}
	}
	for _, name := range v.order {
		c := v.checks[name]
		res := c.res
		switch {
		case c.skipped:
			res.Status = Skipped
			res.Note = "not selected"
		case res.Violations > 0:
			res.Status = Fail
		case res.Measured != nil && res.Status != "":
			// set by the statistics
		case res.Checked == 0:
			res.Status = Skipped
			if res.Note == "" {
				res.Note = "nothing to check in this folder"
			}
		default:
			res.Status = Pass
		}
		r.Checks = append(r.Checks, res)
	}
	return r
}
