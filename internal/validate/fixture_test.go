package validate

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/output"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// fixture is a tiny, hand-made, valid dataset: two stores (one 8-22, one
// 24/7), two days, a DC shipment that restocks the first store, a reorder,
// an online order picked at the DC and a cancelled one, ad impressions, a
// disruption, a sale with a declined card and a promotion, a sale of a
// product on its launch day at a 24/7 store at night, and a return of the
// first sale the next day.
type fixture struct {
	geos      []rows.Geography
	dcs       []rows.DistributionCenter
	stores    []rows.Store
	trucks    []rows.Truck
	customers []rows.Customer
	products  []rows.Product
	campaigns []rows.Campaign
	promos    []rows.Promotion
	storeInv  []rows.StoreInventoryInitial
	dcInv     []rows.DCInventoryInitial

	receipts  []rows.Receipt
	lines     []rows.ReceiptLine
	payments  []rows.Payment
	applied   []rows.PromotionApplied
	txns      []rows.StoreInventoryTxn
	stockouts []rows.Stockout
	traffic   []rows.FootTraffic
	pings     []rows.BLEPing
	zones     []rows.CustomerZoneChange
	ops       []rows.StoreOp
	moves     []rows.TruckMove
	loads     []rows.TruckInventory
	dcTxns    []rows.DCInventoryTxn
	reorders  []rows.Reorder
	orders    []rows.OnlineOrder
	oLines    []rows.OnlineOrderLine
	ads       []rows.MarketingImpression
	disrupt   []rows.SupplyChainDisruption

	// splitTxns writes each day's store_inventory_txn rows into files
	// part-0-9 and part-0-10, one row per file up to the split.
	splitTxns bool
}

var (
	day1 = civil.DaysFromCivil(2024, 1, 2)
	day2 = civil.DaysFromCivil(2024, 1, 3)
)

func at(d civil.Date, h, m, s int) int64 { return d.Micros(h*3600 + m*60 + s) }

func trace(n int) [16]byte {
	var u [16]byte
	u[0], u[6], u[8] = 0xab, 0x40, 0x80
	u[14], u[15] = byte(n>>8), byte(n)
	return u
}

func rid(d civil.Date, store, seq int64) int64 {
	return yyyymmdd(d)*100_000_000_000 + store*1_000_000 + seq
}

const (
	bleCust1 = "AA:BB:CC:00:00:01"
	bleCust2 = "AA:BB:CC:00:00:02"
)

