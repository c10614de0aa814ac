package master

import (
	"context"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

func loadDict(t testing.TB) *dict.Set {
	t.Helper()
	d, err := dict.Load("")
	if err != nil {
		t.Fatalf("embedded dictionaries: %v", err)
	}
	return d
}

func presetConfig(t testing.TB, scale string, overrides map[string]string) *config.Config {
	t.Helper()
	if overrides == nil {
		overrides = map[string]string{}
	}
	overrides["scale"] = scale
	cfg, err := config.Load(config.LoadOptions{Overrides: overrides})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func generate(t testing.TB, cfg *config.Config, workers int) *Data {
	t.Helper()
	data, err := Generate(context.Background(), cfg, loadDict(t), workers)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDenseKeysAndUniqueIDs(t *testing.T) {
	data := generate(t, presetConfig(t, "small", nil), 2)
	checkDense := func(name string, n int, id func(i int) int64) {
		if n == 0 {
			t.Errorf("%s is empty", name)
		}
		for i := 0; i < n; i++ {
			if id(i) != int64(i+1) {
				t.Fatalf("%s row %d has id %d", name, i, id(i))
			}
		}
	}
	checkDense("geographies", len(data.Geographies), func(i int) int64 { return data.Geographies[i].GeographyID })
	checkDense("distribution_centers", len(data.DCs), func(i int) int64 { return data.DCs[i].DCID })
	checkDense("stores", len(data.Stores), func(i int) int64 { return data.Stores[i].StoreID })
	checkDense("trucks", len(data.Trucks), func(i int) int64 { return data.Trucks[i].TruckID })
	checkDense("customers", len(data.Customers), func(i int) int64 { return data.Customers[i].CustomerID })
	checkDense("products", len(data.Products), func(i int) int64 { return data.Products[i].ProductID })
	checkDense("campaigns", len(data.Campaigns), func(i int) int64 { return data.Campaigns[i].CampaignID })

	unique := func(name string, n int, key func(i int) string) {
		seen := make(map[string]int, n)
		for i := 0; i < n; i++ {
			k := key(i)
			if k == "" {
				t.Errorf("%s row %d is empty", name, i)
			}
			if j, dup := seen[k]; dup {
				t.Errorf("%s %q repeated in rows %d and %d", name, k, j, i)
				return
			}
			seen[k] = i
		}
	}
	unique("sku", len(data.Products), func(i int) string { return data.Products[i].SKU })
	unique("license_plate", len(data.Trucks), func(i int) string { return data.Trucks[i].LicensePlate })
	unique("loyalty_card", len(data.Customers), func(i int) string { return data.Customers[i].LoyaltyCard })
	unique("ble_id", len(data.Customers), func(i int) string { return data.Customers[i].BLEID })
	unique("ad_id", len(data.Customers), func(i int) string { return data.Customers[i].AdID })
	unique("email", len(data.Customers), func(i int) string { return data.Customers[i].Email })
	unique("dc_number", len(data.DCs), func(i int) string { return data.DCs[i].DCNumber })
	unique("store_number", len(data.Stores), func(i int) string { return data.Stores[i].StoreNumber })
	unique("promo_code", len(data.Promotions), func(i int) string { return data.Promotions[i].PromoCode })
	unique("geography", len(data.Geographies), func(i int) string {
		g := data.Geographies[i]
		return g.State + "|" + g.City + "|" + g.ZipCode
	})
}

func TestForeignKeys(t *testing.T) {
	data := generate(t, presetConfig(t, "small", nil), 2)
	nGeo, nDC, nStore := int64(len(data.Geographies)), int64(len(data.DCs)), int64(len(data.Stores))
	in := func(id, n int64) bool { return id >= 1 && id <= n }
	for _, dc := range data.DCs {
		if !in(dc.GeographyID, nGeo) {
			t.Errorf("DC %d geography %d", dc.DCID, dc.GeographyID)
		}
	}
	for _, s := range data.Stores {
		if !in(s.GeographyID, nGeo) || !in(s.DCID, nDC) {
			t.Errorf("store %d: geography %d dc %d", s.StoreID, s.GeographyID, s.DCID)
		}
	}
	for _, tr := range data.Trucks {
		if tr.DCID != 0 && !in(tr.DCID, nDC) {
			t.Errorf("truck %d dc %d", tr.TruckID, tr.DCID)
		}
	}
	for _, c := range data.Customers {
		if !in(c.GeographyID, nGeo) || !in(c.HomeStoreID, nStore) {
			t.Fatalf("customer %d: geography %d home store %d", c.CustomerID, c.GeographyID, c.HomeStoreID)
		}
		pref := strings.Split(c.PreferredStoreIDs, "|")
		if pref[0] != strconv.FormatInt(c.HomeStoreID, 10) {
			t.Fatalf("customer %d: preferred %q does not start with home store %d", c.CustomerID, c.PreferredStoreIDs, c.HomeStoreID)
		}
		for _, p := range pref {
			id, err := strconv.ParseInt(p, 10, 64)
			if err != nil || !in(id, nStore) {
				t.Fatalf("customer %d: preferred store %q", c.CustomerID, p)
			}
		}
	}
	nProd := int64(len(data.Products))
	for i := range data.Stores {
		for _, p := range data.StoreInventory(i) {
			if p.StoreID != data.Stores[i].StoreID || !in(p.ProductID, nProd) {
				t.Fatalf("store inventory row %+v", p)
			}
		}
	}
}

func TestPricingChain(t *testing.T) {
	cfg := presetConfig(t, "small", nil)
	d := loadDict(t)
	data := generate(t, cfg, 2)
	base := map[string]int64{}
	for _, p := range d.Products {
		base[p.Name] = p.BasePriceCents
	}
	atMSRP := 0
	for _, p := range data.Products {
		if !(p.Cost > 0 && p.Cost < p.SalePrice && p.SalePrice <= p.MSRP) {
			t.Fatalf("product %d: cost %d sale %d msrp %d", p.ProductID, p.Cost, p.SalePrice, p.MSRP)
		}
		if p.SalePrice == p.MSRP {
			atMSRP++
		} else if off := 1 - float64(p.SalePrice)/float64(p.MSRP); off < 0.05-0.01 || off > 0.35+0.01 {
			t.Errorf("product %d: %.1f %% off", p.ProductID, off*100)
		}
		if r := float64(p.Cost) / float64(p.SalePrice); p.SalePrice > 100 && (r < 0.5-0.01 || r > 0.85) {
			t.Errorf("product %d: cost is %.2f of sale price", p.ProductID, r)
		}
		if want := dict.Taxability(p.Department); p.Taxability != want {
			t.Errorf("product %d in %s: taxability %s want %s", p.ProductID, p.Department, p.Taxability, want)
		}
		if p.RequiresRefrigeration != dict.IsRefrigerated(p.Category) {
			t.Errorf("product %d category %s: refrigeration %v", p.ProductID, p.Category, p.RequiresRefrigeration)
		}
	}
	share := float64(atMSRP) / float64(len(data.Products))
	if share < 0.55 || share > 0.65 {
		t.Errorf("%.3f of products sell at MSRP, want about 0.6", share)
	}
	// The first round of products uses the plain variant: MSRP within ±15 % of base.
	for _, p := range data.Products[:len(d.Products)] {
		b := base[strings.TrimPrefix(p.ProductName, p.Brand+" ")]
		if b == 0 {
			t.Fatalf("product %q does not map to a base product", p.ProductName)
		}
		if r := float64(p.MSRP) / float64(b); r < 0.85-0.01 || r > 1.15+0.01 {
			t.Errorf("product %d: msrp %d is %.3f × base %d", p.ProductID, p.MSRP, r, b)
		}
	}
}

func TestPricingEdgeCases(t *testing.T) {
	for _, base := range []float64{1, 2, 3, 50, 99, 149999} {
		for _, u := range [][4]float64{{0, 0.9, 0.999, 0.999}, {0.999, 0.9, 0, 0}, {0.5, 0.1, 0.5, 0.999}} {
			msrp, sale, cost := pricing(u[0], u[1], u[2], u[3], base)
			if !(cost >= 1 && cost < sale && sale <= msrp) {
				t.Errorf("base %v draws %v: cost %d sale %d msrp %d", base, u, cost, sale, msrp)
			}
		}
	}
}

func TestStoresOnlyInDCStatesAndSuppliedByNearestDC(t *testing.T) {
	data := generate(t, presetConfig(t, "default", map[string]string{"volume.total_customers": "2000", "volume.total_products": "600"}), 2)
	geo := func(id int64) rows.Geography { return data.Geographies[id-1] }
	dcStates := map[string]bool{}
	for _, dc := range data.DCs {
		dcStates[geo(dc.GeographyID).State] = true
	}
	perDC := map[int64]int{}
	for _, s := range data.Stores {
		st := geo(s.GeographyID).State
		if !dcStates[st] {
			t.Errorf("store %d is in %s, which has no DC", s.StoreID, st)
		}
		dc := data.DCs[s.DCID-1]
		if geo(dc.GeographyID).State != st {
			t.Errorf("store %d in %s is supplied by DC %d in %s", s.StoreID, st, dc.DCID, geo(dc.GeographyID).State)
		}
		d0 := Miles(s.Latitude, s.Longitude, dc.Latitude, dc.Longitude)
		for _, other := range data.DCs {
			if geo(other.GeographyID).State == st && Miles(s.Latitude, s.Longitude, other.Latitude, other.Longitude) < d0-1e-9 {
				t.Errorf("store %d: DC %d is nearer than its DC %d", s.StoreID, other.DCID, dc.DCID)
			}
		}
		perDC[s.DCID]++
	}
	if len(perDC) != len(data.DCs) {
		t.Errorf("%d of %d DCs supply a store", len(perDC), len(data.DCs))
	}
}

func TestStoreProfiles(t *testing.T) {
	classFormat := map[string]string{}
	ranges := map[string][2]float64{}
	for _, p := range classProfiles() {
		classFormat[p.class] = p.format
		ranges[p.class] = [2]float64{p.lo, p.hi}
	}
	hhmm := regexp.MustCompile(`^([01][0-9]|2[0-4]):[0-5][0-9]$`)
	for _, seed := range []string{"1", "42", "2024", "77777"} {
		data := generate(t, presetConfig(t, "default", map[string]string{"seed": seed, "volume.total_customers": "1000", "volume.total_products": "600"}), 2)
		var sum, sumSq float64
		classes := map[string]int{}
		for _, s := range data.Stores {
			if classFormat[s.VolumeClass] != s.StoreFormat {
				t.Errorf("store %d: class %s with format %s", s.StoreID, s.VolumeClass, s.StoreFormat)
			}
			r := ranges[s.VolumeClass]
			if s.DailyTrafficMultiplier < r[0] || s.DailyTrafficMultiplier > r[1] {
				t.Errorf("store %d (%s): multiplier %.3f outside %v", s.StoreID, s.VolumeClass, s.DailyTrafficMultiplier, r)
			}
			if s.Open24h != (s.OpenTime == "00:00" && s.CloseTime == "24:00") {
				t.Errorf("store %d: open_24h %v with %s-%s", s.StoreID, s.Open24h, s.OpenTime, s.CloseTime)
			}
			if !hhmm.MatchString(s.OpenTime) || !hhmm.MatchString(s.CloseTime) {
				t.Errorf("store %d: hours %s-%s", s.StoreID, s.OpenTime, s.CloseTime)
			}
			if s.TaxRate < 0 || s.TaxRate >= 0.2 {
				t.Errorf("store %d: tax rate %v", s.StoreID, s.TaxRate)
			}
			if civil.Date(s.OpenedDate) >= mustDate(t, data, "start") {
				t.Errorf("store %d opens on %s, not before the history", s.StoreID, civil.Date(s.OpenedDate))
			}
			sum += s.DailyTrafficMultiplier
			sumSq += s.DailyTrafficMultiplier * s.DailyTrafficMultiplier
			classes[s.VolumeClass]++
		}
		n := float64(len(data.Stores))
		mean := sum / n
		cv := math.Sqrt(sumSq/n-mean*mean) / mean
		if cv <= 0.6 {
			t.Errorf("seed %s: store volume CV %.3f, want > 0.6", seed, cv)
		}
		if len(classes) < 4 {
			t.Errorf("seed %s: only classes %v", seed, classes)
		}
	}
}

func mustDate(t testing.TB, d *Data, which string) civil.Date {
	t.Helper()
	return d.start
}

func TestTruckFleet(t *testing.T) {
	for _, scale := range []string{"tiny", "small", "default"} {
		data := generate(t, presetConfig(t, scale, map[string]string{"volume.total_customers": "500", "volume.total_products": "300"}), 2)
		type fleet struct{ ref, non int }
		perDC := map[int64]*fleet{}
		var supRef, supNon int
		for _, tr := range data.Trucks {
			if tr.CapacityUnits <= 0 {
				t.Errorf("truck %d capacity %d", tr.TruckID, tr.CapacityUnits)
			}
			if tr.DCID == 0 {
				if tr.Refrigerated {
					supRef++
				} else {
					supNon++
				}
				continue
			}
			f := perDC[tr.DCID]
			if f == nil {
				f = &fleet{}
				perDC[tr.DCID] = f
			}
			if tr.Refrigerated {
				f.ref++
			} else {
				f.non++
			}
		}
		for _, dc := range data.DCs {
			f := perDC[dc.DCID]
			if f == nil || f.ref < 1 || f.non < 1 {
				t.Errorf("%s: DC %d fleet %+v", scale, dc.DCID, f)
			}
		}
		if supRef < 1 || supNon < 1 {
			t.Errorf("%s: supplier fleet %d refrigerated, %d not", scale, supRef, supNon)
		}
	}
	cfg := presetConfig(t, "tiny", map[string]string{"volume.trucks_per_dc": "6"})
	data := generate(t, cfg, 1)
	count := map[int64]int{}
	for _, tr := range data.Trucks {
		if tr.DCID != 0 {
			count[tr.DCID]++
		}
	}
	for _, dc := range data.DCs {
		if count[dc.DCID] != 6 {
			t.Errorf("trucks_per_dc 6: DC %d has %d", dc.DCID, count[dc.DCID])
		}
	}
}

func TestCustomersAreFictionalAndNearStores(t *testing.T) {
	data := generate(t, presetConfig(t, "small", nil), 2)
	phone := regexp.MustCompile(`^\([2-9][0-9]{2}\) 555-01[0-9]{2}$`)
	email := regexp.MustCompile(`^[a-z]+\.[a-z]+[0-9]+@example\.(com|net|org)$`)
	loyalty := regexp.MustCompile(`^LC[0-9]{12}$`)
	ble := regexp.MustCompile(`^([0-9A-F]{2}:){5}[0-9A-F]{2}$`)
	ad := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	segs := map[string]int{}
	near := 0
	for _, c := range data.Customers {
		if !phone.MatchString(c.Phone) || !email.MatchString(c.Email) || !loyalty.MatchString(c.LoyaltyCard) ||
			!ble.MatchString(c.BLEID) || !ad.MatchString(c.AdID) {
			t.Fatalf("customer %d: phone %q email %q loyalty %q ble %q ad %q", c.CustomerID, c.Phone, c.Email, c.LoyaltyCard, c.BLEID, c.AdID)
		}
		segs[c.Segment]++
		home := data.Stores[c.HomeStoreID-1]
		d := Miles(c.Latitude, c.Longitude, home.Latitude, home.Longitude)
		for _, s := range data.Stores {
			if Miles(c.Latitude, c.Longitude, s.Latitude, s.Longitude) < d-1e-9 {
				t.Fatalf("customer %d: store %d is nearer than home store %d", c.CustomerID, s.StoreID, home.StoreID)
			}
		}
		if d <= 10 {
			near++
		}
		if civil.Date(c.SignupDate) >= data.start {
			t.Errorf("customer %d signs up on %s", c.CustomerID, civil.Date(c.SignupDate))
		}
	}
	if len(segs) != 4 {
		t.Errorf("segments %v", segs)
	}
	if share := float64(near) / float64(len(data.Customers)); share < 0.8 {
		t.Errorf("only %.2f of customers live within 10 miles of their home store", share)
	}
}

func TestInitialInventoryWithinRanges(t *testing.T) {
	cfg := presetConfig(t, "tiny", nil)
	data := generate(t, cfg, 2)
	v := cfg.Volume
	for i := range data.Stores {
		inv := data.StoreInventory(i)
		if len(inv) == 0 {
			t.Errorf("store %d carries nothing", data.Stores[i].StoreID)
		}
		if !slices.Equal(inv, data.StoreInventory(i)) {
			t.Fatal("store inventory is not reproducible")
		}
		for _, p := range inv {
			if int(p.Quantity) < v.StoreInitialInventoryMin || int(p.Quantity) > v.StoreInitialInventoryMax ||
				int(p.ReorderPoint) < v.StoreReorderPointMin || int(p.ReorderPoint) > v.StoreReorderPointMax ||
				p.OrderUpTo <= p.ReorderPoint {
				t.Fatalf("store position %+v outside configured ranges", p)
			}
		}
	}
	for i := range data.DCs {
		inv := data.DCInventory(i)
		if len(inv) != len(data.Products) {
			t.Errorf("DC %d stocks %d of %d products", data.DCs[i].DCID, len(inv), len(data.Products))
		}
		for _, p := range inv {
			if int(p.Quantity) < v.DCInitialInventoryMin || int(p.Quantity) > v.DCInitialInventoryMax ||
				int(p.ReorderPoint) < v.DCReorderPointMin || int(p.ReorderPoint) > v.DCReorderPointMax || p.OrderUpTo <= p.ReorderPoint {
				t.Fatalf("DC position %+v outside configured ranges", p)
			}
		}
	}
}

func TestCampaignsAndPromotions(t *testing.T) {
	data := generate(t, presetConfig(t, "tiny", map[string]string{"historical.start_date": "2025-01-01", "historical.days": "365"}), 1)
	channels := map[string]bool{}
	for _, c := range Channels() {
		channels[c] = true
	}
	perMonth := map[int]int{}
	for _, c := range data.Campaigns {
		if c.EndDate < c.StartDate || c.DailyBudget <= 0 {
			t.Errorf("campaign %+v", c)
		}
		for _, ch := range strings.Split(c.Channels, "|") {
			if !channels[ch] {
				t.Errorf("campaign %d channel %q", c.CampaignID, ch)
			}
		}
		y, m, _ := civil.Date(c.StartDate).Civil()
		if y == 2025 {
			perMonth[m]++
		}
	}
	avg := 0.0
	for m := 1; m <= 12; m++ {
		avg += float64(perMonth[m]) / 12
	}
	if float64(perMonth[11]) <= avg || float64(perMonth[12]) <= avg {
		t.Errorf("holiday months should carry more campaigns: %v (avg %.1f)", perMonth, avg)
	}
	depts := map[string]bool{}
	for _, d := range dict.Departments() {
		depts[d] = true
	}
	for _, p := range data.Promotions {
		for _, m := range strings.Split(p.ValidMonths, "|") {
			if n, err := strconv.Atoi(m); err != nil || n < 1 || n > 12 {
				t.Errorf("promo %s month %q", p.PromoCode, m)
			}
		}
		for _, d := range strings.Split(p.EligibleDepartments, "|") {
			if !depts[d] {
				t.Errorf("promo %s department %q", p.PromoCode, d)
			}
		}
		if p.DiscountValue <= 0 || p.MinPurchase < 0 {
			t.Errorf("promo %+v", p)
		}
	}
}

func TestDeterministicAcrossWorkersAndSeeds(t *testing.T) {
	cfg := presetConfig(t, "small", nil)
	a := generate(t, cfg, 1)
	b := generate(t, cfg, 4)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("1 and 4 workers gave different master data")
	}
	other := presetConfig(t, "small", map[string]string{"seed": "43"})
	c := generate(t, other, 4)
	if reflect.DeepEqual(a.Customers, c.Customers) || reflect.DeepEqual(a.Products, c.Products) {
		t.Fatal("a different seed gave the same data")
	}
}

func TestGeographiesBeyondDictionary(t *testing.T) {
	d := loadDict(t)
	cfg := presetConfig(t, "tiny", map[string]string{"volume.total_geographies": strconv.Itoa(len(d.Geographies) + 300)})
	data := generate(t, cfg, 2)
	if len(data.Geographies) != len(d.Geographies)+300 {
		t.Fatalf("%d geographies", len(data.Geographies))
	}
	zip := regexp.MustCompile(`^[0-9]{5}$`)
	for _, g := range data.Geographies {
		if !zip.MatchString(g.ZipCode) {
			t.Fatalf("zip %q", g.ZipCode)
		}
	}
}

func TestNoBlocklistedBrand(t *testing.T) {
	d := loadDict(t)
	data := generate(t, presetConfig(t, "small", nil), 2)
	for _, p := range data.Products {
		// Brand-scope terms (common words that are also brands) count in
		// the brand and company columns only, as in the dictionary check.
		for _, field := range []string{p.Brand, p.Company} {
			if term, ok := d.Blocked(field, true); ok {
				t.Fatalf("product %d: %q matches blocked term %q", p.ProductID, field, term)
			}
		}
		if term, ok := d.Blocked(p.ProductName, false); ok {
			t.Fatalf("product %d: name %q matches blocked term %q", p.ProductID, p.ProductName, term)
		}
	}
}

func BenchmarkCustomers(b *testing.B) {
	cfg := presetConfig(b, "default", map[string]string{"volume.total_customers": "50000"})
	d := loadDict(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(context.Background(), cfg, d, 2); err != nil {
			b.Fatal(err)
		}
	}
}
