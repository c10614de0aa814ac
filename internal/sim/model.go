// Package sim is the simulation engine: it advances simulated time day by
// day over independent DC networks (a DC and the stores it supplies) and
// emits typed fact rows in event-time order per store. Historical
// generation writes the rows to tables; streaming paces the same engine
// against the wall clock.
//
// Every random decision draws from a stream keyed by (seed, purpose, entity,
// day), and all state lives in NetworkState, which can be saved at a day
// boundary and restored, so any split of the date range, any worker count
// and any shard produce the same rows.
package sim

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/retail-datagen/retail-datagen/internal/calendar"
	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Zones of a store: the entrance, the checkout, then one per department.
const (
	zoneEntrance = 0
	zoneCheckout = 1
	zoneDept0    = 2
)

// Tax classes of products.
const (
	taxFull uint8 = iota
	taxReduced
	taxNone
)

// Shopping missions.
const (
	missionQuick = iota
	missionGrocery
	missionFamily
	missionBulk
	numMissions
)

// Network is a DC and the stores it supplies: the unit of parallel work and
// of sharding.
type Network struct {
	DCIndex int
	DCID    int64
	Stores  []int // indexes into Model stores, in store id order
}

type storeInfo struct {
	row        *rows.Store
	id         int64
	open       [24]bool
	openSec    int // business day opening, seconds after midnight
	closeSec   int // closing, seconds after midnight (86400 = end of day)
	rateMicros int64
	format     float64 // basket size factor of the format
	mult       float64
	zoneNames  []string // by zone index
	sensorIDs  []string
	beaconIDs  []string
	deptZone   []int8 // department index → zone index, -1 when not carried
	customers  []int32
	custCum    []float64
	initial    []rows.StoreInventoryInitial
	dcMiles    float64 // road distance to the supplying DC
}

type dcInfo struct {
	row     *rows.DistributionCenter
	id      int64
	place   int64 // the DC's place in composed ids
	initial []rows.DCInventoryInitial
	// trucks are the DC's own trucks (indexes into master trucks), in id
	// order; NetworkState.DC.TruckFree follows the same order.
	trucks []int
	// supplierMiles is the distance from the DC's suppliers.
	supplierMiles float64
}

type productInfo struct {
	id         int64
	price      int64
	tax        uint8
	launch     civil.Date
	tags       uint32 // bit i = dict.Tags()[i]
	pop        float64
	perishable bool
	cold       bool // requires refrigeration
}

type promoInfo struct {
	row    *rows.Promotion
	months uint16 // bit m (1..12)
	depts  uint16 // bit = department index
}

// Model is the read-only world the simulation runs in: master data indexed
// for fast lookups, the calendar and the configured rates. It is safe for
// concurrent use by the networks.
type Model struct {
	cfg      *config.Config
	data     *master.Data
	cal      *calendar.Calendar
	src      rng.Source
	tk       traceKey
	start    civil.Date
	end      civil.Date
	networks []Network
	dcs      []dcInfo
	// supplierTrucks are the supplier fleet (dc_id null) by kind: [0]
	// ambient, [1] refrigerated, indexes into master trucks in id order.
	supplierTrucks [2][]int
	stores         []storeInfo
	products       []productInfo
	// productDept is each product's department (index in depts), apart
	// from products so that the lookups of drawn products stay in cache.
	productDept []uint8
	tags        []string
	depts       []string
	promos      []promoInfo
	// campaigns with at least one known channel.
	campaigns []campaignInfo
	// unitsScale turns mission × format factors into mean units per receipt.
	unitsScale float64
}

