package dict

import (
	"testing"
)

// TestEmbeddedSet checks that the dictionaries shipped in the binary load
// cleanly and are large enough for realistic data.
func TestEmbeddedSet(t *testing.T) {
	set, err := Load("")
	if err != nil {
		t.Fatalf("the embedded dictionaries do not load:\n%v", err)
	}
	atLeast := func(what string, got, want int) {
		t.Helper()
		if got < want {
			t.Errorf("%d %s, want at least %d", got, what, want)
		}
	}
	atLeast("geographies", len(set.Geographies), 400)
	atLeast("first names", len(set.FirstNames), 400)
	atLeast("last names", len(set.LastNames), 400)
	atLeast("products", len(set.Products), 500)
	atLeast("brands", len(set.Brands), 200)
	atLeast("blocklist terms", len(set.Blocklist), 1)

	states := make(map[string]bool)
	regions := make(map[string]bool)
	for _, g := range set.Geographies {
		states[g.State] = true
		regions[g.Region] = true
	}
	for _, s := range StateCodes() {
		if !states[s] {
			t.Errorf("no geography in %s", s)
		}
		if _, ok := set.StateRate(s); !ok {
			t.Errorf("no state rate for %s", s)
		}
	}
	for _, r := range Regions() {
		if !regions[r] {
			t.Errorf("no geography in region %s", r)
		}
	}

	departments := make(map[string]int)
	for _, p := range set.Products {
		departments[p.Department]++
	}
	branded := make(map[string]bool)
	for _, b := range set.Brands {
		branded[b.Category] = true
	}
	for _, d := range Departments() {
		if departments[d] == 0 {
			t.Errorf("no product in department %s", d)
		}
		if !branded[d] {
			t.Errorf("no brand in department %s", d)
		}
	}
}
