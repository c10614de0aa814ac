package validate

import (
	"fmt"
	"github.com/retail-datagen/retail-datagen/internal/calendar"
	"math"
	"strings"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/rows"
)

// statsAcc accumulates the statistics of SPEC §6.10 over all days.
type statsAcc struct {
	sales, promo, units  int64
	tender               map[string]int64
	storeSales           map[int64]int64
	bleDevices, bleKnown int64
	impressions          int64
	knownImpressions     int64
	// Daily sale receipts by kind of day.
	ordinarySum, ordinaryDays int64
	bfSum, bfDays             int64
	xmasSum, xmasDays         int64
}

func (s *statsAcc) init() {
	s.tender = map[string]int64{}
	s.storeSales = map[int64]int64{}
}

func (s *statsAcc) sale(r *rows.Receipt, promo bool) {
	s.sales++
	if promo {
		s.promo++
	}
	s.units += int64(r.ItemCount)
	s.tender[r.TenderType]++
	s.storeSales[r.StoreID]++
}

// dayStats adds the day's totals: devices per store-day and the day's sale
// receipts by kind of day.
func (v *validator) dayStats(d *dayState) {
	st := &v.f.stats
	for _, devs := range d.devices {
		st.bleDevices += int64(len(devs))
		for _, known := range devs {
			if known {
				st.bleKnown++
			}
		}
	}
	if !v.has("receipts") {
		return
	}
	var sales int64
	for _, rs := range d.receipts {
		if rs.r.ReceiptType == "SALE" {
			sales++
		}
	}
	bf, xmas, ordinary := dayKind(d.day)
	switch {
	case bf:
		st.bfSum += sales
		st.bfDays++
	case xmas:
		st.xmasSum += sales
		st.xmasDays++
	case ordinary:
		st.ordinarySum += sales
		st.ordinaryDays++
	}
}

// dayKind tells Black Friday, the week before Christmas (December 18-24),
// and ordinary days: not a holiday, nor in the Thanksgiving weekend or the
// last two weeks of December.
func dayKind(d civil.Date) (blackFriday, christmasWeek, ordinary bool) {
	y, m, day := d.Civil()
	tg := calendar.Thanksgiving(y)
	switch {
	case d == calendar.BlackFriday(y):
		return true, false, false
	case m == 12 && day >= 18 && day <= 24:
		return false, true, false
	case d >= tg && d <= tg+4, m == 12 && day >= 18, m == 1 && day == 1, m == 2 && day == 14,
		m == 7 && day == 4, m == 10 && day == 31, d == calendar.Easter(y), d == calendar.MemorialDay(y),
		d == calendar.LaborDay(y):
		return false, false, false
	}
	return false, false, true
}

// stat records a measured statistic. With Options.Statistics it passes or
// fails against its band, otherwise it is information only.
func (v *validator) stat(name string, measured float64, inBand bool, band, note string) {
	c := v.check(name)
	if c.skipped {
		return
	}
	c.res.Measured = &measured
	c.res.Band = band
	c.res.Note = note
	c.res.Checked = 1
	switch {
	case !v.opts.Statistics:
		c.res.Status = Info
	case inBand:
		c.res.Status = Pass
	default:
		c.res.Status = Fail
		c.add(Violation{Detail: fmt.Sprintf("measured %s, outside the band %s", formatMeasure(measured), band)})
	}
}

// noStat leaves a statistic unmeasured with the reason.
func (v *validator) noStat(name, why string) { v.check(name).res.Note = why }

func (v *validator) finishStats() {
	st := &v.f.stats
	if !v.has("receipts") {
		for _, n := range []string{CheckStatPromo, CheckStatTender, CheckStatStoreCV, CheckStatItems, CheckStatCustomers, CheckStatHolidays} {
			v.noStat(n, "no receipts in this folder")
		}
	} else if st.sales == 0 {
		for _, n := range []string{CheckStatPromo, CheckStatTender, CheckStatStoreCV, CheckStatItems, CheckStatCustomers, CheckStatHolidays} {
			v.noStat(n, "no sale receipts")
		}
	} else {
		sales := float64(st.sales)
		if v.has("promotions_applied") || v.has("receipt_lines") {
			share := float64(st.promo) / sales
			v.stat(CheckStatPromo, share, share >= 0.10 && share <= 0.20, "0.10-0.20",
				fmt.Sprintf("%d of %d sale receipts", st.promo, st.sales))
		}
		v.tenderStat(sales)
		v.storeStats()
		mean := float64(st.units) / sales
		if t := v.opts.ItemsPerTicketMean; t > 0 {
			v.stat(CheckStatItems, mean, math.Abs(mean-t) <= 0.1*t, fmt.Sprintf("%s ± 10%%", formatMeasure(t)), "")
		} else {
			v.stat(CheckStatItems, mean, true, "not configured", "give the configured items_per_ticket_mean to check it")
			v.check(CheckStatItems).res.Status = Info
		}
		v.holidayStat()
	}
	if !v.has("marketing_impressions") {
		v.noStat(CheckStatCRM, "no marketing_impressions in this folder")
	} else if st.impressions > 0 {
		share := float64(st.knownImpressions) / float64(st.impressions)
		v.stat(CheckStatCRM, share, share >= 0.03 && share <= 0.08, "0.03-0.08", fmt.Sprintf("%d of %d impressions", st.knownImpressions, st.impressions))
	}
	if !v.has("ble_pings") {
		v.noStat(CheckStatBLEKnown, "no ble_pings in this folder")
	} else if st.bleDevices > 0 {
		share := float64(st.bleKnown) / float64(st.bleDevices)
		v.stat(CheckStatBLEKnown, share, share >= 0.20 && share <= 0.40, "0.20-0.40",
			fmt.Sprintf("%d of %d devices per store-day", st.bleKnown, st.bleDevices))
	}
}

