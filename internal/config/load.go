package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
	"go.yaml.in/yaml/v3"
)

// LoadOptions says where Load finds configuration. Every field is optional.
type LoadOptions struct {
	// File is a JSON or YAML configuration file (by extension .json, .yaml or
	// .yml; other names are sniffed: a leading '{' means JSON). Empty = none.
	File string
	// Scale is the scale preset chosen by the caller (e.g. flag --scale).
	// It beats RETAIL_SCALE and the file's scale key, but loses to
	// Overrides["scale"]. Empty = not chosen.
	Scale string
	// Environ is the environment as "NAME=value" entries, usually
	// os.Environ(). Nil = no environment variables.
	Environ []string
	// Overrides are command-line values keyed by dotted key ("seed",
	// "output.dir", "historical.start_date", ...), parsed to the key's type.
	// They beat every other source but Patch.
	Overrides map[string]string
	// Patch holds values set through the HTTP API (see ParsePatch). It beats
	// every other source.
	Patch Patch
	// FileData, when not nil, is the content of File, which is then not
	// read (File still names it in messages and sets its format).
	FileData []byte
}

// Load builds the effective configuration. Precedence, lowest first:
// defaults, the scale preset's volumes, the file, the environment, the
// overrides. The scale is Overrides["scale"], else opts.Scale, else
// RETAIL_SCALE, else the file's scale key, else "default"; an empty value
// counts as not set.
//
// Problems with values (unknown keys, wrong types, broken rules) are all
// returned at once as ValidationErrors; a file that cannot be read or parsed
// is reported as a plain wrapped error.
func Load(opts LoadOptions) (*Config, error) {
	var in *fileInput
	if opts.File != "" {
		data := opts.FileData
		if data == nil {
			var err error
			if data, err = os.ReadFile(opts.File); err != nil {
				return nil, fmt.Errorf("config: read file: %w", err)
			}
		}
		in = &fileInput{name: opts.File, data: data, format: formatFromName(opts.File)}
	}
	return load(opts, in)
}

// fileFormat is the syntax of a configuration file.
type fileFormat int

const (
	formatSniff fileFormat = iota
	formatJSON
	formatYAML
)

func formatFromName(name string) fileFormat {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return formatJSON
	case ".yaml", ".yml":
		return formatYAML
	}
	return formatSniff
}

// fileInput is the content of a configuration file.
type fileInput struct {
	name   string
	data   []byte
	format fileFormat
}

// layer is the values one source sets, already converted to their key's
// type, plus the problems found while reading it.
type layer struct {
	vals     map[string]any // canonical key -> typed value
	aliasSet map[string]any // alias key -> typed value, resolved by finish
	errs     ValidationErrors
	rejected map[string]bool // canonical keys whose given value was refused
}

func newLayer() *layer {
	return &layer{vals: map[string]any{}, aliasSet: map[string]any{}, rejected: map[string]bool{}}
}

// reject records a value that cannot be converted to its key's type.
func (l *layer) reject(f field, key, value, rule string) {
	l.fail(key, value, rule)
	l.rejected[f.key] = true
}

// fail records a problem.
func (l *layer) fail(key, value, rule string) {
	l.errs = append(l.errs, FieldError{Key: key, Value: value, Rule: rule})
}

// finish folds aliases into their canonical keys; an alias and its key set
// to different values in the same source is a problem.
func (l *layer) finish() {
	aliases := keyAliases()
	names := make([]string, 0, len(l.aliasSet))
	for a := range l.aliasSet {
		names = append(names, a)
	}
	slices.Sort(names)
	for _, a := range names {
		canon := aliases[a]
		v := l.aliasSet[a]
		if cv, ok := l.vals[canon]; ok && !reflect.DeepEqual(cv, v) {
			l.fail(a, display(canon, v), fmt.Sprintf("conflicts with %s = %s; set only one of them", canon, display(canon, cv)))
			continue
		}
		l.vals[canon] = v
	}
	l.aliasSet = map[string]any{}
}

// keyIndex maps every accepted key name (canonical or alias) to its field.
type keyIndex struct {
	byKey   map[string]field
	aliases map[string]string
	env     map[string]string // env var name -> accepted key name
	all     []string          // accepted key names, for suggestions
}

func newKeyIndex() *keyIndex {
	ix := &keyIndex{byKey: map[string]field{}, aliases: keyAliases(), env: map[string]string{}}
	for _, f := range fields() {
		ix.byKey[f.key] = f
		ix.env[EnvName(f.key)] = f.key
		ix.all = append(ix.all, f.key)
	}
	for a := range ix.aliases {
		ix.env[EnvName(a)] = a
		ix.all = append(ix.all, a)
	}
	slices.Sort(ix.all)
	return ix
}

