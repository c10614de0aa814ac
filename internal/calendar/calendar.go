package calendar

import (
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// Event is a holiday or retail season window. Traffic multiplies store
// traffic on the days of the window; Tag names the product tag whose
// products sell more (TagBoost) during it.
type Event struct {
	Name       string
	Tag        string
	Start, End civil.Date // inclusive
	Traffic    float64
	TagBoost   float64
}

// Events returns the events of year y, computed by rule, in date order of
// their start. Windows may overlap; their traffic multipliers then multiply.
func Events(y int) []Event {
	d := civil.DaysFromCivil
	tg := Thanksgiving(y)
	bf := BlackFriday(y)
	easter := Easter(y)
	mem := MemorialDay(y)
	labor := LaborDay(y)
	return []Event{
		{"New Year's Day", "new_year", d(y, 1, 1), d(y, 1, 1), 0.7, 2.5},
		{"New Year resolutions", "new_year", d(y, 1, 2), d(y, 1, 10), 1.0, 2.0},
		{"Valentine's Day", "valentines", d(y, 2, 7), d(y, 2, 14), 1.08, 5},
		{"Easter", "easter", easter - 7, easter - 1, 1.1, 4},
		{"Easter Sunday", "easter", easter, easter, 0.75, 1},
		{"Mother's Day", "mothers_day", MothersDay(y) - 7, MothersDay(y) - 1, 1.1, 4},
		{"Memorial Day weekend", "memorial_day", mem - 2, mem, 1.2, 3},
		{"Father's Day", "fathers_day", FathersDay(y) - 7, FathersDay(y) - 1, 1.08, 4},
		{"Independence Day", "july4", d(y, 6, 28), d(y, 7, 3), 1.15, 4},
		{"July 4th", "july4", d(y, 7, 4), d(y, 7, 4), 0.8, 3},
		{"Back to school", "back_to_school", d(y, 7, 20), d(y, 8, 31), 1.1, 3},
		{"Labor Day weekend", "labor_day", labor - 2, labor, 1.2, 3},
		{"Halloween", "halloween", d(y, 10, 10), d(y, 10, 31), 1.05, 5},
		{"Thanksgiving week", "thanksgiving", tg - 6, tg - 1, 1.2, 4},
		{"Thanksgiving Day", "thanksgiving", tg, tg, 0.5, 1},
		{"Black Friday", "black_friday", bf, bf, 3.5, 4},
		{"Black Friday weekend", "black_friday", bf + 1, bf + 2, 1.8, 2.5},
		{"Cyber Monday", "black_friday", bf + 3, bf + 3, 1.3, 2},
		{"Christmas shopping", "christmas", bf + 4, d(y, 12, 17), 1.3, 3},
		{"Christmas week", "christmas", d(y, 12, 18), d(y, 12, 24), 2.0, 5},
		{"Boxing Day", "christmas", d(y, 12, 26), d(y, 12, 26), 1.8, 1.5},
		{"Year-end sales", "new_year", d(y, 12, 27), d(y, 12, 31), 1.2, 2},
	}
}

// Closed reports the days every store is closed: Christmas Day.
func Closed(day civil.Date) bool {
	_, m, dd := day.Civil()
	return m == 12 && dd == 25
}

// Season names the meteorological season (northern hemisphere), which is
// also the product tag of seasonal goods: winter, spring, summer, autumn.
func Season(day civil.Date) string {
	_, m, _ := day.Civil()
	switch m {
	case 12, 1, 2:
		return "winter"
	case 3, 4, 5:
		return "spring"
	case 6, 7, 8:
		return "summer"
	}
	return "autumn"
}

// monthLevel is the seasonal level of the middle of each month: a winter
// holiday peak, a January trough, a summer dip and an autumn rise.
func monthLevel() [12]float64 {
	return [12]float64{0.84, 0.87, 0.95, 0.98, 1.01, 0.98, 0.93, 0.96, 0.97, 1.01, 1.08, 1.16}
}

// seasonLevel interpolates monthLevel linearly between month middles.
func seasonLevel(day civil.Date) float64 {
	y, m, dd := day.Civil()
	mid := func(y, m int) civil.Date {
		for m < 1 {
			m += 12
			y--
		}
		for m > 12 {
			m -= 12
			y++
		}
		return civil.DaysFromCivil(y, m, 15)
	}
	levels := monthLevel()
	level := func(m int) float64 { return levels[(m+11)%12] }
	a, b := m, m+1
	if dd < 15 {
		a, b = m-1, m
	}
	da, db := mid(y, a), mid(y, b)
	t := float64(day-da) / float64(db-da)
	return level(a)*(1-t) + level(b)*t
}

// weekdayLevel: Saturday highest, Monday lowest.
func weekdayLevel(wd time.Weekday) float64 {
	return [7]float64{
		time.Sunday: 1.05, time.Monday: 0.80, time.Tuesday: 0.85, time.Wednesday: 0.90,
		time.Thursday: 0.95, time.Friday: 1.15, time.Saturday: 1.30,
	}[wd]
}

// rawFactor is a day's unnormalized traffic level.
func rawFactor(day civil.Date, events []Event) float64 {
	f := seasonLevel(day) * weekdayLevel(day.Weekday())
	for _, e := range events {
		if day >= e.Start && day <= e.End {
			f *= e.Traffic
		}
	}
	return f
}

// Calendar answers day-level questions for a range of years. It is
// read-only after New and safe for concurrent use.
type Calendar struct {
	first  int // first year covered
	norm   []float64
	events [][]Event
}

// New covers the years from the year of start to the year after end (the
// stream continues past the history).
func New(start, end civil.Date) *Calendar {
	y0, _, _ := start.Civil()
	y1, _, _ := end.Civil()
	y1++
	c := &Calendar{first: y0}
	for y := y0; y <= y1; y++ {
		ev := Events(y)
		sum, n := 0.0, 0
		for day := civil.DaysFromCivil(y, 1, 1); day < civil.DaysFromCivil(y+1, 1, 1); day++ {
			if !Closed(day) {
				sum += rawFactor(day, ev)
				n++
			}
		}
		c.norm = append(c.norm, sum/float64(n))
		c.events = append(c.events, ev)
	}
	return c
}

func (c *Calendar) year(day civil.Date) int {
	y, _, _ := day.Civil()
	i := y - c.first
	if i < 0 || i >= len(c.norm) {
		panic("calendar: day outside the covered years")
	}
	return i
}

// Covers reports whether day is inside the calendar's years.
func (c *Calendar) Covers(day civil.Date) bool {
	y, _, _ := day.Civil()
	return y >= c.first && y < c.first+len(c.norm)
}

// DayFactor is the store traffic multiplier of a day: season × weekday ×
// holiday windows, normalized so that its mean over the open days of the
// year is exactly 1 (so configured daily volumes are yearly means). It is 0
// on closed days.
func (c *Calendar) DayFactor(day civil.Date) float64 {
	if Closed(day) {
		return 0
	}
	i := c.year(day)
	return rawFactor(day, c.events[i]) / c.norm[i]
}

// ActiveEvents returns the events whose window contains day.
func (c *Calendar) ActiveEvents(day civil.Date) []Event {
	var out []Event
	for _, e := range c.events[c.year(day)] {
		if day >= e.Start && day <= e.End {
			out = append(out, e)
		}
	}
	return out
}

// TagMultipliers returns, for each tag of the vocabulary, how much more (or
// less) products carrying it sell on day: the boost of every active event
// with that tag, ×1.6 for the current season's tag and ×0.35 for the other
// season tags (seasonal goods sell off-season, but little).
func (c *Calendar) TagMultipliers(day civil.Date, vocabulary []string) []float64 {
	out := make([]float64, len(vocabulary))
	active := c.ActiveEvents(day)
	season := Season(day)
	for i, tag := range vocabulary {
		m := 1.0
		switch tag {
		case "winter", "spring", "summer", "autumn":
			if tag == season {
				m = 1.6
			} else {
				m = 0.35
			}
		}
		for _, e := range active {
			if e.Tag == tag {
				m *= e.TagBoost
			}
		}
		out[i] = m
	}
	return out
}

// hourLevel is the shape of a weekday's traffic over the hours of the day:
// low at night, a lunch peak and a larger after-work peak.
func hourLevel() [24]float64 {
	return [24]float64{
		0.10, 0.07, 0.05, 0.05, 0.07, 0.15, 0.30, 0.50, 0.70, 0.80, 0.90, 1.10,
		1.35, 1.20, 0.95, 0.95, 1.10, 1.40, 1.45, 1.20, 0.90, 0.60, 0.40, 0.22,
	}
}

// weekendHourLevel is flatter, with a long midday peak.
func weekendHourLevel() [24]float64 {
	return [24]float64{
		0.12, 0.08, 0.05, 0.05, 0.06, 0.10, 0.20, 0.40, 0.70, 1.00, 1.25, 1.40,
		1.45, 1.40, 1.35, 1.25, 1.15, 1.10, 1.00, 0.85, 0.65, 0.45, 0.30, 0.18,
	}
}

// OpenHours returns which hours of the calendar day a store with the given
// hours is open: open and close are minutes after midnight ("24:00" = 1440);
// a close earlier than the open wraps past midnight, so the early hours up
// to close are open too. Hours are whole: a store open 08:30 counts hour 8.
func OpenHours(open24 bool, open, close int) (hours [24]bool) {
	if open24 {
		for h := range hours {
			hours[h] = true
		}
		return hours
	}
	for h := range 24 {
		start, end := h*60, h*60+60
		if close > open {
			hours[h] = end > open && start < close
		} else {
			hours[h] = end > open || start < close
		}
	}
	return hours
}

// HourShares splits a day's traffic over the open hours: the shares of
// open hours sum to 1, closed hours get 0.
func HourShares(day civil.Date, open [24]bool) [24]float64 {
	levels := hourLevel()
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		levels = weekendHourLevel()
	}
	var out [24]float64
	sum := 0.0
	for h, ok := range open {
		if ok {
			out[h] = levels[h]
			sum += levels[h]
		}
	}
	if sum == 0 {
		return out
	}
	for h := range out {
		out[h] /= sum
	}
	return out
}

// OnlineHourShares is the hourly profile of online orders: an evening peak,
// orders around the clock.
func OnlineHourShares() [24]float64 {
	levels := [24]float64{
		0.35, 0.2, 0.12, 0.1, 0.1, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95, 1.0,
		1.05, 1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.55, 1.7, 1.6, 1.2, 0.7,
	}
	var out [24]float64
	sum := 0.0
	for _, v := range levels {
		sum += v
	}
	for h, v := range levels {
		out[h] = v / sum
	}
	return out
}

// ParseClock parses "HH:MM" (00:00..24:00) into minutes after midnight.
func ParseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9' {
		return 0, false
	}
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}