func validFixture() *fixture {
	launch := int32(civil.DaysFromCivil(2020, 1, 1))
	fx := &fixture{
		geos: []rows.Geography{
			{GeographyID: 1, City: "Springfield", State: "IL", ZipCode: "62701", District: "Sangamon", Region: "Midwest", Latitude: 39.8, Longitude: -89.6, TimeZone: "America/Chicago", Population: 100000},
			{GeographyID: 2, City: "Madison", State: "WI", ZipCode: "53703", District: "Dane", Region: "Midwest", Latitude: 43.1, Longitude: -89.4, TimeZone: "America/Chicago", Population: 200000},
		},
		dcs: []rows.DistributionCenter{{DCID: 1, DCNumber: "DC001", Name: "Springfield DC", Address: "1 Depot Rd", GeographyID: 1, Latitude: 39.8, Longitude: -89.6}},
		stores: []rows.Store{
			{StoreID: 1, StoreNumber: "S000001", Name: "Springfield Main", Address: "10 Main St", GeographyID: 1, DCID: 1, TaxRate: 0.08,
				VolumeClass: "medium_volume", StoreFormat: "standard", OpenTime: "08:00", CloseTime: "22:00", DailyTrafficMultiplier: 1, OpenedDate: launch},
			{StoreID: 2, StoreNumber: "S000002", Name: "Springfield Express", Address: "20 Oak St", GeographyID: 1, DCID: 1, TaxRate: 0.08,
				VolumeClass: "kiosk", StoreFormat: "express", Open24h: true, OpenTime: "00:00", CloseTime: "24:00", DailyTrafficMultiplier: 0.3, OpenedDate: launch},
		},
		trucks: []rows.Truck{
			{TruckID: 1, LicensePlate: "IL-RD-0001", Refrigerated: true, DCID: 1, CapacityUnits: 1000},
			{TruckID: 2, LicensePlate: "SUP-0002", CapacityUnits: 2000},
		},
		customers: []rows.Customer{
			{CustomerID: 1, FirstName: "Ada", LastName: "Stone", Address: "1 Elm St", GeographyID: 1, Phone: "(217) 555-0101", Email: "ada.stone1@example.com",
				LoyaltyCard: "LC000000000001", BLEID: bleCust1, AdID: "00000000-0000-4000-8000-000000000001", Segment: "BRAND_LOYAL", SignupDate: launch, HomeStoreID: 1, PreferredStoreIDs: "1|2"},
			{CustomerID: 2, FirstName: "Ben", LastName: "Reed", Address: "2 Elm St", GeographyID: 1, Phone: "(217) 555-0102", Email: "ben.reed2@example.org",
				LoyaltyCard: "LC000000000002", BLEID: bleCust2, AdID: "00000000-0000-4000-8000-000000000002", Segment: "BUDGET_CONSCIOUS", SignupDate: launch, HomeStoreID: 2, PreferredStoreIDs: "2"},
		},
		products: []rows.Product{
			{ProductID: 1, SKU: "SKU-1", ProductName: "Milk", Department: "Grocery", Cost: 100, MSRP: 250, SalePrice: 200, Taxability: "NON_TAXABLE", LaunchDate: launch},
			{ProductID: 2, SKU: "SKU-2", ProductName: "Lamp", Department: "Home", Cost: 600, MSRP: 1000, SalePrice: 1000, Taxability: "TAXABLE", LaunchDate: launch},
			{ProductID: 3, SKU: "SKU-3", ProductName: "Jacket", Department: "Clothing", Cost: 1200, MSRP: 2500, SalePrice: 2000, Taxability: "REDUCED_RATE", LaunchDate: int32(day1)},
		},
		campaigns: []rows.Campaign{{CampaignID: 1, Name: "Winter", CampaignType: "seasonal_sale", Channels: "EMAIL", StartDate: int32(day1), EndDate: int32(day2), DailyBudget: 10000}},
		promos: []rows.Promotion{
			{PromoCode: "SAVE10", DiscountType: "PERCENTAGE", DiscountValue: 1000, ValidMonths: "1", EligibleDepartments: "Home"},
			{PromoCode: "BOGO", DiscountType: "BOGO", DiscountValue: 10000, ValidMonths: "1", EligibleDepartments: "Grocery"},
		},
	}
	for _, s := range []int64{1, 2} {
		for _, p := range []int64{1, 2, 3} {
			fx.storeInv = append(fx.storeInv, rows.StoreInventoryInitial{StoreID: s, ProductID: p, Quantity: 50, ReorderPoint: 10, OrderUpTo: 80})
		}
	}
	for _, p := range []int64{1, 2, 3} {
		fx.dcInv = append(fx.dcInv, rows.DCInventoryInitial{DCID: 1, ProductID: p, Quantity: 500, ReorderPoint: 100, OrderUpTo: 800})
	}

	a, b := rid(day1, 1, 1), rid(day1, 2, 1)
	c, d := rid(day2, 1, 1), rid(day2, 1, 2)
	tA, tB := at(day1, 10, 15, 0), at(day1, 3, 30, 0)
	tC, tD := at(day2, 9, 0, 0), at(day2, 12, 0, 0)
	fx.receipts = []rows.Receipt{
		{TraceID: trace(1), EventTS: tA, StoreID: 1, CustomerID: 1, ReceiptID: a, ReceiptType: "SALE", Subtotal: 1400, Discount: 100, Tax: 72, Total: 1372, TenderType: "CREDIT_CARD", ItemCount: 3, CampaignID: 1},
		{TraceID: trace(2), EventTS: tB, StoreID: 2, ReceiptID: b, ReceiptType: "SALE", Subtotal: 2000, Tax: 80, Total: 2080, TenderType: "CASH", ItemCount: 1},
		{TraceID: trace(40), EventTS: tC, StoreID: 1, CustomerID: 1, ReceiptID: c, ReceiptType: "RETURN", OriginalReceiptID: a, Subtotal: -1000, Discount: -100, Tax: -72, Total: -972, TenderType: "CREDIT_CARD", ItemCount: -1},
		{TraceID: trace(41), EventTS: tD, StoreID: 1, CustomerID: 2, ReceiptID: d, ReceiptType: "SALE", Subtotal: 2000, Tax: 80, Total: 2080, TenderType: "DEBIT_CARD", ItemCount: 1},
	}
	fx.lines = []rows.ReceiptLine{
		{TraceID: trace(1), EventTS: tA, ReceiptID: a, LineNumber: 1, ProductID: 1, Quantity: 2, UnitPrice: 200, ExtPrice: 400},
		{TraceID: trace(1), EventTS: tA, ReceiptID: a, LineNumber: 2, ProductID: 2, Quantity: 1, UnitPrice: 1000, ExtPrice: 1000, Discount: 100, Tax: 72, PromoCode: "SAVE10"},
		{TraceID: trace(2), EventTS: tB, ReceiptID: b, LineNumber: 1, ProductID: 3, Quantity: 1, UnitPrice: 2000, ExtPrice: 2000, Tax: 80},
		{TraceID: trace(40), EventTS: tC, ReceiptID: c, LineNumber: 1, ProductID: 2, Quantity: -1, UnitPrice: 1000, ExtPrice: -1000, Discount: -100, Tax: -72},
		{TraceID: trace(41), EventTS: tD, ReceiptID: d, LineNumber: 1, ProductID: 3, Quantity: 1, UnitPrice: 2000, ExtPrice: 2000, Tax: 80},
	}
	fx.payments = []rows.Payment{
		{TraceID: trace(1), EventTS: tA + 5e6, PaymentID: rid(day1, 1, 1), ReceiptID: a, PaymentMethod: "CREDIT_CARD", Amount: 1372, Status: "DECLINED", DeclineReason: "INSUFFICIENT_FUNDS", ProcessingMS: 800},
		{TraceID: trace(1), EventTS: tA + 30e6, PaymentID: rid(day1, 1, 2), ReceiptID: a, PaymentMethod: "CREDIT_CARD", Amount: 1372, Status: "APPROVED", ProcessingMS: 700},
		{TraceID: trace(2), EventTS: tB + 20e6, PaymentID: rid(day1, 2, 1), ReceiptID: b, PaymentMethod: "CASH", Amount: 2080, Status: "APPROVED"},
		{TraceID: trace(40), EventTS: tC + 10e6, PaymentID: rid(day2, 1, 1), ReceiptID: c, PaymentMethod: "CREDIT_CARD", Amount: -972, Status: "APPROVED", ProcessingMS: 500},
		{TraceID: trace(41), EventTS: tD + 15e6, PaymentID: rid(day2, 1, 2), ReceiptID: d, PaymentMethod: "DEBIT_CARD", Amount: 2080, Status: "APPROVED", ProcessingMS: 600},
	}
	fx.applied = []rows.PromotionApplied{{TraceID: trace(1), EventTS: tA, ReceiptID: a, PromoCode: "SAVE10", DiscountType: "PERCENTAGE", Discount: 100, ProductCount: 1}}
	ship := rid(day1, 90_001, 1)
	fx.txns = []rows.StoreInventoryTxn{
		{TraceID: trace(5), EventTS: at(day1, 6, 50, 0), StoreID: 1, ProductID: 1, QtyDelta: 10, BalanceAfter: 60, Reason: "INBOUND_SHIPMENT", SourceType: "SHIPMENT", SourceID: ship},
		{TraceID: trace(2), EventTS: tB, StoreID: 2, ProductID: 3, QtyDelta: -1, BalanceAfter: 49, Reason: "SALE", SourceType: "RECEIPT", SourceID: b},
		{TraceID: trace(1), EventTS: tA, StoreID: 1, ProductID: 1, QtyDelta: -2, BalanceAfter: 58, Reason: "SALE", SourceType: "RECEIPT", SourceID: a},
		{TraceID: trace(1), EventTS: tA, StoreID: 1, ProductID: 2, QtyDelta: -1, BalanceAfter: 49, Reason: "SALE", SourceType: "RECEIPT", SourceID: a},
		{TraceID: trace(40), EventTS: tC, StoreID: 1, ProductID: 2, QtyDelta: 1, BalanceAfter: 50, Reason: "RETURN", SourceType: "RECEIPT", SourceID: c},
		{TraceID: trace(41), EventTS: tD, StoreID: 1, ProductID: 3, QtyDelta: -1, BalanceAfter: 49, Reason: "SALE", SourceType: "RECEIPT", SourceID: d},
	}
	fx.stockouts = []rows.Stockout{{TraceID: trace(4), EventTS: at(day1, 11, 0, 0), StoreID: 1, ProductID: 2, LostUnits: 1, RestockedTS: at(day1, 15, 0, 0)}}
	fx.traffic = []rows.FootTraffic{
		{TraceID: trace(10), EventTS: at(day1, 3, 0, 0), StoreID: 2, SensorID: "S000002-ENTRANCE", Zone: "ENTRANCE", Count: 2, DwellSeconds: 60},
		{TraceID: trace(11), EventTS: at(day1, 10, 0, 0), StoreID: 1, SensorID: "S000001-ENTRANCE", Zone: "ENTRANCE", Count: 5, DwellSeconds: 90},
		{TraceID: trace(12), EventTS: at(day1, 10, 0, 0), StoreID: 1, SensorID: "S000001-CHECKOUT", Zone: "CHECKOUT", Count: 2, DwellSeconds: 240},
		{TraceID: trace(50), EventTS: at(day2, 9, 0, 0), StoreID: 1, SensorID: "S000001-ENTRANCE", Zone: "ENTRANCE", Count: 1, DwellSeconds: 120},
		{TraceID: trace(51), EventTS: at(day2, 12, 0, 0), StoreID: 1, SensorID: "S000001-ENTRANCE", Zone: "ENTRANCE", Count: 3, DwellSeconds: 80},
	}
	fx.pings = []rows.BLEPing{
		{TraceID: trace(22), EventTS: at(day1, 3, 10, 0), StoreID: 2, BeaconID: "S000002-B-ENTRANCE", DeviceID: "anon-2", RSSI: -70, Zone: "ENTRANCE"},
		{TraceID: trace(20), EventTS: at(day1, 10, 5, 0), StoreID: 1, BeaconID: "S000001-B-ENTRANCE", DeviceID: bleCust1, CustomerID: 1, RSSI: -60, Zone: "ENTRANCE"},
		{TraceID: trace(20), EventTS: at(day1, 10, 7, 0), StoreID: 1, BeaconID: "S000001-B-GROCERY", DeviceID: bleCust1, CustomerID: 1, RSSI: -55, Zone: "GROCERY"},
		{TraceID: trace(21), EventTS: at(day1, 10, 20, 0), StoreID: 1, BeaconID: "S000001-B-HOME", DeviceID: "anon-1", RSSI: -80, Zone: "HOME"},
		{TraceID: trace(52), EventTS: at(day2, 12, 10, 0), StoreID: 1, BeaconID: "S000001-B-CLOTHING", DeviceID: bleCust2, CustomerID: 2, RSSI: -65, Zone: "CLOTHING"},
	}
	fx.zones = []rows.CustomerZoneChange{
		{TraceID: trace(20), EventTS: at(day1, 10, 7, 0), StoreID: 1, DeviceID: bleCust1, CustomerID: 1, FromZone: "ENTRANCE", ToZone: "GROCERY"},
	}
	for i, st := range []string{"SCHEDULED", "LOADING", "IN_TRANSIT", "ARRIVED", "UNLOADING", "COMPLETED"} {
		times := []int64{at(day1, 5, 0, 0), at(day1, 5, 30, 0), at(day1, 6, 0, 0), at(day1, 6, 40, 0), at(day1, 6, 50, 0), at(day1, 7, 10, 0)}
		fx.moves = append(fx.moves, rows.TruckMove{TraceID: trace(5), EventTS: times[i], ShipmentID: ship, TruckID: 1, OriginType: "DC", DCID: 1, StoreID: 1,
			Status: st, ETD: times[2], ETA: times[3], Units: 10})
	}
	fx.loads = []rows.TruckInventory{
		{TraceID: trace(5), EventTS: at(day1, 5, 30, 0), ShipmentID: ship, TruckID: 1, ProductID: 1, Quantity: 10, Action: "LOAD", LocationType: "DC", LocationID: 1},
		{TraceID: trace(5), EventTS: at(day1, 6, 50, 0), ShipmentID: ship, TruckID: 1, ProductID: 1, Quantity: 10, Action: "UNLOAD", LocationType: "STORE", LocationID: 1},
	}
	fx.dcTxns = []rows.DCInventoryTxn{
		{TraceID: trace(5), EventTS: at(day1, 5, 30, 0), DCID: 1, ProductID: 1, QtyDelta: -10, BalanceAfter: 490, Reason: "OUTBOUND_SHIPMENT", SourceType: "SHIPMENT", SourceID: ship},
	}
	fx.reorders = []rows.Reorder{
		{TraceID: trace(6), EventTS: at(day1, 23, 0, 0), ReorderID: rid(day1, 2, 1), LocationType: "STORE", StoreID: 2, DCID: 1, ProductID: 3,
			OnHand: 6, ReorderPoint: 10, OrderQty: 74, Priority: "NORMAL"},
	}
	// Online order 1 ships from the DC; order 2 is cancelled.
	o1, o2 := rid(day1, 90_001, 1), rid(day2, 90_001, 1)
	created, picked, shipped, delivered := at(day1, 9, 0, 0), at(day1, 10, 0, 0), at(day1, 14, 0, 0), at(day2, 15, 0, 0)
	order := rows.OnlineOrder{TraceID: trace(7), OrderID: o1, CustomerID: 2, Subtotal: 1000, Tax: 80, Total: 1080, TenderType: "CREDIT_CARD",
		FulfillmentMode: "SHIP_FROM_DC", NodeType: "DC", NodeID: 1, ItemCount: 1}
	for _, step := range []struct {
		status string
		ts     int64
		times  [3]int64
	}{{"CREATED", created, [3]int64{}}, {"PICKED", picked, [3]int64{picked}}, {"SHIPPED", shipped, [3]int64{picked, shipped}}, {"DELIVERED", delivered, [3]int64{picked, shipped, delivered}}} {
		o := order
		o.Status, o.EventTS = step.status, step.ts
		o.PickedTS, o.ShippedTS, o.DeliveredTS = step.times[0], step.times[1], step.times[2]
		fx.orders = append(fx.orders, o)
	}
	fx.orders = append(fx.orders, rows.OnlineOrder{TraceID: trace(8), EventTS: at(day2, 8, 0, 0), OrderID: o2, CustomerID: 1, TenderType: "MOBILE_PAY",
		Status: "CANCELLED", FulfillmentMode: "SHIP_FROM_STORE", NodeType: "STORE", NodeID: 1})
	fx.oLines = []rows.OnlineOrderLine{
		{TraceID: trace(7), EventTS: created, OrderID: o1, LineNumber: 1, ProductID: 2, Quantity: 1, UnitPrice: 1000, ExtPrice: 1000, Tax: 80},
		{TraceID: trace(8), EventTS: at(day2, 8, 0, 0), OrderID: o2, LineNumber: 1, ProductID: 3, UnitPrice: 2000},
	}
	fx.payments = append(fx.payments, rows.Payment{TraceID: trace(7), EventTS: created, PaymentID: rid(day1, 90_001, 1), OrderID: o1,
		PaymentMethod: "CREDIT_CARD", Amount: 1080, Status: "APPROVED", ProcessingMS: 400})
	fx.dcTxns = append(fx.dcTxns, rows.DCInventoryTxn{TraceID: trace(7), EventTS: picked, DCID: 1, ProductID: 2, QtyDelta: -1, BalanceAfter: 499,
		Reason: "ONLINE_PICK", SourceType: "ORDER", SourceID: o1})
	// An impression reaches customer 1 before the attributed receipt A.
	fx.ads = []rows.MarketingImpression{
		{TraceID: trace(9), EventTS: at(day1, 8, 0, 0), ImpressionID: rid(day1, 90_001, 1), CampaignID: 1, Channel: "EMAIL", CreativeID: "C0001-01",
			CustomerAdID: fx.customers[0].AdID, CustomerID: 1, Device: "MOBILE", Cost: 5},
		{TraceID: trace(13), EventTS: at(day1, 8, 30, 0), ImpressionID: rid(day1, 90_001, 2), CampaignID: 1, Channel: "SEARCH", CreativeID: "C0001-02",
			CustomerAdID: "ffffffff-0000-4000-8000-000000000009", Device: "DESKTOP", Cost: 12},
	}
	fx.disrupt = []rows.SupplyChainDisruption{{TraceID: trace(14), EventTS: at(day2, 0, 0, 0), DisruptionID: rid(day2, 90_001, 1), DCID: 1,
		DisruptionType: "WEATHER", Severity: "LOW", ImpactPct: 10, StartTS: at(day2, 0, 0, 0), EndTS: at(day2, 6, 0, 0)}}
	n := 60
	for _, day := range []civil.Date{day1, day2} {
		fx.ops = append(fx.ops,
			rows.StoreOp{TraceID: trace(n), EventTS: at(day, 0, 0, 0), StoreID: 2, Operation: "OPENED"},
			rows.StoreOp{TraceID: trace(n + 1), EventTS: at(day, 8, 0, 0), StoreID: 1, Operation: "OPENED"},
			rows.StoreOp{TraceID: trace(n + 2), EventTS: at(day, 22, 0, 0), StoreID: 1, Operation: "CLOSED"},
			rows.StoreOp{TraceID: trace(n + 3), EventTS: at(day, 23, 59, 59), StoreID: 2, Operation: "CLOSED"},
		)
		n += 4
	}
	return fx
}

