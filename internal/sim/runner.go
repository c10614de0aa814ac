package sim

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/calendar"
	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Runner simulates one network day after day. It owns its state and
// scratch space and is not safe for concurrent use; run networks in
// parallel with one Runner each.
type Runner struct {
	m   *Model
	net Network
	st  *NetworkState
	e   *emitter

	// Two reusable generators: one for store-hour decisions, one for the
	// visitor at hand.
	hourPCG, visPCG rand.PCG
	hr, vr          *rand.Rand

	// Per-day product weights (popularity × season and holiday tags).
	prodWeight []float64
	// Per store-day sampling tables: the products a shopper can pick (carried
	// and launched) and one cumulative weight table per mission.
	pick []int32
	cum  [numMissions][]float64
	// guide draws from cum in constant time.
	guide [numMissions]rng.Guide

	visitors []visitor
	lines    []intent
	basket   []saleLine
	pings    []ping
	// Per visitor of the hour, for its pings: the visit's trace id and
	// the customer id (0: anonymous).
	visTrace [][16]byte
	visCust  []int64
	pays     []rows.Payment
	events   []checkout
	returns  []PendingReturn
	episodes []episode
	epIndex  []int32 // product → episode index + 1 for the current store-day

	// Supply chain scratch.
	shipEvents []shipEvent
	deliveries [][]delivery // by store position in the network
	storeLocal map[int64]int
	orders     []order
	dcEpisodes []episode

	// Marketing and online scratch.
	custs       []int32 // customers whose home store is in the network
	custShare   float64 // their share of all customers
	times       []int32
	todayVisits []PendingVisit
	present     map[int32]bool // known customers in the current store-hour
	onlinePick  []int32
	onlineCum   []float64
	orderRows   []rows.OnlineOrder
	lineRows    []rows.OnlineOrderLine
	orderPays   []rows.Payment
}

type visitor struct {
	arrive, leave, pay int32 // seconds of the day
	device, buyer      bool
	cust               int32 // customer index, -1 anonymous
	mission            uint8
	zones              [6]int8
	nz                 uint8
	lineLo, lineHi     int32
	deviceID           string
	campaign           int64 // campaign that brought the visitor
}

// intent is a product a buyer means to buy.
type intent struct {
	product int32
	qty     int32
}

type saleLine struct {
	product                  int32
	qty                      int32
	unit, ext, discount, tax int64
	promo                    string
}

// ping is one BLE ping packed in an integer whose order is the pings'
// time order: second of the day (17 bits), visitor (up to 31 bits),
// sequence in the visit (8 bits), zone (8 bits).
type ping uint64

func newPing(sec, vis int32, seq, zone int8) ping {
	return ping(uint64(sec)<<47 | uint64(vis)<<16 | uint64(uint8(seq))<<8 | uint64(uint8(zone)))
}

func (p ping) sec() int32 { return int32(p >> 47) }
func (p ping) vis() int32 { return int32(p >> 16 & (1<<31 - 1)) }
func (p ping) seq() int8  { return int8(p >> 8) }
func (p ping) zone() int8 { return int8(p) }

// checkout is a delivery, a return or a sale, processed in time order.
type checkout struct {
	sec  int32
	kind int8
	idx  int32 // into the hour's deliveries, the day's returns or the visitors
}

const (
	evDelivery int8 = iota
	evReturn
	evSale
)

type episode struct {
	product int32
	start   int32
	lost    int32
	restock int32 // second the stock came back, -1 while out
}

// NewRunner starts network n from st (InitialState for a fresh run).
func (m *Model) NewRunner(n Network, st *NetworkState) (*Runner, error) {
	if err := m.Check(n, st); err != nil {
		return nil, err
	}
	r := &Runner{m: m, net: n, st: st, e: newEmitter(Sinks{})}
	r.hr = rand.New(&r.hourPCG)
	r.vr = rand.New(&r.visPCG)
	r.prodWeight = make([]float64, len(m.products))
	r.epIndex = make([]int32, len(m.products))
	r.deliveries = make([][]delivery, len(n.Stores))
	r.present = make(map[int32]bool)
	r.storeLocal = make(map[int64]int, len(n.Stores))
	for i, si := range n.Stores {
		r.storeLocal[m.stores[si].id] = i
	}
	for ci := range m.data.Customers {
		if _, ok := r.storeLocal[m.data.Customers[ci].HomeStoreID]; ok {
			r.custs = append(r.custs, int32(ci))
		}
	}
	if len(m.data.Customers) > 0 {
		r.custShare = float64(len(r.custs)) / float64(len(m.data.Customers))
	}
	return r, nil
}

