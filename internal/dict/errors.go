package dict

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxReportedErrors is how many errors Errors.Error lists before summarising
// the rest as "... and N more".
const maxReportedErrors = 50

// maxValueRunes bounds how much of an offending value an error message
// quotes.
const maxValueRunes = 80

// LoadError is one problem found while loading the dictionaries.
type LoadError struct {
	// File is the dictionary file: its name for an embedded file, its
	// path for a file of the override folder.
	File string
	// Line is the physical 1-based line of the offending record (the
	// header is line 1); 0 for a problem with the file as a whole.
	Line int
	// Column is the column concerned, "" if none.
	Column string
	// Value is the offending value, "" if none or empty.
	Value string
	// Rule says what is wrong.
	Rule string
}

// Error formats the error as
// `products.csv:57: column BasePrice: value "12.345": must be a price ...`.
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Column != "" {
		fmt.Fprintf(&b, "column %s: ", e.Column)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, "value %q: ", truncate(e.Value, maxValueRunes))
	}
	b.WriteString(e.Rule)
	return b.String()
}

// Errors is every problem found by one load, ordered by file and line.
// Load returns it (as an error) whenever the dictionaries are not usable.
type Errors []*LoadError

// Error lists the first 50 errors, one a line, then "... and N more".
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i == maxReportedErrors {
			fmt.Fprintf(&b, "\n... and %d more", len(es)-maxReportedErrors)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap gives errors.As and errors.Is access to each LoadError.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// sortErrors orders errors by file (in the order of FileNames) then line,
// keeping the order of discovery among errors of the same line.
func sortErrors(es Errors) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			ra, rb := fileRank(a.File), fileRank(b.File)
			if ra != rb {
				return ra < rb
			}
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

// fileRank is the position of a file's base name in FileNames, or past
// the end for other files.
func fileRank(file string) int {
	names := FileNames()
	if i := indexOf(names, filepath.Base(file)); i >= 0 {
		return i
	}
	return len(names)
}

// truncate shortens s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}
