package calendar

import (
	"math"
	"testing"
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

func TestDayFactorMeanIsOnePerYear(t *testing.T) {
	for _, y := range []int{2019, 2024, 2025, 2030, 2048} {
		c := New(civil.DaysFromCivil(y, 1, 1), civil.DaysFromCivil(y, 12, 31))
		sum, n := 0.0, 0
		for d := civil.DaysFromCivil(y, 1, 1); d < civil.DaysFromCivil(y+1, 1, 1); d++ {
			f := c.DayFactor(d)
			if Closed(d) {
				if f != 0 {
					t.Errorf("%s closed with factor %v", d, f)
				}
				continue
			}
			if f <= 0 {
				t.Errorf("%s: factor %v", d, f)
			}
			sum += f
			n++
		}
		if mean := sum / float64(n); math.Abs(mean-1) > 1e-9 {
			t.Errorf("%d: mean factor %v", y, mean)
		}
	}
}

func TestHolidayPeaks(t *testing.T) {
	for _, y := range []int{2024, 2025, 2026, 2031} {
		c := New(civil.DaysFromCivil(y, 1, 1), civil.DaysFromCivil(y, 12, 31))
		// An ordinary day: mean of the non-event days of the year.
		sum, n := 0.0, 0
		for d := civil.DaysFromCivil(y, 1, 1); d < civil.DaysFromCivil(y+1, 1, 1); d++ {
			if !Closed(d) && len(c.ActiveEvents(d)) == 0 {
				sum += c.DayFactor(d)
				n++
			}
		}
		ordinary := sum / float64(n)
		bf := c.DayFactor(BlackFriday(y)) / ordinary
		if bf < 3 || bf > 5 {
			t.Errorf("%d: Black Friday %.2f× an ordinary day", y, bf)
		}
		week := 0.0
		for d := civil.DaysFromCivil(y, 12, 18); d <= civil.DaysFromCivil(y, 12, 24); d++ {
			week += c.DayFactor(d)
		}
		if r := week / 7 / ordinary; r < 1.7 || r > 3 {
			t.Errorf("%d: the week before Christmas %.2f× an ordinary day", y, r)
		}
		if c.DayFactor(civil.DaysFromCivil(y, 12, 25)) != 0 {
			t.Errorf("%d: open on Christmas Day", y)
		}
	}
}

func TestWeekdayOrder(t *testing.T) {
	if !(weekdayLevel(time.Saturday) > weekdayLevel(time.Friday) && weekdayLevel(time.Monday) < weekdayLevel(time.Tuesday)) {
		t.Error("Saturday must be highest and Monday lowest")
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if wd != time.Saturday && weekdayLevel(wd) >= weekdayLevel(time.Saturday) {
			t.Errorf("%s >= Saturday", wd)
		}
		if wd != time.Monday && weekdayLevel(wd) <= weekdayLevel(time.Monday) {
			t.Errorf("%s <= Monday", wd)
		}
	}
}

func TestSeasonShape(t *testing.T) {
	monthMean := func(m int) float64 {
		sum, n := 0.0, 0
		for d := civil.DaysFromCivil(2025, m, 1); d < civil.DaysFromCivil(2025, m+1, 1); d++ {
			sum += seasonLevel(d)
			n++
		}
		return sum / float64(n)
	}
	if !(monthMean(12) > monthMean(10) && monthMean(10) > monthMean(7) && monthMean(1) < monthMean(5)) {
		t.Errorf("season shape: Jan %.2f May %.2f Jul %.2f Oct %.2f Dec %.2f", monthMean(1), monthMean(5), monthMean(7), monthMean(10), monthMean(12))
	}
	// Interpolation is continuous: no jump larger than 2 % between days.
	for d := civil.DaysFromCivil(2025, 1, 2); d < civil.DaysFromCivil(2026, 1, 1); d++ {
		if math.Abs(seasonLevel(d)-seasonLevel(d-1)) > 0.02 {
			t.Errorf("season jumps on %s", d)
		}
	}
}

func TestOpenHoursAndShares(t *testing.T) {
	day := civil.DaysFromCivil(2025, 3, 12) // a Wednesday
	cases := []struct {
		open24      bool
		open, close string
		want        []int
	}{
		{false, "09:00", "21:00", []int{9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}},
		{false, "06:00", "00:00", []int{6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
		{false, "22:00", "02:00", []int{0, 1, 22, 23}},
		{true, "00:00", "24:00", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
	}
	for _, c := range cases {
		o, ok1 := ParseClock(c.open)
		cl, ok2 := ParseClock(c.close)
		if !ok1 || !ok2 {
			t.Fatalf("parse %s-%s", c.open, c.close)
		}
		hours := OpenHours(c.open24, o, cl)
		var got []int
		for h, ok := range hours {
			if ok {
				got = append(got, h)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s-%s: open hours %v, want %v", c.open, c.close, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s-%s: open hours %v, want %v", c.open, c.close, got, c.want)
				break
			}
		}
		shares := HourShares(day, hours)
		sum := 0.0
		for h, s := range shares {
			if !hours[h] && s != 0 {
				t.Errorf("closed hour %d has share %v", h, s)
			}
			sum += s
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("%s-%s: shares sum to %v", c.open, c.close, sum)
		}
	}
	all := HourShares(day, OpenHours(true, 0, 1440))
	if !(all[18] > all[12] && all[12] > all[3]*5) {
		t.Errorf("24/7 profile: 3h %.3f 12h %.3f 18h %.3f", all[3], all[12], all[18])
	}
}

func TestParseClockRejects(t *testing.T) {
	for _, s := range []string{"", "9:00", "24:01", "25:00", "12:60", "ab:cd", "12-00"} {
		if _, ok := ParseClock(s); ok {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
}

func TestTagMultipliers(t *testing.T) {
	c := New(civil.DaysFromCivil(2025, 1, 1), civil.DaysFromCivil(2025, 12, 31))
	vocab := []string{"christmas", "winter", "summer", "everyday", "halloween"}
	dec := c.TagMultipliers(civil.DaysFromCivil(2025, 12, 20), vocab)
	if !(dec[0] >= 4 && dec[1] > 1 && dec[2] < 1 && dec[3] == 1 && dec[4] == 1) {
		t.Errorf("December 20 multipliers %v", dec)
	}
	oct := c.TagMultipliers(civil.DaysFromCivil(2025, 10, 25), vocab)
	if !(oct[4] > 3 && oct[0] == 1) {
		t.Errorf("October 25 multipliers %v", oct)
	}
}