// write stores the fixture under dir in the given format with a manifest.
func (fx *fixture) write(t *testing.T, dir string, opts output.Options) {
	t.Helper()
	opts, err := opts.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	lay := output.Layout{Root: dir, Opts: opts}
	man := &output.Manifest{Generator: "retail-datagen", Version: "test", Seed: 1, Format: opts.Format, Compression: opts.Compression}
	writeMaster(t, lay, man, "geographies", fx.geos)
	writeMaster(t, lay, man, "distribution_centers", fx.dcs)
	writeMaster(t, lay, man, "stores", fx.stores)
	writeMaster(t, lay, man, "trucks", fx.trucks)
	writeMaster(t, lay, man, "customers", fx.customers)
	writeMaster(t, lay, man, "products", fx.products)
	writeMaster(t, lay, man, "campaigns", fx.campaigns)
	writeMaster(t, lay, man, "promotions", fx.promos)
	writeMaster(t, lay, man, "store_inventory_initial", fx.storeInv)
	writeMaster(t, lay, man, "dc_inventory_initial", fx.dcInv)
	writeFacts(t, lay, man, "receipts", fx.receipts, func(r *rows.Receipt) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "receipt_lines", fx.lines, func(r *rows.ReceiptLine) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "payments", fx.payments, func(r *rows.Payment) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "promotions_applied", fx.applied, func(r *rows.PromotionApplied) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "store_inventory_txn", fx.txns, func(r *rows.StoreInventoryTxn) int64 { return r.EventTS }, fx.splitTxns)
	writeFacts(t, lay, man, "stockouts", fx.stockouts, func(r *rows.Stockout) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "foot_traffic", fx.traffic, func(r *rows.FootTraffic) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "ble_pings", fx.pings, func(r *rows.BLEPing) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "customer_zone_changes", fx.zones, func(r *rows.CustomerZoneChange) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "store_ops", fx.ops, func(r *rows.StoreOp) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "truck_moves", fx.moves, func(r *rows.TruckMove) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "truck_inventory", fx.loads, func(r *rows.TruckInventory) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "dc_inventory_txn", fx.dcTxns, func(r *rows.DCInventoryTxn) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "reorders", fx.reorders, func(r *rows.Reorder) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "online_orders", fx.orders, func(r *rows.OnlineOrder) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "online_order_lines", fx.oLines, func(r *rows.OnlineOrderLine) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "marketing_impressions", fx.ads, func(r *rows.MarketingImpression) int64 { return r.EventTS }, false)
	writeFacts(t, lay, man, "supply_chain_disruptions", fx.disrupt, func(r *rows.SupplyChainDisruption) int64 { return r.EventTS }, false)
	if err := man.Write(dir); err != nil {
		t.Fatal(err)
	}
}