// State returns the network's state: after RunDay(d) it is the state at
// the start of d+1.
func (r *Runner) State() *NetworkState { return r.st }

// RunDay simulates day for every store of the network, writing rows to
// sinks. Days must be run in order without gaps.
func (r *Runner) RunDay(ctx context.Context, day civil.Date, sinks Sinks) error {
	if day != r.st.Next {
		return fmt.Errorf("network of DC %d: next day to simulate is %s, not %s", r.net.DCID, r.st.Next, day)
	}
	if !r.m.cal.Covers(day) {
		return fmt.Errorf("day %s is outside the simulated years", day)
	}
	r.e.reset(sinks)
	r.emitDisruptions(day)
	r.drawDisruption(day + 1)
	r.dayWeights(day)
	r.impressions(day)
	n := 0
	for n < len(r.st.Visits) && r.st.Visits[n].Day <= day {
		n++
	}
	r.todayVisits = append(r.todayVisits[:0], r.st.Visits[:n]...)
	r.st.Visits = slices.Delete(r.st.Visits, 0, n)
	r.createOrders(day)
	r.dcPass(day)
	open := !calendar.Closed(day)
	for i, si := range r.net.Stores {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !open {
			// Closed: only trucks come, unloading what they bring.
			r.resetEpisodes()
			for _, d := range r.deliveries[i] {
				r.processDelivery(&r.m.stores[si], &r.st.Stores[i], day, d)
			}
			continue
		}
		if err := r.runStore(si, &r.st.Stores[i], day); err != nil {
			return err
		}
	}
	r.replenish(day, open)
	r.dropCompleted()
	r.orderEvents(day)
	if err := r.e.flush(); err != nil {
		return err
	}
	r.st.Next = day + 1
	return nil
}

// dayWeights sets each product's selling weight for day.
func (r *Runner) dayWeights(day civil.Date) {
	mult := r.m.cal.TagMultipliers(day, r.m.tags)
	for i := range r.m.products {
		p := &r.m.products[i]
		w := p.pop
		for t := p.tags; t != 0; t &= t - 1 {
			w *= mult[trailingZeros(t)]
		}
		r.prodWeight[i] = w
	}
}

func trailingZeros(x uint32) int {
	n := 0
	for x&1 == 0 {
		x >>= 1
		n++
	}
	return n
}

// deptWeights is the department mix of each mission, in dict.Departments
// order: Grocery, Electronics, Clothing, Health & Beauty, Home & Garden,
// Baby & Kids, Pet, Automotive, Office, Seasonal & Sports.
func deptWeights() [numMissions][10]float64 {
	return [numMissions][10]float64{
		missionQuick:   {3, 0.5, 0.5, 1.5, 0.4, 0.4, 0.6, 0.3, 0.5, 0.5},
		missionGrocery: {6, 0.2, 0.3, 1.2, 0.5, 0.6, 1, 0.1, 0.2, 0.3},
		missionFamily:  {3, 0.6, 1.5, 1, 0.8, 1.5, 0.6, 0.3, 0.6, 0.8},
		missionBulk:    {4, 0.5, 0.5, 1, 1, 0.8, 1, 0.4, 0.8, 0.5},
	}
}

// storeDayTables builds the sampling tables of a store for the day: carried
// and launched products, weighted per mission.
func (r *Runner) storeDayTables(ss *StoreState, day civil.Date) {
	r.pick = r.pick[:0]
	for p, q := range ss.OnHand {
		if q >= 0 && r.m.products[p].launch <= day {
			r.pick = append(r.pick, int32(p))
		}
	}
	dw := deptWeights()
	bulkTag := uint32(0)
	for i, t := range r.m.tags {
		if t == "bulk" {
			bulkTag = 1 << i
		}
	}
	for mi := range r.cum {
		c := r.cum[mi][:0]
		sum := 0.0
		for _, p := range r.pick {
			info := &r.m.products[p]
			w := r.prodWeight[p] * dw[mi][r.m.productDept[p]]
			if mi == missionBulk && info.tags&bulkTag != 0 {
				w *= 3
			}
			sum += w
			c = append(c, sum)
		}
		r.cum[mi] = c
		r.guide[mi].Reset(c)
	}
}

// drawProduct picks a product for mission with the visitor's generator.
func (r *Runner) drawProduct(mission uint8) int32 {
	return r.pick[r.guide[mission].Draw(r.vr)]
}

