package dict

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rule texts shared by several files.
const (
	ruleNotEmpty   = "must not be empty"
	ruleState      = "must be the USPS code of one of the 50 states or DC"
	ruleZip        = "must be exactly 5 digits"
	ruleLatitude   = "must be a decimal latitude between 17 and 72"
	ruleLongitude  = "must be a decimal longitude between -180 and -64"
	ruleTimeZone   = "must be an IANA time zone name such as America/Chicago"
	rulePopulation = "must be a positive whole number of at most 100000000"
	ruleRate       = "must be a decimal fraction 0 <= r < 0.2 with at most 6 decimals"
	rulePrice      = "must be a price in dollars with at most 2 decimals"
	ruleScope      = "must be any or brand"
)

const (
	maxPriceCents = 100_000_00 // 100000 dollars
	maxRateMicros = 200_000    // exclusive: 0.2
)

// entry is a validated dictionary row with the line it came from.
type entry[T any] struct {
	v    T
	line int
}

func values[T any](es []entry[T]) []T {
	out := make([]T, len(es))
	for i, e := range es {
		out[i] = e.v
	}
	return out
}

// fail reports that column col of record r breaks rule.
func (l *loader) fail(t *table, r record, col int, rule string) {
	l.add(t.file, r.line, t.col(col), r.fields[col], rule)
}

// nonEmpty reports (and returns false) when column col of r is empty.
func (l *loader) nonEmpty(t *table, r record, col int) bool {
	if r.fields[col] == "" {
		l.fail(t, r, col, ruleNotEmpty)
		return false
	}
	return true
}

// unique records key as seen on r's line, reporting an earlier occurrence.
func (l *loader) unique(t *table, r record, col int, seen map[string]int, key, what string) bool {
	if first, dup := seen[key]; dup {
		l.fail(t, r, col, fmt.Sprintf("%s must be unique: already on line %d", what, first))
		return false
	}
	seen[key] = r.line
	return true
}

// enum returns the vocabulary spelling of column col, reporting a value
// outside vocab.
func (l *loader) enum(t *table, r record, col int, vocab []string, rule string) (string, bool) {
	v, ok := canonical(vocab, r.fields[col])
	if !ok {
		l.fail(t, r, col, rule)
	}
	return v, ok
}

func (l *loader) department(t *table, r record, col int) (string, bool) {
	return l.enum(t, r, col, Departments(), "must be one of the departments "+strings.Join(Departments(), ", "))
}

func (l *loader) geographies(t *table) []entry[Geography] {
	var out []entry[Geography]
	seen := make(map[string]int)
	zones := make(map[string]bool)
	for _, r := range t.rows {
		f := r.fields
		ok := l.nonEmpty(t, r, geoCity)
		state, good := l.enum(t, r, geoState, StateCodes(), ruleState)
		ok = good && ok
		if !isZip(f[geoZip]) {
			l.fail(t, r, geoZip, ruleZip)
			ok = false
		}
		ok = l.nonEmpty(t, r, geoDistrict) && ok
		region, good := l.enum(t, r, geoRegion, Regions(), "must be one of the regions "+strings.Join(Regions(), ", "))
		ok = good && ok
		lat, good := parseCoordinate(f[geoLatitude], 17, 72)
		if !good {
			l.fail(t, r, geoLatitude, ruleLatitude)
			ok = false
		}
		lon, good := parseCoordinate(f[geoLongitude], -180, -64)
		if !good {
			l.fail(t, r, geoLongitude, ruleLongitude)
			ok = false
		}
		tz := f[geoTimeZone]
		valid, cached := zones[tz]
		if !cached {
			valid = validTimeZone(tz)
			zones[tz] = valid
		}
		if !valid {
			l.fail(t, r, geoTimeZone, ruleTimeZone)
			ok = false
		}
		pop := DefaultPopulation
		if f[geoPopulation] != "" {
			n, good := parseFixed(f[geoPopulation], 0)
			if !good || n <= 0 || n > maxPopulation {
				l.fail(t, r, geoPopulation, rulePopulation)
				ok = false
			}
			pop = int(n)
		}
		if !ok {
			continue
		}
		key := strings.ToLower(f[geoCity]) + "\x00" + state + "\x00" + f[geoZip]
		if !l.unique(t, r, geoCity, seen, key, "(City, State, Zip)") {
			continue
		}
		out = append(out, entry[Geography]{Geography{
			City: f[geoCity], State: state, Zip: f[geoZip], District: f[geoDistrict], Region: region,
			Latitude: lat, Longitude: lon, TimeZone: tz, Population: pop,
		}, r.line})
	}
	return out
}