// NewModel indexes master data for the simulation of [start, end]. The
// calendar covers the years from start to the year after end.
func NewModel(cfg *config.Config, data *master.Data, start, end civil.Date) (*Model, error) {
	if len(data.Stores) > 0 && data.Stores[len(data.Stores)-1].StoreID > MaxStoreID {
		return nil, fmt.Errorf("volume.stores = %d: the id scheme holds at most %d stores", len(data.Stores), MaxStoreID)
	}
	m := &Model{
		cfg: cfg, data: data, src: rng.New(cfg.Seed), tk: newTraceKey(cfg.Seed),
		start: start, end: end, cal: calendar.New(start, end),
		tags: dict.Tags(), depts: dict.Departments(),
	}
	if err := m.indexProducts(); err != nil {
		return nil, err
	}
	if err := m.indexStores(); err != nil {
		return nil, err
	}
	m.indexSupply()
	m.indexCustomers()
	m.indexPromos()
	m.indexCampaigns()
	m.unitsScale = m.computeUnitsScale()
	return m, nil
}

// Networks returns the DC networks, in DC id order.
func (m *Model) Networks() []Network { return m.networks }

// Work estimates the relative simulation work of a network per day: the
// sum of its stores' traffic multipliers, plus one for the DC itself. Runs
// start the heaviest networks first so that no core is left with a long
// tail.
func (m *Model) Work(n Network) float64 {
	w := 1.0
	for _, si := range n.Stores {
		w += m.stores[si].mult
	}
	return w
}

// Calendar returns the calendar the model uses.
func (m *Model) Calendar() *calendar.Calendar { return m.cal }