func (r *Runner) runStore(si int, ss *StoreState, day civil.Date) error {
	m := r.m
	s := &m.stores[si]
	r.storeDayTables(ss, day)
	if len(r.pick) == 0 {
		return nil
	}
	r.resetEpisodes()
	// Today's returns: the prefix of the pending list (it is sorted).
	n := 0
	for n < len(ss.Returns) && ss.Returns[n].Day <= day {
		n++
	}
	r.returns = append(r.returns[:0], ss.Returns[:n]...)
	ss.Returns = slices.Delete(ss.Returns, 0, n)

	local := r.storeLocal[s.id]
	deliv := r.deliveries[local]
	r.storeOp(s, day, int32(s.openSec), "OPENED", 0)
	seq := storeSeq{}
	nextDelivery := 0
	expected := float64(m.cfg.Volume.CustomersPerDay) * s.mult * m.cal.DayFactor(day)
	shares := calendar.HourShares(day, s.open)
	nextReturn := 0
	for h := range 24 {
		if !s.open[h] {
			continue
		}
		lo, hi := hourWindow(s, h)
		if hi <= lo {
			continue
		}
		// Deliveries before this hour (before opening, or in a gap).
		for nextDelivery < len(deliv) && deliv[nextDelivery].sec < lo {
			r.processDelivery(s, ss, day, deliv[nextDelivery])
			nextDelivery++
		}
		end := nextReturn
		for end < len(r.returns) && r.returns[end].Second < hi {
			end++
		}
		r.pickAtStore(s, ss, day.Micros(int(lo)))
		dEnd := nextDelivery
		for dEnd < len(deliv) && deliv[dEnd].sec < hi {
			dEnd++
		}
		if err := r.runHour(si, ss, day, h, lo, hi, expected*shares[h], nextReturn, end, deliv[nextDelivery:dEnd], &seq); err != nil {
			return err
		}
		nextReturn, nextDelivery = end, dEnd
	}
	for ; nextDelivery < len(deliv); nextDelivery++ {
		r.processDelivery(s, ss, day, deliv[nextDelivery])
	}
	// Returns the opening hours could not place (none by construction).
	if nextReturn < len(r.returns) {
		return fmt.Errorf("store %d: %d returns on %s fall outside its opening hours", s.id, len(r.returns)-nextReturn, day)
	}
	r.endOfDay(si, ss, day)
	closeSec := int32(s.closeSec)
	if closeSec >= 86400 {
		closeSec = 86399
	}
	r.storeOp(s, day, closeSec, "CLOSED", 1)
	return nil
}

// hourWindow is the part of hour h, in seconds of the day, when the store
// is open.
func hourWindow(s *storeInfo, h int) (lo, hi int32) {
	lo, hi = int32(h*3600), int32(h*3600+3600)
	if s.row.Open24h {
		return lo, hi
	}
	if s.closeSec > s.openSec {
		return max(lo, int32(s.openSec)), min(hi, int32(s.closeSec))
	}
	return lo, hi
}

// storeSeq numbers the receipts and payments of a store-day.
type storeSeq struct {
	sale, ret, pay int64
}

func (r *Runner) storeOp(s *storeInfo, day civil.Date, sec int32, op string, n uint64) {
	if !r.e.ops.on() {
		return
	}
	r.e.ops.add(&rows.StoreOp{
		TraceID:   r.m.tk.trace(traceStoreOp, placeDay(s.id, day), n),
		EventTS:   day.Micros(int(sec)),
		StoreID:   s.id,
		Operation: op,
	})
}

// Funnel parameters: per store-hour, the conversion of visitors into
// buyers and the share of visitors carrying a detectable device are drawn
// in these ranges. Buyers are drawn among device carriers, so visitors ≥
// devices ≥ buyers holds for every store-hour.
const (
	convLo, convHi   = 0.10, 0.30
	deviceLo, devHi  = 0.55, 0.75
	maxVisitMinutes  = 50
	pingEveryZoneSec = 120
)

