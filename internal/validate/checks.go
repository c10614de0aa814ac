package validate

// Check names. They group the invariants of SPEC §6; Options.Skip takes them.
const (
	CheckFiles = "files"

	CheckMasterKeys       = "master.keys"
	CheckMasterUnique     = "master.unique"
	CheckMasterFK         = "master.fk"
	CheckMasterPricing    = "master.pricing"
	CheckMasterStoreState = "master.store_states"
	CheckMasterStoreHours = "master.store_hours"
	CheckMasterContact    = "master.contact"

	CheckFactKeys      = "facts.keys"
	CheckFactTrace     = "facts.trace"
	CheckFactValues    = "facts.values"
	CheckFactFK        = "facts.fk"
	CheckFactPartition = "facts.partition_date"
	CheckFactPricing   = "facts.pricing"
	CheckFactMoney     = "facts.money"
	CheckFactTax       = "facts.tax"
	CheckFactLines     = "facts.lines"
	CheckFactPayments  = "facts.payments"
	CheckFactPromos    = "facts.promotions"
	CheckFactInventory = "facts.inventory"
	CheckFactShipments = "facts.shipments"
	CheckFactShipUnits = "facts.shipment_units"
	CheckFactReorders  = "facts.reorders"
	CheckFactOrders    = "facts.online_orders"
	CheckFactMarketing = "facts.marketing"
	CheckFactSaleMoves = "facts.sale_movements"
	CheckFactHours     = "facts.store_hours"
	CheckFactLaunch    = "facts.launch"
	CheckFactReturns   = "facts.returns"
	CheckFactFunnel    = "facts.funnel"
	CheckFactStoreOps  = "facts.store_ops"

	CheckStatPromo     = "stats.promo_share"
	CheckStatBLEKnown  = "stats.ble_known_share"
	CheckStatTender    = "stats.tender_mix"
	CheckStatStoreCV   = "stats.store_volume_cv"
	CheckStatItems     = "stats.items_per_ticket"
	CheckStatCustomers = "stats.customers_per_day"
	CheckStatHolidays  = "stats.holiday_peaks"
	CheckStatCRM       = "stats.crm_share"
)

func checkList() []CheckInfo {
	return []CheckInfo{
		{CheckFiles, "every file in the manifest exists with its recorded size, SHA-256 and row count, decodes, and no data file is unlisted"},
		{CheckMasterKeys, "surrogate keys are dense from 1 and unique; composite keys are unique"},
		{CheckMasterUnique, "external ids are unique: store_number, dc_number, license_plate, loyalty_card, ble_id, ad_id, sku, promo_code"},
		{CheckMasterFK, "master foreign keys resolve: geographies, DCs, home and preferred stores, truck DCs, inventory locations and products"},
		{CheckMasterPricing, "cost < sale_price <= msrp for every product, all positive"},
		{CheckMasterStoreState, "stores are only in states that have a DC"},
		{CheckMasterStoreHours, "store hours are HH:MM, 24/7 stores open 00:00 and close 24:00, and no store opens and closes at the same time"},
		{CheckMasterContact, "customer phones are fictional (NXX) 555-01xx numbers and e-mails use example.com, example.net or example.org"},
		{CheckFactKeys, "receipt_id, payment_id and (receipt_id, line_number) are unique; receipt and payment ids carry the partition date, receipt ids the store"},
		{CheckFactTrace, "rows sharing a trace_id belong to one business event, and the rows of a receipt carry its trace_id"},
		{CheckFactValues, "categorical columns hold known values and quantities have the right sign"},
		{CheckFactFK, "fact foreign keys resolve: stores, customers, products, campaigns, promotion codes, receipts of the same day, original receipts, devices of known customers"},
		{CheckFactPartition, "every fact row's event_ts falls on its dt= partition date"},
		{CheckFactPricing, "sale lines use the product's sale_price; return lines the price of the original line"},
		{CheckFactMoney, "ext_price = unit_price × quantity; receipt subtotal, discount, tax and item_count equal the line sums; total = subtotal − discount + tax"},
		{CheckFactTax, "line tax is the store rate (half for REDUCED_RATE, none for NON_TAXABLE) on ext_price − discount, rounded half up (±1 cent)"},
		{CheckFactLines, "every receipt has at least one line, numbered 1..n without gaps"},
		{CheckFactPayments, "each receipt has exactly one APPROVED payment equal to its total in its tender, after any DECLINED attempts"},
		{CheckFactPromos, "at most one code per receipt; promotions_applied discounts equal the receipt discount and the codes on its lines"},
		{CheckFactInventory, "store and DC balances chain exactly per location and product from store_inventory_initial and dc_inventory_initial and are never negative"},
		{CheckFactSaleMoves, "every sale line has a matching SALE inventory movement (same receipt and product, −quantity) and vice versa; every picked online order line leaves its node as ONLINE_PICK movements"},
		{CheckFactShipments, "shipments go SCHEDULED, LOADING, IN_TRANSIT, ARRIVED, UNLOADING, COMPLETED (DELAYED between) at non-decreasing times, on a truck of the shipping DC (supplier trucks for supplier shipments) that carries one shipment at a time, refrigerated products on refrigerated trucks"},
		{CheckFactShipUnits, "per completed shipment and product: units loaded = unloaded = received, DC outbound = loaded, and truck_moves units = units loaded"},
		{CheckFactReorders, "reorders are raised when on_hand + in_transit <= reorder_point, from the store's DC, with a positive quantity and the priority the rule gives"},
		{CheckFactOrders, "online orders go CREATED, PICKED, SHIPPED, DELIVERED (or are CANCELLED with zero amounts) at non-decreasing times matching their lifecycle columns, keep their amounts, node and tender, and are picked at their node"},
		{CheckFactMarketing, "impressions fall within their campaign's dates, and a receipt carrying a campaign follows an impression of it to its customer within 48 hours"},
		{CheckFactHours, "receipts, stock-outs, foot traffic, pings and zone changes happen only while the store is open (not on Christmas Day, not before it opened)"},
		{CheckFactLaunch, "nothing is sold before the product's launch_date"},
		{CheckFactReturns, "returns refer to a SALE 1 to 31 days earlier, strictly after it, and return at most the units sold"},
		{CheckFactFunnel, "per store-hour: ENTRANCE foot traffic >= distinct BLE devices >= sale receipts"},
		{CheckFactStoreOps, "one OPENED and one later CLOSED per store and open day, none on closed days"},
		{CheckStatPromo, "share of sale receipts that use a promotion code"},
		{CheckStatBLEKnown, "share of distinct BLE devices per store-day that belong to known customers"},
		{CheckStatTender, "largest deviation in points of the tender mix of sale receipts from credit 40 / debit 30 / cash 20 / mobile 10"},
		{CheckStatStoreCV, "coefficient of variation across stores of the mean daily sale receipts"},
		{CheckStatItems, "mean units per sale receipt"},
		{CheckStatCustomers, "mean daily sale receipts of a medium_volume store"},
		{CheckStatHolidays, "daily receipts on Black Friday and December 18-24 relative to an ordinary day (lower of the two)"},
		{CheckStatCRM, "share of marketing impressions that resolve to a known customer"},
	}
}
