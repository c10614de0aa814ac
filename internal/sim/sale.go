package sim

import (
	"fmt"
	"slices"

	"github.com/retail-datagen/retail-datagen/internal/calendar"
	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/master"
	"github.com/retail-datagen/retail-datagen/internal/rng"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// Tenders, in the order of the configured mix.
const (
	tenderCredit uint8 = iota
	tenderDebit
	tenderCash
	tenderMobile
	tenderGift
)

func tenderName(t uint8) string {
	return [...]string{"CREDIT_CARD", "DEBIT_CARD", "CASH", "MOBILE_PAY", "GIFT_CARD"}[t]
}

// tenderCum is the default tender mix: credit 40 %, debit 30 %, cash 20 %,
// mobile 10 %.
func tenderCum() [4]float64 { return [4]float64{0.40, 0.70, 0.90, 1.0} }

func declineReason(i int) string {
	return [...]string{"INSUFFICIENT_FUNDS", "CARD_EXPIRED", "SUSPECTED_FRAUD", "INCORRECT_PIN", "ISSUER_UNAVAILABLE"}[i]
}

const (
	cardDeclineRate = 0.02
	maxDeclines     = 2
)

// promoUse is the chance a receipt uses a code, by segment ("" anonymous).
func promoUse(segment string) float64 {
	switch segment {
	case master.SegmentBudget:
		return 0.30
	case master.SegmentConvenience, master.SegmentQuality:
		return 0.08
	case master.SegmentBrandLoyal:
		return 0.12
	}
	return 0.10
}

// roundDiv divides a non-negative numerator by d, rounding half up.
func roundDiv(num, d int64) int64 { return (num + d/2) / d }

// lineTax is the tax on a line's net amount at the store's rate: half the
// rate for REDUCED_RATE, none for NON_TAXABLE, rounded half up to the cent.
func lineTax(net, rateMicros int64, class uint8) int64 {
	switch class {
	case taxNone:
		return 0
	case taxReduced:
		return roundDiv(net*rateMicros, 2_000_000)
	}
	return roundDiv(net*rateMicros, 1_000_000)
}

// lose records units a shopper could not buy.
func (r *Runner) lose(product int32, sec int32, units int32) {
	if k := r.epIndex[product]; k > 0 {
		r.episodes[k-1].lost += units
		return
	}
	r.episodes = append(r.episodes, episode{product: product, start: sec, lost: units, restock: -1})
	r.epIndex[product] = int32(len(r.episodes))
}

func (r *Runner) inBasket(p int32) bool {
	for i := range r.basket {
		if r.basket[i].product == p {
			return true
		}
	}
	return false
}

func (r *Runner) processSale(si int, ss *StoreState, day civil.Date, vi int, seq *storeSeq) error {
	m := r.m
	s := &m.stores[si]
	v := &r.visitors[vi]
	m.src.Key("checkout").With(s.id).With(int64(day)).With(int64(v.arrive)).With(int64(vi)).Reseed(&r.visPCG)
	vr := r.vr

	// Take what is on the shelf; what is missing is lost, and the shopper
	// tries up to two other products instead.
	r.basket = r.basket[:0]
	for _, it := range r.lines[v.lineLo:v.lineHi] {
		avail := max(ss.OnHand[it.product], 0)
		sell := min(it.qty, avail)
		if sell > 0 && !r.inBasket(it.product) {
			r.basket = append(r.basket, saleLine{product: it.product, qty: sell})
			ss.OnHand[it.product] -= sell
		} else {
			sell = 0
		}
		lost := it.qty - sell
		if lost == 0 {
			continue
		}
		r.lose(it.product, v.pay, lost)
		for range 2 {
			p := r.drawProduct(v.mission)
			if p != it.product && !r.inBasket(p) && ss.OnHand[p] >= lost {
				r.basket = append(r.basket, saleLine{product: p, qty: lost})
				ss.OnHand[p] -= lost
				break
			}
		}
	}
	if len(r.basket) == 0 {
		return nil // nothing to buy: the shopper leaves
	}
	seq.sale++
	if seq.sale >= returnSeqBase {
		return fmt.Errorf("store %d on %s: more than %d receipts in a day; lower volume.customers_per_day", s.id, day, returnSeqBase-1)
	}
	receiptID := composeID(day, s.id, seq.sale)
	trace := m.tk.trace(traceReceipt, placeDay(s.id, day), uint64(seq.sale))
	ts := day.Micros(int(v.pay))

	var custID int64
	seg := ""
	if v.cust >= 0 {
		c := &m.data.Customers[v.cust]
		custID, seg = c.CustomerID, c.Segment
	}
	var units int32
	for i := range r.basket {
		l := &r.basket[i]
		l.unit = m.products[l.product].price
		l.ext = l.unit * int64(l.qty)
		units += l.qty
	}
	promo, promoUnits := r.applyPromo(day, seg)
	var sub, disc, tax int64
	for i := range r.basket {
		l := &r.basket[i]
		l.tax = lineTax(l.ext-l.discount, s.rateMicros, m.products[l.product].tax)
		sub += l.ext
		disc += l.discount
		tax += l.tax
	}
	total := sub - disc + tax
	tender := uint8(rng.Weighted(vr, func() []float64 { c := tenderCum(); return c[:] }()))

	r.e.receipts.add(&rows.Receipt{
		TraceID: trace, EventTS: ts, StoreID: s.id, CustomerID: custID, ReceiptID: receiptID,
		ReceiptType: "SALE", Subtotal: sub, Discount: disc, Tax: tax, Total: total,
		TenderType: tenderName(tender), ItemCount: units, CampaignID: v.campaign,
	})
	for i := range r.basket {
		l := &r.basket[i]
		r.e.lines.add(&rows.ReceiptLine{
			TraceID: trace, EventTS: ts, ReceiptID: receiptID, LineNumber: int32(i + 1),
			ProductID: m.products[l.product].id, Quantity: l.qty, UnitPrice: l.unit, ExtPrice: l.ext,
			Discount: l.discount, Tax: l.tax, PromoCode: l.promo,
		})
	}
	if promo != nil {
		r.e.promos.add(&rows.PromotionApplied{
			TraceID: trace, EventTS: ts, ReceiptID: receiptID, PromoCode: promo.PromoCode,
			DiscountType: promo.DiscountType, Discount: disc, ProductCount: promoUnits,
		})
	}
	r.payments(s, day, receiptID, trace, tender, total, v.pay, v.arrive, seq)
	for i := range r.basket {
		l := &r.basket[i]
		r.e.storeInv.add(&rows.StoreInventoryTxn{
			TraceID: trace, EventTS: ts, StoreID: s.id, ProductID: m.products[l.product].id,
			QtyDelta: -l.qty, BalanceAfter: ss.OnHand[l.product], Reason: "SALE",
			SourceType: "RECEIPT", SourceID: receiptID,
		})
	}
	r.maybeReturn(si, ss, day, receiptID, custID, tender)
	return nil
}

// balance after the sale of line i: the stock now, plus what later lines
// of the same receipt took of the same product (none: products are unique
// per receipt).

// applyPromo picks at most one applicable code and discounts the basket.
func (r *Runner) applyPromo(day civil.Date, segment string) (*rows.Promotion, int32) {
	vr := r.vr
	if vr.Float64() >= promoUse(segment) {
		return nil, 0
	}
	_, month, _ := day.Civil()
	var cands [32]int
	n := 0
	for i := range r.m.promos {
		p := &r.m.promos[i]
		if p.months&(1<<month) == 0 || n == len(cands) {
			continue
		}
		var elig int64
		bogo := false
		for _, l := range r.basket {
			if p.depts&(1<<r.m.productDept[l.product]) != 0 {
				elig += l.ext
				if l.qty >= 2 {
					bogo = true
				}
			}
		}
		if elig == 0 || elig < p.row.MinPurchase || (p.row.DiscountType == master.DiscountBOGO && !bogo) {
			continue
		}
		cands[n] = i
		n++
	}
	if n == 0 {
		return nil, 0
	}
	p := &r.m.promos[cands[vr.IntN(n)]]
	row := p.row
	eligible := func(l *saleLine) bool { return p.depts&(1<<r.m.productDept[l.product]) != 0 }
	var units int32
	switch row.DiscountType {
	case master.DiscountPercentage:
		for i := range r.basket {
			if l := &r.basket[i]; eligible(l) {
				l.discount = roundDiv(l.ext*row.DiscountValue, 10_000)
				units += l.qty
			}
		}
	case master.DiscountBOGO:
		for i := range r.basket {
			if l := &r.basket[i]; eligible(l) && l.qty >= 2 {
				free := int64(l.qty / 2)
				l.discount = roundDiv(free*l.unit*row.DiscountValue, 10_000)
				units += int32(free)
			}
		}
	case master.DiscountFixed:
		var elig int64
		for i := range r.basket {
			if l := &r.basket[i]; eligible(l) {
				elig += l.ext
			}
		}
		amount := min(row.DiscountValue, elig)
		left := amount
		for i := range r.basket {
			if l := &r.basket[i]; eligible(l) {
				l.discount = amount * l.ext / elig
				left -= l.discount
				units += l.qty
			}
		}
		// Hand out the cents lost to rounding, one per line, in line order.
		for i := 0; left > 0; i = (i + 1) % len(r.basket) {
			if l := &r.basket[i]; eligible(l) && l.discount < l.ext {
				l.discount++
				left--
			}
		}
	}
	var total int64
	for i := range r.basket {
		if r.basket[i].discount > 0 {
			r.basket[i].promo = row.PromoCode
			total += r.basket[i].discount
		}
	}
	if total == 0 {
		return nil, 0
	}
	return row, units
}

// payments records the declined card attempts, if any, and the approved
// payment of a sale, or the refund of a return.
func (r *Runner) payments(s *storeInfo, day civil.Date, receiptID int64, trace [16]byte, tender uint8, total int64, paySec, earliest int32, seq *storeSeq) {
	vr := r.vr
	method := tenderName(tender)
	procMS := func() int32 {
		switch tender {
		case tenderCredit, tenderDebit:
			return int32(rng.IntBetween(vr, 350, 2400))
		case tenderMobile:
			return int32(rng.IntBetween(vr, 250, 1400))
		case tenderGift:
			return int32(rng.IntBetween(vr, 200, 900))
		}
		return 0
	}
	if total > 0 && (tender == tenderCredit || tender == tenderDebit) {
		sec := paySec
		for k := 0; k < maxDeclines && vr.Float64() < cardDeclineRate; k++ {
			sec = max(earliest, sec-int32(rng.IntBetween(vr, 15, 45)))
			seq.pay++
			r.pays = append(r.pays, rows.Payment{
				TraceID: trace, EventTS: day.Micros(int(sec)), PaymentID: composeID(day, s.id, seq.pay),
				ReceiptID: receiptID, PaymentMethod: method, Amount: total, Status: "DECLINED",
				DeclineReason: declineReason(vr.IntN(5)), ProcessingMS: procMS(),
			})
		}
	}
	seq.pay++
	r.pays = append(r.pays, rows.Payment{
		TraceID: trace, EventTS: day.Micros(int(paySec)), PaymentID: composeID(day, s.id, seq.pay),
		ReceiptID: receiptID, PaymentMethod: method, Amount: total, Status: "APPROVED",
		ProcessingMS: procMS(),
	})
}

// Return rates: the share of sales returned later, higher for holiday
// season sales, which mostly come back after Christmas.
const (
	returnRate        = 0.018
	holidayReturnRate = 0.04
	maxReturnDays     = 30
)

// maybeReturn decides whether the sale in r.basket will be returned, and
// schedules the return.
func (r *Runner) maybeReturn(si int, ss *StoreState, day civil.Date, receiptID, custID int64, tender uint8) {
	vr := r.vr
	s := &r.m.stores[si]
	y, _, _ := day.Civil()
	holiday := day >= civil.DaysFromCivil(y, 11, 20) && day <= civil.DaysFromCivil(y, 12, 24)
	rate := returnRate
	if holiday {
		rate = holidayReturnRate
	}
	if vr.Float64() >= rate {
		return
	}
	back := day + civil.Date(rng.IntBetween(vr, 1, maxReturnDays))
	if holiday {
		back = max(day+1, civil.DaysFromCivil(y, 12, 26)+civil.Date(vr.IntN(10)))
		back = min(back, day+maxReturnDays)
	}
	if calendar.Closed(back) {
		if back+1 <= day+maxReturnDays {
			back++
		} else {
			back--
		}
	}
	// A time the store is open: an open hour weighted like traffic, then a
	// second inside it.
	shares := calendar.HourShares(back, s.open)
	x := vr.Float64()
	h := 0
	for h = range 24 {
		if x < shares[h] && s.open[h] {
			break
		}
		x -= shares[h]
	}
	for !s.open[h] {
		h = (h + 1) % 24
	}
	lo, hi := hourWindow(s, h)
	pr := PendingReturn{
		Day: back, Second: lo + int32(vr.IntN(int(hi-lo))),
		ReceiptID: receiptID, CustomerID: custID, Tender: tender,
	}
	for _, l := range r.basket {
		if vr.Float64() < 0.7 {
			pr.Lines = append(pr.Lines, r.returnLine(l))
		}
	}
	if len(pr.Lines) == 0 {
		pr.Lines = append(pr.Lines, r.returnLine(r.basket[vr.IntN(len(r.basket))]))
	}
	i, _ := slices.BinarySearchFunc(ss.Returns, pr, func(a, b PendingReturn) int {
		if a.Day != b.Day {
			return int(a.Day - b.Day)
		}
		if a.Second != b.Second {
			return int(a.Second - b.Second)
		}
		return int(a.ReceiptID - b.ReceiptID)
	})
	ss.Returns = slices.Insert(ss.Returns, i, pr)
}

func (r *Runner) returnLine(l saleLine) ReturnLine {
	return ReturnLine{Product: l.product, Quantity: l.qty, Unit: l.unit, Ext: l.ext, Discount: l.discount, Tax: l.tax, Promo: l.promo}
}

// processReturn writes a RETURN receipt that refunds exactly what was paid
// for the returned lines; the units go back on the shelf, except food,
// which is written off.
func (r *Runner) processReturn(si int, ss *StoreState, day civil.Date, pr *PendingReturn, seq *storeSeq) error {
	m := r.m
	s := &m.stores[si]
	seq.ret++
	if returnSeqBase+seq.ret > MaxSequence {
		return fmt.Errorf("store %d on %s: too many returns in a day", s.id, day)
	}
	m.src.Key("return").With(s.id).With(int64(day)).With(pr.ReceiptID).Reseed(&r.visPCG)
	receiptID := composeID(day, s.id, returnSeqBase+seq.ret)
	trace := m.tk.trace(traceReceipt, placeDay(s.id, day), uint64(returnSeqBase+seq.ret))
	ts := day.Micros(int(pr.Second))
	var sub, disc, tax int64
	var units int32
	for _, l := range pr.Lines {
		sub -= l.Ext
		disc -= l.Discount
		tax -= l.Tax
		units -= l.Quantity
	}
	total := sub - disc + tax
	r.e.receipts.add(&rows.Receipt{
		TraceID: trace, EventTS: ts, StoreID: s.id, CustomerID: pr.CustomerID, ReceiptID: receiptID,
		ReceiptType: "RETURN", OriginalReceiptID: pr.ReceiptID, Subtotal: sub, Discount: disc, Tax: tax,
		Total: total, TenderType: tenderName(pr.Tender), ItemCount: units,
	})
	for i, l := range pr.Lines {
		r.e.lines.add(&rows.ReceiptLine{
			TraceID: trace, EventTS: ts, ReceiptID: receiptID, LineNumber: int32(i + 1),
			ProductID: m.products[l.Product].id, Quantity: -l.Quantity, UnitPrice: l.Unit,
			ExtPrice: -l.Ext, Discount: -l.Discount, Tax: -l.Tax, PromoCode: l.Promo,
		})
	}
	r.payments(s, day, receiptID, trace, pr.Tender, total, pr.Second, pr.Second, seq)
	for _, l := range pr.Lines {
		ss.OnHand[l.Product] += l.Quantity
		r.e.storeInv.add(&rows.StoreInventoryTxn{
			TraceID: trace, EventTS: ts, StoreID: s.id, ProductID: m.products[l.Product].id,
			QtyDelta: l.Quantity, BalanceAfter: ss.OnHand[l.Product], Reason: "RETURN",
			SourceType: "RECEIPT", SourceID: receiptID,
		})
		if m.products[l.Product].perishable {
			ss.OnHand[l.Product] -= l.Quantity
			r.e.storeInv.add(&rows.StoreInventoryTxn{
				TraceID: trace, EventTS: ts, StoreID: s.id, ProductID: m.products[l.Product].id,
				QtyDelta: -l.Quantity, BalanceAfter: ss.OnHand[l.Product], Reason: "DAMAGED",
				SourceType: "RECEIPT", SourceID: receiptID,
			})
		}
	}
	return nil
}

// endOfDay records the day's cycle-count adjustments and damaged goods at
// closing, and the day's out-of-stock episodes.
func (r *Runner) endOfDay(si int, ss *StoreState, day civil.Date) {
	m := r.m
	s := &m.stores[si]
	m.src.Key("cycle-count").With(s.id).With(int64(day)).Reseed(&r.hourPCG)
	hr := r.hr
	sec := int32(s.closeSec) - 1
	ts := day.Micros(int(sec))
	pd := placeDay(s.id, day)
	k := uint64(0)
	move := func(p int32, delta int32, reason string) {
		ss.OnHand[p] += delta
		k++
		r.e.storeInv.add(&rows.StoreInventoryTxn{
			TraceID: m.tk.trace(traceCount, pd, k), EventTS: ts, StoreID: s.id, ProductID: m.products[p].id,
			QtyDelta: delta, BalanceAfter: ss.OnHand[p], Reason: reason, SourceType: "CYCLE_COUNT",
		})
	}
	for range rng.Poisson(hr, 2) {
		p := r.pick[hr.IntN(len(r.pick))]
		q := ss.OnHand[p]
		if q > 0 && hr.Float64() < 0.7 {
			move(p, -int32(rng.IntBetween(hr, 1, int(min(3, q)))), "ADJUSTMENT")
		} else {
			move(p, int32(rng.IntBetween(hr, 1, 2)), "ADJUSTMENT")
		}
	}
	for range rng.Poisson(hr, 1) {
		p := r.pick[hr.IntN(len(r.pick))]
		if ss.OnHand[p] > 0 {
			move(p, -1, "DAMAGED")
		}
	}
	if !r.e.stockouts.on() {
		return
	}
	slices.SortFunc(r.episodes, func(a, b episode) int {
		if a.start != b.start {
			return int(a.start - b.start)
		}
		return int(a.product - b.product)
	})
	for k, ep := range r.episodes {
		var restocked int64
		if ep.restock >= 0 {
			restocked = day.Micros(int(ep.restock))
		}
		r.e.stockouts.add(&rows.Stockout{
			TraceID: m.tk.trace(traceStockout, pd, uint64(ep.product)<<16|uint64(k+1)), EventTS: day.Micros(int(ep.start)),
			StoreID: s.id, ProductID: m.products[ep.product].id, LostUnits: ep.lost, RestockedTS: restocked,
		})
	}
}