func (r *Runner) runHour(si int, ss *StoreState, day civil.Date, h int, lo, hi int32, expReceipts float64, retLo, retHi int, deliv []delivery, seq *storeSeq) error {
	m := r.m
	s := &m.stores[si]
	m.src.Key("store-hour").With(s.id).With(int64(day)).With(int64(h)).Reseed(&r.hourPCG)
	conv := rng.FloatBetween(r.hr, convLo, convHi)
	pDevice := rng.FloatBetween(r.hr, deviceLo, devHi)
	nVisitors := rng.Poisson(r.hr, expReceipts/conv)
	window := hi - lo

	r.visitors = r.visitors[:0]
	r.lines = r.lines[:0]
	vk := m.src.Key("visitor").With(s.id).With(int64(day)).With(int64(h))
	// A known customer is at most one visitor of a store-hour (their device
	// is one device). Customers brought by a campaign come first; a random
	// visitor who draws a customer already there stays anonymous.
	clear(r.present)
	var forced []*PendingVisit
	for k := range r.todayVisits {
		pv := &r.todayVisits[k]
		if int(pv.Hour) == h && pv.StoreID == s.id && !r.present[pv.Customer] {
			r.present[pv.Customer] = true
			forced = append(forced, pv)
		}
	}
	for i := range nVisitors {
		vk.With(int64(i)).Reseed(&r.visPCG)
		r.visitors = append(r.visitors, r.newVisitor(s, day, h, i, lo, window, conv, pDevice, nil))
	}
	for _, pv := range forced {
		i := len(r.visitors)
		m.src.Key("campaign-visit").With(s.id).With(int64(day)).With(int64(h)).With(int64(pv.Customer)).With(pv.CampaignID).Reseed(&r.visPCG)
		r.visitors = append(r.visitors, r.newVisitor(s, day, h, i, lo, window, conv, pDevice, pv))
	}
	r.footTraffic(s, day, h)
	r.sensorPings(s, day, h)

	// Sales and returns of the hour, in time order.
	// Deliveries, returns and sales of the hour, in time order.
	r.events = r.events[:0]
	for k := range deliv {
		r.events = append(r.events, checkout{sec: deliv[k].sec, kind: evDelivery, idx: int32(k)})
	}
	for k := retLo; k < retHi; k++ {
		r.events = append(r.events, checkout{sec: r.returns[k].Second, kind: evReturn, idx: int32(k)})
	}
	for i := range r.visitors {
		if r.visitors[i].buyer {
			r.events = append(r.events, checkout{sec: r.visitors[i].pay, kind: evSale, idx: int32(i)})
		}
	}
	slices.SortFunc(r.events, func(a, b checkout) int {
		return cmp.Or(cmp.Compare(a.sec, b.sec), cmp.Compare(a.kind, b.kind), cmp.Compare(a.idx, b.idx))
	})
	r.pays = r.pays[:0]
	for _, ev := range r.events {
		var err error
		switch ev.kind {
		case evDelivery:
			r.processDelivery(s, ss, day, deliv[ev.idx])
		case evReturn:
			err = r.processReturn(si, ss, day, &r.returns[ev.idx], seq)
		default:
			err = r.processSale(si, ss, day, int(ev.idx), seq)
		}
		if err != nil {
			return err
		}
	}
	slices.SortStableFunc(r.pays, func(a, b rows.Payment) int { return cmp.Compare(a.EventTS, b.EventTS) })
	for i := range r.pays {
		r.e.payments.add(&r.pays[i])
	}
	return nil
}

