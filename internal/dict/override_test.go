package dict

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// overrideDir writes files into a new temporary folder.
func overrideDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadOver loads the valid fixture overridden by the files of dir, the way
// Load overrides the embedded set.
func loadOver(t *testing.T, dir string) (*Set, error) {
	t.Helper()
	return load(fixture(t, nil), os.DirFS(dir), dir)
}

func TestOverrideReplaces(t *testing.T) {
	dir := overrideDir(t, map[string]string{
		FileProducts:   "ProductName,BasePrice,Department,Category,Subcategory,Tags\nVoltara Phone Charger,19.99,Electronics,Accessories,Chargers,travel\n",
		FileFirstNames: "FirstName\nZed\n",
		"README.txt":   "not a dictionary, ignored",
	})
	if err := os.Mkdir(filepath.Join(dir, "old.csv"), 0o755); err != nil { // folders are ignored
		t.Fatal(err)
	}
	set, err := loadOver(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Product{{"Voltara Phone Charger", 1999, "Electronics", "Accessories", "Chargers", []string{"travel"}}}
	if !reflect.DeepEqual(set.Products, want) {
		t.Errorf("Products = %+v, want %+v", set.Products, want)
	}
	if !reflect.DeepEqual(set.FirstNames, []string{"Zed"}) {
		t.Errorf("FirstNames = %q", set.FirstNames)
	}
	if len(set.LastNames) != 3 || len(set.Geographies) != 3 {
		t.Errorf("files not in the folder were not taken from the base set")
	}
}

func TestOverrideExtendsBlocklist(t *testing.T) {
	dir := overrideDir(t, map[string]string{FileBlocklist: "Term,Scope\nLumen,any\n"})
	set, err := loadOver(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []BlockTerm{{"Apple", ScopeBrand}, {"Coca-Cola", ScopeAny}, {"Lumen", ScopeAny}}
	if !reflect.DeepEqual(set.Blocklist, want) {
		t.Errorf("Blocklist = %+v, want %+v", set.Blocklist, want)
	}

	// A user term applies to the base files too; an empty user blocklist
	// does not remove the base terms.
	dir = overrideDir(t, map[string]string{
		FileBlocklist: "Term,Scope\nMeadowbrook,brand\n",
		FileProducts:  "ProductName,BasePrice,Department,Category,Subcategory,Tags\nCoca-Cola 2L,2.49,Grocery,Beverages,Soda,party\nEarbuds,9.99,Electronics,Audio,Headphones,gift\n",
	})
	_, err = loadOver(t, dir)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v, want Errors", err)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	userBlock := filepath.Join(dir, FileBlocklist)
	wantErrs := []string{
		filepath.Join(dir, FileProducts) + `:2: column ProductName: value "Coca-Cola 2L": contains the blocked term "Coca-Cola" (blocklist.csv:3, scope any)`,
		`brands.csv:2: column Brand: value "Meadowbrook Farms": contains the blocked term "Meadowbrook" (` + userBlock + `:2, scope brand)`,
		`brands.csv:2: column Company: value "Meadowbrook Provisions Co": contains the blocked term "Meadowbrook" (` + userBlock + `:2, scope brand)`,
		`companies.csv:2: column Company: value "Meadowbrook Provisions Co": contains the blocked term "Meadowbrook" (` + userBlock + `:2, scope brand)`,
	}
	if !reflect.DeepEqual(got, wantErrs) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantErrs, "\n"))
	}
}

func TestOverrideErrorsNameThePath(t *testing.T) {
	dir := overrideDir(t, map[string]string{
		FileTaxRates: "State,County,City,CombinedRate\nIL,,,0.0625\nTX,,,0.0625\nME,,,5.5\n",
	})
	_, err := loadOver(t, dir)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("err = %v", err)
	}
	want := LoadError{File: filepath.Join(dir, FileTaxRates), Line: 4, Column: "CombinedRate", Value: "5.5", Rule: ruleRate}
	if *errs[0] != want {
		t.Errorf("got %#v, want %#v", *errs[0], want)
	}
}

func TestOverrideUnknownFile(t *testing.T) {
	dir := overrideDir(t, map[string]string{"product.csv": "ProductName\n"})
	_, err := loadOver(t, dir)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].File != filepath.Join(dir, "product.csv") ||
		!strings.Contains(errs[0].Rule, "not a dictionary file") {
		t.Errorf("err = %v", err)
	}
}

func TestOverrideFolderMustExist(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	_, err := Load(missing)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(%q) = %v, want a not-exist error naming the folder", missing, err)
	}

	file := filepath.Join(t.TempDir(), "products.csv")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Load(file) = %v, want a not-a-directory error", err)
	}
}

// TestLoadWithFolder runs the real Load on the embedded set with an
// override folder.
func TestLoadWithFolder(t *testing.T) {
	if _, err := Load(""); err != nil {
		t.Skip("the embedded set does not load (see TestEmbeddedSet)")
	}
	dir := overrideDir(t, map[string]string{
		FileFirstNames: "FirstName\nZed\n",
		FileBlocklist:  "Term,Scope\nZed,any\n",
	})
	_, err := Load(dir)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].File != filepath.Join(dir, FileFirstNames) || errs[0].Value != "Zed" {
		t.Errorf("err = %v, want the user's blocklist to reject the user's first name", err)
	}
	dir = overrideDir(t, map[string]string{FileFirstNames: "FirstName\nZed\n"})
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(set.FirstNames, []string{"Zed"}) {
		t.Errorf("FirstNames = %q", set.FirstNames)
	}
}
