package dict

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// validFiles returns the small, valid dictionary set of testdata/valid.
func validFiles(tb testing.TB) map[string]string {
	tb.Helper()
	files := make(map[string]string)
	for _, name := range FileNames() {
		data, err := os.ReadFile(filepath.Join("testdata", "valid", name))
		if err != nil {
			tb.Fatal(err)
		}
		files[name] = string(data)
	}
	return files
}

// fixture is the valid set with some files replaced.
func fixture(tb testing.TB, replace map[string]string) fstest.MapFS {
	tb.Helper()
	fsys := fstest.MapFS{}
	for name, text := range validFiles(tb) {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	for name, text := range replace {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

// loadErrors loads fsys and returns its errors, failing if it loads.
func loadErrors(t *testing.T, fsys fstest.MapFS) Errors {
	t.Helper()
	set, err := LoadFS(fsys)
	if err == nil {
		t.Fatalf("LoadFS succeeded, want an error (set: %d products)", len(set.Products))
	}
	if set != nil {
		t.Errorf("LoadFS returned a set together with an error")
	}
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("error %v (%T) is not a non-empty Errors", err, err)
	}
	return errs
}

func TestLoadFSValid(t *testing.T) {
	set, err := LoadFS(fixture(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	wantGeo := []Geography{
		{"Springfield", "IL", "62701", "Sangamon County", "Midwest", 39.799, -89.644, "America/Chicago", 114000},
		{"Austin", "TX", "78701", "Travis County", "Southwest", 30.2711, -97.7437, "America/Chicago", DefaultPopulation},
		{"Portland", "ME", "04101", "Cumberland County", "Northeast", 43.6591, -70.2568, "America/New_York", 68000},
	}
	if !reflect.DeepEqual(set.Geographies, wantGeo) {
		t.Errorf("Geographies = %+v\nwant %+v", set.Geographies, wantGeo)
	}
	if want := []string{"Alice", "Bruno", "Chioma"}; !reflect.DeepEqual(set.FirstNames, want) {
		t.Errorf("FirstNames = %q, want %q", set.FirstNames, want)
	}
	if want := []string{"Abernathy", "Brightwater", "Castellano"}; !reflect.DeepEqual(set.LastNames, want) {
		t.Errorf("LastNames = %q, want %q", set.LastNames, want)
	}
	wantTax := []TaxRate{
		{"IL", "", "", 62500}, {"TX", "", "", 62500}, {"ME", "", "", 55000},
		{"TX", "Travis County", "Austin", 82500}, {"IL", "Sangamon County", "Springfield", 97500},
	}
	if !reflect.DeepEqual(set.TaxRates, wantTax) {
		t.Errorf("TaxRates = %+v\nwant %+v", set.TaxRates, wantTax)
	}
	wantProducts := []Product{
		{"Whole Milk 1 Gallon", 349, "Grocery", "Dairy", "Milk", []string{"everyday", "value"}},
		{"Wireless Earbuds", 5999, "Electronics", "Audio", "Headphones", []string{"gift", "travel", "christmas"}},
		{"Apple Juice 64 oz", 429, "Grocery", "Beverages", "Juice", []string{"everyday"}},
	}
	if !reflect.DeepEqual(set.Products, wantProducts) {
		t.Errorf("Products = %+v\nwant %+v", set.Products, wantProducts)
	}
	wantBrands := []Brand{
		{"Meadowbrook Farms", "Meadowbrook Provisions Co", "Grocery"},
		{"Voltara", "Voltara Devices Inc", "Electronics"},
	}
	if !reflect.DeepEqual(set.Brands, wantBrands) {
		t.Errorf("Brands = %+v\nwant %+v", set.Brands, wantBrands)
	}
	wantCompanies := []Company{{"Meadowbrook Provisions Co", "Grocery"}, {"Voltara Devices Inc", "Electronics"}}
	if !reflect.DeepEqual(set.Companies, wantCompanies) {
		t.Errorf("Companies = %+v\nwant %+v", set.Companies, wantCompanies)
	}
	wantBlock := []BlockTerm{{"Apple", ScopeBrand}, {"Coca-Cola", ScopeAny}}
	if !reflect.DeepEqual(set.Blocklist, wantBlock) {
		t.Errorf("Blocklist = %+v, want %+v", set.Blocklist, wantBlock)
	}

	again, err := LoadFS(fixture(t, nil))
	if err != nil || !reflect.DeepEqual(set, again) {
		t.Errorf("a second load differs: %v", err)
	}
}

func TestRates(t *testing.T) {
	set, err := LoadFS(fixture(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		state, city string
		state0      int64
		stateOK     bool
		city0       int64
		cityOK      bool
	}{
		{"TX", "Austin", 62500, true, 82500, true},
		{"tx", "AUSTIN", 62500, true, 82500, true},
		{"IL", "Springfield", 62500, true, 97500, true},
		{"ME", "Portland", 55000, true, 0, false},
		{"ME", "", 55000, true, 0, false},
		{"CA", "Austin", 0, false, 0, false},
	}
	for _, tt := range tests {
		if got, ok := set.StateRate(tt.state); got != tt.state0 || ok != tt.stateOK {
			t.Errorf("StateRate(%q) = %d, %v; want %d, %v", tt.state, got, ok, tt.state0, tt.stateOK)
		}
		if got, ok := set.CityRate(tt.state, tt.city); got != tt.city0 || ok != tt.cityOK {
			t.Errorf("CityRate(%q, %q) = %d, %v; want %d, %v", tt.state, tt.city, got, ok, tt.city0, tt.cityOK)
		}
	}
}

// TestRules breaks one rule per case and checks that exactly that error is
// reported, naming file, line, column and rule.
func TestRules(t *testing.T) {
	const (
		geoHead   = "City,State,Zip,District,Region,Latitude,Longitude,TimeZone,Population\n"
		geoIL     = "Springfield,IL,62701,Sangamon County,Midwest,39.7990,-89.6440,America/Chicago,114000\n"
		taxHead   = "State,County,City,CombinedRate\n"
		taxStates = "IL,,,0.0625\nTX,,,0.0625\nME,,,0.055\n"
		prodHead  = "ProductName,BasePrice,Department,Category,Subcategory,Tags\n"
		prodMilk  = "Whole Milk 1 Gallon,3.49,Grocery,Dairy,Milk,everyday\n"
		brandHead = "Brand,Company,Category\n"
		brandOK   = "Meadowbrook Farms,Meadowbrook Provisions Co,Grocery\nVoltara,Voltara Devices Inc,Electronics\n"
		compHead  = "Company,Category\n"
		compOK    = "Meadowbrook Provisions Co,Grocery\nVoltara Devices Inc,Electronics\n"
		blockHead = "Term,Scope\n"
	)
	tests := []struct {
		name   string
		file   string
		text   string
		line   int
		column string
		value  string
		rule   string
	}{
		// Structure.
		{"empty file", FileProducts, "", 0, "", "", "file is empty"},
		{"blank file", FileProducts, "\n\n", 0, "", "", "file is empty"},
		{"missing column", FileGeographies, "City,State,Zip,District,Region,Latitude,Longitude\n", 1, "TimeZone", "", "missing required column"},
		{"unknown column", FileBrands, "Brand,Company,Category,Country\nVoltara,Voltara Devices Inc,Electronics,US\n", 1, "Country", "", "unknown column"},
		{"header after a blank line", FileCompanies, "\nCompany,Category,Country\n", 2, "Country", "", "unknown column"},
		{"duplicate column", FileCompanies, "Company,Category,company\n", 1, "Company", "", "more than once"},
		{"empty column name", FileCompanies, "Company,,Category\n", 1, "", "", "column 2 has an empty name"},
		{"field count", FileProducts, prodHead + prodMilk + "Wireless Earbuds,59.99,Electronics,Audio,Headphones,gift,extra\n", 3, "", "", "record has 7 fields, the header has 6"},
		{"bare quote", FileProducts, prodHead + prodMilk + "Wireless \"Earbuds\",59.99,Electronics,Audio,Headphones,gift\n", 3, "", "", "invalid CSV: bare \" in non-quoted-field"},
		{"unterminated quote", FileProducts, prodHead + prodMilk + "\"Wireless Earbuds,59.99,Electronics,Audio,Headphones,gift\n", 3, "", "", "invalid CSV: extraneous or missing \" in quoted-field"},
		{"quote error on a later line", FileProducts, prodHead + prodMilk + "\"Wireless\nEarbuds\"x,59.99,Electronics,Audio,Headphones,gift\n", 3, "", "", "invalid CSV: extraneous or missing \" in quoted-field (found on line 4)"},
		{"invalid UTF-8", FileLastNames, "LastName\nAbernathy\nBright\xffwater\n", 3, "LastName", "Bright\xffwater", "not valid UTF-8"},
		{"control character", FileProducts, prodHead + "\"Whole\nMilk\",3.49,Grocery,Dairy,Milk,everyday\n", 2, "ProductName", "Whole\nMilk", "control characters"},
		{"tab", FileFirstNames, "FirstName\nAl\tice\n", 2, "FirstName", "Al\tice", "control characters"},

		// geographies.csv
		{"state", FileGeographies, geoHead + "Springfield,XX,62701,Sangamon County,Midwest,39.79,-89.64,America/Chicago,\n", 2, "State", "XX", ruleState},
		{"zip short", FileGeographies, geoHead + geoIL + "Portland,ME,4101,Cumberland County,Northeast,43.65,-70.25,America/New_York,\n", 3, "Zip", "4101", ruleZip},
		{"zip letters", FileGeographies, geoHead + "Springfield,IL,6270A,Sangamon County,Midwest,39.79,-89.64,America/Chicago,\n", 2, "Zip", "6270A", ruleZip},
		{"empty city", FileGeographies, geoHead + ",IL,62701,Sangamon County,Midwest,39.79,-89.64,America/Chicago,\n", 2, "City", "", ruleNotEmpty},
		{"empty district", FileGeographies, geoHead + "Springfield,IL,62701,,Midwest,39.79,-89.64,America/Chicago,\n", 2, "District", "", ruleNotEmpty},
		{"region", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Central,39.79,-89.64,America/Chicago,\n", 2, "Region", "Central", "must be one of the regions"},
		{"latitude range", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,12.5,-89.64,America/Chicago,\n", 2, "Latitude", "12.5", ruleLatitude},
		{"latitude text", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,4e1,-89.64,America/Chicago,\n", 2, "Latitude", "4e1", ruleLatitude},
		{"latitude NaN", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,NaN,-89.64,America/Chicago,\n", 2, "Latitude", "NaN", ruleLatitude},
		{"longitude range", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,39.79,89.64,America/Chicago,\n", 2, "Longitude", "89.64", ruleLongitude},
		{"time zone", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,39.79,-89.64,Mars/Olympus,\n", 2, "TimeZone", "Mars/Olympus", ruleTimeZone},
		{"time zone local", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,39.79,-89.64,Local,\n", 2, "TimeZone", "Local", ruleTimeZone},
		{"time zone path", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,39.79,-89.64,../../etc/passwd,\n", 2, "TimeZone", "../../etc/passwd", ruleTimeZone},
		{"population zero", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,39.79,-89.64,America/Chicago,0\n", 2, "Population", "0", rulePopulation},
		{"population fraction", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,39.79,-89.64,America/Chicago,12.5\n", 2, "Population", "12.5", rulePopulation},
		{"population negative", FileGeographies, geoHead + "Springfield,IL,62701,Sangamon County,Midwest,39.79,-89.64,America/Chicago,-3\n", 2, "Population", "-3", rulePopulation},
		{"duplicate place", FileGeographies, geoHead + geoIL + "springfield,il,62701,Sangamon,Midwest,39.8,-89.6,America/Chicago,\n", 3, "City", "springfield", "(City, State, Zip) must be unique: already on line 2"},
		{"no geographies", FileGeographies, geoHead, 0, "", "", "must contain at least 1 row"},

		// names
		{"duplicate first name", FileFirstNames, "FirstName\nAlice\nBruno\nalice\n", 4, "FirstName", "alice", "FirstName must be unique: already on line 2"},
		{"no last names", FileLastNames, "LastName\n", 0, "", "", "must contain at least 1 row"},

		// tax_rates.csv
		{"rate too high", FileTaxRates, taxHead + taxStates + "TX,Travis County,Austin,0.2\n", 5, "CombinedRate", "0.2", ruleRate},
		{"rate decimals", FileTaxRates, taxHead + taxStates + "TX,Travis County,Austin,0.0825001\n", 5, "CombinedRate", "0.0825001", ruleRate},
		{"rate percent", FileTaxRates, taxHead + taxStates + "TX,Travis County,Austin,8.25%\n", 5, "CombinedRate", "8.25%", ruleRate},
		{"rate negative", FileTaxRates, taxHead + taxStates + "TX,Travis County,Austin,-0.01\n", 5, "CombinedRate", "-0.01", ruleRate},
		{"tax state", FileTaxRates, taxHead + taxStates + "PR,,,0.115\n", 5, "State", "PR", ruleState},
		{"state rate twice", FileTaxRates, taxHead + taxStates + "tx,,,0.07\n", 5, "State", "tx", "state rate row (empty County and City) of a state must be unique: already on line 3"},
		{"city rate twice", FileTaxRates, taxHead + taxStates + "TX,Travis County,Austin,0.0825\nTX,travis county,AUSTIN,0.08\n", 6, "City", "AUSTIN", "(State, County, City) must be unique: already on line 5"},

		// products.csv
		{"price decimals", FileProducts, prodHead + prodMilk + "Wireless Earbuds,12.345,Electronics,Audio,Headphones,gift\n", 3, "BasePrice", "12.345", rulePrice},
		{"price dollar sign", FileProducts, prodHead + "Wireless Earbuds,$59.99,Electronics,Audio,Headphones,gift\n", 2, "BasePrice", "$59.99", rulePrice},
		{"price zero", FileProducts, prodHead + "Wireless Earbuds,0.00,Electronics,Audio,Headphones,gift\n", 2, "BasePrice", "0.00", "must be greater than 0"},
		{"price too high", FileProducts, prodHead + "Wireless Earbuds,100000.01,Electronics,Audio,Headphones,gift\n", 2, "BasePrice", "100000.01", "must be at most 100000"},
		{"department", FileProducts, prodHead + "Wireless Earbuds,59.99,Toys,Audio,Headphones,gift\n", 2, "Department", "Toys", "must be one of the departments"},
		{"empty category", FileProducts, prodHead + "Wireless Earbuds,59.99,Electronics,,Headphones,gift\n", 2, "Category", "", ruleNotEmpty},
		{"empty subcategory", FileProducts, prodHead + "Wireless Earbuds,59.99,Electronics,Audio,,gift\n", 2, "Subcategory", "", ruleNotEmpty},
		{"empty product name", FileProducts, prodHead + ",59.99,Electronics,Audio,Headphones,gift\n", 2, "ProductName", "", ruleNotEmpty},
		{"unknown tag", FileProducts, prodHead + "Wireless Earbuds,59.99,Electronics,Audio,Headphones,gift|cyber_monday\n", 2, "Tags", "gift|cyber_monday", `tag "cyber_monday" is not in the tag vocabulary`},
		{"no tags", FileProducts, prodHead + "Wireless Earbuds,59.99,Electronics,Audio,Headphones,\n", 2, "Tags", "", "at least one tag"},
		{"empty tag", FileProducts, prodHead + "Wireless Earbuds,59.99,Electronics,Audio,Headphones,gift||travel\n", 2, "Tags", "gift||travel", "empty tag"},
		{"tag twice", FileProducts, prodHead + "Wireless Earbuds,59.99,Electronics,Audio,Headphones,gift|Gift\n", 2, "Tags", "gift|Gift", `tag "gift" is listed twice`},
		{"duplicate product", FileProducts, prodHead + prodMilk + "WHOLE MILK 1 GALLON,3.99,Grocery,Dairy,Milk,value\n", 3, "ProductName", "WHOLE MILK 1 GALLON", "ProductName must be unique: already on line 2"},
		{"department without brand", FileProducts, prodHead + prodMilk + "Chew Toy,4.99,Pet,Dog,Toys,everyday\n", 3, "Department", "Pet", "department has products but no brand in brands.csv"},
		{"no products", FileProducts, prodHead, 0, "", "", "must contain at least 1 row"},

		// brands.csv and companies.csv
		{"brand company missing", FileBrands, brandHead + brandOK + "Lumen Lane,Lumen Lane Goods,Electronics\n", 4, "Company", "Lumen Lane Goods", "company is not listed in companies.csv"},
		{"brand category mismatch", FileBrands, brandHead + brandOK + "Voltara Home,Voltara Devices Inc,Home & Garden\n", 4, "Category", "Home & Garden", `must be the category of company "Voltara Devices Inc", "Electronics" (companies.csv:3)`},
		{"brand category", FileBrands, brandHead + brandOK + "Voltara Toys,Voltara Devices Inc,Toys\n", 4, "Category", "Toys", "must be one of the departments"},
		{"duplicate brand", FileBrands, brandHead + brandOK + "VOLTARA,Voltara Devices Inc,Electronics\n", 4, "Brand", "VOLTARA", "Brand must be unique: already on line 3"},
		{"empty brand", FileBrands, brandHead + brandOK + ",Voltara Devices Inc,Electronics\n", 4, "Brand", "", ruleNotEmpty},
		{"no brands", FileBrands, brandHead, 0, "", "", "must contain at least 1 row"},
		{"duplicate company", FileCompanies, compHead + compOK + "voltara devices inc,Electronics\n", 4, "Company", "voltara devices inc", "Company must be unique: already on line 3"},
		{"used company category", FileCompanies, compHead + "Meadowbrook Provisions Co,Grocery\nVoltara Devices Inc,Lighting\n", 3, "Category", "Lighting", "must be one of the departments"},
		{"company category", FileCompanies, compHead + compOK + "Lumen Lane Goods,Lighting\n", 4, "Category", "Lighting", "must be one of the departments"},

		// blocklist.csv
		{"scope", FileBlocklist, blockHead + "Apple,brand\nCoca-Cola,everywhere\n", 3, "Scope", "everywhere", ruleScope},
		{"term without letters", FileBlocklist, blockHead + "--,any\n", 2, "Term", "--", "must contain a letter or digit"},
		{"empty term", FileBlocklist, blockHead + ",any\n", 2, "Term", "", ruleNotEmpty},
		{"brand blocked", FileBrands, brandHead + brandOK + "Apple Farms,Meadowbrook Provisions Co,Grocery\n", 4, "Brand", "Apple Farms", `contains the blocked term "Apple" (blocklist.csv:2, scope brand)`},
		{"company blocked", FileCompanies, compHead + compOK + "APPLE Inc.,Grocery\n", 4, "Company", "APPLE Inc.", `blocked term "Apple"`},
		{"product blocked", FileProducts, prodHead + prodMilk + "Classic CocaCola 12 pack,6.99,Grocery,Beverages,Soda,party\n", 3, "ProductName", "Classic CocaCola 12 pack", `contains the blocked term "Coca-Cola" (blocklist.csv:3, scope any)`},
		{"subcategory blocked", FileProducts, prodHead + prodMilk + "Cola 12 pack,6.99,Grocery,Beverages,Coca Cola,party\n", 3, "Subcategory", "Coca Cola", `blocked term "Coca-Cola"`},
		{"geography blocked", FileGeographies, geoHead + "Coca-Cola City,IL,62701,Sangamon County,Midwest,39.79,-89.64,America/Chicago,\n", 2, "City", "Coca-Cola City", `blocked term "Coca-Cola"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := loadErrors(t, fixture(t, map[string]string{tt.file: tt.text}))
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), errs)
			}
			e := errs[0]
			if e.File != tt.file || e.Line != tt.line || e.Column != tt.column || e.Value != tt.value || !strings.Contains(e.Rule, tt.rule) {
				t.Errorf("got  %#v\nwant File %q Line %d Column %q Value %q Rule containing %q", *e, tt.file, tt.line, tt.column, tt.value, tt.rule)
			}
		})
	}
}

func TestStateWithoutRate(t *testing.T) {
	// Portland, ME (geographies.csv line 4) has no state rate.
	errs := loadErrors(t, fixture(t, map[string]string{FileTaxRates: "State,County,City,CombinedRate\nIL,,,0.0625\nTX,,,0.0625\n"}))
	want := LoadError{File: FileGeographies, Line: 4, Column: "State", Value: "ME",
		Rule: "state has no state rate row (State with empty County and City) in tax_rates.csv"}
	if len(errs) != 1 || *errs[0] != want {
		t.Errorf("errors = %v, want %v", errs, &want)
	}
}

func TestLenientSyntax(t *testing.T) {
	set, err := LoadFS(fixture(t, map[string]string{
		// BOM, header in another order and case, CRLF, spaces around values,
		// blank and white-space lines, a row of empty fields, quoted fields.
		FileProducts: "\ufefftags , PRODUCTNAME,baseprice,Department,category,SubCategory\r\n" +
			"\r\n" +
			" everyday | Value , Whole Milk 1 Gallon , 3.49 ,grocery,Dairy,Milk\r\n" +
			"   \r\n" +
			",,,,,\r\n" +
			"\"gift|travel\",\"Wireless Earbuds, Pair\",59.9,Electronics,Audio,Headphones\r\n",
		FileGeographies: "City,State,Zip,District,Region,Latitude,Longitude,TimeZone\n" +
			"Springfield,il,62701,Sangamon County,midwest,39.799,-89.644,America/Chicago\n" +
			"Austin,TX,78701,Travis County,Southwest,+30.2711,-97.7437,America/Chicago\n",
		FileFirstNames: "\ufeffFirstName\nAlice\n\n\"Zoë\"\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	wantProducts := []Product{
		{"Whole Milk 1 Gallon", 349, "Grocery", "Dairy", "Milk", []string{"everyday", "value"}},
		{"Wireless Earbuds, Pair", 5990, "Electronics", "Audio", "Headphones", []string{"gift", "travel"}},
	}
	if !reflect.DeepEqual(set.Products, wantProducts) {
		t.Errorf("Products = %+v\nwant %+v", set.Products, wantProducts)
	}
	if g := set.Geographies[0]; g.State != "IL" || g.Region != "Midwest" || g.Population != DefaultPopulation {
		t.Errorf("Geographies[0] = %+v", g)
	}
	if want := []string{"Alice", "Zoë"}; !reflect.DeepEqual(set.FirstNames, want) {
		t.Errorf("FirstNames = %q, want %q", set.FirstNames, want)
	}
}

// TestPhysicalLines checks that lines count physical lines, blank lines and
// line breaks inside quoted fields included.
func TestPhysicalLines(t *testing.T) {
	errs := loadErrors(t, fixture(t, map[string]string{FileProducts: "ProductName,BasePrice,Department,Category,Subcategory,Tags\n" +
		"\n" +
		"\"Whole Milk\n1 Gallon\",3.49,Grocery,Dairy,Milk,everyday\n" +
		"\n" +
		"Wireless Earbuds,59.999,Electronics,Audio,Headphones,gift\n",
	}))
	var got []int
	for _, e := range errs {
		got = append(got, e.Line)
	}
	if want := []int{3, 6}; !reflect.DeepEqual(got, want) {
		t.Errorf("lines = %v, want %v:\n%v", got, want, errs)
	}
}

func TestAllErrorsCollected(t *testing.T) {
	errs := loadErrors(t, fixture(t, map[string]string{
		FileProducts:    "ProductName,BasePrice,Department,Category,Subcategory,Tags\nA,1.001,Grocery,Dairy,Milk,everyday\nB,2,Toys,X,Y,gift\n",
		FileFirstNames:  "FirstName\nAl\nal\n",
		FileGeographies: "City,State,Zip,District,Region,Latitude,Longitude,TimeZone\nX,ZZ,1,D,West,40,-100,UTC\n",
	}))
	want := []string{
		"geographies.csv:2: column State",
		"geographies.csv:2: column Zip",
		"first_names.csv:3: column FirstName",
		"products.csv:2: column BasePrice",
		"products.csv:3: column Department",
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d = %q, want prefix %q", i, errs[i].Error(), w)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	e := &LoadError{File: "products.csv", Line: 57, Column: "BasePrice", Value: "12.345", Rule: rulePrice}
	if got, want := e.Error(), `products.csv:57: column BasePrice: value "12.345": must be a price in dollars with at most 2 decimals`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &LoadError{File: "brands.csv", Rule: "must contain at least 1 row"}
	if got, want := e.Error(), "brands.csv: must contain at least 1 row"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &LoadError{File: "x.csv", Line: 2, Column: "C", Value: strings.Repeat("é", 200), Rule: "r"}
	if got, want := e.Error(), `x.csv:2: column C: value "`+strings.Repeat("é", maxValueRunes)+`…": r`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}

	var errs Errors
	for i := range 60 {
		errs = append(errs, &LoadError{File: "f.csv", Line: i + 2, Rule: "bad"})
	}
	msg := errs.Error()
	lines := strings.Split(msg, "\n")
	if len(lines) != 51 || lines[49] != "f.csv:51: bad" || lines[50] != "... and 10 more" {
		t.Errorf("Errors.Error() has %d lines, ending %q", len(lines), lines[len(lines)-2:])
	}
	var le *LoadError
	if !errors.As(error(errs), &le) || le.Line != 2 {
		t.Errorf("errors.As did not find the first LoadError")
	}
}

func TestBadProductsFileFull(t *testing.T) {
	// More than 50 problems: the message is capped, the list is not.
	var b strings.Builder
	b.WriteString("ProductName,BasePrice,Department,Category,Subcategory,Tags\n")
	for range 70 {
		b.WriteString("X,1.234,Grocery,Dairy,Milk,everyday\n")
	}
	errs := loadErrors(t, fixture(t, map[string]string{FileProducts: b.String()}))
	if len(errs) != 70 {
		t.Errorf("got %d errors, want 70", len(errs))
	}
	if !strings.HasSuffix(errs.Error(), "\n... and 20 more") {
		t.Errorf("message does not end with the count of the rest")
	}
}

func TestMissingFile(t *testing.T) {
	fsys := fixture(t, nil)
	delete(fsys, FileCompanies)
	errs := loadErrors(t, fsys)
	if len(errs) != 1 || errs[0].File != FileCompanies || !strings.Contains(errs[0].Rule, "cannot read") {
		t.Errorf("errors = %v", errs)
	}
}

func TestBrandCompanySpelling(t *testing.T) {
	set, err := LoadFS(fixture(t, map[string]string{
		FileBrands: "Brand,Company,Category\nMeadowbrook Farms,MEADOWBROOK provisions co,grocery\nVoltara,Voltara Devices Inc,Electronics\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if b := set.Brands[0]; b.Company != "Meadowbrook Provisions Co" || b.Category != DeptGrocery {
		t.Errorf("Brands[0] = %+v, want the spelling of companies.csv and of the department", b)
	}
}

func TestVocabularies(t *testing.T) {
	if n := len(Departments()); n != 10 {
		t.Errorf("%d departments", n)
	}
	if n := len(StateCodes()); n != 51 {
		t.Errorf("%d state codes", n)
	}
	d := Departments()
	d[0] = "changed"
	if Departments()[0] != DeptGrocery {
		t.Errorf("Departments shares its slice")
	}
	for _, tt := range []struct{ dept, want string }{
		{"Grocery", NonTaxable}, {"Clothing", ReducedRate}, {"Electronics", Taxable}, {"Health & Beauty", Taxable},
	} {
		if got := Taxability(tt.dept); got != tt.want {
			t.Errorf("Taxability(%q) = %q, want %q", tt.dept, got, tt.want)
		}
	}
	for _, c := range []string{"Produce", "dairy", "Meat", "Seafood", "FROZEN"} {
		if !IsRefrigerated(c) {
			t.Errorf("IsRefrigerated(%q) = false", c)
		}
	}
	for _, c := range []string{"Beverages", "Bakery", ""} {
		if IsRefrigerated(c) {
			t.Errorf("IsRefrigerated(%q) = true", c)
		}
	}
	milk := Product{Department: DeptGrocery, Category: "Dairy"}
	if !milk.RequiresRefrigeration() || milk.Taxability() != NonTaxable {
		t.Errorf("milk: refrigeration %v, taxability %s", milk.RequiresRefrigeration(), milk.Taxability())
	}
	if (Product{Department: DeptPet, Category: "Frozen"}).RequiresRefrigeration() {
		t.Errorf("a non-grocery product requires refrigeration")
	}
}

func TestSetBlocked(t *testing.T) {
	s := &Set{Blocklist: []BlockTerm{{Term: "Coca-Cola", Scope: ScopeAny}, {Term: "Sharp", Scope: ScopeBrand}}}
	cases := []struct {
		value string
		brand bool
		want  string
	}{
		{"Coca Cola Classic", false, "Coca-Cola"},
		{"cocacola", false, "Coca-Cola"},
		{"Sharp Cheddar", false, ""},
		{"Sharp", true, "Sharp"},
		{"Sharpline Tools", true, ""},
	}
	for _, c := range cases {
		got, ok := s.Blocked(c.value, c.brand)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("Blocked(%q, %v) = %q, %v; want %q", c.value, c.brand, got, ok, c.want)
		}
	}
}
