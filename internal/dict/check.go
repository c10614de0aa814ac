package dict

import (
	"fmt"
	"strings"
)

// build validates the rows of every table, checks the files against each
// other and against the blocklist, and assembles the set. The set is only
// meaningful when no error was reported.
func (l *loader) build(tables map[string]*table, extraBlocklist *table) *Set {
	geos := l.geographies(tables[FileGeographies])
	firsts := l.names(tables[FileFirstNames])
	lasts := l.names(tables[FileLastNames])
	rates := l.taxRates(tables[FileTaxRates])
	products := l.products(tables[FileProducts])
	brands := l.brands(tables[FileBrands])
	companies := l.companies(tables[FileCompanies])
	terms := l.blockTerms(tables[FileBlocklist])
	if extraBlocklist != nil {
		terms = append(terms, l.blockTerms(extraBlocklist)...)
	}

	l.checkSizes(tables)
	l.checkTaxCoverage(tables, geos)
	l.checkCompanies(tables, brands, companies)
	l.checkBrandCoverage(tables, products)
	l.checkBlocklist(tables, terms)

	set := &Set{
		Geographies: values(geos),
		FirstNames:  firsts,
		LastNames:   lasts,
		TaxRates:    values(rates),
		Products:    values(products),
		Brands:      values(brands),
		Companies:   values(companies),
		Blocklist:   make([]BlockTerm, len(terms)),
	}
	for i, t := range terms {
		set.Blocklist[i] = t.BlockTerm
	}
	return set
}

// checkSizes reports files too small for a usable set.
func (l *loader) checkSizes(tables map[string]*table) {
	for _, name := range []string{FileGeographies, FileFirstNames, FileLastNames, FileProducts, FileBrands} {
		if t := tables[name]; !t.broken && t.records == 0 {
			l.add(t.file, 0, "", "", "must contain at least 1 row")
		}
	}
}

// checkTaxCoverage reports states of geographies.csv without a state rate.
func (l *loader) checkTaxCoverage(tables map[string]*table, geos []entry[Geography]) {
	if tables[FileTaxRates].broken {
		return
	}
	// Rows are read as written, so that a state row with a bad rate does
	// not also count as missing.
	covered := make(map[string]bool)
	for _, r := range tables[FileTaxRates].rows {
		if r.fields[taxCounty] == "" && r.fields[taxCity] == "" {
			covered[strings.ToUpper(r.fields[taxState])] = true
		}
	}
	t := tables[FileGeographies]
	for _, g := range geos {
		if covered[g.v.State] {
			continue
		}
		covered[g.v.State] = true // report each state once, on its first line
		l.add(t.file, g.line, t.col(geoState), g.v.State,
			fmt.Sprintf("state has no state rate row (State with empty County and City) in %s", tables[FileTaxRates].file))
	}
}

// checkCompanies reports brands whose company is not in companies.csv or
// has another category.
func (l *loader) checkCompanies(tables map[string]*table, brands []entry[Brand], companies []entry[Company]) {
	ct := tables[FileCompanies]
	if ct.broken {
		return
	}
	listed := make(map[string]bool, len(ct.rows)) // as written, valid or not
	for _, r := range ct.rows {
		listed[strings.ToLower(r.fields[companyName])] = true
	}
	byName := make(map[string]entry[Company], len(companies))
	for _, c := range companies {
		byName[strings.ToLower(c.v.Name)] = c
	}
	t := tables[FileBrands]
	for i, b := range brands {
		key := strings.ToLower(b.v.Company)
		c, valid := byName[key]
		if valid {
			brands[i].v.Company = c.v.Name // the spelling of companies.csv
		}
		switch {
		case !listed[key]:
			l.add(t.file, b.line, t.col(brandCompany), b.v.Company, "company is not listed in "+ct.file)
		case valid && c.v.Category != b.v.Category:
			l.add(t.file, b.line, t.col(brandCategory), b.v.Category,
				fmt.Sprintf("must be the category of company %q, %q (%s:%d)", c.v.Name, c.v.Category, ct.file, c.line))
		}
	}
}

// checkBrandCoverage reports departments that have products but no brand.
func (l *loader) checkBrandCoverage(tables map[string]*table, products []entry[Product]) {
	bt := tables[FileBrands]
	if bt.broken || bt.records == 0 { // the file is reported as a whole
		return
	}
	branded := make(map[string]bool) // from the rows as written, valid or not
	for _, r := range bt.rows {
		if dept, ok := canonical(Departments(), r.fields[brandCategory]); ok {
			branded[dept] = true
		}
	}
	t := tables[FileProducts]
	for _, p := range products {
		if branded[p.v.Department] {
			continue
		}
		branded[p.v.Department] = true // report each department once
		l.add(t.file, p.line, t.col(prodDepartment), p.v.Department, "department has products but no brand in "+bt.file)
	}
}