// lookup resolves a key name to its field; alias reports an alias name.
func (ix *keyIndex) lookup(name string) (f field, alias bool, ok bool) {
	if canon, isAlias := ix.aliases[name]; isAlias {
		f, ok = ix.byKey[canon]
		return f, true, ok
	}
	f, ok = ix.byKey[name]
	return f, false, ok
}

// set stores a converted value under an accepted key name.
func (l *layer) set(name string, alias bool, v any) {
	if alias {
		l.aliasSet[name] = v
		return
	}
	l.vals[name] = v
}

// unknownRule is the rule text for an unknown key, with a suggestion.
func (ix *keyIndex) unknownRule(name string) string {
	if s := suggest(name, ix.all); s != "" {
		return "unknown key (did you mean " + s + "?)"
	}
	return "unknown key"
}

func load(opts LoadOptions, in *fileInput) (*Config, error) {
	ix := newKeyIndex()

	file := newLayer()
	if in != nil {
		root, err := parseFile(in.data, in.format)
		if err != nil {
			return nil, fmt.Errorf("config: %s: %w", in.name, err)
		}
		walkFile(buildSchema(), ix, "", root, file)
		file.finish()
	}
	env := envLayer(ix, opts.Environ)
	over := overrideLayer(ix, opts.Overrides)
	patch := newLayer()
	maps.Copy(patch.vals, opts.Patch.vals)

	scale := ScaleDefault
	for _, s := range []string{stringVal(patch.vals, "scale"), stringVal(over.vals, "scale"), opts.Scale, stringVal(env.vals, "scale"), stringVal(file.vals, "scale")} {
		if s != "" {
			scale = s
			break
		}
	}

	base := Defaults()
	if v, ok := Preset(scale); ok {
		base.Volume = v
	}

	ko := koanf.New(".")
	for _, m := range []map[string]any{flatten(base), file.vals, env.vals, over.vals, patch.vals, {"scale": scale}} {
		if len(m) == 0 {
			continue
		}
		if err := ko.Load(confmap.Provider(m, "."), nil); err != nil {
			return nil, fmt.Errorf("config: merge: %w", err)
		}
	}
	var cfg Config
	err := ko.UnmarshalWithConf("", &cfg, koanf.UnmarshalConf{
		Tag: "koanf",
		DecoderConfig: &mapstructure.DecoderConfig{
			TagName:          "koanf",
			ErrorUnused:      true,
			WeaklyTypedInput: false,
		},
	})
	if err != nil {
		// Values are converted to their field's type before merging, so
		// this is a bug in this package rather than a user error.
		return nil, fmt.Errorf("config: decode merged configuration: %w", err)
	}
	extraOrigins, originProblems := allowedOriginsEnv(opts.Environ)
	for _, o := range extraOrigins {
		if !slices.Contains(cfg.Server.AllowedOrigins, o) {
			cfg.Server.AllowedOrigins = append(cfg.Server.AllowedOrigins, o)
		}
	}
	if len(cfg.Server.AllowedOrigins) == 0 {
		cfg.Server.AllowedOrigins = nil
	}

	// paths.master/facts from an old config file locate the output root
	// unless something set output.dir itself.
	explicitDir := false
	for _, l := range []*layer{file, env, over, patch} {
		if _, ok := l.vals["output.dir"]; ok {
			explicitDir = true
		}
	}
	if !explicitDir {
		switch {
		case cfg.Paths.Master != "":
			cfg.Output.Dir = parentDir(cfg.Paths.Master)
		case cfg.Paths.Facts != "":
			cfg.Output.Dir = parentDir(cfg.Paths.Facts)
		}
	}

	problems := originProblems
	bad := map[string]bool{}
	for _, l := range []*layer{file, env, over} {
		problems = append(problems, l.errs...)
		for key := range l.rejected {
			bad[key] = true
		}
	}
	if err := cfg.Validate(); err != nil {
		var ve ValidationErrors
		if !errors.As(err, &ve) {
			return nil, err
		}
		for _, e := range ve {
			// A key whose given value was rejected keeps a lower layer's
			// value; do not report that value too.
			if !bad[e.Key] {
				problems = append(problems, e)
			}
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return &cfg, nil
}

func stringVal(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// AllowedOriginsEnv is the environment variable whose comma-separated
// origins are added to server.allowed_origins.
const AllowedOriginsEnv = "ALLOWED_ORIGINS"

// allowedOriginsEnv reads ALLOWED_ORIGINS: the valid origins, and a problem
// for each invalid one.
func allowedOriginsEnv(environ []string) ([]string, ValidationErrors) {
	var origins []string
	var problems ValidationErrors
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name != AllowedOriginsEnv {
			continue
		}
		origins, problems = nil, nil // the last definition wins, like os.Getenv
		for _, o := range splitList(value) {
			if rule := originRule(o); rule != "" {
				problems = append(problems, FieldError{Key: AllowedOriginsEnv, Value: display("", o), Rule: rule})
				continue
			}
			origins = append(origins, o)
		}
	}
	return origins, problems
}

// splitList splits comma-separated text into its trimmed, non-empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// flatten returns every key of c with its typed value.
func flatten(c Config) map[string]any {
	rv := reflect.ValueOf(c)
	out := map[string]any{}
	for _, f := range fields() {
		out[f.key] = rv.FieldByIndex(f.index).Interface()
	}
	return out
}

// parseFile decodes a configuration file into its top-level object.
func parseFile(data []byte, format fileFormat) (map[string]any, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if format == formatSniff {
		format = formatYAML
		if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
			format = formatJSON
		}
	}
	var v any
	if format == formatJSON {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var err error
		v, err = decodeJSON(dec, "", 0)
		if errors.Is(err, io.EOF) {
			return map[string]any{}, nil
		}
		if err != nil {
			offset := dec.InputOffset()
			if se := (*json.SyntaxError)(nil); errors.As(err, &se) {
				offset = se.Offset
			}
			return nil, fmt.Errorf("invalid JSON at %s: %w", position(data, offset), err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("invalid JSON at %s: unexpected data after the top-level object", position(data, dec.InputOffset()))
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return map[string]any{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("invalid YAML: %w", err)
		}
		var extra any
		switch err := dec.Decode(&extra); {
		case errors.Is(err, io.EOF):
		case err != nil:
			return nil, fmt.Errorf("invalid YAML: %w", err)
		default:
			return nil, errors.New("invalid YAML: more than one document")
		}
	}
	switch m := v.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return m, nil
	case map[any]any:
		return stringKeys(m)
	}
	return nil, fmt.Errorf("the top level must be an object of keys, not %s", describe(v))
}

// maxJSONDepth bounds the nesting of a JSON file (configuration needs 2).
const maxJSONDepth = 64

// decodeJSON decodes one JSON value like encoding/json does into any
// (numbers as json.Number), but rejects a key given twice in one object:
// encoding/json would silently keep the last, losing e.g. a whole section.
// Comment keys (starting with "_") may repeat.
func decodeJSON(dec *json.Decoder, path string, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if depth > 0 && errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	switch delim {
	case '{':
		m := map[string]any{}
		for dec.More() {
			kt, err := innerToken(dec)
			if err != nil {
				return nil, err
			}
			key, ok := kt.(string)
			if !ok {
				return nil, fmt.Errorf("object key %v is not a string", kt)
			}
			full := joinKey(path, key)
			if _, dup := m[key]; dup && !strings.HasPrefix(key, "_") {
				return nil, fmt.Errorf("key %s appears twice", full)
			}
			if m[key], err = decodeJSON(dec, full, depth+1); err != nil {
				return nil, err
			}
		}
		if _, err := innerToken(dec); err != nil { // '}'
			return nil, err
		}
		return m, nil
	case '[':
		a := []any{}
		for dec.More() {
			v, err := decodeJSON(dec, path, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := innerToken(dec); err != nil { // ']'
			return nil, err
		}
		return a, nil
	}
	return nil, fmt.Errorf("unexpected %v", delim)
}

// position renders a byte offset as "line L, column C" (1-based).
func position(data []byte, offset int64) string {
	offset = max(0, min(offset, int64(len(data))))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// innerToken reads a token inside a value, where the end of input is an
// error rather than an empty file.
func innerToken(dec *json.Decoder) (json.Token, error) {
	t, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, io.ErrUnexpectedEOF
	}
	return t, err
}

// stringKeys converts a YAML mapping with non-string keys.
func stringKeys(m map[any]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		s := fmt.Sprint(k)
		if _, dup := out[s]; dup {
			return nil, fmt.Errorf("key %q appears twice", s)
		}
		out[s] = v
	}
	return out, nil
}

// joinKey appends a file key to a dotted prefix. A name that is empty or
// holds unusual characters is quoted, so messages stay on one line.
func joinKey(prefix, name string) string {
	name = keyText(name)
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// keyText quotes a name unless it is made of letters, digits, '_', '-' and
// '.' only.
func keyText(name string) string {
	if name == "" || strings.IndexFunc(name, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) >= 0 {
		return strconv.Quote(truncate(name))
	}
	return name
}

// walkFile checks one object of a file against the schema and records its
// values in l. Keys starting with "_" are comments.
func walkFile(n *schema, ix *keyIndex, prefix string, m map[string]any, l *layer) {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if strings.HasPrefix(name, "_") {
			continue
		}
		v := m[name]
		key := joinKey(prefix, name)
		child, ok := n.children[name]
		if !ok {
			f, alias, found := ix.lookup(key)
			switch {
			case found && alias:
				setDecoded(l, key, true, f, v)
			case strings.Contains(name, ".") && (found || hasSection(ix, key)):
				l.fail(key, "", "unknown key (dotted names are not expanded in files: nest the key inside its section)")
			default:
				l.fail(key, "", ix.unknownRule(key))
			}
			continue
		}
		if child.leaf != nil {
			setDecoded(l, key, false, *child.leaf, v)
			continue
		}
		switch sub := v.(type) {
		case nil:
			// An empty section ("volume:" in YAML) sets nothing.
		case map[string]any:
			walkFile(child, ix, key, sub, l)
		case map[any]any:
			sm, err := stringKeys(sub)
			if err != nil {
				l.fail(key, "", err.Error())
				continue
			}
			walkFile(child, ix, key, sm, l)
		default:
			l.fail(key, display(key, v), "must be an object of keys (got "+describe(v)+")")
		}
	}
}

// hasSection reports whether key names a section.
func hasSection(ix *keyIndex, key string) bool {
	for k := range ix.byKey {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}

// setDecoded converts a decoded file value and records it.
func setDecoded(l *layer, key string, alias bool, f field, v any) {
	tv, rule := convertDecoded(f.kind, v)
	if rule != "" {
		l.reject(f, key, display(f.key, v), rule)
		return
	}
	l.set(key, alias, tv)
}

// envLayer reads RETAIL_* and the Azure variables.
func envLayer(ix *keyIndex, environ []string) *layer {
	l := newLayer()
	vars := map[string]string{}
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if ok && name != "" {
			vars[name] = value
		}
	}
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	slices.Sort(names)

	// The conventional Azure variables first, so that RETAIL_* wins.
	azure := azureEnv()
	for _, name := range names {
		if key, ok := azure[name]; ok {
			l.vals[key] = vars[name]
		}
	}
	for _, name := range names {
		if !strings.HasPrefix(name, EnvPrefix) || strings.HasPrefix(name, ReservedEnvPrefix) {
			continue
		}
		keyName, ok := ix.env[name]
		if !ok {
			rule := "unknown environment variable: it matches no configuration key"
			if s := suggest(name, envNames(ix)); s != "" {
				rule += " (did you mean " + s + "?)"
			}
			l.fail(keyText(name), "", rule)
			continue
		}
		f, alias, _ := ix.lookup(keyName)
		tv, rule := convertText(f.kind, vars[name])
		if rule != "" {
			l.reject(f, keyName, display(f.key, vars[name]), rule+" (from "+name+")")
			continue
		}
		l.set(keyName, alias, tv)
	}
	l.finish()
	return l
}

func envNames(ix *keyIndex) []string {
	out := make([]string, 0, len(ix.env))
	for name := range ix.env {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// overrideLayer reads command-line values keyed by dotted key.
func overrideLayer(ix *keyIndex, overrides map[string]string) *layer {
	l := newLayer()
	names := make([]string, 0, len(overrides))
	for name := range overrides {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f, alias, ok := ix.lookup(name)
		if !ok {
			l.fail(keyText(name), "", ix.unknownRule(name))
			continue
		}
		tv, rule := convertText(f.kind, overrides[name])
		if rule != "" {
			l.reject(f, name, display(f.key, overrides[name]), rule)
			continue
		}
		l.set(name, alias, tv)
	}
	l.finish()
	return l
}

// convertDecoded converts a value decoded from JSON or YAML to the Go type
// of a key of kind k. A non-empty rule reports a type error.
func convertDecoded(k kind, v any) (any, string) {
	got := " (got " + describe(v) + ")"
	switch k {
	case kindString:
		switch x := v.(type) {
		case string:
			return x, ""
		case time.Time:
			// An unquoted YAML date.
			if x.Equal(time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)) {
				return x.Format(time.DateOnly), ""
			}
			return x.Format(time.RFC3339Nano), ""
		}
	case kindBool:
		if b, ok := v.(bool); ok {
			return b, ""
		}
	case kindInt:
		switch x := v.(type) {
		case json.Number:
			if i, err := strconv.ParseInt(x.String(), 10, strconv.IntSize); err == nil {
				return int(i), ""
			}
			f, err := strconv.ParseFloat(x.String(), 64)
			if err != nil {
				return nil, k.rangeRule()
			}
			return intFromFloat(k, f)
		case int:
			return x, ""
		case int64:
			if x < math.MinInt || x > math.MaxInt {
				return nil, k.rangeRule()
			}
			return int(x), ""
		case uint64:
			if x > math.MaxInt {
				return nil, k.rangeRule()
			}
			return int(x), ""
		case float64:
			return intFromFloat(k, x)
		}
	case kindUint:
		switch x := v.(type) {
		case json.Number:
			if u, err := strconv.ParseUint(x.String(), 10, 64); err == nil {
				return u, ""
			}
			f, err := strconv.ParseFloat(x.String(), 64)
			if err != nil {
				return nil, k.rangeRule()
			}
			return uintFromFloat(k, f)
		case int:
			if x < 0 {
				return nil, k.expectation()
			}
			return uint64(x), ""
		case int64:
			if x < 0 {
				return nil, k.expectation()
			}
			return uint64(x), ""
		case uint64:
			return x, ""
		case float64:
			return uintFromFloat(k, x)
		}
	case kindStrings:
		items, ok := v.([]any)
		if !ok {
			break
		}
		var out []string
		for i, item := range items {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Sprintf("%s (item %d is %s)", k.expectation(), i+1, describe(item))
			}
			out = append(out, s)
		}
		return out, ""
	case kindFloat:
		var f float64
		switch x := v.(type) {
		case json.Number:
			var err error
			if f, err = strconv.ParseFloat(x.String(), 64); err != nil {
				return nil, k.rangeRule()
			}
		case int:
			f = float64(x)
		case int64:
			f = float64(x)
		case uint64:
			f = float64(x)
		case float64:
			f = x
		default:
			return nil, k.expectation() + got
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, k.expectation()
		}
		return f, ""
	}
	return nil, k.expectation() + got
}

// intFromFloat accepts a float that is a whole number within int's range
// (JSON 1e3 or 1000.0 for 1000).
func intFromFloat(k kind, f float64) (any, string) {
	limit := math.Ldexp(1, strconv.IntSize-1)
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f):
		return nil, k.expectation()
	case f < -limit || f >= limit:
		return nil, k.rangeRule()
	}
	return int(f), ""
}

// uintFromFloat accepts a float that is a whole number within uint64's
// range.
func uintFromFloat(k kind, f float64) (any, string) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || f < 0:
		return nil, k.expectation()
	case f >= math.Ldexp(1, 64):
		return nil, k.rangeRule()
	}
	return uint64(f), ""
}

