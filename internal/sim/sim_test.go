package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/calendar"
	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/dict"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

type memSink[T any] struct{ rows []T }

func (s *memSink[T]) Write(b []T) error { s.rows = append(s.rows, b...); return nil }

// capture collects every table of a run in memory.
type capture struct {
	receipts  memSink[rows.Receipt]
	lines     memSink[rows.ReceiptLine]
	payments  memSink[rows.Payment]
	promos    memSink[rows.PromotionApplied]
	inv       memSink[rows.StoreInventoryTxn]
	stockouts memSink[rows.Stockout]
	foot      memSink[rows.FootTraffic]
	pings     memSink[rows.BLEPing]
	zones     memSink[rows.CustomerZoneChange]
	ops       memSink[rows.StoreOp]
	reorders  memSink[rows.Reorder]
	dcInv     memSink[rows.DCInventoryTxn]
	moves     memSink[rows.TruckMove]
	truckInv  memSink[rows.TruckInventory]
	impr      memSink[rows.MarketingImpression]
	orders    memSink[rows.OnlineOrder]
	oLines    memSink[rows.OnlineOrderLine]
	disr      memSink[rows.SupplyChainDisruption]
}

func (c *capture) sinks() Sinks {
	return Sinks{
		Receipts: &c.receipts, ReceiptLines: &c.lines, Payments: &c.payments, PromotionsApplied: &c.promos,
		StoreInventoryTxn: &c.inv, Stockouts: &c.stockouts, FootTraffic: &c.foot, BLEPings: &c.pings,
		CustomerZoneChanges: &c.zones, StoreOps: &c.ops, Reorders: &c.reorders, DCInventoryTxn: &c.dcInv,
		TruckMoves: &c.moves, TruckInventory: &c.truckInv, MarketingImpressions: &c.impr,
		OnlineOrders: &c.orders, OnlineOrderLines: &c.oLines, SupplyChainDisruptions: &c.disr,
	}
}

// encode renders every captured row as CSV, for byte comparisons.
func (c *capture) encode() []byte {
	var b []byte
	for i := range c.receipts.rows {
		b = c.receipts.rows[i].AppendCSV(b)
	}
	for i := range c.lines.rows {
		b = c.lines.rows[i].AppendCSV(b)
	}
	for i := range c.payments.rows {
		b = c.payments.rows[i].AppendCSV(b)
	}
	for i := range c.promos.rows {
		b = c.promos.rows[i].AppendCSV(b)
	}
	for i := range c.inv.rows {
		b = c.inv.rows[i].AppendCSV(b)
	}
	for i := range c.stockouts.rows {
		b = c.stockouts.rows[i].AppendCSV(b)
	}
	for i := range c.foot.rows {
		b = c.foot.rows[i].AppendCSV(b)
	}
	for i := range c.pings.rows {
		b = c.pings.rows[i].AppendCSV(b)
	}
	for i := range c.zones.rows {
		b = c.zones.rows[i].AppendCSV(b)
	}
	for i := range c.ops.rows {
		b = c.ops.rows[i].AppendCSV(b)
	}
	for i := range c.reorders.rows {
		b = c.reorders.rows[i].AppendCSV(b)
	}
	for i := range c.dcInv.rows {
		b = c.dcInv.rows[i].AppendCSV(b)
	}
	for i := range c.moves.rows {
		b = c.moves.rows[i].AppendCSV(b)
	}
	for i := range c.truckInv.rows {
		b = c.truckInv.rows[i].AppendCSV(b)
	}
	for i := range c.impr.rows {
		b = c.impr.rows[i].AppendCSV(b)
	}
	for i := range c.orders.rows {
		b = c.orders.rows[i].AppendCSV(b)
	}
	for i := range c.oLines.rows {
		b = c.oLines.rows[i].AppendCSV(b)
	}
	for i := range c.disr.rows {
		b = c.disr.rows[i].AppendCSV(b)
	}
	return b
}

type world struct {
	cfg   *config.Config
	data  *master.Data
	model *Model
}

func newWorld(t testing.TB, scale string, seed string, overrides map[string]string, start, end civil.Date) *world {
	t.Helper()
	o := map[string]string{"scale": scale, "seed": seed, "historical.start_date": start.String(), "historical.end_date": end.String()}
	for k, v := range overrides {
		o[k] = v
	}
	cfg, err := config.Load(config.LoadOptions{Overrides: o})
	if err != nil {
		t.Fatal(err)
	}
	d, err := dict.Load("")
	if err != nil {
		t.Fatal(err)
	}
	data, err := master.Generate(context.Background(), cfg, d, 2)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(cfg, data, start, end)
	if err != nil {
		t.Fatal(err)
	}
	return &world{cfg: cfg, data: data, model: m}
}

