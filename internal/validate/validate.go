// Package validate proves the invariants of SPEC §6 on an output folder: it
// reads the manifest and every master and fact file (Parquet, CSV or JSON
// Lines), checks keys, references, prices, money, inventory, time, the
// shopper funnel and store operations, and measures the statistical bands.
//
// Fact partitions are processed one day at a time in date order; memory
// depends on the master data and on about a month of sales (the window in
// which returns refer to their sale), never on the number of days.
package validate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Options select the checks and give the configured targets of the
// statistics.
type Options struct {
	// Statistics makes the statistical bands of SPEC §6.10 pass or fail. They
	// are yearly targets that short date ranges rarely meet, so by default
	// they are measured and reported only.
	Statistics bool
	// ItemsPerTicketMean is volume.items_per_ticket_mean; 0 skips the check.
	ItemsPerTicketMean float64
	// CustomersPerDay is volume.customers_per_day; 0 skips the check.
	CustomersPerDay float64
	// Skip names checks not to run; a name ending in "." skips every check
	// with that prefix ("stats.").
	Skip []string
	// MaxExamples caps the violations kept per check; every violation is
	// counted. 0 means 20.
	MaxExamples int
}

func (o Options) skips(name string) bool {
	for _, s := range o.Skip {
		if s == name || (strings.HasSuffix(s, ".") && strings.HasPrefix(name, s)) {
			return true
		}
	}
	return false
}

// Status is the outcome of one check.
type Status string

// Check outcomes.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Skipped: the check was not selected or found nothing to check (its
	// tables are absent).
	Skipped Status = "skipped"
	// Info: a statistic that was measured but not enforced.
	Info Status = "info"
)

// Violation is one broken invariant.
type Violation struct {
	Check string `json:"check"`
	Table string `json:"table,omitempty"`
	// File is relative to the output folder, with forward slashes.
	File string `json:"file,omitempty"`
	// Row is the 1-based data row within File, 0 when the violation is not
	// about one row.
	Row    int64  `json:"row,omitempty"`
	Key    string `json:"key,omitempty"`
	Detail string `json:"detail"`
}

// CheckResult is the outcome of one check.
type CheckResult struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Status      Status `json:"status"`
	// Checked counts the rows or items the check examined.
	Checked    int64       `json:"checked"`
	Violations int64       `json:"violations"`
	Examples   []Violation `json:"examples,omitempty"`
	// Measured and Band are set for statistics.
	Measured *float64 `json:"measured,omitempty"`
	Band     string   `json:"band,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// TableSummary counts what was read of one table.
type TableSummary struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Files      int    `json:"files"`
	Partitions int    `json:"partitions,omitempty"`
	Rows       int64  `json:"rows"`
}

// Report is the result of a validation run.
type Report struct {
	Dir         string         `json:"dir"`
	Format      string         `json:"format"`
	Compression string         `json:"compression,omitempty"`
	FirstDay    string         `json:"first_day,omitempty"`
	LastDay     string         `json:"last_day,omitempty"`
	Tables      []TableSummary `json:"tables"`
	Checks      []CheckResult  `json:"checks"`
}

// OK reports whether no check failed.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return false
		}
	}
	return true
}

// Failed returns the names of the failed checks.
func (r *Report) Failed() []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == Fail {
			out = append(out, c.Name)
		}
	}
	return out
}

// Check returns the result of the named check.
func (r *Report) Check(name string) (CheckResult, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return CheckResult{}, false
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// WriteText writes the report for people: one line per check, the examples
// of each violated check, and a verdict.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Validating %s (%s", r.Dir, r.Format)
	if r.Compression != "" {
		fmt.Fprintf(&b, ", %s", r.Compression)
	}
	b.WriteString(")")
	if r.FirstDay != "" {
		fmt.Fprintf(&b, ", facts %s to %s", r.FirstDay, r.LastDay)
	}
	b.WriteString("\n\n")
	var rowsRead int64
	for _, t := range r.Tables {
		rowsRead += t.Rows
	}
	fmt.Fprintf(&b, "%d tables, %d rows read\n\n", len(r.Tables), rowsRead)
	width := 0
	for _, c := range r.Checks {
		width = max(width, len(c.Name))
	}
	failed := 0
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "%-7s  %-*s  ", strings.ToUpper(string(c.Status)), width, c.Name)
		switch {
		case c.Measured != nil:
			fmt.Fprintf(&b, "measured %s (band %s)", formatMeasure(*c.Measured), c.Band)
		case c.Status == Fail:
			fmt.Fprintf(&b, "%d violations in %d checked", c.Violations, c.Checked)
		case c.Status == Skipped && c.Note != "":
		case c.Status == Skipped:
			b.WriteString("skipped")
		default:
			fmt.Fprintf(&b, "%d checked", c.Checked)
		}
		if c.Note != "" {
			if c.Status != Skipped || c.Measured != nil {
				b.WriteString("; ")
			}
			b.WriteString(c.Note)
		}
		b.WriteString("\n")
		if c.Status == Fail {
			failed++
			fmt.Fprintf(&b, "         %s\n", c.Description)
			for _, v := range c.Examples {
				fmt.Fprintf(&b, "         - %s\n", v.String())
			}
			if int64(len(c.Examples)) < c.Violations {
				fmt.Fprintf(&b, "         … and %d more\n", c.Violations-int64(len(c.Examples)))
			}
		}
	}
	if failed == 0 {
		fmt.Fprintf(&b, "\nOK: every check passed\n")
	} else {
		fmt.Fprintf(&b, "\nFAILED: %d of %d checks found violations\n", failed, len(r.Checks))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

func formatMeasure(f float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", f), "0"), ".")
}

// String formats a violation on one line: where, then what.
func (v Violation) String() string {
	var parts []string
	if v.File != "" {
		loc := v.File
		if v.Row > 0 {
			loc = fmt.Sprintf("%s row %d", v.File, v.Row)
		}
		parts = append(parts, loc)
	} else if v.Table != "" {
		parts = append(parts, v.Table)
	}
	if v.Key != "" {
		parts = append(parts, v.Key)
	}
	if len(parts) == 0 {
		return v.Detail
	}
	return strings.Join(parts, ", ") + ": " + v.Detail
}

// checkState accumulates one check's result while the run goes on.
type checkState struct {
	res     CheckResult
	skipped bool
	max     int
}

func (c *checkState) count(n int64) {
	if !c.skipped {
		c.res.Checked += n
	}
}

func (c *checkState) add(v Violation) {
	if c.skipped {
		return
	}
	c.res.Violations++
	if len(c.res.Examples) < c.max {
		v.Check = c.res.Name
		c.res.Examples = append(c.res.Examples, v)
	}
}

// Run validates the output folder dir. The error is for problems that stop
// validation altogether (no folder, no or unreadable manifest, cancelled
// context); everything found in the data is in the report.
func Run(ctx context.Context, dir string, opts Options) (*Report, error) {
	if opts.MaxExamples <= 0 {
		opts.MaxExamples = 20
	}
	v, err := newValidator(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	if err := v.run(); err != nil {
		return nil, err
	}
	return v.report(), nil
}

// CheckInfo names and describes one check.
type CheckInfo struct {
	Name        string
	Description string
}

// Checks lists every check in report order.
func Checks() []CheckInfo { return checkList() }