func (v *validator) tenderStat(sales float64) {
	st := &v.f.stats
	targets := []struct {
		tender string
		share  float64
	}{{"CREDIT_CARD", 0.40}, {"DEBIT_CARD", 0.30}, {"CASH", 0.20}, {"MOBILE_PAY", 0.10}}
	worst := 0.0
	var parts []string
	for _, t := range targets {
		share := float64(st.tender[t.tender]) / sales
		worst = max(worst, math.Abs(share-t.share)*100)
		parts = append(parts, fmt.Sprintf("%s %.1f%%", t.tender, share*100))
	}
	parts = append(parts, fmt.Sprintf("GIFT_CARD %.1f%%", float64(st.tender["GIFT_CARD"])/sales*100))
	v.stat(CheckStatTender, worst, worst <= 5, "<= 5 points", strings.Join(parts, ", "))
}

// storeStats measures the spread of daily volume across stores and the
// daily receipts of medium stores, over each store's open days.
func (v *validator) storeStats() {
	st := &v.f.stats
	type vol struct {
		daily  float64
		medium bool
	}
	var vols []vol
	if v.has("stores") {
		for _, s := range v.m.storeList {
			open := 0
			for _, d := range v.days {
				if !s.closedOn(d) {
					open++
				}
			}
			if open > 0 {
				vols = append(vols, vol{daily: float64(st.storeSales[s.id]) / float64(open), medium: s.class == "medium_volume"})
			}
		}
	} else {
		for _, id := range sortedKeys(st.storeSales) {
			vols = append(vols, vol{daily: float64(st.storeSales[id]) / float64(len(v.days))})
		}
	}
	if len(vols) < 2 {
		v.noStat(CheckStatStoreCV, "fewer than two stores")
	} else {
		var sum, sq float64
		for _, x := range vols {
			sum += x.daily
		}
		mean := sum / float64(len(vols))
		for _, x := range vols {
			sq += (x.daily - mean) * (x.daily - mean)
		}
		cv := 0.0
		if mean > 0 {
			cv = math.Sqrt(sq/float64(len(vols))) / mean
		}
		v.stat(CheckStatStoreCV, cv, cv > 0.6, "> 0.6", fmt.Sprintf("%d stores, mean %.1f sale receipts a day", len(vols), mean))
	}
	var medSum float64
	medN := 0
	for _, x := range vols {
		if x.medium {
			medSum += x.daily
			medN++
		}
	}
	switch {
	case medN == 0:
		v.noStat(CheckStatCustomers, "no medium_volume store")
	case v.opts.CustomersPerDay <= 0:
		v.stat(CheckStatCustomers, medSum/float64(medN), true, "not configured", "give the configured customers_per_day to check it")
		v.check(CheckStatCustomers).res.Status = Info
	default:
		// customers_per_day is a yearly mean: over a shorter range the
		// target follows the calendar (seasons, weekdays, holidays) of the
		// range's open days.
		m, t := medSum/float64(medN), v.opts.CustomersPerDay*v.calendarFactor()
		v.stat(CheckStatCustomers, m, math.Abs(m-t) <= 0.1*t, fmt.Sprintf("%s ± 10%%", formatMeasure(t)),
			fmt.Sprintf("%d medium stores; target %s × %.3f, the mean calendar factor of the range", medN, formatMeasure(v.opts.CustomersPerDay), v.calendarFactor()))
	}
}

func (v *validator) holidayStat() {
	st := &v.f.stats
	if st.ordinaryDays == 0 || (st.bfDays == 0 && st.xmasDays == 0) {
		v.noStat(CheckStatHolidays, "Black Friday and December 18-24 are not in the range, or no ordinary day is")
		return
	}
	ordinary := float64(st.ordinarySum) / float64(st.ordinaryDays)
	if ordinary == 0 {
		v.noStat(CheckStatHolidays, "no sales on ordinary days")
		return
	}
	lowest := math.Inf(1)
	var parts []string
	if st.bfDays > 0 {
		r := float64(st.bfSum) / float64(st.bfDays) / ordinary
		lowest = min(lowest, r)
		parts = append(parts, fmt.Sprintf("Black Friday %.2f×", r))
	}
	if st.xmasDays > 0 {
		r := float64(st.xmasSum) / float64(st.xmasDays) / ordinary
		lowest = min(lowest, r)
		parts = append(parts, fmt.Sprintf("December 18-24 %.2f×", r))
	}
	parts = append(parts, fmt.Sprintf("an ordinary day (%d days) has %.1f sale receipts", st.ordinaryDays, ordinary))
	v.stat(CheckStatHolidays, lowest, lowest > 1.5, "> 1.5", strings.Join(parts, ", "))
}

// calendarFactor is the mean traffic factor of the range's open days (1
// over whole years).
func (v *validator) calendarFactor() float64 {
	if len(v.days) == 0 {
		return 1
	}
	cal := calendar.New(v.days[0], v.days[len(v.days)-1])
	sum, n := 0.0, 0
	for _, d := range v.days {
		if !calendar.Closed(d) {
			sum += cal.DayFactor(d)
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return sum / float64(n)
}
