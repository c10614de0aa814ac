package config

import (
	"maps"
	"reflect"
	"slices"
)

// Patch is a partial configuration: values for some keys, already checked
// against each key's type. The zero Patch sets nothing. Pass it to Load in
// LoadOptions.Patch to apply it above every other source.
type Patch struct {
	vals map[string]any // canonical key -> typed value
}

// MaxPatchBytes bounds the size of a partial configuration ParsePatch reads.
const MaxPatchBytes = 1 << 20

// ParsePatch reads a partial configuration: a JSON object laid out like a
// configuration file, e.g. {"volume":{"stores":10}}. Keys starting with "_"
// are comments. Unknown keys and values of the wrong type are returned, all
// at once, as ValidationErrors, together with a patch of the values that
// were accepted (so that their rules can be checked too); syntax errors as
// a plain error. Rules that involve other keys (min <= max, ...) are
// checked by Load, which applies the patch over the other sources.
func ParsePatch(data []byte) (Patch, error) {
	if len(data) > MaxPatchBytes {
		return Patch{}, ValidationErrors{{Key: "(body)", Rule: "is larger than 1 MiB"}}
	}
	root, err := parseFile(data, formatJSON)
	if err != nil {
		return Patch{}, err
	}
	l := newLayer()
	walkFile(buildSchema(), newKeyIndex(), "", root, l)
	l.finish()
	if len(l.errs) > 0 {
		return Patch{vals: l.vals}, l.errs
	}
	return Patch{vals: l.vals}, nil
}

// Len is the number of keys the patch sets.
func (p Patch) Len() int { return len(p.vals) }

// Keys lists the keys the patch sets, sorted.
func (p Patch) Keys() []string {
	return slices.Sorted(maps.Keys(p.vals))
}

// Merge returns a patch with the values of p and q; q wins where both set
// a key. Neither p nor q changes.
func (p Patch) Merge(q Patch) Patch {
	out := make(map[string]any, len(p.vals)+len(q.vals))
	maps.Copy(out, p.vals)
	maps.Copy(out, q.vals)
	return Patch{vals: out}
}

// Unredacted drops the values that are what c.Redacted() shows for a
// secret ("***", or an account URI with its SAS query hidden): a client
// that reads the redacted configuration and sends it back leaves the
// secrets unchanged. A secret given as "***" is always dropped.
func (p Patch) Unredacted(c Config) Patch {
	shown := flatten(c.Redacted())
	real := flatten(c)
	out := make(map[string]any, len(p.vals))
	for k, v := range p.vals {
		if isSecret(k) && v == RedactedValue {
			continue
		}
		if !reflect.DeepEqual(shown[k], real[k]) && reflect.DeepEqual(v, shown[k]) {
			continue
		}
		out[k] = v
	}
	return Patch{vals: out}
}

// WithoutSecrets returns the patch without the keys that hold secrets,
// and without a storage.account_uri that carries a SAS signature.
func (p Patch) WithoutSecrets() Patch {
	out := make(map[string]any, len(p.vals))
	for k, v := range p.vals {
		if isSecret(k) {
			continue
		}
		if s, ok := v.(string); ok && k == "storage.account_uri" && redactURI(s) != s {
			continue
		}
		out[k] = v
	}
	return Patch{vals: out}
}
