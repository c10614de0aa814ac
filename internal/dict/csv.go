package dict

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dictionary file names.
const (
	FileGeographies = "geographies.csv"
	FileFirstNames  = "first_names.csv"
	FileLastNames   = "last_names.csv"
	FileTaxRates    = "tax_rates.csv"
	FileProducts    = "products.csv"
	FileBrands      = "brands.csv"
	FileCompanies   = "companies.csv"
	FileBlocklist   = "blocklist.csv"
)

// FileNames returns the names of the dictionary files, in load order.
func FileNames() []string {
	return []string{
		FileGeographies, FileFirstNames, FileLastNames, FileTaxRates,
		FileProducts, FileBrands, FileCompanies, FileBlocklist,
	}
}

// Column indexes, in the order of each file's spec.
const (
	geoCity = iota
	geoState
	geoZip
	geoDistrict
	geoRegion
	geoLatitude
	geoLongitude
	geoTimeZone
	geoPopulation
)

const (
	taxState = iota
	taxCounty
	taxCity
	taxRate
)

const (
	prodName = iota
	prodPrice
	prodDepartment
	prodCategory
	prodSubcategory
	prodTags
)

const (
	brandName = iota
	brandCompany
	brandCategory
)

const (
	companyName = iota
	companyCategory
)

const (
	blockTerm = iota
	blockScope
)

// fileSpec describes the columns of one dictionary file. Required columns
// come first; their indexes are the constants above.
type fileSpec struct {
	name     string
	required []string
	optional []string
}

func (s fileSpec) columns() []string {
	return append(append([]string(nil), s.required...), s.optional...)
}

// specFor returns the column spec of a dictionary file.
func specFor(name string) fileSpec {
	switch name {
	case FileGeographies:
		return fileSpec{name, []string{"City", "State", "Zip", "District", "Region", "Latitude", "Longitude", "TimeZone"}, []string{"Population"}}
	case FileFirstNames:
		return fileSpec{name, []string{"FirstName"}, nil}
	case FileLastNames:
		return fileSpec{name, []string{"LastName"}, nil}
	case FileTaxRates:
		return fileSpec{name, []string{"State", "County", "City", "CombinedRate"}, nil}
	case FileProducts:
		return fileSpec{name, []string{"ProductName", "BasePrice", "Department", "Category", "Subcategory", "Tags"}, nil}
	case FileBrands:
		return fileSpec{name, []string{"Brand", "Company", "Category"}, nil}
	case FileCompanies:
		return fileSpec{name, []string{"Company", "Category"}, nil}
	case FileBlocklist:
		return fileSpec{name, []string{"Term", "Scope"}, nil}
	}
	return fileSpec{name: name}
}

// table is a parsed dictionary file: its records, with values trimmed and
// arranged in spec column order.
type table struct {
	file    string // name shown in errors
	spec    fileSpec
	present []bool // present[i]: column i was in the header
	rows    []record
	records int // non-blank records read, valid or not
	// broken is set when the header or the CSV syntax is invalid, so that
	// cross-file checks do not pile consequential errors on top.
	broken bool
}

type record struct {
	line   int
	fields []string // indexed like spec.columns(); "" for absent columns
}

// col returns the name of column i as written in the spec.
func (t *table) col(i int) string { return t.spec.columns()[i] }

const utf8BOM = "\ufeff"

// parseTable reads a CSV dictionary file. Problems are reported to l; the
// returned table holds every record that could be read.
func (l *loader) parseTable(file string, spec fileSpec, data []byte) *table {
	t := &table{file: file, spec: spec}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // checked below, after blank records are skipped
	r.LazyQuotes = false

	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			l.add(file, 0, "", "", "file is empty: expected a header row with "+strings.Join(spec.required, ", "))
		} else {
			l.addCSVError(file, err)
		}
		t.broken = true
		return t
	}
	line, _ := r.FieldPos(0) // 1 unless blank lines come first
	index, ok := l.header(t, line, header)
	if !ok {
		t.broken = true
		return t
	}
	ncols := len(spec.columns())
	for {
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			l.addCSVError(file, err)
			t.broken = true
			break
		}
		line, _ := r.FieldPos(0)
		if blank(fields) {
			continue
		}
		t.records++
		if len(fields) != len(header) {
			l.add(file, line, "", "", fmt.Sprintf("record has %d fields, the header has %d", len(fields), len(header)))
			continue
		}
		rec := record{line: line, fields: make([]string, ncols)}
		good := true
		for i, f := range fields {
			f = strings.TrimSpace(f)
			if rule := textProblem(f); rule != "" {
				l.add(file, line, t.col(index[i]), f, rule)
				good = false
				continue
			}
			rec.fields[index[i]] = f
		}
		if good {
			t.rows = append(t.rows, rec)
		}
	}
	return t
}

// header maps each header position to its spec column index, reporting
// unknown, duplicate and missing columns.
func (l *loader) header(t *table, line int, header []string) ([]int, bool) {
	cols := t.spec.columns()
	t.present = make([]bool, len(cols))
	index := make([]int, len(header))
	ok := true
	for i, h := range header {
		h = strings.TrimSpace(h)
		if rule := textProblem(h); rule != "" {
			l.add(t.file, line, "", h, "column name "+rule)
			ok = false
			continue
		}
		if h == "" {
			l.add(t.file, line, "", "", fmt.Sprintf("column %d has an empty name", i+1))
			ok = false
			continue
		}
		c, found := canonical(cols, h)
		if !found {
			l.add(t.file, line, h, "", "unknown column (expected "+strings.Join(cols, ", ")+")")
			ok = false
			continue
		}
		j := indexOf(cols, c)
		if t.present[j] {
			l.add(t.file, line, c, "", "column appears more than once")
			ok = false
			continue
		}
		t.present[j] = true
		index[i] = j
	}
	for j, name := range t.spec.required {
		if !t.present[j] {
			l.add(t.file, line, name, "", "missing required column")
			ok = false
		}
	}
	return index, ok
}

func (l *loader) addCSVError(file string, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		rule := "invalid CSV: " + pe.Err.Error()
		if pe.Line != pe.StartLine {
			rule += fmt.Sprintf(" (found on line %d)", pe.Line)
		}
		l.add(file, pe.StartLine, "", "", rule)
		return
	}
	l.add(file, 0, "", "", "cannot read: "+err.Error())
}

// blank reports whether every field of a record is empty or white space.
func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// textProblem returns why s is not acceptable text, or "".
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "must not contain control characters (tabs, line breaks, ...)"
		}
	}
	return ""
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
