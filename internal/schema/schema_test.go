package schema

import "testing"

// Every reference names an existing table whose whole primary key is the
// referenced column, of the same type; master data refers only to master
// data, so dimensions can be loaded before facts.
func TestReferencesResolve(t *testing.T) {
	refs := 0
	for _, tab := range Tables() {
		for _, c := range tab.Columns {
			if c.Ref == "" {
				continue
			}
			refs++
			target, ok := Lookup(c.RefTable())
			if !ok {
				t.Errorf("%s.%s refers to %q: no such table", tab.Name, c.Name, c.Ref)
				continue
			}
			if len(target.Key) != 1 || target.Key[0] != c.RefColumn() {
				t.Errorf("%s.%s refers to %q, which is not the primary key of %s (%v)", tab.Name, c.Name, c.Ref, target.Name, target.Key)
			}
			var found bool
			for _, tc := range target.Columns {
				if tc.Name == c.RefColumn() {
					found = true
					if tc.Type != c.Type {
						t.Errorf("%s.%s is %s but refers to %s of type %s", tab.Name, c.Name, c.Type.SQL(), c.Ref, tc.Type.SQL())
					}
				}
			}
			if !found {
				t.Errorf("%s.%s refers to %q: no such column", tab.Name, c.Name, c.Ref)
			}
			if tab.Kind == Master && target.Kind != Master {
				t.Errorf("master table %s refers to fact table %s", tab.Name, target.Name)
			}
		}
	}
	if refs < 40 {
		t.Errorf("only %d references; the schema declares more foreign keys", refs)
	}
}

// Dimensions come in an order where every table follows the ones it refers
// to, so loading them in definition order satisfies the foreign keys.
func TestMasterTablesInReferenceOrder(t *testing.T) {
	seen := map[string]bool{}
	for _, tab := range Tables() {
		if tab.Kind != Master {
			continue
		}
		for _, c := range tab.Columns {
			if c.Ref != "" && c.RefTable() != tab.Name && !seen[c.RefTable()] {
				t.Errorf("%s.%s refers to %s, defined later", tab.Name, c.Name, c.RefTable())
			}
		}
		seen[tab.Name] = true
	}
}