// run simulates [from, to] for every network into one capture per network.
// runner starts network n from its initial state.
func (w *world) runner(t testing.TB, n Network) *Runner {
	t.Helper()
	r, err := w.model.NewRunner(n, w.model.InitialState(n))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (w *world) run(t testing.TB, from, to civil.Date) []*capture {
	t.Helper()
	var out []*capture
	for _, n := range w.model.Networks() {
		r := w.runner(t, n)
		c := &capture{}
		for d := from; d <= to; d++ {
			if err := r.RunDay(context.Background(), d, c.sinks()); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, c)
	}
	return out
}

func d(y, m, dd int) civil.Date { return civil.DaysFromCivil(y, m, dd) }

// TestInvariantsNovDec runs the holiday season at two scales and two
// seeds and checks the SPEC §6 invariants of the store tables.
func TestInvariantsNovDec(t *testing.T) {
	if testing.Short() {
		t.Skip("a two-month simulation")
	}
	for _, sc := range []struct{ scale, seed string }{{"tiny", "42"}, {"tiny", "7"}, {"small", "42"}, {"small", "1234"}} {
		t.Run(sc.scale+"/"+sc.seed, func(t *testing.T) {
			start, end := d(2025, 11, 1), d(2025, 12, 31)
			w := newWorld(t, sc.scale, sc.seed, nil, start, end)
			caps := w.run(t, start, end)
			checkInvariants(t, w, caps, start, end)
		})
	}
}

func checkInvariants(t *testing.T, w *world, caps []*capture, start, end civil.Date) {
	m := w.model
	type hourKey struct {
		store int64
		hour  int64 // micros / hour
	}
	var (
		saleReceipts, promoReceipts, units int64
		tender                             = map[string]int64{}
		dailySales                         = map[civil.Date]int64{}
	)
	for _, c := range caps {
		// Receipts and their lines, payments, promotions.
		lineIdx := 0
		linesOf := map[int64][]rows.ReceiptLine{}
		for _, l := range c.lines.rows {
			linesOf[l.ReceiptID] = append(linesOf[l.ReceiptID], l)
		}
		_ = lineIdx
		approved := map[int64][]rows.Payment{}
		for _, p := range c.payments.rows {
			if p.Status == "APPROVED" {
				approved[p.ReceiptID] = append(approved[p.ReceiptID], p)
			}
		}
		promoOf := map[int64][]rows.PromotionApplied{}
		for _, p := range c.promos.rows {
			promoOf[p.ReceiptID] = append(promoOf[p.ReceiptID], p)
		}
		seen := map[int64]bool{}
		sales := map[hourKey]int64{}
		for _, r := range c.receipts.rows {
			if seen[r.ReceiptID] {
				t.Fatalf("duplicate receipt %d", r.ReceiptID)
			}
			seen[r.ReceiptID] = true
			ls := linesOf[r.ReceiptID]
			if len(ls) == 0 {
				t.Fatalf("receipt %d has no lines", r.ReceiptID)
			}
			var sub, disc, tax int64
			var n int32
			for i, l := range ls {
				if l.LineNumber != int32(i+1) {
					t.Fatalf("receipt %d: line numbers not contiguous", r.ReceiptID)
				}
				if l.ExtPrice != l.UnitPrice*int64(l.Quantity) {
					t.Fatalf("receipt %d line %d: ext %d != %d × %d", r.ReceiptID, l.LineNumber, l.ExtPrice, l.UnitPrice, l.Quantity)
				}
				if r.ReceiptType == "SALE" && l.UnitPrice != w.data.Products[l.ProductID-1].SalePrice {
					t.Fatalf("receipt %d: unit price %d is not the sale price", r.ReceiptID, l.UnitPrice)
				}
				sub += l.ExtPrice
				disc += l.Discount
				tax += l.Tax
				n += l.Quantity
			}
			if sub != r.Subtotal || disc != r.Discount || tax != r.Tax || r.Total != sub-disc+tax || n != r.ItemCount {
				t.Fatalf("receipt %d: header %+v does not match its lines", r.ReceiptID, r)
			}
			if r.ReceiptID == 0 {
				continue
			}
			if ap := approved[r.ReceiptID]; len(ap) != 1 || ap[0].Amount != r.Total {
				t.Fatalf("receipt %d: approved payments %+v for total %d", r.ReceiptID, ap, r.Total)
			}
			if r.ReceiptType == "SALE" {
				var pd int64
				for _, p := range promoOf[r.ReceiptID] {
					pd += p.Discount
				}
				if len(promoOf[r.ReceiptID]) > 1 || pd != r.Discount {
					t.Fatalf("receipt %d: promotions %+v for discount %d", r.ReceiptID, promoOf[r.ReceiptID], r.Discount)
				}
				saleReceipts++
				if r.Discount > 0 {
					promoReceipts++
				}
				units += int64(r.ItemCount)
				tender[r.TenderType]++
				day := civil.Date(r.EventTS / civil.MicrosPerDay)
				dailySales[day]++
				sales[hourKey{r.StoreID, r.EventTS / 3_600_000_000}]++
				if w.data.Products[ls[0].ProductID-1].LaunchDate > int32(day) {
					t.Fatalf("receipt %d sells product %d before its launch", r.ReceiptID, ls[0].ProductID)
				}
			} else if !seen[r.OriginalReceiptID] && r.OriginalReceiptID/dateFactor >= dateNumber(start) {
				t.Fatalf("return %d refers to unknown receipt %d", r.ReceiptID, r.OriginalReceiptID)
			}
			checkOpen(t, m, r.StoreID, r.EventTS, "receipt")
			if r.EventTS%1_000_000 != 0 {
				t.Fatalf("receipt %d: time not to the second", r.ReceiptID)
			}
		}
		// Inventory chains from the initial positions, never negative.
		bal := map[[2]int64]int32{}
		for _, si := range w.model.networksStores(c, caps) {
			for _, pos := range m.stores[si].initial {
				bal[[2]int64{pos.StoreID, pos.ProductID}] = pos.Quantity
			}
		}
		for _, x := range c.inv.rows {
			k := [2]int64{x.StoreID, x.ProductID}
			prev, ok := bal[k]
			if !ok {
				t.Fatalf("movement of product %d at store %d, which does not carry it", x.ProductID, x.StoreID)
			}
			if prev+x.QtyDelta != x.BalanceAfter || x.BalanceAfter < 0 {
				t.Fatalf("store %d product %d: %d %+d -> %d", x.StoreID, x.ProductID, prev, x.QtyDelta, x.BalanceAfter)
			}
			bal[k] = x.BalanceAfter
		}
		// Funnel per store-hour: entrance count ≥ distinct devices ≥ sales.
		entrance := map[hourKey]int64{}
		for _, f := range c.foot.rows {
			checkOpen(t, m, f.StoreID, f.EventTS, "foot traffic")
			if f.Zone == "ENTRANCE" {
				entrance[hourKey{f.StoreID, f.EventTS / 3_600_000_000}] += int64(f.Count)
			}
		}
		devices := map[hourKey]map[string]bool{}
		known := 0
		for _, p := range c.pings.rows {
			checkOpen(t, m, p.StoreID, p.EventTS, "ping")
			if p.RSSI < -95 || p.RSSI > -30 {
				t.Fatalf("rssi %d", p.RSSI)
			}
			k := hourKey{p.StoreID, p.EventTS / 3_600_000_000}
			if devices[k] == nil {
				devices[k] = map[string]bool{}
			}
			if !devices[k][p.DeviceID] {
				devices[k][p.DeviceID] = true
				if p.CustomerID != 0 {
					known++
				}
			}
		}
		total := 0
		for k, devs := range devices {
			total += len(devs)
			if int64(len(devs)) > entrance[k] {
				t.Fatalf("store %d hour %d: %d devices > %d visitors", k.store, k.hour, len(devs), entrance[k])
			}
		}
		for k, n := range sales {
			if n > int64(len(devices[k])) {
				t.Fatalf("store %d hour %d: %d sales > %d devices", k.store, k.hour, n, len(devices[k]))
			}
		}
		if share := float64(known) / float64(total); share < 0.20 || share > 0.40 {
			t.Errorf("known-device share %.3f outside 20-40 %%", share)
		}
		checkSupply(t, w, c, caps)
		checkOnline(t, w, c)
		// Store ops: one OPENED and one CLOSED per store and open day.
		ops := map[[2]int64]int{}
		for _, o := range c.ops.rows {
			day := o.EventTS / civil.MicrosPerDay
			if calendar.Closed(civil.Date(day)) {
				t.Fatalf("store %d operates on Christmas Day", o.StoreID)
			}
			ops[[2]int64{o.StoreID, day}]++
		}
		for k, n := range ops {
			if n != 2 {
				t.Fatalf("store %d day %d: %d store_ops rows", k[0], k[1], n)
			}
		}
	}
	if saleReceipts == 0 {
		t.Fatal("no sales")
	}
	share := float64(promoReceipts) / float64(saleReceipts)
	if share < 0.10 || share > 0.20 {
		t.Errorf("promotion share %.3f outside 10-20 %%", share)
	}
	want := map[string]float64{"CREDIT_CARD": 0.40, "DEBIT_CARD": 0.30, "CASH": 0.20, "MOBILE_PAY": 0.10}
	for k, p := range want {
		if got := float64(tender[k]) / float64(saleReceipts); math.Abs(got-p) > 0.05 {
			t.Errorf("tender %s %.3f, configured %.2f", k, got, p)
		}
	}
	mean := float64(units) / float64(saleReceipts)
	if target := w.cfg.Volume.ItemsPerTicketMean; math.Abs(mean-target) > 0.1*target {
		t.Errorf("mean units per receipt %.2f, configured %.2f", mean, target)
	}
	// Black Friday and the week before Christmas against ordinary days.
	var ordSum, ordN float64
	for day := start; day <= end; day++ {
		if len(m.cal.ActiveEvents(day)) == 0 && !calendar.Closed(day) {
			ordSum += float64(dailySales[day])
			ordN++
		}
	}
	ordinary := ordSum / ordN
	if bf := float64(dailySales[calendar.BlackFriday(2025)]); bf < 1.5*ordinary {
		t.Errorf("Black Friday %v receipts, ordinary day %.0f", bf, ordinary)
	}
	week := 0.0
	for day := d(2025, 12, 18); day <= d(2025, 12, 24); day++ {
		week += float64(dailySales[day])
	}
	if week/7 < 1.5*ordinary {
		t.Errorf("Christmas week %.0f receipts a day, ordinary day %.0f", week/7, ordinary)
	}
}

// networksStores returns the store indexes of the network whose capture c is.
func (m *Model) networksStores(c *capture, caps []*capture) []int {
	for i, x := range caps {
		if x == c {
			return m.networks[i].Stores
		}
	}
	return nil
}

// checkOpen fails when ts is outside the store's opening hours or on a
// closure day.
func checkOpen(t *testing.T, m *Model, storeID, ts int64, what string) {
	t.Helper()
	s := &m.stores[storeID-1]
	day := civil.Date(ts / civil.MicrosPerDay)
	sec := int(ts % civil.MicrosPerDay / 1_000_000)
	if calendar.Closed(day) || !s.open[sec/3600] {
		t.Fatalf("%s at store %d on %s second %d: closed", what, storeID, day, sec)
	}
	if !s.row.Open24h && s.closeSec > s.openSec && (sec < s.openSec || sec >= s.closeSec) {
		t.Fatalf("%s at store %d at second %d outside %s-%s", what, storeID, sec, s.row.OpenTime, s.row.CloseTime)
	}
}

// TestSplitRangeEqualsWhole: simulating two halves with the state saved
// and restored in between gives the same rows as one run.
func TestSplitRangeEqualsWhole(t *testing.T) {
	start, mid, end := d(2025, 12, 10), d(2025, 12, 24), d(2026, 1, 12)
	w := newWorld(t, "tiny", "42", nil, start, end)
	whole := w.run(t, start, end)
	for ni, n := range w.model.Networks() {
		r := w.runner(t, n)
		c := &capture{}
		for day := start; day <= mid; day++ {
			if err := r.RunDay(context.Background(), day, c.sinks()); err != nil {
				t.Fatal(err)
			}
		}
		saved, err := json.Marshal(r.State())
		if err != nil {
			t.Fatal(err)
		}
		var st NetworkState
		if err := json.Unmarshal(saved, &st); err != nil {
			t.Fatal(err)
		}
		r2, err := w.model.NewRunner(n, &st)
		if err != nil {
			t.Fatal(err)
		}
		for day := mid + 1; day <= end; day++ {
			if err := r2.RunDay(context.Background(), day, c.sinks()); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(c.encode(), whole[ni].encode()) {
			t.Errorf("network %d: split run differs from the whole run", n.DCID)
		}
		if len(whole[ni].receipts.rows) == 0 {
			t.Errorf("network %d sold nothing", n.DCID)
		}
	}
}

// TestDroppedTablesDoNotChangeOthers: a run without some tables writes the
// same rows for the others.
func TestDroppedTablesDoNotChangeOthers(t *testing.T) {
	start, end := d(2025, 3, 1), d(2025, 3, 5)
	w := newWorld(t, "tiny", "42", nil, start, end)
	full := w.run(t, start, end)
	n := w.model.Networks()[0]
	r := w.runner(t, n)
	var receipts memSink[rows.Receipt]
	for day := start; day <= end; day++ {
		if err := r.RunDay(context.Background(), day, Sinks{Receipts: &receipts}); err != nil {
			t.Fatal(err)
		}
	}
	if len(receipts.rows) != len(full[0].receipts.rows) {
		t.Fatalf("%d receipts alone, %d in a full run", len(receipts.rows), len(full[0].receipts.rows))
	}
	for i := range receipts.rows {
		if receipts.rows[i] != full[0].receipts.rows[i] {
			t.Fatalf("receipt %d differs", i)
		}
	}
}

// TestMediumStoreDailyMean: over a year, a medium store's mean daily
// receipt count is within ±10 % of customers_per_day.
func TestMediumStoreDailyMean(t *testing.T) {
	if testing.Short() {
		t.Skip("a one-year simulation")
	}
	start, end := d(2025, 1, 1), d(2025, 12, 31)
	w := newWorld(t, "small", "42", map[string]string{"volume.customers_per_day": "60"}, start, end)
	var medium []int
	for i := range w.model.stores {
		if w.model.stores[i].row.VolumeClass == master.ClassMedium {
			medium = append(medium, i)
		}
	}
	if len(medium) == 0 {
		t.Fatal("no medium store")
	}
	counts := map[int64]int64{}
	for _, n := range w.model.Networks() {
		r := w.runner(t, n)
		sink := &countingReceipts{counts: counts}
		for day := start; day <= end; day++ {
			if err := r.RunDay(context.Background(), day, Sinks{Receipts: sink}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var sum float64
	for _, i := range medium {
		sum += float64(counts[w.model.stores[i].id]) / 364 / w.model.stores[i].mult
	}
	mean := sum / float64(len(medium))
	if math.Abs(mean-60) > 6 {
		t.Errorf("medium stores average %.1f receipts a day per unit of traffic multiplier, configured 60", mean)
	}
}

type countingReceipts struct{ counts map[int64]int64 }

func (c *countingReceipts) Write(b []rows.Receipt) error {
	for _, r := range b {
		if r.ReceiptType == "SALE" {
			c.counts[r.StoreID]++
		}
	}
	return nil
}

// checkSupply checks the DC's stock chain, the shipments' lifecycles and
// unit conservation, and the reorder rule.
func checkSupply(t *testing.T, w *world, c *capture, caps []*capture) {
	m := w.model
	var n Network
	for i, x := range caps {
		if x == c {
			n = m.networks[i]
		}
	}
	dc := &m.dcs[n.DCIndex]
	bal := map[int64]int32{}
	for _, pos := range dc.initial {
		bal[pos.ProductID] = pos.Quantity
	}
	outbound := map[int64]int64{}
	for _, x := range c.dcInv.rows {
		if x.DCID != dc.id {
			t.Fatalf("network of DC %d moves stock of DC %d", dc.id, x.DCID)
		}
		prev := bal[x.ProductID]
		if prev+x.QtyDelta != x.BalanceAfter || x.BalanceAfter < 0 {
			t.Fatalf("DC %d product %d: %d %+d -> %d", x.DCID, x.ProductID, prev, x.QtyDelta, x.BalanceAfter)
		}
		bal[x.ProductID] = x.BalanceAfter
		if x.Reason == "OUTBOUND_SHIPMENT" {
			outbound[x.SourceID] -= int64(x.QtyDelta)
		}
	}
	inbound := map[int64]int64{}
	for _, x := range c.inv.rows {
		if x.Reason == "INBOUND_SHIPMENT" {
			inbound[x.SourceID] += int64(x.QtyDelta)
		}
	}
	// Lifecycles: every status in order, times non-decreasing.
	status := map[int64][]rows.TruckMove{}
	for _, mv := range c.moves.rows {
		status[mv.ShipmentID] = append(status[mv.ShipmentID], mv)
		if mv.EventTS%1_000_000 != 0 || mv.ETA%1_000_000 != 0 || mv.ETD%1_000_000 != 0 {
			t.Fatalf("shipment %d: times not to the second", mv.ShipmentID)
		}
	}
	order := []string{"SCHEDULED", "LOADING", "IN_TRANSIT", "ARRIVED", "UNLOADING", "COMPLETED"}
	completed := 0
	for id, all := range status {
		var mvs []rows.TruckMove
		for i, mv := range all {
			if mv.Status == "DELAYED" {
				if i == 0 || all[i-1].Status != "IN_TRANSIT" || mv.EventTS < all[i-1].EventTS {
					t.Fatalf("shipment %d: DELAYED after %s", id, all[i-1].Status)
				}
				continue
			}
			mvs = append(mvs, mv)
		}
		status[id] = mvs
		for i, mv := range mvs {
			if mv.Status != order[i] {
				t.Fatalf("shipment %d: status %d is %s", id, i, mv.Status)
			}
			if i > 0 && mv.EventTS < mvs[i-1].EventTS {
				t.Fatalf("shipment %d: %s before %s", id, mv.Status, mvs[i-1].Status)
			}
			if mv.TruckID != mvs[0].TruckID || mv.Units != mvs[0].Units {
				t.Fatalf("shipment %d changes truck or units", id)
			}
		}
		if len(mvs) == len(order) {
			completed++
			if mvs[0].OriginType == "DC" && outbound[id] != inbound[id] {
				t.Fatalf("shipment %d: %d units out of the DC, %d into the store", id, outbound[id], inbound[id])
			}
		}
		tr := w.data.Trucks[mvs[0].TruckID-1]
		if mvs[0].OriginType == "DC" && tr.DCID != dc.id || mvs[0].OriginType == "SUPPLIER" && tr.DCID != 0 {
			t.Fatalf("shipment %d on truck %d of DC %d", id, tr.TruckID, tr.DCID)
		}
		if mvs[0].Units > tr.CapacityUnits {
			t.Fatalf("shipment %d: %d units on a truck for %d", id, mvs[0].Units, tr.CapacityUnits)
		}
	}
	if completed == 0 {
		t.Fatalf("network of DC %d completed no shipment", dc.id)
	}
	// A truck carries one shipment at a time: its shipments' LOADING to
	// COMPLETED spans never overlap.
	type span struct{ from, to int64 }
	byTruck := map[int64][]span{}
	for _, mvs := range status {
		if len(mvs) == len(order) && mvs[0].OriginType == "DC" {
			byTruck[mvs[0].TruckID] = append(byTruck[mvs[0].TruckID], span{mvs[1].EventTS, mvs[5].EventTS})
		}
	}
	for truck, spans := range byTruck {
		for i := range spans {
			for j := i + 1; j < len(spans); j++ {
				if spans[i].from < spans[j].to && spans[j].from < spans[i].to {
					t.Fatalf("truck %d carries two shipments at once", truck)
				}
			}
		}
	}
	// Loaded = unloaded, and refrigerated products only on refrigerated trucks.
	loaded := map[int64]int64{}
	for _, x := range c.truckInv.rows {
		if x.Action == "LOAD" {
			loaded[x.ShipmentID] += int64(x.Quantity)
		} else {
			loaded[x.ShipmentID] -= int64(x.Quantity)
		}
		if w.data.Products[x.ProductID-1].RequiresRefrigeration && !w.data.Trucks[x.TruckID-1].Refrigerated {
			t.Fatalf("shipment %d carries refrigerated product %d on a dry truck", x.ShipmentID, x.ProductID)
		}
	}
	for id, mvs := range status {
		if len(mvs) == len(order) && loaded[id] != 0 {
			t.Fatalf("shipment %d: loaded and unloaded units differ by %d", id, loaded[id])
		}
	}
	for _, ro := range c.reorders.rows {
		if ro.OnHand+ro.InTransit > ro.ReorderPoint || ro.OrderQty <= 0 {
			t.Fatalf("reorder %d: on hand %d + in transit %d above reorder point %d", ro.ReorderID, ro.OnHand, ro.InTransit, ro.ReorderPoint)
		}
	}
}

// checkOnline checks online orders (lifecycle, sums, payments) and
// marketing (cost ranges, known share, attribution).
func checkOnline(t *testing.T, w *world, c *capture) {
	lines := map[int64][]rows.OnlineOrderLine{}
	for _, l := range c.oLines.rows {
		lines[l.OrderID] = append(lines[l.OrderID], l)
	}
	approved := map[int64]int{}
	paid := map[int64]int64{}
	for _, p := range c.payments.rows {
		if p.OrderID != 0 && p.Status == "APPROVED" {
			approved[p.OrderID]++
			paid[p.OrderID] = p.Amount
		}
	}
	rowsOf := map[int64][]rows.OnlineOrder{}
	for _, o := range c.orders.rows {
		rowsOf[o.OrderID] = append(rowsOf[o.OrderID], o)
	}
	cancelled, total := 0, 0
	lifecycle := []string{"CREATED", "PICKED", "SHIPPED", "DELIVERED"}
	for id, rs := range rowsOf {
		total++
		ls := lines[id]
		if len(ls) == 0 {
			t.Fatalf("order %d has no lines", id)
		}
		var sub, disc, tax int64
		for i, l := range ls {
			if l.LineNumber != int32(i+1) || l.ExtPrice != l.UnitPrice*int64(l.Quantity) {
				t.Fatalf("order %d line %d: %+v", id, i+1, l)
			}
			sub += l.ExtPrice
			disc += l.Discount
			tax += l.Tax
		}
		for i, o := range rs {
			if o.Subtotal != sub || o.Discount != disc || o.Tax != tax || o.Total != sub-disc+tax {
				t.Fatalf("order %d: header %+v does not match its lines", id, o)
			}
			if o.Status == "CANCELLED" {
				if len(rs) != 1 || o.Total != 0 || approved[id] != 0 {
					t.Fatalf("cancelled order %d: %d rows, total %d, %d payments", id, len(rs), o.Total, approved[id])
				}
				cancelled++
				continue
			}
			if o.Status != lifecycle[i] {
				t.Fatalf("order %d: status %d is %s", id, i, o.Status)
			}
			if i > 0 && o.EventTS < rs[i-1].EventTS {
				t.Fatalf("order %d: %s before %s", id, o.Status, rs[i-1].Status)
			}
			if (o.PickedTS != 0 && o.PickedTS < rs[0].EventTS) || (o.ShippedTS != 0 && o.ShippedTS < o.PickedTS) || (o.DeliveredTS != 0 && o.DeliveredTS < o.ShippedTS) {
				t.Fatalf("order %d: lifecycle times out of order: %+v", id, o)
			}
			if o.NodeType == "STORE" && w.data.Stores[o.NodeID-1].DCID != w.data.Stores[w.data.Customers[o.CustomerID-1].HomeStoreID-1].DCID {
				t.Fatalf("order %d picked at store %d outside the customer's network", id, o.NodeID)
			}
		}
		if rs[0].Status == "CREATED" && (approved[id] != 1 || paid[id] != rs[0].Total) {
			t.Fatalf("order %d: %d approved payments of %d for %d", id, approved[id], paid[id], rs[0].Total)
		}
	}
	if total > 200 {
		if share := float64(cancelled) / float64(total); share > 0.05 {
			t.Errorf("%.3f of orders cancelled", share)
		}
	}
	// Marketing: cost ranges, known share, attribution within 48 h.
	mc := w.cfg.MarketingCost
	seen := map[[2]int64][]int64{} // (customer, campaign) → impression times
	known := 0
	for _, im := range c.impr.rows {
		lo, hi := channelCost(mc, im.Channel)
		mult := map[string]float64{"MOBILE": mc.MobileMultiplier, "TABLET": mc.TabletMultiplier, "DESKTOP": mc.DesktopMultiplier}[im.Device]
		if float64(im.Cost) < math.Floor(lo*mult*100)-1 || float64(im.Cost) > math.Ceil(hi*mult*100)+1 {
			t.Fatalf("impression %d: cost %d cents outside %s %.2f-%.2f × %.2f", im.ImpressionID, im.Cost, im.Channel, lo, hi, mult)
		}
		if im.CustomerID != 0 {
			known++
			k := [2]int64{im.CustomerID, im.CampaignID}
			seen[k] = append(seen[k], im.EventTS)
		}
	}
	if len(c.impr.rows) > 2000 {
		if share := float64(known) / float64(len(c.impr.rows)); share < 0.03 || share > 0.08 {
			t.Errorf("known-customer impression share %.3f outside 3-8 %%", share)
		}
	}
	attributed := 0
	for _, r := range c.receipts.rows {
		if r.CampaignID == 0 {
			continue
		}
		attributed++
		ok := false
		for _, ts := range seen[[2]int64{r.CustomerID, r.CampaignID}] {
			if r.EventTS-ts >= 3_600_000_000 && r.EventTS-ts <= 49*3_600_000_000 {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("receipt %d carries campaign %d its customer %d did not see in the 48 h before", r.ReceiptID, r.CampaignID, r.CustomerID)
		}
	}
	if len(c.impr.rows) > 20000 && attributed == 0 {
		t.Error("no receipt attributed to a campaign")
	}
}

// TestDisruptions: with disruptions on, they are recorded, trucks are
// delayed, the DCs ship less, and every invariant still holds.
func TestDisruptions(t *testing.T) {
	start, end := d(2025, 10, 1), d(2025, 10, 31)
	w := newWorld(t, "tiny", "42", map[string]string{"disruptions.enabled": "true", "disruptions.per_dc_per_year": "120"}, start, end)
	caps := w.run(t, start, end)
	var disruptions, delayed int
	for _, c := range caps {
		disruptions += len(c.disr.rows)
		for _, d := range c.disr.rows {
			if d.EndTS <= d.StartTS || d.ImpactPct <= 0 || d.ImpactPct >= 100 {
				t.Errorf("disruption %+v", d)
			}
		}
		for _, mv := range c.moves.rows {
			if mv.Status == "DELAYED" {
				delayed++
			}
		}
		checkSupply(t, w, c, caps)
		checkOnline(t, w, c)
	}
	if disruptions == 0 || delayed == 0 {
		t.Errorf("%d disruptions, %d delayed moves", disruptions, delayed)
	}
	// Off by default: nothing recorded.
	w2 := newWorld(t, "tiny", "42", nil, start, end)
	for _, c := range w2.run(t, start, start+5) {
		if len(c.disr.rows) != 0 {
			t.Error("disruptions recorded while disabled")
		}
	}
}

// takeSink keeps the batches the engine hands over, without copying them.
type takeSink[T any] struct {
	batches [][]T
	writes  int
}

func (s *takeSink[T]) Take(b []T) ([]T, error) {
	s.batches = append(s.batches, b)
	if len(s.batches)%2 == 0 {
		return nil, nil // the engine makes its own next batch
	}
	return make([]T, 0, len(b)/2+1), nil // a smaller one: batches follow its size
}

func (s *takeSink[T]) Write(b []T) error { s.writes++; return nil }

// TestTakerOwnsBatches: a sink that takes batches over gets the same rows
// as one that copies them, and the engine never writes to a batch it
// handed over (the kept batches would change under the sink otherwise).
func TestTakerOwnsBatches(t *testing.T) {
	start, end := d(2025, 3, 1), d(2025, 3, 4)
	w := newWorld(t, "tiny", "42", nil, start, end)
	full := w.run(t, start, end)
	n := w.model.Networks()[0]
	r := w.runner(t, n)
	var pings takeSink[rows.BLEPing]
	var receipts takeSink[rows.Receipt]
	for day := start; day <= end; day++ {
		if err := r.RunDay(context.Background(), day, Sinks{BLEPings: &pings, Receipts: &receipts}); err != nil {
			t.Fatal(err)
		}
	}
	if pings.writes+receipts.writes != 0 {
		t.Fatalf("Write called %d times on a Taker", pings.writes+receipts.writes)
	}
	var got []rows.BLEPing
	for _, b := range pings.batches {
		got = append(got, b...)
	}
	if len(pings.batches) < 4 || len(got) != len(full[0].pings.rows) {
		t.Fatalf("%d pings in %d batches taken, %d in a full run", len(got), len(pings.batches), len(full[0].pings.rows))
	}
	for i := range got {
		if got[i] != full[0].pings.rows[i] {
			t.Fatalf("ping %d differs from the copying sink's", i)
		}
	}
	var gotR []rows.Receipt
	for _, b := range receipts.batches {
		gotR = append(gotR, b...)
	}
	if len(gotR) != len(full[0].receipts.rows) {
		t.Fatalf("%d receipts taken, %d in a full run", len(gotR), len(full[0].receipts.rows))
	}
	for i := range gotR {
		if gotR[i] != full[0].receipts.rows[i] {
			t.Fatalf("receipt %d differs from the copying sink's", i)
		}
	}
}
