package validate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

var formats = []output.Options{
	{Format: output.Parquet},
	{Format: output.CSV},
	{Format: output.CSV, Compression: "gzip"},
	{Format: output.JSONL},
	{Format: output.JSONL, Compression: "gzip"},
}

func TestValidDatasetPassesInEveryFormat(t *testing.T) {
	for _, opts := range formats {
		t.Run(string(opts.Format)+"-"+opts.Compression, func(t *testing.T) {
			t.Parallel()
			rep := validFixture().run(t, opts, Options{})
			if !rep.OK() {
				t.Fatalf("valid dataset fails:\n%s", describe(rep))
			}
			var rowsRead int64
			for _, tb := range rep.Tables {
				rowsRead += tb.Rows
			}
			if len(rep.Tables) != 28 || rowsRead == 0 {
				t.Errorf("read %d tables, %d rows", len(rep.Tables), rowsRead)
			}
			// Every non-statistical check had something to check.
			for _, c := range rep.Checks {
				if strings.HasPrefix(c.Name, "stats.") {
					continue
				}
				if c.Status != Pass {
					t.Errorf("%s: status %s (%s), want pass", c.Name, c.Status, c.Note)
				}
			}
			if rep.FirstDay != "2024-01-02" || rep.LastDay != "2024-01-03" {
				t.Errorf("range %s..%s", rep.FirstDay, rep.LastDay)
			}
		})
	}
}

