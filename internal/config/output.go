package config

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// RedactedValue is the value that replaces secrets in anything printed.
const RedactedValue = "***"

// Redacted returns a copy of c whose secrets (realtime.azure_connection_string,
// storage.account_key, and a storage.account_uri query string carrying a SAS
// signature) are replaced with "***". Empty secrets stay empty.
func (c Config) Redacted() Config {
	if c.Realtime.AzureConnectionString != "" {
		c.Realtime.AzureConnectionString = RedactedValue
	}
	if c.Storage.AccountKey != "" {
		c.Storage.AccountKey = RedactedValue
	}
	c.Storage.AccountURI = redactURI(c.Storage.AccountURI)
	return c
}

// redactURI hides a query string that contains a SAS signature (sig=).
func redactURI(s string) string {
	i := strings.IndexByte(s, '?')
	if !strings.Contains(strings.ToLower(s[i+1:]), "sig=") {
		return s
	}
	if i < 0 {
		return RedactedValue
	}
	return s[:i+1] + RedactedValue
}

// DateRange returns the simulated range, both ends inclusive, as UTC
// midnights: end is historical.end_date when set, else start_date + days - 1.
// The configuration must be valid; unparsable dates give zero times.
func (c Config) DateRange() (start, end time.Time) {
	start, err := time.Parse(time.DateOnly, c.Historical.StartDate)
	if err != nil {
		return time.Time{}, time.Time{}
	}
	if c.Historical.EndDate != "" {
		end, err = time.Parse(time.DateOnly, c.Historical.EndDate)
		if err != nil {
			return time.Time{}, time.Time{}
		}
		return start, end
	}
	return start, start.AddDate(0, 0, c.Historical.Days-1)
}

// MasterDir is where master tables go: paths.master, else <output.dir>/master.
func (c Config) MasterDir() string {
	if c.Paths.Master != "" {
		return c.Paths.Master
	}
	return joinOut(c.Output.Dir, "master")
}

// FactsDir is where fact tables go: paths.facts, else <output.dir>/facts.
func (c Config) FactsDir() string {
	if c.Paths.Facts != "" {
		return c.Paths.Facts
	}
	return joinOut(c.Output.Dir, "facts")
}

// EffectiveCompression resolves an empty output.compression to the
// format's default: zstd for parquet, none for csv and jsonl.
func (o Output) EffectiveCompression() string {
	if o.Compression != "" {
		return o.Compression
	}
	if o.Format == FormatParquet {
		return CompressionZstd
	}
	return CompressionNone
}

