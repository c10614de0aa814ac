package validate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// denseIDs bounds the ids held in slices; larger ids go to a map.
const denseIDs = 1 << 26

// idMap maps ids to values: a slice for the dense ids of a dimension, a map
// for anything else.
type idMap[V any] struct {
	vals []V
	has  []bool
	big  map[int64]V
	n    int
}

// put stores v under id and reports whether id was already present (the
// first value is kept).
func (m *idMap[V]) put(id int64, v V) (dup bool) {
	if id >= 0 && id < denseIDs {
		if int(id) >= len(m.has) {
			size := min(max(int(id)+1, 2*len(m.has), 64), denseIDs)
			m.vals = append(m.vals, make([]V, size-len(m.vals))...)
			m.has = append(m.has, make([]bool, size-len(m.has))...)
		}
		if m.has[id] {
			return true
		}
		m.has[id], m.vals[id] = true, v
		m.n++
		return false
	}
	if m.big == nil {
		m.big = map[int64]V{}
	}
	if _, ok := m.big[id]; ok {
		return true
	}
	m.big[id] = v
	m.n++
	return false
}

func (m *idMap[V]) get(id int64) (V, bool) {
	if id >= 0 && id < int64(len(m.has)) {
		return m.vals[id], m.has[id]
	}
	v, ok := m.big[id]
	return v, ok
}

// keyTracker checks that a dimension's surrogate keys are unique and dense
// from 1.
type keyTracker struct {
	table, col string
	ids        idMap[struct{}]
	lo, hi     int64
}

func (k *keyTracker) add(v *validator, f fileRef, row, id int64) {
	v.count(CheckMasterKeys, 1)
	if k.ids.n == 0 || id < k.lo {
		k.lo = id
	}
	if k.ids.n == 0 || id > k.hi {
		k.hi = id
	}
	if k.ids.put(id, struct{}{}) {
		v.rowFail(CheckMasterKeys, f, row, fmt.Sprintf("%s %d", k.col, id), "duplicate %s", k.col)
	}
}

func (k *keyTracker) finish(v *validator) {
	if k.ids.n > 0 && (k.lo != 1 || k.hi != int64(k.ids.n)) {
		v.fail(CheckMasterKeys, Violation{Table: k.table, Detail: fmt.Sprintf(
			"%s is not dense from 1: %d distinct ids from %d to %d", k.col, k.ids.n, k.lo, k.hi)})
	}
}

// uniqueCol collects hashes of an external id column to find duplicates
// without holding the strings.
type uniqueCol struct {
	table, col, keyCol string
	seen               []hashedID
}

type hashedID struct {
	h   uint64
	id  int64
	row int64
	f   int // index into files
}

func (u *uniqueCol) add(v *validator, s string, id, row int64, file int) {
	v.count(CheckMasterUnique, 1)
	u.seen = append(u.seen, hashedID{h: v.hash(s), id: id, row: row, f: file})
}

