package dict

import (
	"fmt"
	"strings"
	"unicode"
)

// Blocklist matching.
//
// Text is split into words: maximal runs of letters and digits, lowercased
// and with common Latin accents removed; every other character (space,
// punctuation, apostrophe, hyphen, ...) separates words. A term is reduced to
// its key, the concatenation of its words ("Coca-Cola" → "cocacola"). The
// term matches a value when the concatenation of one or more consecutive
// whole words of the value equals the key. So "Coca-Cola" matches
// "Coca Cola", "coca-cola" and "CocaCola Classic", and "apple" matches
// "Apple Farms" but not "Pineapple" or "Applebee".

// blocked is a validated blocklist entry.
type blocked struct {
	BlockTerm
	key  string
	file string
	line int
}

// words splits s into normalized words.
func words(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(foldAccent(unicode.ToLower(r)))
			continue
		}
		flush()
	}
	flush()
	return out
}

// termKey is the concatenation of the words of a blocklist term.
func termKey(term string) string {
	return strings.Join(words(term), "")
}

// foldAccent maps common accented Latin letters to their base letter, so
// that "Nestlé" and "Nestle" are the same word.
func foldAccent(r rune) rune {
	if r < 0xC0 {
		return r
	}
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return 'a'
	case 'ç', 'ć', 'č':
		return 'c'
	case 'ď':
		return 'd'
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return 'e'
	case 'ğ':
		return 'g'
	case 'ì', 'í', 'î', 'ï', 'ī', 'į', 'ı':
		return 'i'
	case 'ł', 'ľ':
		return 'l'
	case 'ñ', 'ń', 'ň':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ő':
		return 'o'
	case 'ř':
		return 'r'
	case 'ś', 'š', 'ş':
		return 's'
	case 'ť', 'ţ':
		return 't'
	case 'ù', 'ú', 'û', 'ü', 'ū', 'ů', 'ű':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'ź', 'ż', 'ž':
		return 'z'
	}
	return r
}

// matcher finds blocklist terms in values.
type matcher struct {
	any, brand map[string]blocked // by key; the first entry of a key wins
	maxKey     int                // length of the longest key, in bytes
}

func newMatcher(terms []blocked) *matcher {
	m := &matcher{any: make(map[string]blocked), brand: make(map[string]blocked)}
	for _, t := range terms {
		dst := m.any
		if t.Scope == ScopeBrand {
			dst = m.brand
		}
		if _, dup := dst[t.key]; !dup {
			dst[t.key] = t
		}
		m.maxKey = max(m.maxKey, len(t.key))
	}
	return m
}

// match returns the first term found in value: any-scope terms always,
// brand-scope terms when brandColumn is set.
func (m *matcher) match(value string, brandColumn bool) (blocked, bool) {
	ws := words(value)
	for i := range ws {
		key := ""
		for j := i; j < len(ws); j++ {
			key += ws[j]
			if len(key) > m.maxKey {
				break
			}
			if t, ok := m.any[key]; ok {
				return t, true
			}
			if t, ok := m.brand[key]; ok && brandColumn {
				return t, true
			}
		}
	}
	return blocked{}, false
}

// checkBlocklist reports every field of every dictionary (but the
// blocklists) that contains a blocked term.
func (l *loader) checkBlocklist(tables map[string]*table, terms []blocked) {
	if len(terms) == 0 {
		return
	}
	m := newMatcher(terms)
	for _, name := range FileNames() {
		t := tables[name]
		if name == FileBlocklist || t == nil {
			continue
		}
		for _, r := range t.rows {
			for col, v := range r.fields {
				if v == "" {
					continue
				}
				if b, found := m.match(v, isBrandColumn(name, col)); found {
					l.fail(t, r, col, fmt.Sprintf("contains the blocked term %q (%s:%d, scope %s)", b.Term, b.file, b.line, b.Scope))
				}
			}
		}
	}
}

// isBrandColumn reports whether column col of a file names a brand or a
// company, where brand-scope terms apply.
func isBrandColumn(file string, col int) bool {
	switch file {
	case FileBrands:
		return col == brandName || col == brandCompany
	case FileCompanies:
		return col == companyName
	}
	return false
}

// Blocked reports the first blocklist term found in value, using the same
// word matching as the dictionary check. Brand-scope terms count only when
// brandColumn is set. Generators use it to prove that synthesized names
// (products, companies) stay clear of real brands.
func (s *Set) Blocked(value string, brandColumn bool) (string, bool) {
	terms := make([]blocked, 0, len(s.Blocklist))
	for _, t := range s.Blocklist {
		terms = append(terms, blocked{BlockTerm: t, key: termKey(t.Term)})
	}
	t, ok := newMatcher(terms).match(value, brandColumn)
	return t.Term, ok
}