// Fingerprint identifies the configuration that shapes generated data: a
// SHA-256 (hex) over canonical JSON of seed, volume.*,
// historical.start_date, disruptions.* and marketing_cost.*. Output location and format,
// paths, streaming, storage, performance, the date range's end and the
// scale's name (only its volumes count) do not change it.
func (c Config) Fingerprint() string {
	rv := reflect.ValueOf(c)
	m := map[string]any{"fingerprint_version": 1}
	for _, f := range fields() {
		if f.key != "seed" && f.key != "historical.start_date" &&
			!strings.HasPrefix(f.key, "volume.") && !strings.HasPrefix(f.key, "marketing_cost.") &&
			!strings.HasPrefix(f.key, "disruptions.") {
			continue
		}
		v := rv.FieldByIndex(f.index).Interface()
		if x, ok := v.(float64); ok {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				v = strconv.FormatFloat(x, 'g', -1, 64)
			} else {
				v = json.Number(strconv.FormatFloat(x, 'g', -1, 64))
			}
		}
		m[f.key] = v
	}
	b, err := json.Marshal(m) // map keys are sorted: canonical
	if err != nil {
		// Unreachable: every value is a string, an integer or a valid
		// json.Number. fmt also prints maps with sorted keys.
		b = fmt.Appendf(nil, "%v", m)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// WriteTo writes the configuration, redacted, as "yaml" or "json" with keys
// in file order (what `config show` prints). Despite the name it is not an
// io.WriterTo: it takes a format and returns only an error.
func (c Config) WriteTo(w io.Writer, format string) error {
	t := c.Redacted().tree(false)
	switch strings.ToLower(format) {
	case "yaml", "yml":
		return writeYAML(w, "", t)
	case "json":
		return writeJSON(w, "", t)
	}
	return fmt.Errorf("config: unknown format %q (want yaml or json)", format)
}

// WriteInitFile writes a commented configuration holding the defaults of a
// scale preset (empty = "default"): YAML with a comment above every key, or
// JSON with "_comment" keys (which the loader ignores). Loading the file
// gives exactly DefaultsFor(scale). Every volume key is written, so changing
// only scale in the file later does not change them: delete the volume keys
// you want the preset to decide.
func WriteInitFile(w io.Writer, format string, scale string) error {
	if scale == "" {
		scale = ScaleDefault
	}
	c, err := DefaultsFor(scale)
	if err != nil {
		return err
	}
	header := "retail-datagen configuration (scale preset: " + scale + ").\n" +
		"Every key is optional; a missing key takes its default.\n" +
		"Precedence: defaults < scale preset < this file < RETAIL_* environment variables < command-line flags.\n" +
		"The volume keys below are the " + scale + " preset's values; explicit keys win over the preset,\n" +
		"so delete those you want the scale key to decide.\n" +
		"Secrets (connection strings, keys) are better given through the environment."
	t := c.tree(true)
	switch strings.ToLower(format) {
	case "yaml", "yml":
		return writeYAML(w, header, t)
	case "json":
		return writeJSON(w, header, t)
	}
	return fmt.Errorf("config: unknown format %q (want yaml or json)", format)
}

// entry is one key or section, in file order, for writing.
type entry struct {
	name     string
	comment  string
	value    any // leaf value; nil for a section
	children []entry
}

// tree lays out c in file order; with comments, every entry is described.
func (c Config) tree(comments bool) []entry {
	rv := reflect.ValueOf(c)
	desc := descriptions()
	sdesc := sectionDescriptions()
	var build func(n *schema, prefix string) []entry
	build = func(n *schema, prefix string) []entry {
		out := make([]entry, 0, len(n.order))
		for _, name := range n.order {
			child := n.children[name]
			key := joinKey(prefix, name)
			e := entry{name: name}
			if child.leaf != nil {
				e.value = rv.FieldByIndex(child.leaf.index).Interface()
				if comments {
					e.comment = desc[key] + " Env: " + EnvName(key) + "."
				}
			} else {
				e.children = build(child, key)
				if comments {
					e.comment = sdesc[key]
				}
			}
			out = append(out, e)
		}
		return out
	}
	return build(buildSchema(), "")
}

// sectionDescriptions describes each section.
func sectionDescriptions() map[string]string {
	return map[string]string{
		"volume":         "Size of the simulated chain (set by the scale preset; explicit keys win).",
		"realtime":       "Real-time streaming: pacing, batching, retries and resilience.",
		"paths":          "Dictionary override folder, and legacy output folders.",
		"stream":         "Streaming destination.",
		"historical":     "Simulated date range for historical facts.",
		"performance":    "Parallelism.",
		"disruptions":    "Supply-chain disruptions at DCs (off by default).",
		"marketing_cost": "Marketing cost per impression by channel (dollars), and device multipliers.",
		"storage":        "Object-storage account (secrets are better given through the environment).",
		"output":         "Where and how tables are written.",
		"server":         "The HTTP API and web UI of `serve`.",
	}
}

// writeYAML writes entries as a YAML document with head comments.
func writeYAML(w io.Writer, header string, entries []entry) error {
	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: commentLines(header)}
	root, err := yamlMapping(entries)
	if err != nil {
		return err
	}
	doc.Content = []*yaml.Node{root}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("config: write YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("config: write YAML: %w", err)
	}
	if _, err := w.Write(spaceSections(buf.Bytes())); err != nil {
		return fmt.Errorf("config: write YAML: %w", err)
	}
	return nil
}