// names validates a one-column file of first or last names.
func (l *loader) names(t *table) []string {
	var out []string
	seen := make(map[string]int)
	for _, r := range t.rows {
		if l.nonEmpty(t, r, 0) && l.unique(t, r, 0, seen, strings.ToLower(r.fields[0]), t.col(0)) {
			out = append(out, r.fields[0])
		}
	}
	return out
}

func (l *loader) taxRates(t *table) []entry[TaxRate] {
	var out []entry[TaxRate]
	seen := make(map[string]int)
	for _, r := range t.rows {
		f := r.fields
		state, ok := l.enum(t, r, taxState, StateCodes(), ruleState)
		rate, good := parseFixed(f[taxRate], 6)
		if !good || rate >= maxRateMicros {
			l.fail(t, r, taxRate, ruleRate)
			ok = false
		}
		if !ok {
			continue
		}
		county, city := f[taxCounty], f[taxCity]
		key := state + "\x00" + strings.ToLower(county) + "\x00" + strings.ToLower(city)
		switch {
		case county == "" && city == "":
			ok = l.unique(t, r, taxState, seen, key, "the state rate row (empty County and City) of a state")
		case city == "":
			ok = l.unique(t, r, taxCounty, seen, key, "(State, County, City)")
		default:
			ok = l.unique(t, r, taxCity, seen, key, "(State, County, City)")
		}
		if ok {
			out = append(out, entry[TaxRate]{TaxRate{State: state, County: county, City: city, RateMicros: rate}, r.line})
		}
	}
	return out
}

func (l *loader) products(t *table) []entry[Product] {
	var out []entry[Product]
	seen := make(map[string]int)
	for _, r := range t.rows {
		f := r.fields
		ok := l.nonEmpty(t, r, prodName)
		cents, good := parseFixed(f[prodPrice], 2)
		switch {
		case !good:
			l.fail(t, r, prodPrice, rulePrice)
		case cents == 0:
			l.fail(t, r, prodPrice, "must be greater than 0")
		case cents > maxPriceCents:
			l.fail(t, r, prodPrice, "must be at most 100000")
		}
		ok = good && cents > 0 && cents <= maxPriceCents && ok
		dept, good := l.department(t, r, prodDepartment)
		ok = good && ok
		ok = l.nonEmpty(t, r, prodCategory) && ok
		ok = l.nonEmpty(t, r, prodSubcategory) && ok
		tags, good := l.tags(t, r)
		ok = good && ok
		if !ok || !l.unique(t, r, prodName, seen, strings.ToLower(f[prodName]), "ProductName") {
			continue
		}
		out = append(out, entry[Product]{Product{
			Name: f[prodName], BasePriceCents: cents, Department: dept,
			Category: f[prodCategory], Subcategory: f[prodSubcategory], Tags: tags,
		}, r.line})
	}
	return out
}

