package validate

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/rows"
)

func isTender(s string) bool {
	switch s {
	case "CREDIT_CARD", "DEBIT_CARD", "CASH", "MOBILE_PAY", "GIFT_CARD":
		return true
	}
	return false
}

func (v *validator) receipt(d *dayState, f *fileRef, r *rows.Receipt, row int64) {
	id := r.ReceiptID
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evReceipt, a: id})
	v.count(CheckFactValues, 1)
	if r.ReceiptType != "SALE" && r.ReceiptType != "RETURN" {
		v.rowFail(CheckFactValues, *f, row, receiptKey(id), "receipt_type %q is not SALE or RETURN", r.ReceiptType)
	}
	if !isTender(r.TenderType) {
		v.rowFail(CheckFactValues, *f, row, receiptKey(id), "tender_type %q is not a known tender", r.TenderType)
	}
	if (r.ReceiptType == "SALE") != (r.ItemCount > 0) {
		v.rowFail(CheckFactValues, *f, row, receiptKey(id), "%s receipt with item_count %d: sales count positive units, returns negative", r.ReceiptType, r.ItemCount)
	}

	v.count(CheckFactKeys, 1)
	if _, dup := d.receipts[id]; dup {
		v.rowFail(CheckFactKeys, *f, row, receiptKey(id), "duplicate receipt_id")
		return
	}
	if idDayPart := id / 100_000_000_000; idDayPart != yyyymmdd(d.day) {
		v.rowFail(CheckFactKeys, *f, row, receiptKey(id), "receipt_id does not start with the partition date %d", yyyymmdd(d.day))
	}
	if storePart := id / 1_000_000 % 100_000; storePart != r.StoreID {
		v.rowFail(CheckFactKeys, *f, row, receiptKey(id), "receipt_id carries store %d, the receipt is of store %d", storePart, r.StoreID)
	}

	s := v.storeOf(f, row, r.StoreID)
	v.hours(f, row, s, r.EventTS, "receipt")
	v.customerOf(f, row, r.CustomerID, "", false)
	if r.CampaignID != 0 && v.has("campaigns") {
		v.count(CheckFactFK, 1)
		if _, ok := v.m.campaigns.get(r.CampaignID); !ok {
			v.rowFail(CheckFactFK, *f, row, receiptKey(id), "campaign_id %d does not exist in campaigns", r.CampaignID)
		}
	}
	v.attributed(f, row, r)

	v.count(CheckFactMoney, 1)
	if r.Total != r.Subtotal-r.Discount+r.Tax {
		v.rowFail(CheckFactMoney, *f, row, receiptKey(id), "total %s is not subtotal %s − discount %s + tax %s = %s",
			money(r.Total), money(r.Subtotal), money(r.Discount), money(r.Tax), money(r.Subtotal-r.Discount+r.Tax))
	}

	rs := &receiptState{f: f, row: row, r: *r}
	d.receipts[id] = rs
	switch r.ReceiptType {
	case "SALE":
		if r.OriginalReceiptID != 0 {
			v.rowFail(CheckFactValues, *f, row, receiptKey(id), "a SALE has original_receipt_id %d", r.OriginalReceiptID)
		}
	case "RETURN":
		v.findOriginal(d, rs)
	}
}

// findOriginal resolves the sale a return refers to in the return window.
func (v *validator) findOriginal(d *dayState, rs *receiptState) {
	r, f, row := &rs.r, rs.f, rs.row
	orig := r.OriginalReceiptID
	v.count(CheckFactReturns, 1)
	if orig == 0 {
		v.rowFail(CheckFactReturns, *f, row, receiptKey(r.ReceiptID), "a RETURN without original_receipt_id")
		return
	}
	origDay, ok := idDay(orig)
	switch {
	case !ok:
		v.count(CheckFactFK, 1)
		v.rowFail(CheckFactFK, *f, row, receiptKey(r.ReceiptID), "original_receipt_id %d does not carry a date", orig)
	case origDay >= d.day:
		v.rowFail(CheckFactReturns, *f, row, receiptKey(r.ReceiptID),
			"return on %s of receipt %d dated %s: a return comes on a later day than its sale", d.day, orig, origDay)
	case origDay < v.f.firstReceiptDay:
		v.f.unverified++
	case int(d.day-origDay) > returnWindow:
		v.rowFail(CheckFactReturns, *f, row, receiptKey(r.ReceiptID),
			"return of receipt %d from %s is %d days after the sale, more than %d", orig, origDay, d.day-origDay, returnWindow)
	default:
		v.count(CheckFactFK, 1)
		s := v.f.window[orig]
		if s == nil {
			v.rowFail(CheckFactFK, *f, row, receiptKey(r.ReceiptID), "original_receipt_id %d is not a SALE receipt of %s", orig, origDay)
			return
		}
		if s.ts >= r.EventTS {
			v.rowFail(CheckFactReturns, *f, row, receiptKey(r.ReceiptID), "return at %s is not after its sale at %s", tsString(r.EventTS), tsString(s.ts))
			return
		}
		rs.orig = s
	}
}