// newVisitor draws one visitor of a store-hour with the visitor generator:
// times, device, whether they buy, who they are, their mission, what they
// mean to buy and the zones they walk through.
func (r *Runner) newVisitor(s *storeInfo, day civil.Date, h, i int, lo, window int32, conv, pDevice float64, forced *PendingVisit) visitor {
	vr := r.vr
	v := visitor{cust: -1}
	v.device = vr.Float64() < pDevice
	v.buyer = v.device && vr.Float64() < conv/pDevice
	if forced != nil {
		v.device, v.buyer, v.cust, v.campaign = true, true, forced.Customer, forced.CampaignID
	}
	// Who: buyers are mostly known customers who prefer this store; some
	// device-carrying browsers are known too.
	if forced == nil && v.device && len(s.customers) > 0 {
		share := knownBrowserShare
		if v.buyer {
			share = knownBuyerShare
		}
		if vr.Float64() < share {
			if c := s.customers[rng.Weighted(vr, s.custCum)]; !r.present[c] {
				v.cust = c
				r.present[c] = true
			}
		}
	}
	var minutes float64
	if v.buyer {
		seg := ""
		if v.cust >= 0 {
			seg = r.m.data.Customers[v.cust].Segment
		}
		cum := missionCum(seg)
		v.mission = uint8(rng.Weighted(vr, cum[:]))
		mean := r.m.unitsScale * missionFactor()[v.mission] * s.format
		units := 1 + rng.Poisson(vr, max(0, mean-1))
		r.intend(v.mission, units, &v)
		minutes = 6 + 22*vr.Float64() + float64(units)*0.3
	} else {
		minutes = 2 + 18*vr.Float64()
	}
	dur := int32(math.Min(minutes, maxVisitMinutes) * 60)
	if dur >= window {
		dur = window - 1
	}
	v.arrive = lo + int32(vr.IntN(int(window-dur)))
	v.leave = v.arrive + dur
	if v.buyer {
		v.pay = v.leave - int32(vr.IntN(int(min(60, dur))+1))
		if v.pay < v.arrive {
			v.pay = v.arrive
		}
	}
	// Zones: buyers walk the departments of what they buy, browsers one to
	// three departments.
	v.zones[0] = zoneEntrance
	v.nz = 1
	if v.buyer {
		for _, it := range r.lines[v.lineLo:v.lineHi] {
			z := s.deptZone[r.m.productDept[it.product]]
			if z >= 0 && !slices.Contains(v.zones[:v.nz], z) && int(v.nz) < len(v.zones)-1 {
				v.zones[v.nz] = z
				v.nz++
			}
		}
	} else {
		for range 1 + vr.IntN(3) {
			p := r.drawProduct(missionQuick)
			z := s.deptZone[r.m.productDept[p]]
			if z >= 0 && !slices.Contains(v.zones[:v.nz], z) && int(v.nz) < len(v.zones)-1 {
				v.zones[v.nz] = z
				v.nz++
			}
		}
	}
	if v.buyer {
		v.zones[v.nz] = zoneCheckout
		v.nz++
	}
	if v.device {
		if v.cust >= 0 {
			v.deviceID = r.m.data.Customers[v.cust].BLEID
		} else if r.e.pings.on() || r.e.zones.on() {
			v.deviceID = anonymousDevice(r.m.src.Key("device").With(s.id).With(int64(day)).With(int64(h)).With(int64(i)).Uint64())
		}
	}
	return v
}

// missionCum is the cumulative mission mix of a segment, in an array so
// that drawing a mission allocates nothing.
func missionCum(segment string) [numMissions]float64 {
	mix := missionMix(segment)
	var cum [numMissions]float64
	s := 0.0
	for i, w := range mix {
		s += w
		cum[i] = s
	}
	return cum
}

// intend draws the buyer's intended lines: units spread over distinct
// products, one to a few units each.
func (r *Runner) intend(mission uint8, units int, v *visitor) {
	vr := r.vr
	v.lineLo = int32(len(r.lines))
	left := units
	for left > 0 && len(r.lines)-int(v.lineLo) < 60 {
		q := 1
		x := vr.Float64()
		if mission == missionBulk {
			switch {
			case x < 0.40:
			case x < 0.70:
				q = 2
			case x < 0.85:
				q = 3
			case x < 0.95:
				q = 4
			default:
				q = 6
			}
		} else {
			switch {
			case x < 0.78:
			case x < 0.93:
				q = 2
			case x < 0.97:
				q = 3
			case x < 0.99:
				q = 4
			default:
				q = 6
			}
		}
		q = min(q, left)
		left -= q
		p := r.drawProduct(mission)
		merged := false
		for k := v.lineLo; k < int32(len(r.lines)); k++ {
			if r.lines[k].product == p {
				r.lines[k].qty += int32(q)
				merged = true
				break
			}
		}
		if !merged {
			r.lines = append(r.lines, intent{product: p, qty: int32(q)})
		}
	}
	v.lineHi = int32(len(r.lines))
}

// anonymousDevice formats a locally administered MAC-style address.
func anonymousDevice(h uint64) string {
	const hex = "0123456789ABCDEF"
	var b [17]byte
	h = h&^(0xFF<<40) | (0x02|(h>>40&0xFC))<<40 // locally administered, unicast
	for i := range 6 {
		c := byte(h >> (40 - 8*i))
		b[i*3] = hex[c>>4]
		b[i*3+1] = hex[c&15]
		if i < 5 {
			b[i*3+2] = ':'
		}
	}
	return string(b[:])
}

// resetEpisodes starts a store-day with no out-of-stock episode.
func (r *Runner) resetEpisodes() {
	for _, ep := range r.episodes {
		r.epIndex[ep.product] = 0
	}
	r.episodes = r.episodes[:0]
}
