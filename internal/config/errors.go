package config

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldError is one configuration problem: which key, the offending value
// and the rule it breaks.
type FieldError struct {
	// Key is the dotted configuration key (or, for an unknown environment
	// variable, the variable's name).
	Key string
	// Value is the offending value as displayed: strings quoted, secrets
	// "***". Empty when the problem is the key itself (an unknown key).
	Value string
	// Rule says what is expected.
	Rule string
}

// Error renders the problem as "key = value: rule" (or "key: rule").
func (e FieldError) Error() string {
	if e.Value == "" {
		return e.Key + ": " + e.Rule
	}
	return e.Key + " = " + e.Value + ": " + e.Rule
}

// ValidationErrors lists every problem found in a configuration. Load and
// Validate return it (possibly inside other errors: use errors.As).
type ValidationErrors []FieldError

// Error prints a single problem on one line; several as a heading line and
// one indented line per problem.
func (v ValidationErrors) Error() string {
	switch len(v) {
	case 0:
		return "config: no problems"
	case 1:
		return v[0].Error()
	}
	head := fmt.Sprintf("configuration is not valid (%d problems):", len(v))
	lines := make([]string, 0, len(v)+1)
	lines = append(lines, head)
	for _, e := range v {
		lines = append(lines, "  "+e.Error())
	}
	return strings.Join(lines, "\n")
}

// maxShown bounds how much of a user-given string an error message quotes.
const maxShown = 80

// display renders a value for an error message about key: strings quoted,
// objects and arrays abbreviated, secrets as "***".
func display(key string, v any) string {
	if isSecret(key) {
		if s, ok := v.(string); ok && s == "" {
			return `""`
		}
		return RedactedValue
	}
	if key == "storage.account_uri" {
		if s, ok := v.(string); ok {
			v = redactURI(s)
		}
	}
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(truncate(x))
	case json.Number:
		return truncate(x.String())
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return formatFloat(x)
	case time.Time:
		return strconv.Quote(x.Format(time.RFC3339))
	case map[string]any, map[any]any:
		return "{...}"
	case []any:
		return "[...]"
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = strconv.Quote(s)
		}
		return truncate("[" + strings.Join(q, ", ") + "]")
	}
	return "(" + describe(v) + ")"
}

// truncate shortens s to at most maxShown runes.
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return s
	}
	r := []rune(s)
	return string(r[:maxShown-3]) + "..."
}

// describe names the type of a decoded value, for "got ..." messages.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, int, int64, uint64, float64:
		return "a number"
	case bool:
		return "a boolean"
	case time.Time:
		return "a timestamp"
	case map[string]any, map[any]any:
		return "an object"
	case []any, []string:
		return "an array"
	}
	return fmt.Sprintf("a %T", v)
}
