package dict

import "strings"

// Department names, exactly as they appear in the dictionaries.
const (
	DeptGrocery        = "Grocery"
	DeptElectronics    = "Electronics"
	DeptClothing       = "Clothing"
	DeptHealthBeauty   = "Health & Beauty"
	DeptHomeGarden     = "Home & Garden"
	DeptBabyKids       = "Baby & Kids"
	DeptPet            = "Pet"
	DeptAutomotive     = "Automotive"
	DeptOffice         = "Office"
	DeptSeasonalSports = "Seasonal & Sports"
)

// Taxability classes of a product, as written to the products table.
const (
	Taxable     = "TAXABLE"
	NonTaxable  = "NON_TAXABLE"
	ReducedRate = "REDUCED_RATE"
)

// Blocklist scopes.
const (
	// ScopeAny terms may not appear in any field of any dictionary.
	ScopeAny = "any"
	// ScopeBrand terms may not appear in the Brand or Company columns.
	ScopeBrand = "brand"
)

// DefaultPopulation is the population of a geography whose Population
// column is absent or empty.
const DefaultPopulation = 50000

// maxPopulation bounds the Population column (larger than any US city).
const maxPopulation = 100_000_000

// Departments returns the ten departments in their canonical order.
func Departments() []string {
	return []string{
		DeptGrocery, DeptElectronics, DeptClothing, DeptHealthBeauty, DeptHomeGarden,
		DeptBabyKids, DeptPet, DeptAutomotive, DeptOffice, DeptSeasonalSports,
	}
}

// Tags returns the product tag vocabulary.
func Tags() []string {
	return []string{
		"everyday", "gift", "premium", "value", "bulk", "organic", "kids", "outdoor",
		"party", "travel", "winter", "spring", "summer", "autumn", "new_year",
		"valentines", "easter", "mothers_day", "memorial_day", "fathers_day", "july4",
		"back_to_school", "labor_day", "halloween", "thanksgiving", "black_friday",
		"christmas",
	}
}

// Regions returns the five US regions used by geographies.csv.
func Regions() []string {
	return []string{"Northeast", "Southeast", "Midwest", "Southwest", "West"}
}

// RefrigeratedCategories returns the Grocery categories whose products
// require refrigeration.
func RefrigeratedCategories() []string {
	return []string{"Produce", "Dairy", "Meat", "Seafood", "Frozen"}
}

// StateCodes returns the USPS codes of the 50 states and DC, sorted.
func StateCodes() []string {
	return []string{
		"AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA",
		"ID", "IL", "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS",
		"MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA",
		"RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
	}
}

// IsRefrigerated reports whether products of the given category require
// refrigeration (Produce, Dairy, Meat, Seafood, Frozen; case-insensitive).
func IsRefrigerated(category string) bool {
	_, ok := canonical(RefrigeratedCategories(), category)
	return ok
}

// Taxability returns the taxability class of a department: Grocery is
// NON_TAXABLE, Clothing REDUCED_RATE (half rate), everything else TAXABLE.
func Taxability(department string) string {
	switch {
	case strings.EqualFold(department, DeptGrocery):
		return NonTaxable
	case strings.EqualFold(department, DeptClothing):
		return ReducedRate
	default:
		return Taxable
	}
}

// RequiresRefrigeration reports whether the product is a perishable
// grocery item.
func (p Product) RequiresRefrigeration() bool {
	return strings.EqualFold(p.Department, DeptGrocery) && IsRefrigerated(p.Category)
}

// Taxability returns the taxability class of the product's department.
func (p Product) Taxability() string { return Taxability(p.Department) }

// canonical returns the element of vocab equal to s ignoring case.
func canonical(vocab []string, s string) (string, bool) {
	for _, v := range vocab {
		if strings.EqualFold(v, s) {
			return v, true
		}
	}
	return "", false
}