func (v *validator) receiptLine(d *dayState, f *fileRef, r *rows.ReceiptLine, row int64) {
	id := r.ReceiptID
	key := func() string { return fmt.Sprintf("receipt_id %d line %d", id, r.LineNumber) }
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evReceipt, a: id})
	v.count(CheckFactKeys, 1)
	lk := lineKey{receipt: id, line: r.LineNumber}
	if _, dup := d.lineKeys[lk]; dup {
		v.rowFail(CheckFactKeys, *f, row, key(), "duplicate (receipt_id, line_number)")
		return
	}
	d.lineKeys[lk] = struct{}{}
	p, okP := v.productOf(f, row, r.ProductID)

	v.count(CheckFactMoney, 1)
	if r.ExtPrice != r.UnitPrice*int64(r.Quantity) {
		v.rowFail(CheckFactMoney, *f, row, key(), "ext_price %s is not unit_price %s × quantity %d", money(r.ExtPrice), money(r.UnitPrice), r.Quantity)
	}

	if !v.has("receipts") {
		return
	}
	v.count(CheckFactFK, 1)
	rs := d.receipts[id]
	if rs == nil {
		v.rowFail(CheckFactFK, *f, row, key(), "receipt %d is not in the receipts of %s", id, d.day)
		return
	}
	if r.TraceID != rs.r.TraceID {
		v.rowFail(CheckFactTrace, *f, row, key(), "trace_id %s differs from its receipt's %s", uuidString(r.TraceID), uuidString(rs.r.TraceID))
	}
	isSale := rs.r.ReceiptType == "SALE"
	v.count(CheckFactValues, 1)
	if (isSale && r.Quantity <= 0) || (!isSale && r.Quantity >= 0) {
		v.rowFail(CheckFactValues, *f, row, key(), "quantity %d on a %s receipt", r.Quantity, rs.r.ReceiptType)
	}
	if (isSale && (r.Discount < 0 || r.Discount > r.ExtPrice)) || (!isSale && (r.Discount > 0 || r.Discount < r.ExtPrice)) {
		v.rowFail(CheckFactMoney, *f, row, key(), "discount %s is not between 0 and ext_price %s", money(r.Discount), money(r.ExtPrice))
	}

	if rs.lines == 0 || r.LineNumber < rs.minLine {
		rs.minLine = r.LineNumber
	}
	if rs.lines == 0 || r.LineNumber > rs.maxLine {
		rs.maxLine = r.LineNumber
	}
	rs.lines++
	rs.sumExt += r.ExtPrice
	rs.sumDisc += r.Discount
	rs.sumTax += r.Tax
	rs.sumQty += int64(r.Quantity)
	if r.PromoCode != "" {
		if rs.lineCode != "" && rs.lineCode != r.PromoCode {
			rs.mixedCodes = true
		}
		rs.lineCode = r.PromoCode
	}

	if okP {
		if s, ok := v.m.stores.get(rs.r.StoreID); ok {
			v.checkTax(f, row, key, r, s, p)
		}
	}
	if isSale {
		d.saleMoves[moveKey{receipt: id, product: r.ProductID}] += int64(r.Quantity)
		rs.sold = append(rs.sold, soldLine{product: r.ProductID, unit: r.UnitPrice, qty: r.Quantity})
		if okP {
			v.count(CheckFactPricing, 1)
			if r.UnitPrice != p.salePrice {
				v.rowFail(CheckFactPricing, *f, row, key(), "unit_price %s is not the product's sale_price %s", money(r.UnitPrice), money(p.salePrice))
			}
			v.count(CheckFactLaunch, 1)
			if day := dayOf(r.EventTS); day < p.launch {
				v.rowFail(CheckFactLaunch, *f, row, key(), "product %d sold on %s, before its launch_date %s", r.ProductID, day, p.launch)
			}
		}
		return
	}
	if rs.orig != nil {
		v.returnLine(f, row, key, r, rs.orig)
	}
}

