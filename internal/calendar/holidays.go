// Package calendar computes the retail calendar: holidays by rule for any
// year, and the windows and multipliers the simulation applies around them.
package calendar

import (
	"time"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// NthWeekday returns the n-th (1-based) weekday wd of month m in year y.
func NthWeekday(y, m int, wd time.Weekday, n int) civil.Date {
	first := civil.DaysFromCivil(y, m, 1)
	offset := (int(wd) - int(first.Weekday()) + 7) % 7
	return first + civil.Date(offset+7*(n-1))
}

// LastWeekday returns the last weekday wd of month m in year y.
func LastWeekday(y, m int, wd time.Weekday) civil.Date {
	var next civil.Date
	if m == 12 {
		next = civil.DaysFromCivil(y+1, 1, 1)
	} else {
		next = civil.DaysFromCivil(y, m+1, 1)
	}
	last := next - 1
	back := (int(last.Weekday()) - int(wd) + 7) % 7
	return last - civil.Date(back)
}

// Thanksgiving is the fourth Thursday of November.
func Thanksgiving(y int) civil.Date { return NthWeekday(y, 11, time.Thursday, 4) }

// BlackFriday is the day after Thanksgiving.
func BlackFriday(y int) civil.Date { return Thanksgiving(y) + 1 }

// CyberMonday is the Monday after Thanksgiving.
func CyberMonday(y int) civil.Date { return Thanksgiving(y) + 4 }

// MemorialDay is the last Monday of May.
func MemorialDay(y int) civil.Date { return LastWeekday(y, 5, time.Monday) }

// LaborDay is the first Monday of September.
func LaborDay(y int) civil.Date { return NthWeekday(y, 9, time.Monday, 1) }

// MothersDay is the second Sunday of May.
func MothersDay(y int) civil.Date { return NthWeekday(y, 5, time.Sunday, 2) }

// FathersDay is the third Sunday of June.
func FathersDay(y int) civil.Date { return NthWeekday(y, 6, time.Sunday, 3) }

// Christmas is December 25.
func Christmas(y int) civil.Date { return civil.DaysFromCivil(y, 12, 25) }

// Easter returns Easter Sunday (Gregorian computus).
func Easter(y int) civil.Date {
	a := y % 19
	b := y / 100
	c := y % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return civil.DaysFromCivil(y, month, day)
}