// TestEachCheckCatchesItsFault corrupts exactly one thing of the valid
// dataset and expects exactly the matching check to fail.
func TestEachCheckCatchesItsFault(t *testing.T) {
	cases := []struct {
		name  string
		check string
		edit  func(fx *fixture)
	}{
		{"wrong ext_price", CheckFactMoney, func(fx *fixture) { fx.lines[0].ExtPrice = 401 }},
		{"total is not subtotal-discount+tax", CheckFactMoney, func(fx *fixture) {
			fx.receipts[0].Total = 1373
			fx.payments[0].Amount, fx.payments[1].Amount = 1373, 1373
		}},
		{"item_count differs from lines", CheckFactMoney, func(fx *fixture) { fx.receipts[0].ItemCount = 4 }},
		{"broken balance chain", CheckFactInventory, func(fx *fixture) { fx.txns[2].BalanceAfter = 57 }},
		{"negative balance", CheckFactInventory, func(fx *fixture) {
			fx.storeInv[5].Quantity = 0 // store 2, product 3
			fx.txns[1].BalanceAfter = -1
		}},
		{"txn without initial position", CheckFactInventory, func(fx *fixture) { fx.storeInv = slices.Delete(fx.storeInv, 5, 6) }},
		{"sale outside opening hours", CheckFactHours, func(fx *fixture) { fx.stores[0].OpenTime = "11:00" }},
		{"missing APPROVED payment", CheckFactPayments, func(fx *fixture) { fx.payments = slices.Delete(fx.payments, 2, 3) }},
		{"declined after approved", CheckFactPayments, func(fx *fixture) { fx.payments[0].EventTS = fx.payments[1].EventTS + 1e6 }},
		{"payment in another tender", CheckFactPayments, func(fx *fixture) { fx.payments[4].PaymentMethod = "CASH" }},
		{"funnel: fewer visitors than devices", CheckFactFunnel, func(fx *fixture) { fx.traffic[0].Count = 0 }},
		{"funnel: fewer devices than purchasers", CheckFactFunnel, func(fx *fixture) { fx.pings = slices.Delete(fx.pings, 4, 5) }},
		{"duplicate receipt id", CheckFactKeys, func(fx *fixture) { fx.receipts = append(fx.receipts, fx.receipts[1]) }},
		{"receipt id of another store", CheckFactKeys, func(fx *fixture) {
			fx.receipts[1].ReceiptID = rid(day1, 3, 1)
			fx.lines[2].ReceiptID = rid(day1, 3, 1)
			fx.payments[2].ReceiptID = rid(day1, 3, 1)
			fx.txns[1].SourceID = rid(day1, 3, 1)
		}},
		{"dangling customer", CheckFactFK, func(fx *fixture) { fx.receipts[3].CustomerID = 99 }},
		{"dangling home store", CheckMasterFK, func(fx *fixture) { fx.customers[1].HomeStoreID = 9 }},
		{"dangling preferred store", CheckMasterFK, func(fx *fixture) { fx.customers[1].PreferredStoreIDs = "2|7" }},
		{"line numbers with a gap", CheckFactLines, func(fx *fixture) { fx.lines[1].LineNumber = 3 }},
		{"receipt without lines", CheckFactLines, func(fx *fixture) {
			fx.lines = slices.Delete(fx.lines, 2, 3)
			fx.txns = slices.Delete(fx.txns, 1, 2)
		}},
		{"sale before launch", CheckFactLaunch, func(fx *fixture) { fx.products[2].LaunchDate = int32(day2) }},
		{"return before its sale", CheckFactReturns, func(fx *fixture) { fx.receipts[2].OriginalReceiptID = fx.receipts[3].ReceiptID }},
		{"return of more than sold", CheckFactReturns, func(fx *fixture) {
			r := &fx.receipts[2]
			r.Subtotal, r.Discount, r.Tax, r.Total, r.ItemCount = -2000, -200, -144, -1944, -2
			l := &fx.lines[3]
			l.Quantity, l.ExtPrice, l.Discount, l.Tax = -2, -2000, -200, -144
			fx.payments[3].Amount = -1944
			fx.txns[4].QtyDelta, fx.txns[4].BalanceAfter = 2, 51
		}},
		{"sale price differs from product", CheckFactPricing, func(fx *fixture) {
			fx.lines[2].UnitPrice, fx.lines[2].ExtPrice = 1999, 1999
			fx.receipts[1].Subtotal, fx.receipts[1].Total = 1999, 2079
			fx.payments[2].Amount = 2079
		}},
		{"wrong line tax", CheckFactTax, func(fx *fixture) {
			fx.lines[1].Tax = 75
			fx.receipts[0].Tax, fx.receipts[0].Total = 75, 1375
			fx.payments[0].Amount, fx.payments[1].Amount = 1375, 1375
		}},
		{"two codes on one receipt", CheckFactPromos, func(fx *fixture) {
			fx.applied = append(fx.applied, rows.PromotionApplied{TraceID: trace(1), EventTS: fx.applied[0].EventTS,
				ReceiptID: fx.applied[0].ReceiptID, PromoCode: "BOGO", DiscountType: "BOGO", Discount: 0, ProductCount: 1})
		}},
		{"missing SALE movement", CheckFactSaleMoves, func(fx *fixture) { fx.txns = fx.txns[:5] }},
		{"payment with another receipt's trace", CheckFactTrace, func(fx *fixture) { fx.payments[2].TraceID = trace(1) }},
		{"event on another day than its partition", CheckFactPartition, func(fx *fixture) {
			fx.ops[3].TraceID = trace(999)
			fx.ops[3].EventTS = at(day2, 0, 0, 0)
		}},
		{"missing CLOSED", CheckFactStoreOps, func(fx *fixture) { fx.ops = slices.Delete(fx.ops, 2, 3) }},
		{"rssi out of range", CheckFactValues, func(fx *fixture) { fx.pings[0].RSSI = -20 }},
		{"device of another customer", CheckFactFK, func(fx *fixture) { fx.pings[4].DeviceID = bleCust1 }},
		{"duplicate sku", CheckMasterUnique, func(fx *fixture) { fx.products[1].SKU = "SKU-1" }},
		{"duplicate ad_id", CheckMasterUnique, func(fx *fixture) { fx.customers[1].AdID = fx.customers[0].AdID }},
		{"cost above sale price", CheckMasterPricing, func(fx *fixture) { fx.products[1].Cost = 1000 }},
		{"store in a state without DC", CheckMasterStoreState, func(fx *fixture) { fx.stores[1].GeographyID = 2 }},
		{"real-looking phone", CheckMasterContact, func(fx *fixture) { fx.customers[0].Phone = "(217) 555-1234" }},
		{"e-mail on a real domain", CheckMasterContact, func(fx *fixture) { fx.customers[0].Email = "ada@mail.test" }},
		{"keys not dense", CheckMasterKeys, func(fx *fixture) {
			fx.campaigns[0].CampaignID, fx.receipts[0].CampaignID = 2, 2
			fx.ads[0].CampaignID, fx.ads[1].CampaignID = 2, 2
		}},
		{"shipment skips ARRIVED", CheckFactShipments, func(fx *fixture) { fx.moves = slices.Delete(fx.moves, 3, 4) }},
		{"DC shipment on a supplier truck", CheckFactShipments, func(fx *fixture) {
			for i := range fx.moves {
				fx.moves[i].TruckID = 2
			}
			for i := range fx.loads {
				fx.loads[i].TruckID = 2
			}
		}},
		{"moves out of time order", CheckFactShipments, func(fx *fixture) { fx.moves[2].EventTS = fx.moves[1].EventTS - 1e6 }},
		{"more loaded than unloaded", CheckFactShipUnits, func(fx *fixture) {
			fx.loads[0].Quantity = 11
			fx.dcTxns[0].QtyDelta, fx.dcTxns[0].BalanceAfter = -11, 489
		}},
		{"DC balance chain broken", CheckFactInventory, func(fx *fixture) { fx.dcTxns[0].BalanceAfter = 491 }},
		{"reorder above the reorder point", CheckFactReorders, func(fx *fixture) { fx.reorders[0].OnHand = 20 }},
		{"reorder with the wrong priority", CheckFactReorders, func(fx *fixture) { fx.reorders[0].Priority = "URGENT" }},
		{"order skips PICKED", CheckFactOrders, func(fx *fixture) { fx.orders = slices.Delete(fx.orders, 1, 2) }},
		{"order amounts change", CheckFactOrders, func(fx *fixture) { fx.orders[3].Tax, fx.orders[3].Total = 81, 1081 }},
		{"shipped before picked", CheckFactOrders, func(fx *fixture) {
			early := fx.orders[1].EventTS - 1e6
			fx.orders[2].EventTS, fx.orders[2].ShippedTS, fx.orders[3].ShippedTS = early, early, early
		}},
		{"cancelled order with a payment", CheckFactPayments, func(fx *fixture) {
			fx.payments = append(fx.payments, rows.Payment{TraceID: trace(8), EventTS: fx.orders[4].EventTS, PaymentID: rid(day2, 90_001, 1),
				OrderID: fx.orders[4].OrderID, PaymentMethod: "MOBILE_PAY", Amount: 0, Status: "APPROVED"})
		}},
		{"order lines do not add up", CheckFactMoney, func(fx *fixture) { fx.oLines[0].Tax = 81 }},
		{"order picked short", CheckFactSaleMoves, func(fx *fixture) { fx.dcTxns[1].QtyDelta, fx.dcTxns[1].BalanceAfter = -2, 498 }},
		{"impression outside its campaign", CheckFactMarketing, func(fx *fixture) { fx.campaigns[0].StartDate = int32(day2) }},
		{"anonymous receipt attributed to a campaign", CheckFactMarketing, func(fx *fixture) { fx.receipts[1].CampaignID = 1 }},
		{"ad id of another customer", CheckFactFK, func(fx *fixture) { fx.ads[0].CustomerAdID = fx.customers[1].AdID }},
		{"bad store hours", CheckMasterStoreHours, func(fx *fixture) { fx.stores[0].OpenTime = "8:00" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := validFixture()
			tc.edit(fx)
			rep := fx.run(t, output.Options{Format: output.JSONL}, Options{})
			got := rep.Failed()
			if len(got) != 1 || got[0] != tc.check {
				t.Fatalf("failed checks %v, want only %s\n%s", got, tc.check, describe(rep))
			}
			c, _ := rep.Check(tc.check)
			if c.Violations == 0 || len(c.Examples) == 0 || c.Examples[0].Detail == "" {
				t.Errorf("%s: %d violations, examples %v", tc.check, c.Violations, c.Examples)
			}
		})
	}
}