// convertText parses an environment or command-line value to the Go type of
// a key of kind k. A non-empty rule reports a problem.
func convertText(k kind, s string) (any, string) {
	t := strings.TrimSpace(s)
	switch k {
	case kindString:
		return s, ""
	case kindStrings:
		return splitList(s), ""
	case kindBool:
		if b, err := strconv.ParseBool(t); err == nil {
			return b, ""
		}
	case kindInt:
		i, err := strconv.ParseInt(t, 10, strconv.IntSize)
		if err == nil {
			return int(i), ""
		}
		if errors.Is(err, strconv.ErrRange) {
			return nil, k.rangeRule()
		}
	case kindUint:
		u, err := strconv.ParseUint(t, 10, 64)
		if err == nil {
			return u, ""
		}
		if errors.Is(err, strconv.ErrRange) {
			return nil, k.rangeRule()
		}
	case kindFloat:
		f, err := strconv.ParseFloat(t, 64)
		if err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f, ""
		}
		if errors.Is(err, strconv.ErrRange) {
			return nil, k.rangeRule()
		}
	}
	return nil, k.expectation()
}

// suggest returns the candidate closest to name, if it is close enough to
// be a likely typo.
func suggest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > max(2, len(name)/5) || bestD >= len(name) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	if len(a) > 200 || len(b) > 200 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