func (u *uniqueCol) finish(v *validator, files []fileRef) {
	slices.SortFunc(u.seen, func(a, b hashedID) int {
		if c := cmp.Compare(a.h, b.h); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for i := 1; i < len(u.seen); i++ {
		if u.seen[i].h == u.seen[i-1].h {
			a, b := u.seen[i-1], u.seen[i]
			v.rowFail(CheckMasterUnique, files[b.f], b.row, fmt.Sprintf("%s %d", u.keyCol, b.id),
				"%s is the same as that of %s %d", u.col, u.keyCol, a.id)
		}
	}
	u.seen = nil
}

// store is what the fact checks need of a store.
type store struct {
	id, geo, dc int64
	number      string
	state       string
	class       string
	open24      bool
	hoursOK     bool
	open, close int // seconds of the day; close < open wraps past midnight
	opened      civil.Date
	taxRate     float64
}

// closedOn reports whether the store does no business on day d: Christmas
// Day and the days before it opened.
func (s *store) closedOn(d civil.Date) bool {
	_, m, day := d.Civil()
	return d < s.opened || (m == 12 && day == 25)
}

// openAt reports whether the store is open at the wall-clock instant ts
// (micros): open_time <= t < close_time of an open day, a close earlier than
// the open time ending the day after midnight.
func (s *store) openAt(ts int64) bool {
	d := dayOf(ts)
	sec := int((ts - int64(d)*civil.MicrosPerDay) / 1_000_000)
	switch {
	case !s.hoursOK || s.open24:
		return !s.closedOn(d)
	case s.open < s.close:
		return !s.closedOn(d) && sec >= s.open && sec < s.close
	}
	return (sec >= s.open && !s.closedOn(d)) || (sec < s.close && !s.closedOn(d-1))
}

// closeAfter returns the instant the business day that opened on d ends.
func (s *store) closeAfter(d civil.Date) int64 {
	switch {
	case s.open24 || !s.hoursOK:
		return int64(d+1) * civil.MicrosPerDay
	case s.close > s.open:
		return int64(d)*civil.MicrosPerDay + int64(s.close)*1_000_000
	}
	return int64(d+1)*civil.MicrosPerDay + int64(s.close)*1_000_000
}

func dayOf(ts int64) civil.Date {
	d := ts / civil.MicrosPerDay
	if ts%civil.MicrosPerDay < 0 {
		d--
	}
	return civil.Date(d)
}

// product is what the fact checks need of a product.
type product struct {
	salePrice int64
	launch    civil.Date
	taxFactor float64 // 1 taxable, 0.5 reduced rate, 0 non-taxable
	cold      bool    // requires refrigeration
}

// customer holds hashes of a customer's device and advertising ids.
type customer struct {
	ble, ad uint64
}

// campaign is a campaign's run.
type campaign struct {
	start, end civil.Date
}

// truck is what the shipment checks need of a truck.
type truck struct {
	dc   int64 // home DC; 0 for supplier trucks
	cold bool
}

// masterData holds the compact indexes of the dimensions that the fact
// checks use.
type masterData struct {
	geoState  idMap[string]
	dcState   idMap[string]
	stores    idMap[*store]
	storeList []*store // by id
	customers idMap[customer]
	products  idMap[product]
	campaigns idMap[campaign]
	trucks    idMap[truck]
	promos    map[string]string // code → discount_type
	// storeInv holds per store the initial quantity by product id, noPosition
	// where the store has none; the inventory check turns it into the
	// running balance.
	storeInv map[int64][]int32
	// dcInv is the same for DCs, from dc_inventory_initial.
	dcInv map[int64][]int32
}

const noPosition = math.MinInt32

// masterHandler reads one dimension.
type masterHandler struct {
	table string
	read  func(v *validator, files []fileRef) error
}

func eachMaster[T any, PT rows.Parser[T]](table string, fn func(v *validator, f fileRef, fi int, r *T, row int64)) masterHandler {
	return masterHandler{table: table, read: func(v *validator, files []fileRef) error {
		for i, f := range files {
			if err := read[T, PT](v, f, func(r *T, row int64) { fn(v, f, i, r, row) }); err != nil {
				return err
			}
		}
		return nil
	}}
}

func (v *validator) readMaster() error {
	m := &masterData{promos: map[string]string{}, storeInv: map[int64][]int32{}, dcInv: map[int64][]int32{}}
	v.m = m
	keys := func(table, col string) *keyTracker { return &keyTracker{table: table, col: col} }
	geoKeys, dcKeys, storeKeys := keys("geographies", "geography_id"), keys("distribution_centers", "dc_id"), keys("stores", "store_id")
	truckKeys, custKeys, prodKeys := keys("trucks", "truck_id"), keys("customers", "customer_id"), keys("products", "product_id")
	campKeys := keys("campaigns", "campaign_id")
	uniq := func(table, col, keyCol string) *uniqueCol { return &uniqueCol{table: table, col: col, keyCol: keyCol} }
	dcNumber, storeNumber := uniq("distribution_centers", "dc_number", "dc_id"), uniq("stores", "store_number", "store_id")
	plate, sku := uniq("trucks", "license_plate", "truck_id"), uniq("products", "sku", "product_id")
	loyalty, ble, ad := uniq("customers", "loyalty_card", "customer_id"), uniq("customers", "ble_id", "customer_id"), uniq("customers", "ad_id", "customer_id")
	dcStates := map[string]bool{}

	fk := func(f fileRef, row int64, key, col string, id int64, target string, ok bool) {
		if !v.has(target) {
			return
		}
		v.count(CheckMasterFK, 1)
		if !ok {
			v.rowFail(CheckMasterFK, f, row, key, "%s %d does not exist in %s", col, id, target)
		}
	}

	handlers := []masterHandler{
		eachMaster("geographies", func(v *validator, f fileRef, _ int, r *rows.Geography, row int64) {
			geoKeys.add(v, f, row, r.GeographyID)
			m.geoState.put(r.GeographyID, r.State)
		}),
		eachMaster("distribution_centers", func(v *validator, f fileRef, fi int, r *rows.DistributionCenter, row int64) {
			key := fmt.Sprintf("dc_id %d", r.DCID)
			dcKeys.add(v, f, row, r.DCID)
			dcNumber.add(v, r.DCNumber, r.DCID, row, fi)
			state, ok := m.geoState.get(r.GeographyID)
			fk(f, row, key, "geography_id", r.GeographyID, "geographies", ok)
			m.dcState.put(r.DCID, state)
			if ok {
				dcStates[state] = true
			}
		}),
		eachMaster("stores", func(v *validator, f fileRef, fi int, r *rows.Store, row int64) {
			key := fmt.Sprintf("store_id %d", r.StoreID)
			storeKeys.add(v, f, row, r.StoreID)
			storeNumber.add(v, r.StoreNumber, r.StoreID, row, fi)
			state, ok := m.geoState.get(r.GeographyID)
			fk(f, row, key, "geography_id", r.GeographyID, "geographies", ok)
			_, ok = m.dcState.get(r.DCID)
			fk(f, row, key, "dc_id", r.DCID, "distribution_centers", ok)
			if v.has("geographies") && v.has("distribution_centers") && state != "" {
				v.count(CheckMasterStoreState, 1)
				if !dcStates[state] {
					v.rowFail(CheckMasterStoreState, f, row, key, "store is in %s, a state without a DC", state)
				}
			}
			s := &store{id: r.StoreID, geo: r.GeographyID, dc: r.DCID, number: r.StoreNumber, state: state,
				class: r.VolumeClass, open24: r.Open24h, opened: civil.Date(r.OpenedDate), taxRate: r.TaxRate}
			v.count(CheckMasterStoreHours, 1)
			if err := s.setHours(r.OpenTime, r.CloseTime); err != nil {
				v.rowFail(CheckMasterStoreHours, f, row, key, "%v", err)
			}
			if !m.stores.put(r.StoreID, s) {
				m.storeList = append(m.storeList, s)
			}
		}),
		eachMaster("trucks", func(v *validator, f fileRef, fi int, r *rows.Truck, row int64) {
			truckKeys.add(v, f, row, r.TruckID)
			plate.add(v, r.LicensePlate, r.TruckID, row, fi)
			m.trucks.put(r.TruckID, truck{dc: r.DCID, cold: r.Refrigerated})
			if r.DCID != 0 {
				_, ok := m.dcState.get(r.DCID)
				fk(f, row, fmt.Sprintf("truck_id %d", r.TruckID), "dc_id", r.DCID, "distribution_centers", ok)
			}
		}),
		eachMaster("products", func(v *validator, f fileRef, fi int, r *rows.Product, row int64) {
			key := fmt.Sprintf("product_id %d", r.ProductID)
			prodKeys.add(v, f, row, r.ProductID)
			sku.add(v, r.SKU, r.ProductID, row, fi)
			v.count(CheckMasterPricing, 1)
			if !(0 < r.Cost && r.Cost < r.SalePrice && r.SalePrice <= r.MSRP) {
				v.rowFail(CheckMasterPricing, f, row, key, "cost %s, sale_price %s, msrp %s break 0 < cost < sale_price <= msrp",
					money(r.Cost), money(r.SalePrice), money(r.MSRP))
			}
			p := product{salePrice: r.SalePrice, launch: civil.Date(r.LaunchDate), taxFactor: 1, cold: r.RequiresRefrigeration}
			switch r.Taxability {
			case "NON_TAXABLE":
				p.taxFactor = 0
			case "REDUCED_RATE":
				p.taxFactor = 0.5
			case "TAXABLE":
			default:
				v.rowFail(CheckMasterPricing, f, row, key, "taxability %q is not TAXABLE, NON_TAXABLE or REDUCED_RATE", r.Taxability)
			}
			m.products.put(r.ProductID, p)
		}),
		eachMaster("customers", func(v *validator, f fileRef, fi int, r *rows.Customer, row int64) {
			key := fmt.Sprintf("customer_id %d", r.CustomerID)
			custKeys.add(v, f, row, r.CustomerID)
			loyalty.add(v, r.LoyaltyCard, r.CustomerID, row, fi)
			ble.add(v, r.BLEID, r.CustomerID, row, fi)
			ad.add(v, r.AdID, r.CustomerID, row, fi)
			_, ok := m.geoState.get(r.GeographyID)
			fk(f, row, key, "geography_id", r.GeographyID, "geographies", ok)
			_, ok = m.stores.get(r.HomeStoreID)
			fk(f, row, key, "home_store_id", r.HomeStoreID, "stores", ok)
			if r.PreferredStoreIDs != "" {
				for _, part := range strings.Split(r.PreferredStoreIDs, "|") {
					id, err := strconv.ParseInt(part, 10, 64)
					if err != nil {
						v.count(CheckMasterFK, 1)
						v.rowFail(CheckMasterFK, f, row, key, "preferred_store_ids %q: %q is not a store id", r.PreferredStoreIDs, part)
						continue
					}
					_, ok := m.stores.get(id)
					fk(f, row, key, "preferred store", id, "stores", ok)
				}
			}
			v.count(CheckMasterContact, 1)
			if !fictionalPhone(r.Phone) {
				v.rowFail(CheckMasterContact, f, row, key, "phone %q is not (NXX) 555-01xx", r.Phone)
			}
			if !exampleEmail(r.Email) {
				v.rowFail(CheckMasterContact, f, row, key, "email %q is not on example.com, example.net or example.org", r.Email)
			}
			m.customers.put(r.CustomerID, customer{ble: v.hash(r.BLEID), ad: v.hash(r.AdID)})
		}),
		eachMaster("campaigns", func(v *validator, f fileRef, _ int, r *rows.Campaign, row int64) {
			campKeys.add(v, f, row, r.CampaignID)
			m.campaigns.put(r.CampaignID, campaign{start: civil.Date(r.StartDate), end: civil.Date(r.EndDate)})
		}),
		eachMaster("promotions", func(v *validator, f fileRef, _ int, r *rows.Promotion, row int64) {
			v.count(CheckMasterKeys, 1)
			if _, dup := m.promos[r.PromoCode]; dup {
				v.rowFail(CheckMasterKeys, f, row, "promo_code "+r.PromoCode, "duplicate promo_code")
				return
			}
			m.promos[r.PromoCode] = r.DiscountType
		}),
		eachMaster("store_inventory_initial", func(v *validator, f fileRef, _ int, r *rows.StoreInventoryInitial, row int64) {
			key := fmt.Sprintf("store_id %d product_id %d", r.StoreID, r.ProductID)
			_, okS := m.stores.get(r.StoreID)
			fk(f, row, key, "store_id", r.StoreID, "stores", okS)
			_, okP := m.products.get(r.ProductID)
			fk(f, row, key, "product_id", r.ProductID, "products", okP)
			v.count(CheckMasterKeys, 1)
			if r.ProductID <= 0 || r.ProductID >= denseIDs {
				return
			}
			inv := m.storeInv[r.StoreID]
			if int(r.ProductID) >= len(inv) {
				inv = growPositions(inv, int(r.ProductID)+1, len(m.products.has))
				m.storeInv[r.StoreID] = inv
			}
			if inv[r.ProductID] != noPosition {
				v.rowFail(CheckMasterKeys, f, row, key, "duplicate (store_id, product_id)")
				return
			}
			inv[r.ProductID] = r.Quantity
		}),
		eachMaster("dc_inventory_initial", func(v *validator, f fileRef, _ int, r *rows.DCInventoryInitial, row int64) {
			key := fmt.Sprintf("dc_id %d product_id %d", r.DCID, r.ProductID)
			_, okD := m.dcState.get(r.DCID)
			fk(f, row, key, "dc_id", r.DCID, "distribution_centers", okD)
			_, okP := m.products.get(r.ProductID)
			fk(f, row, key, "product_id", r.ProductID, "products", okP)
			v.count(CheckMasterKeys, 1)
			if r.ProductID <= 0 || r.ProductID >= denseIDs {
				return
			}
			inv := m.dcInv[r.DCID]
			if int(r.ProductID) >= len(inv) {
				inv = growPositions(inv, int(r.ProductID)+1, len(m.products.has))
				m.dcInv[r.DCID] = inv
			}
			if inv[r.ProductID] != noPosition {
				v.rowFail(CheckMasterKeys, f, row, key, "duplicate (dc_id, product_id)")
				return
			}
			inv[r.ProductID] = r.Quantity
		}),
	}
	for _, h := range handlers {
		files := v.masterFiles[h.table]
		if err := h.read(v, files); err != nil {
			return err
		}
		switch h.table {
		case "distribution_centers":
			dcNumber.finish(v, files)
		case "stores":
			storeNumber.finish(v, files)
		case "trucks":
			plate.finish(v, files)
		case "products":
			sku.finish(v, files)
		case "customers":
			for _, u := range []*uniqueCol{loyalty, ble, ad} {
				u.finish(v, files)
			}
		}
	}
	for _, k := range []*keyTracker{geoKeys, dcKeys, storeKeys, truckKeys, custKeys, prodKeys, campKeys} {
		k.finish(v)
	}
	slices.SortFunc(m.storeList, func(a, b *store) int { return cmp.Compare(a.id, b.id) })
	return nil
}

// growPositions extends a store's positions to at least n products, filling
// with noPosition.
func growPositions(inv []int32, n, hint int) []int32 {
	size := max(n, hint)
	if size <= len(inv) {
		return inv
	}
	out := make([]int32, size)
	copy(out, inv)
	for i := len(inv); i < size; i++ {
		out[i] = noPosition
	}
	return out
}

// setHours parses HH:MM opening hours and checks them against open_24h.
func (s *store) setHours(open, close string) error {
	o, errO := hhmm(open, false)
	c, errC := hhmm(close, true)
	if errO != nil {
		return fmt.Errorf("open_time: %w", errO)
	}
	if errC != nil {
		return fmt.Errorf("close_time: %w", errC)
	}
	s.open, s.close = o, c
	full := o == 0 && c == 86400
	if s.open24 != full {
		return fmt.Errorf("open_24h is %t with hours %s-%s: 24/7 stores, and only they, open 00:00 and close 24:00", s.open24, open, close)
	}
	if o == c || (o == 0 && c == 0) {
		return fmt.Errorf("hours %s-%s open and close at the same time", open, close)
	}
	s.hoursOK = true
	return nil
}

// hhmm parses HH:MM into seconds of the day; 24:00 is allowed as a closing
// time.
func hhmm(s string, closing bool) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && (m != 0 || !closing)) {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	return h*3600 + m*60, nil
}

// fictionalPhone matches (NXX) 555-01XX.
func fictionalPhone(s string) bool {
	if len(s) != 14 || s[0] != '(' || s[4:6] != ") " || s[6:12] != "555-01" {
		return false
	}
	for _, i := range []int{1, 2, 3, 12, 13} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// exampleEmail matches local@example.{com,net,org}.
func exampleEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(local, " @") {
		return false
	}
	switch domain {
	case "example.com", "example.net", "example.org":
		return true
	}
	return false
}

// money formats cents for messages.
func money(c int64) string { return string(rows.AppendMoney(nil, c)) }