// tags parses the |-separated Tags column.
func (l *loader) tags(t *table, r record) ([]string, bool) {
	text := r.fields[prodTags]
	if text == "" {
		l.fail(t, r, prodTags, "must list at least one tag (separated by |)")
		return nil, false
	}
	vocab := Tags()
	parts := strings.Split(text, "|")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			l.fail(t, r, prodTags, "must not hold an empty tag (separate tags with a single |)")
			return nil, false
		}
		tag, ok := canonical(vocab, p)
		if !ok {
			l.fail(t, r, prodTags, fmt.Sprintf("tag %q is not in the tag vocabulary (%s)", truncate(p, maxValueRunes), strings.Join(vocab, ", ")))
			return nil, false
		}
		if indexOf(out, tag) >= 0 {
			l.fail(t, r, prodTags, fmt.Sprintf("tag %q is listed twice", tag))
			return nil, false
		}
		out = append(out, tag)
	}
	return out, true
}

func (l *loader) brands(t *table) []entry[Brand] {
	var out []entry[Brand]
	seen := make(map[string]int)
	for _, r := range t.rows {
		f := r.fields
		ok := l.nonEmpty(t, r, brandName)
		ok = l.nonEmpty(t, r, brandCompany) && ok
		cat, good := l.department(t, r, brandCategory)
		ok = good && ok
		if ok && l.unique(t, r, brandName, seen, strings.ToLower(f[brandName]), "Brand") {
			out = append(out, entry[Brand]{Brand{Name: f[brandName], Company: f[brandCompany], Category: cat}, r.line})
		}
	}
	return out
}

func (l *loader) companies(t *table) []entry[Company] {
	var out []entry[Company]
	seen := make(map[string]int)
	for _, r := range t.rows {
		f := r.fields
		ok := l.nonEmpty(t, r, companyName)
		cat, good := l.department(t, r, companyCategory)
		ok = good && ok
		if ok && l.unique(t, r, companyName, seen, strings.ToLower(f[companyName]), "Company") {
			out = append(out, entry[Company]{Company{Name: f[companyName], Category: cat}, r.line})
		}
	}
	return out
}

// blockTerms validates a blocklist file.
func (l *loader) blockTerms(t *table) []blocked {
	var out []blocked
	for _, r := range t.rows {
		ok := l.nonEmpty(t, r, blockTerm)
		key := termKey(r.fields[blockTerm])
		if ok && key == "" {
			l.fail(t, r, blockTerm, "must contain a letter or digit")
			ok = false
		}
		scope, good := l.enum(t, r, blockScope, []string{ScopeAny, ScopeBrand}, ruleScope)
		if ok && good {
			out = append(out, blocked{BlockTerm{Term: r.fields[blockTerm], Scope: scope}, key, t.file, r.line})
		}
	}
	return out
}

func isZip(s string) bool {
	return len(s) == 5 && allDigits(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseFixed parses unsigned decimal text ("12", "12.5", "0.0825") with at
// most decimals fraction digits into an integer in units of 10^-decimals.
// It does not go through floating point, so the result is exact.
func parseFixed(s string, decimals int) (int64, bool) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || len(intPart) > 12 || !allDigits(intPart) {
		return 0, false
	}
	if hasDot && (frac == "" || len(frac) > decimals || !allDigits(frac)) {
		return 0, false
	}
	var v int64
	for i := 0; i < len(intPart); i++ {
		v = v*10 + int64(intPart[i]-'0')
	}
	for i := range decimals {
		v *= 10
		if i < len(frac) {
			v += int64(frac[i] - '0')
		}
	}
	return v, true
}

// parseCoordinate parses a signed plain decimal number within [lo, hi].
func parseCoordinate(s string, lo, hi float64) (float64, bool) {
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	intPart, frac, hasDot := strings.Cut(digits, ".")
	if intPart == "" || !allDigits(intPart) || hasDot && (frac == "" || !allDigits(frac)) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < lo || v > hi {
		return 0, false
	}
	return v, true
}

// validTimeZone reports whether name is an IANA time zone name.
func validTimeZone(name string) bool {
	if name == "" || name == "Local" || strings.HasPrefix(name, "/") ||
		strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("/_+-", c) >= 0) {
			return false
		}
	}
	_, err := time.LoadLocation(name)
	return err == nil
}