// returnLine matches a return line with a line of the original sale.
func (v *validator) returnLine(f *fileRef, row int64, key func() string, r *rows.ReceiptLine, orig *sale) {
	want := -r.Quantity
	var match *soldLine
	for i := range orig.lines {
		l := &orig.lines[i]
		if l.product != r.ProductID {
			continue
		}
		if match == nil {
			match = l
		}
		if l.qty-l.returned >= want {
			match = l
			break
		}
	}
	v.count(CheckFactReturns, 1)
	if match == nil {
		v.rowFail(CheckFactReturns, *f, row, key(), "product %d is not on the original receipt", r.ProductID)
		return
	}
	v.count(CheckFactPricing, 1)
	if r.UnitPrice != match.unit {
		v.rowFail(CheckFactPricing, *f, row, key(), "unit_price %s differs from the original line's %s", money(r.UnitPrice), money(match.unit))
	}
	if match.qty-match.returned < want {
		v.rowFail(CheckFactReturns, *f, row, key(), "returns %d units of product %d, only %d sold and not yet returned", want, r.ProductID, match.qty-match.returned)
	}
	match.returned += want
}

// checkTax recomputes a line's tax: the store rate (half for REDUCED_RATE,
// none for NON_TAXABLE) on ext_price − discount, half up, allowing a cent for
// floating-point rates.
func (v *validator) checkTax(f *fileRef, row int64, key func() string, r *rows.ReceiptLine, s *store, p product) {
	base := r.ExtPrice - r.Discount
	x := math.Abs(float64(base)) * s.taxRate * p.taxFactor
	want := int64(math.Floor(x + 0.5))
	if base < 0 {
		want = -want
	}
	v.count(CheckFactTax, 1)
	diff := r.Tax - want
	if diff > 1 || diff < -1 || (p.taxFactor == 0 && r.Tax != 0) {
		v.rowFail(CheckFactTax, *f, row, key(), "tax %s, expected %s (rate %g × %g on %s)", money(r.Tax), money(want), s.taxRate, p.taxFactor, money(base))
	}
}

func (v *validator) payment(d *dayState, f *fileRef, r *rows.Payment, row int64) {
	key := func() string { return fmt.Sprintf("payment_id %d", r.PaymentID) }
	ev := eventKey{kind: evReceipt, a: r.ReceiptID}
	if r.ReceiptID == 0 {
		ev = eventKey{kind: evOrder, a: r.OrderID}
	}
	v.common(d, f, row, r.TraceID, r.EventTS, ev)
	v.count(CheckFactKeys, 1)
	if _, dup := d.payments[r.PaymentID]; dup {
		v.rowFail(CheckFactKeys, *f, row, key(), "duplicate payment_id")
	}
	d.payments[r.PaymentID] = struct{}{}
	if r.PaymentID/100_000_000_000 != yyyymmdd(d.day) {
		v.rowFail(CheckFactKeys, *f, row, key(), "payment_id does not start with the partition date %d", yyyymmdd(d.day))
	}

	v.count(CheckFactValues, 1)
	switch {
	case r.Status != "APPROVED" && r.Status != "DECLINED":
		v.rowFail(CheckFactValues, *f, row, key(), "status %q is not APPROVED or DECLINED", r.Status)
	case (r.Status == "DECLINED") != (r.DeclineReason != ""):
		v.rowFail(CheckFactValues, *f, row, key(), "status %s with decline_reason %q: only declined attempts have a reason", r.Status, r.DeclineReason)
	}
	if !isTender(r.PaymentMethod) {
		v.rowFail(CheckFactValues, *f, row, key(), "payment_method %q is not a known tender", r.PaymentMethod)
	}
	if (r.ReceiptID == 0) == (r.OrderID == 0) {
		v.rowFail(CheckFactValues, *f, row, key(), "a payment has exactly one of receipt_id and order_id")
	}
	if r.ProcessingMS < 0 {
		v.rowFail(CheckFactValues, *f, row, key(), "processing_ms %d is negative", r.ProcessingMS)
	}
	if r.ReceiptID == 0 {
		v.orderPayment(f, row, r)
		return
	}
	if !v.has("receipts") {
		return
	}
	v.count(CheckFactFK, 1)
	rs := d.receipts[r.ReceiptID]
	if rs == nil {
		v.rowFail(CheckFactFK, *f, row, key(), "receipt %d is not in the receipts of %s", r.ReceiptID, d.day)
		return
	}
	if r.TraceID != rs.r.TraceID {
		v.rowFail(CheckFactTrace, *f, row, key(), "trace_id %s differs from its receipt's %s", uuidString(r.TraceID), uuidString(rs.r.TraceID))
	}
	switch r.Status {
	case "APPROVED":
		rs.approved++
		rs.approvedAmount = r.Amount
		rs.approvedTS = r.EventTS
		rs.approvedMethod = r.PaymentMethod
	case "DECLINED":
		rs.declined++
		rs.lastDeclinedTS = max(rs.lastDeclinedTS, r.EventTS)
	}
}

