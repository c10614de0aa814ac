package dict

import (
	"reflect"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Coca-Cola", []string{"coca", "cola"}},
		{"  McDonald's  Café #1 ", []string{"mcdonald", "s", "cafe", "1"}},
		{"AT&T", []string{"at", "t"}},
		{"Nestlé", []string{"nestle"}},
		{"---", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := words(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMatcher(t *testing.T) {
	tests := []struct {
		term, scope string
		value       string
		brandColumn bool
		want        bool
	}{
		// Case and punctuation are ignored.
		{"Coca-Cola", ScopeAny, "Coca-Cola Classic", false, true},
		{"Coca-Cola", ScopeAny, "COCA COLA", false, true},
		{"Coca-Cola", ScopeAny, "cocacola zero", false, true},
		{"Coca-Cola", ScopeAny, "The Coca.Cola Co.", false, true},
		{"Coca Cola", ScopeAny, "CocaCola", false, true},
		{"CocaCola", ScopeAny, "Coca-Cola", false, true},
		{"McDonald's", ScopeAny, "McDonalds Burger", false, true},
		{"McDonald's", ScopeAny, "McDonald’s Burger", false, true},
		{"Nestle", ScopeAny, "Nestlé Waters", false, true},
		{"3M", ScopeAny, "3-M tape", false, true},
		// Whole words only.
		{"apple", ScopeAny, "Pineapple Chunks", false, false},
		{"apple", ScopeAny, "Applebee Farms", false, false},
		{"apple", ScopeAny, "Crab-apple Jelly", false, true},
		{"Coca-Cola", ScopeAny, "Cocacolas", false, false},
		{"Coca-Cola", ScopeAny, "Coca Colander", false, false},
		// Scope.
		{"Apple", ScopeBrand, "Apple Juice 64 oz", false, false},
		{"Apple", ScopeBrand, "Apple Farms", true, true},
		{"Apple", ScopeAny, "Apple Juice 64 oz", false, true},
		{"Apple", ScopeAny, "Apple Farms", true, true},
	}
	for _, tt := range tests {
		m := newMatcher([]blocked{{BlockTerm{tt.term, tt.scope}, termKey(tt.term), FileBlocklist, 2}})
		b, got := m.match(tt.value, tt.brandColumn)
		if got != tt.want {
			t.Errorf("term %q (%s) in %q (brand column %v) = %v, want %v", tt.term, tt.scope, tt.value, tt.brandColumn, got, tt.want)
		}
		if got && b.Term != tt.term {
			t.Errorf("matched term %q, want %q", b.Term, tt.term)
		}
	}
}

// TestBlocklistScopes checks where each scope applies in a loaded set.
func TestBlocklistScopes(t *testing.T) {
	const (
		prodHead  = "ProductName,BasePrice,Department,Category,Subcategory,Tags\n"
		brandHead = "Brand,Company,Category\n"
		companies = "Company,Category\nMeadowbrook Provisions Co,Grocery\nVoltara Devices Inc,Electronics\nOrchard Apple Co,Grocery\n"
	)
	t.Run("brand scope allows products", func(t *testing.T) {
		// "Apple" is a brand-scope term: a product may be Apple Juice, and a
		// company that is not named in brands may not be "Orchard Apple Co".
		_, err := LoadFS(fixture(t, map[string]string{
			FileProducts: prodHead + "Apple Juice 64 oz,4.29,Grocery,Beverages,Apple Juice,everyday\nPineapple Chunks,2.49,Grocery,Canned,Fruit,value\nEarbuds,9.99,Electronics,Audio,Headphones,gift\n",
		}))
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("brand scope rejects brands and companies", func(t *testing.T) {
		errs := loadErrors(t, fixture(t, map[string]string{
			FileCompanies: companies,
			FileBrands:    brandHead + "Meadowbrook Farms,Meadowbrook Provisions Co,Grocery\nVoltara,Voltara Devices Inc,Electronics\nApple Farms,Orchard Apple Co,Grocery\nPineapple Express,Meadowbrook Provisions Co,Grocery\n",
		}))
		var got []string
		for _, e := range errs {
			got = append(got, e.Error())
		}
		want := []string{
			`brands.csv:4: column Brand: value "Apple Farms": contains the blocked term "Apple" (blocklist.csv:2, scope brand)`,
			`brands.csv:4: column Company: value "Orchard Apple Co": contains the blocked term "Apple" (blocklist.csv:2, scope brand)`,
			`companies.csv:4: column Company: value "Orchard Apple Co": contains the blocked term "Apple" (blocklist.csv:2, scope brand)`,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("any scope rejects every field", func(t *testing.T) {
		errs := loadErrors(t, fixture(t, map[string]string{
			FileBlocklist: "Term,Scope\nSuperMart,any\n",
			FileProducts:  prodHead + "Super-Mart Cola,1.99,Grocery,Beverages,Soda,everyday\nEarbuds,9.99,Electronics,Audio,Headphones,gift\n",
			FileLastNames: "LastName\nSupermart\nSmith\n",
		}))
		if len(errs) != 2 || errs[0].File != FileLastNames || errs[0].Line != 2 ||
			errs[1].File != FileProducts || errs[1].Line != 2 || errs[1].Column != "ProductName" {
			t.Errorf("errors:\n%v", errs)
		}
	})
}