func (m *Model) deptIndex(name string) (uint8, error) {
	for i, d := range m.depts {
		if strings.EqualFold(d, name) {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("unknown department %q", name)
}

func (m *Model) indexProducts() error {
	tagIndex := map[string]int{}
	for i, t := range m.tags {
		tagIndex[t] = i
	}
	n := len(m.data.Products)
	// Popularity follows a Zipf-like law over a seeded ranking, so a few
	// products sell a lot and most sell little.
	rank := make([]int, n)
	for i := range rank {
		rank[i] = i
	}
	k := m.src.Key("product-rank")
	slices.SortFunc(rank, func(a, b int) int {
		return cmp.Compare(rng.Permute(k, uint64(a)), rng.Permute(k, uint64(b)))
	})
	m.products = make([]productInfo, n)
	m.productDept = make([]uint8, n)
	for r, i := range rank {
		m.products[i].pop = 1 / math.Pow(float64(r+1)+5, 0.7)
	}
	for i := range m.data.Products {
		p := &m.data.Products[i]
		d, err := m.deptIndex(p.Department)
		if err != nil {
			return fmt.Errorf("product %d: %w", p.ProductID, err)
		}
		info := &m.products[i]
		info.id, info.price, info.launch = p.ProductID, p.SalePrice, civil.Date(p.LaunchDate)
		m.productDept[i] = d
		info.perishable = m.depts[d] == dict.DeptGrocery
		info.cold = p.RequiresRefrigeration
		switch p.Taxability {
		case dict.NonTaxable:
			info.tax = taxNone
		case dict.ReducedRate:
			info.tax = taxReduced
		}
		for _, t := range strings.Split(p.Tags, "|") {
			if j, ok := tagIndex[t]; ok {
				info.tags |= 1 << j
			}
		}
		if int64(i+1) != p.ProductID {
			return fmt.Errorf("product ids must be dense from 1: row %d has id %d", i+1, p.ProductID)
		}
	}
	return nil
}

func formatFactor(format string) float64 {
	switch format {
	case master.FormatHypermarket:
		return 1.25
	case master.FormatSuperstore:
		return 1.1
	case master.FormatNeighborhood:
		return 0.85
	case master.FormatExpress:
		return 0.55
	}
	return 1
}

func (m *Model) indexStores() error {
	m.stores = make([]storeInfo, len(m.data.Stores))
	byDC := make(map[int64][]int)
	for i := range m.data.Stores {
		s := &m.data.Stores[i]
		if int64(i+1) != s.StoreID {
			return fmt.Errorf("store ids must be dense from 1: row %d has id %d", i+1, s.StoreID)
		}
		o, ok1 := calendar.ParseClock(s.OpenTime)
		c, ok2 := calendar.ParseClock(s.CloseTime)
		if !ok1 || !ok2 {
			return fmt.Errorf("store %d: hours %q-%q are not HH:MM", s.StoreID, s.OpenTime, s.CloseTime)
		}
		info := &m.stores[i]
		info.row, info.id = s, s.StoreID
		info.open = calendar.OpenHours(s.Open24h, o, c)
		info.openSec, info.closeSec = o*60, c*60
		if s.Open24h {
			info.openSec, info.closeSec = 0, 86400
		} else if c <= o {
			// Closing at or after midnight: the business day ends at
			// midnight for this calendar day.
			info.closeSec = 86400
		}
		info.rateMicros = int64(math.Round(s.TaxRate * 1e6))
		info.format = formatFactor(s.StoreFormat)
		info.mult = s.DailyTrafficMultiplier
		info.initial = m.data.StoreInventory(i)
		info.deptZone = make([]int8, len(m.depts))
		for d := range info.deptZone {
			info.deptZone[d] = -1
		}
		carriedDept := make([]bool, len(m.depts))
		for _, pos := range info.initial {
			carriedDept[m.productDept[pos.ProductID-1]] = true
		}
		info.zoneNames = []string{"ENTRANCE", "CHECKOUT"}
		for d, ok := range carriedDept {
			if ok {
				info.deptZone[d] = int8(len(info.zoneNames))
				info.zoneNames = append(info.zoneNames, zoneName(m.depts[d]))
			}
		}
		for _, z := range info.zoneNames {
			info.sensorIDs = append(info.sensorIDs, s.StoreNumber+"-"+z)
			info.beaconIDs = append(info.beaconIDs, s.StoreNumber+"-B-"+z)
		}
		byDC[s.DCID] = append(byDC[s.DCID], i)
	}
	for i := range m.data.DCs {
		dc := &m.data.DCs[i]
		m.networks = append(m.networks, Network{DCIndex: i, DCID: dc.DCID, Stores: byDC[dc.DCID]})
	}
	return nil
}

// zoneName turns a department into a zone name: "Health & Beauty" →
// "HEALTH_BEAUTY".
func zoneName(dept string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToUpper(dept) {
		if r >= 'A' && r <= 'Z' {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		} else {
			under = true
		}
	}
	return b.String()
}

// indexCustomers gives every store the customers who prefer it, weighted by
// rank: a customer's nearest store gets most of their visits.
func (m *Model) indexCustomers() {
	rankWeight := [3]float64{0.62, 0.28, 0.10}
	for ci := range m.data.Customers {
		c := &m.data.Customers[ci]
		ids := strings.Split(c.PreferredStoreIDs, "|")
		total := 0.0
		for r := range ids {
			if r < len(rankWeight) {
				total += rankWeight[r]
			}
		}
		for r, s := range ids {
			if r >= len(rankWeight) {
				break
			}
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id < 1 || id > int64(len(m.stores)) {
				continue
			}
			st := &m.stores[id-1]
			st.customers = append(st.customers, int32(ci))
			prev := 0.0
			if n := len(st.custCum); n > 0 {
				prev = st.custCum[n-1]
			}
			st.custCum = append(st.custCum, prev+rankWeight[r]/total)
		}
	}
}

func (m *Model) indexPromos() {
	for i := range m.data.Promotions {
		p := &m.data.Promotions[i]
		info := promoInfo{row: p}
		for _, s := range strings.Split(p.ValidMonths, "|") {
			if mo, err := strconv.Atoi(s); err == nil && mo >= 1 && mo <= 12 {
				info.months |= 1 << mo
			}
		}
		for _, s := range strings.Split(p.EligibleDepartments, "|") {
			if d, err := m.deptIndex(s); err == nil {
				info.depts |= 1 << d
			}
		}
		m.promos = append(m.promos, info)
	}
}

// Share of purchasers who are known (loyalty) customers, and of browsing
// device carriers.
const (
	knownBuyerShare   = 0.65
	knownBrowserShare = 0.125
)

// missionFactor is the relative basket size of each mission.
func missionFactor() [numMissions]float64 { return [numMissions]float64{0.35, 1.0, 1.6, 2.0} }

// missionMix is the mission probability by segment; index 4 is anonymous.
func missionMix(segment string) [numMissions]float64 {
	switch segment {
	case master.SegmentBudget:
		return [numMissions]float64{0.25, 0.40, 0.20, 0.15}
	case master.SegmentConvenience:
		return [numMissions]float64{0.55, 0.30, 0.10, 0.05}
	case master.SegmentQuality:
		return [numMissions]float64{0.30, 0.45, 0.20, 0.05}
	case master.SegmentBrandLoyal:
		return [numMissions]float64{0.30, 0.40, 0.20, 0.10}
	}
	return [numMissions]float64{0.50, 0.30, 0.15, 0.05}
}

// computeUnitsScale makes the expected units per receipt, over the stores'
// expected receipt volumes and the segment and mission mix, equal
// volume.items_per_ticket_mean.
func (m *Model) computeUnitsScale() float64 {
	segShare := map[string]float64{}
	for i := range m.data.Customers {
		segShare[m.data.Customers[i].Segment]++
	}
	for k := range segShare {
		segShare[k] /= float64(max(1, len(m.data.Customers)))
	}
	mf := missionFactor()
	mean := func(mix [numMissions]float64) float64 {
		s := 0.0
		for i, p := range mix {
			s += p * mf[i]
		}
		return s
	}
	known := 0.0
	for _, seg := range []string{master.SegmentBudget, master.SegmentConvenience, master.SegmentQuality, master.SegmentBrandLoyal} {
		known += segShare[seg] * mean(missionMix(seg))
	}
	anon := mean(missionMix(""))
	num, den := 0.0, 0.0
	for i := range m.stores {
		s := &m.stores[i]
		kb := 0.0
		if len(s.customers) > 0 {
			kb = knownBuyerShare
		}
		num += s.mult * s.format * (kb*known + (1-kb)*anon)
		den += s.mult
	}
	if num == 0 {
		return m.cfg.Volume.ItemsPerTicketMean
	}
	return m.cfg.Volume.ItemsPerTicketMean * den / num
}

// indexSupply indexes DCs, their fleets and the supplier fleet, and the
// road distances of the supply network.
func (m *Model) indexSupply() {
	m.dcs = make([]dcInfo, len(m.data.DCs))
	for i := range m.data.DCs {
		dc := &m.data.DCs[i]
		r := m.src.Key("supplier-distance").With(dc.DCID).Rand()
		m.dcs[i] = dcInfo{
			row: dc, id: dc.DCID, place: dcPlaceBase + dc.DCID,
			initial:       m.data.DCInventory(i),
			supplierMiles: rng.FloatBetween(r, 80, 260),
		}
	}
	for ti := range m.data.Trucks {
		t := &m.data.Trucks[ti]
		kind := 0
		if t.Refrigerated {
			kind = 1
		}
		if t.DCID == 0 {
			m.supplierTrucks[kind] = append(m.supplierTrucks[kind], ti)
			continue
		}
		m.dcs[t.DCID-1].trucks = append(m.dcs[t.DCID-1].trucks, ti)
	}
	for i := range m.stores {
		s := &m.stores[i]
		dc := &m.data.DCs[s.row.DCID-1]
		// Roads are about 1.25 times the straight line.
		s.dcMiles = 1.25*master.Miles(s.row.Latitude, s.row.Longitude, dc.Latitude, dc.Longitude) + 2
	}
}