func TestFilesCheck(t *testing.T) {
	edits := map[string]func(t *testing.T, dir string){
		"changed bytes": func(t *testing.T, dir string) {
			p := filepath.Join(dir, "master", "trucks.csv")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, bytes.Replace(b, []byte("IL-RD-0001"), []byte("IL-RD-0009"), 1), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"unlisted file": func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "facts", "receipts", "dt=2024-01-02", "part-1-0.csv"), []byte("x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"missing file": func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "master", "campaigns.csv")); err != nil {
				t.Fatal(err)
			}
		},
		"wrong row count": func(t *testing.T, dir string) {
			m, err := output.ReadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			m.Tables["campaigns"].Files[0].Rows = 5
			m.Tables["campaigns"].Rows = 5
			if err := m.Write(dir); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			validFixture().write(t, dir, output.Options{Format: output.CSV})
			edit(t, dir)
			rep, err := Run(t.Context(), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			failed := rep.Failed()
			if len(failed) == 0 || failed[0] != CheckFiles {
				t.Fatalf("failed %v, want files first\n%s", failed, describe(rep))
			}
			if name != "missing file" && len(failed) != 1 {
				t.Fatalf("failed %v, want only files\n%s", failed, describe(rep))
			}
		})
	}
}

func TestCorruptRowIsReported(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	validFixture().write(t, dir, output.Options{Format: output.JSONL})
	p := filepath.Join(dir, "master", "products.jsonl")
	b, _ := os.ReadFile(p)
	if err := os.WriteFile(p, bytes.Replace(b, []byte(`"cost":12.00`), []byte(`"cost":"twelve"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := rep.Check(CheckFiles)
	found := false
	for _, v := range c.Examples {
		if v.Row == 3 && strings.Contains(v.Detail, "products.cost") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no row-3 decoding violation in %+v", c.Examples)
	}
}

func TestSplitPartitionsAreReadInNumericOrder(t *testing.T) {
	fx := validFixture()
	fx.splitTxns = true
	// Day 1's first movement (the inbound shipment) goes to part-0-9, the
	// sale that depends on it to part-0-10: read as text, the chain breaks.
	rep := fx.run(t, output.Options{Format: output.Parquet}, Options{})
	if !rep.OK() {
		t.Fatalf("split partitions fail:\n%s", describe(rep))
	}
}

func TestRunErrors(t *testing.T) {
	if _, err := Run(t.Context(), filepath.Join(t.TempDir(), "absent"), Options{}); err == nil {
		t.Error("a missing folder is not an error")
	}
	empty := t.TempDir()
	if _, err := Run(t.Context(), empty, Options{}); err == nil || !strings.Contains(err.Error(), "manifest.json") {
		t.Errorf("a folder without manifest: %v", err)
	}
	if err := os.WriteFile(filepath.Join(empty, "manifest.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), empty, Options{}); err == nil {
		t.Error("a broken manifest is not an error")
	}
}

func TestStatisticsAreInfoUnlessEnforced(t *testing.T) {
	fx := validFixture()
	rep := fx.run(t, output.Options{Format: output.Parquet}, Options{ItemsPerTicketMean: 2, CustomersPerDay: 100})
	c, _ := rep.Check(CheckStatItems)
	if c.Status != Info || c.Measured == nil || *c.Measured < 1.66 || *c.Measured > 1.67 {
		t.Fatalf("items per ticket: %+v", c)
	}
	rep = fx.run(t, output.Options{Format: output.Parquet}, Options{Statistics: true, ItemsPerTicketMean: 2, CustomersPerDay: 100})
	for _, name := range []string{CheckStatItems, CheckStatCustomers, CheckStatTender} {
		if c, _ := rep.Check(name); c.Status != Fail {
			t.Errorf("%s: %s, want fail when enforced (%+v)", name, c.Status, c)
		}
	}
	rep = fx.run(t, output.Options{Format: output.Parquet}, Options{Statistics: true, ItemsPerTicketMean: 5.0 / 3, CustomersPerDay: 100, Skip: []string{CheckStatCustomers, CheckStatTender, CheckStatPromo, CheckStatBLEKnown, CheckStatStoreCV, CheckStatCRM}})
	if c, _ := rep.Check(CheckStatItems); c.Status != Pass {
		t.Errorf("items per ticket on target: %+v", c)
	}
	if !rep.OK() {
		t.Errorf("skipped statistics still fail:\n%s", describe(rep))
	}
	if c, _ := rep.Check(CheckStatCustomers); c.Status != Skipped {
		t.Errorf("skipped check: %s", c.Status)
	}
	rep = fx.run(t, output.Options{Format: output.Parquet}, Options{Skip: []string{"facts."}})
	for _, c := range rep.Checks {
		if strings.HasPrefix(c.Name, "facts.") && c.Status != Skipped {
			t.Errorf("%s not skipped by prefix", c.Name)
		}
	}
}

func TestReportOutput(t *testing.T) {
	fx := validFixture()
	fx.lines[0].ExtPrice = 401
	rep := fx.run(t, output.Options{Format: output.CSV}, Options{MaxExamples: 1})
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FAIL     facts.money", "ext_price 4.01 is not unit_price 2.00 × quantity 2", "… and 1 more", "FAILED: 1 of"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.OK() || len(back.Checks) != len(Checks()) {
		t.Errorf("JSON report: ok %v, %d checks", back.OK(), len(back.Checks))
	}
}

func TestMasterOnlyFolder(t *testing.T) {
	fx := validFixture()
	dir := filepath.Join(t.TempDir(), "out")
	fx.write(t, dir, output.Options{Format: output.Parquet})
	m, err := output.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, e := range m.Tables {
		if e.Kind == "fact" {
			delete(m.Tables, name)
		}
	}
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "facts")); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("master-only folder fails:\n%s", describe(rep))
	}
	if c, _ := rep.Check(CheckMasterFK); c.Status != Pass {
		t.Errorf("master.fk: %s", c.Status)
	}
	if c, _ := rep.Check(CheckFactMoney); c.Status != Skipped {
		t.Errorf("facts.money without facts: %s", c.Status)
	}
}

func TestStoreHours(t *testing.T) {
	d := civil.DaysFromCivil(2024, 12, 24)
	xmas := d + 1
	mk := func(open, close string, all bool) *store {
		s := &store{open24: all, opened: civil.DaysFromCivil(2020, 1, 1)}
		if err := s.setHours(open, close); err != nil {
			t.Fatal(err)
		}
		return s
	}
	day := mk("08:00", "22:00", false)
	late := mk("06:00", "01:00", false)
	always := mk("00:00", "24:00", true)
	cases := []struct {
		s    *store
		ts   int64
		open bool
	}{
		{day, at(d, 8, 0, 0), true},
		{day, at(d, 7, 59, 59), false},
		{day, at(d, 21, 59, 59), true},
		{day, at(d, 22, 0, 0), false},
		{day, at(xmas, 12, 0, 0), false},
		{late, at(d, 23, 30, 0), true},
		{late, at(xmas, 0, 30, 0), true}, // the tail of December 24
		{late, at(xmas, 6, 30, 0), false},
		{late, at(xmas+1, 0, 30, 0), false}, // Christmas Day never opened
		{late, at(d, 3, 0, 0), false},
		{always, at(d, 3, 0, 0), true},
		{always, at(xmas, 3, 0, 0), false},
		{day, at(civil.DaysFromCivil(2019, 6, 1), 12, 0, 0), false}, // before opening
	}
	for i, c := range cases {
		if got := c.s.openAt(c.ts); got != c.open {
			t.Errorf("case %d: %s at %s: open %v, want %v", i, c.s.hoursText(), tsString(c.ts), got, c.open)
		}
	}
	for _, bad := range [][2]string{{"24:00", "10:00"}, {"08:00", "08:00"}, {"8:00", "22:00"}, {"08:60", "22:00"}} {
		s := &store{}
		if err := s.setHours(bad[0], bad[1]); err == nil {
			t.Errorf("hours %v accepted", bad)
		}
	}
	if err := (&store{}).setHours("00:00", "24:00"); err == nil {
		t.Error("00:00-24:00 accepted without open_24h")
	}
}

func TestPartNumbers(t *testing.T) {
	for name, want := range map[string][2]int{"part-0-10.parquet": {0, 10}, "part-3-2.csv.gz": {3, 2}} {
		s, n, ok := partNumbers(name)
		if !ok || s != want[0] || n != want[1] {
			t.Errorf("%s: %d %d %v", name, s, n, ok)
		}
	}
	if _, _, ok := partNumbers("data.csv"); ok {
		t.Error("data.csv parsed")
	}
}

func TestDayKind(t *testing.T) {
	bf, _, _ := dayKind(civil.DaysFromCivil(2024, 11, 29))
	_, xmas, _ := dayKind(civil.DaysFromCivil(2024, 12, 20))
	_, _, ordinary := dayKind(civil.DaysFromCivil(2024, 3, 12))
	_, _, boxing := dayKind(civil.DaysFromCivil(2024, 12, 26))
	if !bf || !xmas || !ordinary || boxing {
		t.Errorf("Black Friday %v, December 20 %v, March 12 ordinary %v, December 26 ordinary %v", bf, xmas, ordinary, boxing)
	}
}

// TestSubsetOfTables validates a folder written with only some fact tables,
// as --tables produces: checks that need a missing table are left out.
func TestSubsetOfTables(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	validFixture().write(t, dir, output.Options{Format: output.CSV})
	m, err := output.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"receipt_lines", "promotions_applied", "store_inventory_txn", "foot_traffic", "stores", "truck_inventory", "online_order_lines"} {
		delete(m.Tables, table)
		dir := filepath.Join(dir, "facts", table)
		if table == "stores" {
			dir = filepath.Join(filepath.Dir(dir), "..", "master", "stores.csv")
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("subset fails:\n%s", describe(rep))
	}
	for name, want := range map[string]Status{CheckFactLines: Skipped, CheckFactPayments: Pass, CheckFactReturns: Pass, CheckFactHours: Skipped, CheckFactFunnel: Pass} {
		if c, _ := rep.Check(name); c.Status != want {
			t.Errorf("%s: %s, want %s", name, c.Status, want)
		}
	}
}

func TestEachReadsInBatches(t *testing.T) {
	var all []rows.Campaign
	for i := range 5 {
		all = append(all, rows.Campaign{CampaignID: int64(i + 1), Name: "c", CampaignType: "flash_sale", Channels: "EMAIL|SEARCH", DailyBudget: int64(i) * 101})
	}
	for _, opts := range formats {
		opts, _ := opts.Normalize()
		p := filepath.Join(t.TempDir(), "campaigns"+opts.Ext())
		if _, err := output.WriteFile(p, opts, all); err != nil {
			t.Fatal(err)
		}
		var got []rows.Campaign
		var sizes []int
		err := Each(p, 2, func(batch []rows.Campaign) error {
			sizes = append(sizes, len(batch))
			got = append(got, batch...)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !slices.Equal(got, all) || !slices.Equal(sizes, []int{2, 2, 1}) {
			t.Errorf("%s: batches %v, rows %+v", p, sizes, got)
		}
	}
	if err := Each[rows.Campaign](filepath.Join(t.TempDir(), "x.txt"), 2, func([]rows.Campaign) error { return nil }); err == nil {
		t.Error("unknown extension accepted")
	}
}