func writeMaster[T any, PT rows.Row[T]](t *testing.T, lay output.Layout, man *output.Manifest, table string, all []T) {
	t.Helper()
	fi, err := output.WriteFile[T, PT](lay.MasterPath(table), lay.Opts, all)
	if err != nil {
		t.Fatal(err)
	}
	fi.Path = lay.Rel(fi.Path)
	man.SetMaster(table, fi)
}

// writeFacts writes rows into day partitions by the partition day of each
// row: the day its event_ts had in the valid fixture, kept in the order
// given. With split, each day's first row goes into part-0-9 and the rest
// into part-0-10, which sort differently as text and as numbers.
func writeFacts[T any, PT rows.Row[T]](t *testing.T, lay output.Layout, man *output.Manifest, table string, all []T, ts func(*T) int64, split bool) {
	t.Helper()
	byDay := map[civil.Date][]T{}
	var order []civil.Date
	for i := range all {
		d := dayOf(ts(&all[i]))
		if pd, ok := partitionOverride(&all[i]); ok {
			d = pd
		}
		if _, seen := byDay[d]; !seen {
			order = append(order, d)
		}
		byDay[d] = append(byDay[d], all[i])
	}
	for _, d := range order {
		group := byDay[d]
		parts := [][]T{group}
		names := []int{0}
		if split && len(group) > 1 {
			parts = [][]T{group[:1], group[1:]}
			names = []int{9, 10}
		}
		var files []output.FileInfo
		for i, part := range parts {
			fi, err := output.WriteFile[T, PT](lay.FactPath(table, d, 0, names[i]), lay.Opts, part)
			if err != nil {
				t.Fatal(err)
			}
			fi.Path = lay.Rel(fi.Path)
			files = append(files, fi)
		}
		man.SetPartition(table, d, files)
	}
}

// partitionOverride lets a test keep a row in a partition other than its
// event date: a store_ops row whose trace is 999 stays in day1.
func partitionOverride(r any) (civil.Date, bool) {
	if op, ok := r.(*rows.StoreOp); ok && op.TraceID == trace(999) {
		return day1, true
	}
	return 0, false
}

// run writes fx in opts' format and validates it.
func (fx *fixture) run(t *testing.T, opts output.Options, vopts Options) *Report {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	fx.write(t, dir, opts)
	rep, err := Run(t.Context(), dir, vopts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

func describe(rep *Report) string {
	s := ""
	for _, c := range rep.Checks {
		if c.Status == Fail {
			s += fmt.Sprintf("%s: %v\n", c.Name, c.Examples)
		}
	}
	return s
}