func (v *validator) promotionApplied(d *dayState, f *fileRef, r *rows.PromotionApplied, row int64) {
	key := func() string { return fmt.Sprintf("receipt_id %d promo_code %s", r.ReceiptID, r.PromoCode) }
	v.common(d, f, row, r.TraceID, r.EventTS, eventKey{kind: evReceipt, a: r.ReceiptID})
	v.count(CheckFactKeys, 1)
	pk := promoKey{receipt: r.ReceiptID, code: r.PromoCode}
	if _, dup := d.promoKeys[pk]; dup {
		v.rowFail(CheckFactKeys, *f, row, key(), "duplicate (receipt_id, promo_code)")
		return
	}
	d.promoKeys[pk] = struct{}{}
	if v.has("promotions") {
		v.count(CheckFactFK, 1)
		typ, ok := v.m.promos[r.PromoCode]
		switch {
		case !ok:
			v.rowFail(CheckFactFK, *f, row, key(), "promo_code %q is not in the promotions catalog", r.PromoCode)
		case typ != r.DiscountType:
			v.count(CheckFactPromos, 1)
			v.rowFail(CheckFactPromos, *f, row, key(), "discount_type %s, the catalog says %s", r.DiscountType, typ)
		}
	}
	if !v.has("receipts") {
		return
	}
	v.count(CheckFactFK, 1)
	rs := d.receipts[r.ReceiptID]
	if rs == nil {
		v.rowFail(CheckFactFK, *f, row, key(), "receipt %d is not in the receipts of %s", r.ReceiptID, d.day)
		return
	}
	if r.TraceID != rs.r.TraceID {
		v.rowFail(CheckFactTrace, *f, row, key(), "trace_id %s differs from its receipt's %s", uuidString(r.TraceID), uuidString(rs.r.TraceID))
	}
	rs.codes++
	rs.promoDisc += r.Discount
	if rs.lineCode != "" && rs.lineCode != r.PromoCode {
		v.count(CheckFactPromos, 1)
		v.rowFail(CheckFactPromos, *f, row, key(), "the receipt's lines carry promo_code %s", rs.lineCode)
	}
}

