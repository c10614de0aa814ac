package dict

import (
	"errors"
	"reflect"
	"testing"
	"testing/fstest"
)

// fuzzFile feeds arbitrary bytes as the override of one dictionary file
// over the valid fixture: the load must not panic, and must give either a
// valid set or a non-empty Errors, the same way twice.
func fuzzFile(f *testing.F, name string, seeds ...string) {
	base := fixture(f, nil)
	f.Add([]byte(base[name].Data))
	f.Add([]byte{})
	f.Add([]byte("\ufeff"))
	f.Add([]byte("\"unterminated"))
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		over := fstest.MapFS{name: &fstest.MapFile{Data: data}}
		set, err := load(base, over, "")
		again, err2 := load(base, over, "")
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(set, again) {
			t.Fatalf("two loads of the same input differ")
		}
		if err != nil {
			var errs Errors
			if set != nil || !errors.As(err, &errs) || len(errs) == 0 || err.Error() == "" {
				t.Fatalf("bad error %#v (set %v)", err, set != nil)
			}
			for _, e := range errs {
				if e.File == "" || e.Rule == "" || e.Line < 0 {
					t.Fatalf("incomplete error %#v", *e)
				}
			}
			if err.Error() != err2.Error() {
				t.Fatalf("error messages differ:\n%v\n%v", err, err2)
			}
			return
		}
		checkSet(t, set)
	})
}

// checkSet asserts the invariants of a successfully loaded set.
func checkSet(t *testing.T, s *Set) {
	t.Helper()
	if len(s.Geographies) == 0 || len(s.FirstNames) == 0 || len(s.LastNames) == 0 || len(s.Products) == 0 || len(s.Brands) == 0 {
		t.Fatalf("a loaded set is missing rows")
	}
	for _, g := range s.Geographies {
		if !isZip(g.Zip) || g.City == "" || g.Population <= 0 || !(g.Latitude >= 17 && g.Latitude <= 72) ||
			!(g.Longitude >= -180 && g.Longitude <= -64) || indexOf(StateCodes(), g.State) < 0 || indexOf(Regions(), g.Region) < 0 {
			t.Fatalf("invalid geography %+v", g)
		}
		if _, ok := s.StateRate(g.State); !ok {
			t.Fatalf("no state rate for %+v", g)
		}
	}
	for _, p := range s.Products {
		if p.Name == "" || p.BasePriceCents <= 0 || p.BasePriceCents > maxPriceCents || len(p.Tags) == 0 ||
			indexOf(Departments(), p.Department) < 0 || p.Category == "" || p.Subcategory == "" {
			t.Fatalf("invalid product %+v", p)
		}
		for _, tag := range p.Tags {
			if indexOf(Tags(), tag) < 0 {
				t.Fatalf("invalid tag in %+v", p)
			}
		}
	}
	companies := make(map[string]string)
	for _, c := range s.Companies {
		companies[c.Name] = c.Category
	}
	for _, b := range s.Brands {
		if b.Name == "" || companies[b.Company] != b.Category {
			t.Fatalf("invalid brand %+v", b)
		}
	}
	for _, r := range s.TaxRates {
		if r.RateMicros < 0 || r.RateMicros >= maxRateMicros {
			t.Fatalf("invalid tax rate %+v", r)
		}
	}
}

func FuzzProducts(f *testing.F) {
	fuzzFile(f, FileProducts,
		"tags,productname,baseprice,department,category,subcategory\neveryday,Milk,1.5,grocery,Dairy,Milk\ngift,Radio,20,Electronics,Audio,Radios\n",
		"ProductName,BasePrice,Department,Category,Subcategory,Tags\nCoca Cola,1,Grocery,Soda,Cola,party\n",
		"ProductName,BasePrice,Department,Category,Subcategory,Tags\nX,99999999999999.99,Grocery,A,B,value\n",
		"ProductName,BasePrice,Department,Category,Subcategory,Tags\n\"a\"\"b\",1.00,Grocery,A,B,value|gift\n",
	)
}

func FuzzGeographies(f *testing.F) {
	fuzzFile(f, FileGeographies,
		"City,State,Zip,District,Region,Latitude,Longitude,TimeZone\nAustin,tx,78701,Travis,southwest,30.2,-97.7,America/Chicago\n",
		"City,State,Zip,District,Region,Latitude,Longitude,TimeZone,Population\nA,IL,00001,D,Midwest,17,-180,UTC,1\n",
		"City,State,Zip,District,Region,Latitude,Longitude,TimeZone\nA,IL,00001,D,Midwest,1e1,-0x40,America/../UTC\n",
	)
}

func FuzzBrands(f *testing.F) {
	fuzzFile(f, FileBrands,
		"brand,company,category\nVoltara,voltara devices inc,electronics\nMeadowbrook,Meadowbrook Provisions Co,Grocery\n",
		"Brand,Company,Category\nApple Farms,Meadowbrook Provisions Co,Grocery\n",
		"Brand,Company,Category\nX,Nobody,Pet\n",
	)
}
