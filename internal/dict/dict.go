// Package dict loads the curated dictionaries that the generator draws
// names, places, tax rates, products and brands from.
//
// The dictionaries are CSV files embedded in the binary (data/*.csv; their
// formats are described in data/FORMAT.md). A user folder may replace any
// of them; its blocklist.csv extends the embedded blocklist instead. Every
// file is checked column by column and row by row, then across files, and
// every field is checked against the brand/company blocklist: a problem is
// never skipped silently, it is reported as a LoadError naming file, line
// and column.
package dict

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	_ "time/tzdata" // time zone names are checked the same way on every machine
)

// embedded holds the dictionaries and their format description.
//
//go:embed data/*.csv data/FORMAT.md
var embedded embed.FS

// Geography is one US place.
type Geography struct {
	City, State, Zip, District, Region string
	Latitude, Longitude                float64
	TimeZone                           string
	Population                         int
}

// TaxRate is a combined sales-tax rate. A rate with empty County and City is
// the state rate; one with a City is that city's combined rate.
type TaxRate struct {
	State, County, City string
	// RateMicros is the rate in millionths: 0.0825 (8.25 %) is 82500.
	RateMicros int64
}

// Product is a base product; the generator derives brands, prices and SKUs
// from it.
type Product struct {
	Name                              string
	BasePriceCents                    int64
	Department, Category, Subcategory string
	// Tags are drawn from Tags(), in file order.
	Tags []string
}

// Brand is a fictional brand owned by one fictional company. Category is a
// department.
type Brand struct {
	Name, Company, Category string
}

// Company is a fictional company. Category is a department.
type Company struct {
	Name, Category string
}

// BlockTerm is a term that may not appear in the dictionaries. Scope is
// ScopeAny or ScopeBrand.
type BlockTerm struct {
	Term, Scope string
}

// Set is a complete, validated set of dictionaries. Every slice keeps the
// order of its file, so that generation is deterministic.
type Set struct {
	Geographies []Geography
	FirstNames  []string
	LastNames   []string
	TaxRates    []TaxRate
	Products    []Product
	Brands      []Brand
	Companies   []Company
	// Blocklist holds the embedded terms followed by those of the
	// override folder.
	Blocklist []BlockTerm
}

// Load returns the embedded dictionaries, with the files of overrideDir in
// place of the embedded ones when overrideDir is not empty. The folder must
// exist; it may hold any of the dictionary files (see FileNames), and its
// blocklist.csv extends the embedded blocklist rather than replacing it. A
// .csv file with another name in the folder is an error, so that a
// misspelled override is not silently ignored.
//
// When the dictionaries are not usable the error is an Errors value listing
// every problem found.
func Load(overrideDir string) (*Set, error) {
	base, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, fmt.Errorf("dict: embedded dictionaries: %w", err)
	}
	if overrideDir == "" {
		return load(base, nil, "")
	}
	info, err := os.Stat(overrideDir)
	if err != nil {
		return nil, fmt.Errorf("dict: dictionary folder: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("dict: dictionary folder %s is not a directory", overrideDir)
	}
	return load(base, os.DirFS(overrideDir), overrideDir)
}

// LoadFS loads a complete set of dictionaries from the root of fsys, which
// must hold every file of FileNames. Nothing embedded is used.
func LoadFS(fsys fs.FS) (*Set, error) {
	return load(fsys, nil, "")
}

// StateRate returns the state sales-tax rate of a state code, in millionths.
func (s *Set) StateRate(state string) (int64, bool) {
	for _, t := range s.TaxRates {
		if t.County == "" && t.City == "" && strings.EqualFold(t.State, state) {
			return t.RateMicros, true
		}
	}
	return 0, false
}

// CityRate returns the combined sales-tax rate of a city, in millionths:
// the first row of tax_rates.csv with that state and city, whatever its
// county. It reports false when the city has no rate of its own; callers
// then fall back to StateRate.
func (s *Set) CityRate(state, city string) (int64, bool) {
	if city == "" {
		return 0, false
	}
	for _, t := range s.TaxRates {
		if strings.EqualFold(t.City, city) && strings.EqualFold(t.State, state) {
			return t.RateMicros, true
		}
	}
	return 0, false
}

// loader collects the problems of one load.
type loader struct {
	errs Errors
}

func (l *loader) add(file string, line int, column, value, rule string) {
	l.errs = append(l.errs, &LoadError{File: file, Line: line, Column: column, Value: value, Rule: rule})
}

// load reads every dictionary from base, or from over when over holds a
// file of that name (shown in errors under overDir). The blocklists of
// both are used.
func load(base, over fs.FS, overDir string) (*Set, error) {
	l := &loader{}
	tables := make(map[string]*table)
	var extraBlocklist *table
	for _, name := range FileNames() {
		spec := specFor(name)
		var ot *table
		if over != nil {
			if _, err := fs.Stat(over, name); !errors.Is(err, fs.ErrNotExist) {
				ot = l.readTable(over, overridePath(overDir, name), spec)
			}
		}
		if ot != nil && name != FileBlocklist {
			tables[name] = ot
			continue
		}
		if name == FileBlocklist {
			extraBlocklist = ot
		}
		tables[name] = l.readTable(base, name, spec)
	}
	if over != nil {
		l.checkOverrideNames(over, overDir)
	}

	set := l.build(tables, extraBlocklist)
	if len(l.errs) > 0 {
		sortErrors(l.errs)
		return nil, l.errs
	}
	return set, nil
}

// readTable reads and parses spec.name from fsys, naming it display in
// errors.
func (l *loader) readTable(fsys fs.FS, display string, spec fileSpec) *table {
	data, err := fs.ReadFile(fsys, spec.name)
	if err != nil {
		l.add(display, 0, "", "", "cannot read the dictionary file: "+err.Error())
		return &table{file: display, spec: spec, broken: true}
	}
	return l.parseTable(display, spec, data)
}

// checkOverrideNames reports .csv files of the override folder that are not
// dictionaries.
func (l *loader) checkOverrideNames(over fs.FS, overDir string) {
	entries, err := fs.ReadDir(over, ".")
	if err != nil {
		l.add(overridePath(overDir, "."), 0, "", "", "cannot list the dictionary folder: "+err.Error())
		return
	}
	known := FileNames()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(filepath.Ext(name), ".csv") || indexOf(known, name) >= 0 {
			continue
		}
		l.add(overridePath(overDir, name), 0, "", "", "not a dictionary file (expected one of "+strings.Join(known, ", ")+")")
	}
}

func overridePath(dir, name string) string {
	if dir == "" {
		return name
	}
	return filepath.Join(dir, name)
}