// finishReceipts checks each receipt of the day against its lines, payments
// and promotions, feeds the funnel and the statistics, and puts sales into
// the return window.
func (v *validator) finishReceipts(d *dayState) {
	haveLines, havePay, havePromo := v.has("receipt_lines"), v.has("payments"), v.has("promotions_applied")
	ids := sortedKeys(d.receipts)
	var windowIDs []int64
	for _, id := range ids {
		rs := d.receipts[id]
		r, f, row := &rs.r, rs.f, rs.row
		fail := func(check, format string, args ...any) {
			v.rowFail(check, *f, row, receiptKey(id), format, args...)
		}
		isSale := r.ReceiptType == "SALE"
		if haveLines {
			v.count(CheckFactLines, 1)
			switch {
			case rs.lines == 0:
				fail(CheckFactLines, "the receipt has no lines")
			case rs.minLine != 1 || rs.maxLine != rs.lines:
				fail(CheckFactLines, "%d lines numbered %d..%d: line numbers are not 1..n", rs.lines, rs.minLine, rs.maxLine)
			}
			if rs.lines > 0 {
				v.count(CheckFactMoney, 1)
				if r.Subtotal != rs.sumExt || r.Discount != rs.sumDisc || r.Tax != rs.sumTax {
					fail(CheckFactMoney, "header subtotal %s, discount %s, tax %s; the lines sum to %s, %s, %s",
						money(r.Subtotal), money(r.Discount), money(r.Tax), money(rs.sumExt), money(rs.sumDisc), money(rs.sumTax))
				}
				if int64(r.ItemCount) != rs.sumQty {
					fail(CheckFactMoney, "item_count %d, the lines hold %d units", r.ItemCount, rs.sumQty)
				}
			}
		}
		if havePay {
			v.count(CheckFactPayments, 1)
			switch {
			case rs.approved != 1:
				fail(CheckFactPayments, "%s has %d APPROVED payments, want exactly 1", r.ReceiptType, rs.approved)
			case rs.approvedAmount != r.Total:
				fail(CheckFactPayments, "APPROVED payment %s differs from the total %s", money(rs.approvedAmount), money(r.Total))
			case rs.approvedMethod != r.TenderType:
				fail(CheckFactPayments, "APPROVED payment by %s, the receipt's tender is %s", rs.approvedMethod, r.TenderType)
			case rs.declined > 0 && rs.lastDeclinedTS > rs.approvedTS:
				fail(CheckFactPayments, "a DECLINED attempt at %s follows the APPROVED payment at %s", tsString(rs.lastDeclinedTS), tsString(rs.approvedTS))
			}
		}
		if havePromo && isSale {
			v.count(CheckFactPromos, 1)
			switch {
			case rs.codes > 1:
				fail(CheckFactPromos, "%d promotion codes on one receipt, at most 1 allowed", rs.codes)
			case rs.codes == 1 && rs.promoDisc != r.Discount:
				fail(CheckFactPromos, "promotions_applied discount %s differs from the receipt discount %s", money(rs.promoDisc), money(r.Discount))
			case rs.codes == 0 && (r.Discount != 0 || rs.lineCode != ""):
				fail(CheckFactPromos, "discount %s (lines coded %q) without a row in promotions_applied", money(r.Discount), rs.lineCode)
			case rs.mixedCodes:
				fail(CheckFactPromos, "the lines carry more than one promo_code")
			}
		}
		if !isSale {
			continue
		}
		d.hour(r.StoreID, r.EventTS).sales++
		v.f.stats.sale(r, rs.codes > 0 || (!havePromo && rs.lineCode != ""))
		v.f.window[id] = &sale{day: d.day, ts: r.EventTS, lines: slices.Clip(rs.sold)}
		windowIDs = append(windowIDs, id)
	}
	if len(windowIDs) > 0 {
		v.f.windowDays = append(v.f.windowDays, windowDay{day: d.day, ids: windowIDs})
	}
}

// finishSaleMoves compares the units of the day's sale lines with the SALE
// inventory movements of the same receipt and product.
func (v *validator) finishSaleMoves(d *dayState) {
	if !v.has("store_inventory_txn") || !v.has("receipt_lines") || !v.has("receipts") {
		return
	}
	keys := make([]moveKey, 0, len(d.saleMoves))
	for k := range d.saleMoves {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b moveKey) int {
		if a.receipt != b.receipt {
			return cmp.Compare(a.receipt, b.receipt)
		}
		return cmp.Compare(a.product, b.product)
	})
	for _, k := range keys {
		v.count(CheckFactSaleMoves, 1)
		if net := d.saleMoves[k]; net != 0 {
			v.fail(CheckFactSaleMoves, Violation{Table: "store_inventory_txn", Key: fmt.Sprintf("receipt_id %d product_id %d", k.receipt, k.product),
				Detail: fmt.Sprintf("sale lines and SALE movements differ by %d units on %s", net, d.day)})
		}
	}
}
