package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// UpdateFile writes the values of p into the configuration file at path,
// keeping everything else in it (other keys, order, and in YAML the
// comments). Secrets are never written: p.WithoutSecrets() is applied. A
// key the file sets through an alias (paths.dict) is updated under that
// name. The file is replaced atomically and keeps its permissions.
func UpdateFile(path string, p Patch) error {
	p = p.WithoutSecrets()
	if p.Len() == 0 {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: read %s: %w", path, err)
	}
	format := formatFromName(path)
	if format == formatSniff {
		format = formatYAML
		if t := bytes.TrimLeft(data, "\ufeff \t\r\n"); len(t) > 0 && t[0] == '{' {
			format = formatJSON
		}
	}
	var out []byte
	if format == formatJSON {
		out, err = patchJSON(data, p)
	} else {
		out, err = patchYAML(data, p)
	}
	if err != nil {
		return fmt.Errorf("config: update %s: %w", path, err)
	}
	return replaceFile(path, out)
}

// fileNames returns the names under which key is looked up in a file
// section: its own last segment and those of its aliases.
func fileNames(key string) []string {
	last := key[strings.LastIndexByte(key, '.')+1:]
	names := []string{last}
	for alias, canon := range keyAliases() {
		if canon == key {
			names = append(names, alias[strings.LastIndexByte(alias, '.')+1:])
		}
	}
	return names
}

// patchYAML sets the patch's keys in a YAML document, keeping comments.
func patchYAML(data []byte, p Patch) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode}
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("the top level is not an object of keys")
	}
	for _, key := range p.Keys() {
		parts := strings.Split(key, ".")
		m := root
		for _, sec := range parts[:len(parts)-1] {
			var err error
			if m, err = yamlSection(m, sec); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
		}
		v, err := yamlScalar(p.vals[key])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		names := fileNames(key)
		found := false
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i]
			if k.Value == names[0] || (len(names) > 1 && k.Value == names[1]) {
				old := m.Content[i+1]
				v.LineComment, v.FootComment = old.LineComment, old.FootComment
				m.Content[i+1] = v
				found = true
			}
		}
		if !found {
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: names[0]}, v)
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return spaceSections(buf.Bytes()), nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// yamlSection returns the mapping of section name in m, creating it (or
// replacing an empty value) when needed.
func yamlSection(m *yaml.Node, name string) (*yaml.Node, error) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != name {
			continue
		}
		v := m.Content[i+1]
		switch {
		case v.Kind == yaml.MappingNode:
			return v, nil
		case isNull(v):
			sec := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			m.Content[i+1] = sec
			return sec, nil
		}
		return nil, fmt.Errorf("section %s is not an object of keys", name)
	}
	sec := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, sec)
	return sec, nil
}

// orderedObject is a JSON object that keeps its members' order; members with
// the same name (comment keys may repeat) are all kept.
type orderedObject struct {
	names []string
	vals  []any // *orderedObject, []any, json.Number, string, bool or nil
}

// patchJSON sets the patch's keys in a JSON document, keeping the order of
// its members and its comment keys.
func patchJSON(data []byte, p Patch) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	root := &orderedObject{}
	if len(bytes.TrimSpace(data)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		v, err := decodeOrdered(dec, 0)
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		obj, ok := v.(*orderedObject)
		if !ok {
			return nil, errors.New("the top level is not an object of keys")
		}
		root = obj
	}
	for _, key := range p.Keys() {
		parts := strings.Split(key, ".")
		o := root
		for _, sec := range parts[:len(parts)-1] {
			i := o.index(sec)
			if i < 0 {
				child := &orderedObject{}
				o.names, o.vals = append(o.names, sec), append(o.vals, child)
				o = child
				continue
			}
			switch child := o.vals[i].(type) {
			case *orderedObject:
				o = child
			case nil:
				c := &orderedObject{}
				o.vals[i] = c
				o = c
			default:
				return nil, fmt.Errorf("%s: section %s is not an object of keys", key, sec)
			}
		}
		v := jsonValue(p.vals[key])
		names := fileNames(key)
		found := false
		for _, n := range names {
			if i := o.index(n); i >= 0 {
				o.vals[i] = v
				found = true
			}
		}
		if !found {
			o.names, o.vals = append(o.names, names[0]), append(o.vals, v)
		}
	}
	var b strings.Builder
	writeOrdered(&b, root, 1)
	b.WriteByte('\n')
	return []byte(b.String()), nil
}

// index is the position of the last member called name, or -1.
func (o *orderedObject) index(name string) int {
	for i := len(o.names) - 1; i >= 0; i-- {
		if o.names[i] == name {
			return i
		}
	}
	return -1
}

// jsonValue converts a typed configuration value for writeOrdered.
func jsonValue(v any) any {
	if list, ok := v.([]string); ok {
		out := make([]any, len(list))
		for i, s := range list {
			out[i] = s
		}
		return out
	}
	return v
}

func decodeOrdered(dec *json.Decoder, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxJSONDepth)
	}
	tok, err := innerToken(dec)
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch delim {
	case '{':
		o := &orderedObject{}
		for dec.More() {
			kt, err := innerToken(dec)
			if err != nil {
				return nil, err
			}
			name, _ := kt.(string)
			v, err := decodeOrdered(dec, depth+1)
			if err != nil {
				return nil, err
			}
			o.names, o.vals = append(o.names, name), append(o.vals, v)
		}
		_, err := innerToken(dec)
		return o, err
	case '[':
		a := []any{}
		for dec.More() {
			v, err := decodeOrdered(dec, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := innerToken(dec)
		return a, err
	}
	return nil, fmt.Errorf("unexpected %v", delim)
}

// writeOrdered writes v as indented JSON (two spaces a level).
func writeOrdered(b *strings.Builder, v any, depth int) {
	indent := strings.Repeat("  ", depth)
	switch x := v.(type) {
	case *orderedObject:
		if len(x.names) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, name := range x.names {
			b.WriteString(indent + jsonString(name) + ": ")
			writeOrdered(b, x.vals[i], depth+1)
			if i < len(x.names)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat("  ", depth-1) + "}")
	case []any:
		b.WriteByte('[')
		for i, item := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeOrdered(b, item, depth+1)
		}
		b.WriteByte(']')
	case nil:
		b.WriteString("null")
	case json.Number:
		b.WriteString(x.String())
	default:
		s, err := jsonScalar(x)
		if err != nil {
			s = "null" // unreachable: patches hold finite numbers, strings and booleans
		}
		b.WriteString(s)
	}
}

// replaceFile writes data to path through a temporary file in the same
// folder and a rename, keeping path's permissions.
func replaceFile(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	return nil
}

// RestoreFile writes data back to path atomically, keeping its
// permissions: it undoes UpdateFile with the content read before.
func RestoreFile(path string, data []byte) error { return replaceFile(path, data) }