// spaceSections puts a blank line before each top-level comment block that
// follows a value, so that commented sections stand apart.
func spaceSections(b []byte) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	out := make([]byte, 0, len(b)+len(lines))
	prevValue := false
	for _, l := range lines {
		isComment := bytes.HasPrefix(l, []byte("#"))
		if isComment && prevValue {
			out = append(out, '\n')
		}
		out = append(out, l...)
		prevValue = !isComment && len(bytes.TrimSpace(l)) > 0
	}
	return out
}

func commentLines(s string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "# " + l
	}
	return strings.Join(lines, "\n")
}

func yamlMapping(entries []entry) (*yaml.Node, error) {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, e := range entries {
		k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e.name, HeadComment: commentLines(e.comment)}
		var v *yaml.Node
		if e.children != nil {
			var err error
			if v, err = yamlMapping(e.children); err != nil {
				return nil, err
			}
		} else {
			var err error
			if v, err = yamlScalar(e.value); err != nil {
				return nil, fmt.Errorf("config: %s: %w", e.name, err)
			}
		}
		m.Content = append(m.Content, k, v)
	}
	return m, nil
}

func yamlScalar(v any) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.ScalarNode}
	switch x := v.(type) {
	case string:
		n.Tag, n.Value = "!!str", x
	case bool:
		n.Tag, n.Value = "!!bool", strconv.FormatBool(x)
	case int:
		n.Tag, n.Value = "!!int", strconv.Itoa(x)
	case uint64:
		n.Tag, n.Value = "!!int", strconv.FormatUint(x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, errors.New("value is not a finite number")
		}
		n.Tag, n.Value = "!!float", formatFloat(x)
	case []string:
		n.Kind, n.Tag, n.Style = yaml.SequenceNode, "!!seq", yaml.FlowStyle
		for _, s := range x {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
		}
	default:
		return nil, fmt.Errorf("unsupported value type %T", v)
	}
	return n, nil
}

// writeJSON writes entries as indented JSON; comments become "_comment"
// keys (the header) and "_comment_<key>" keys before each key.
func writeJSON(w io.Writer, header string, entries []entry) error {
	bw := bufio.NewWriter(w)
	if err := jsonObject(bw, header, entries, 1); err != nil {
		return err
	}
	bw.WriteString("\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("config: write JSON: %w", err)
	}
	return nil
}

func jsonObject(w *bufio.Writer, comment string, entries []entry, depth int) error {
	indent := strings.Repeat("  ", depth)
	var members []string
	if comment != "" {
		members = append(members, indent+`"_comment": `+jsonString(comment))
	}
	for _, e := range entries {
		if e.children != nil {
			// The section's description goes inside it, as "_comment".
			var buf bytes.Buffer
			bw := bufio.NewWriter(&buf)
			if err := jsonObject(bw, e.comment, e.children, depth+1); err != nil {
				return err
			}
			bw.Flush()
			members = append(members, indent+jsonString(e.name)+": "+buf.String())
			continue
		}
		if e.comment != "" {
			members = append(members, indent+jsonString("_comment_"+e.name)+": "+jsonString(e.comment))
		}
		val, err := jsonScalar(e.value)
		if err != nil {
			return fmt.Errorf("config: %s: %w", e.name, err)
		}
		members = append(members, indent+jsonString(e.name)+": "+val)
	}
	if len(members) == 0 {
		w.WriteString("{}")
		return nil
	}
	w.WriteString("{\n" + strings.Join(members, ",\n") + "\n" + strings.Repeat("  ", depth-1) + "}")
	return nil
}

func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return strconv.Quote(s) // unreachable: strings always encode
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func jsonScalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return jsonString(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", errors.New("value is not a finite number")
		}
		return formatFloat(x), nil
	case []string:
		items := make([]string, len(x))
		for i, s := range x {
			items[i] = jsonString(s)
		}
		return "[" + strings.Join(items, ", ") + "]", nil
	}
	return "", fmt.Errorf("unsupported value type %T", v)
}
