package calendar

import (
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

func TestHolidayRules(t *testing.T) {
	cases := []struct {
		name string
		got  civil.Date
		want string
	}{
		{"thanksgiving 2024", Thanksgiving(2024), "2024-11-28"},
		{"thanksgiving 2025", Thanksgiving(2025), "2025-11-27"},
		{"thanksgiving 2026", Thanksgiving(2026), "2026-11-26"},
		{"black friday 2025", BlackFriday(2025), "2025-11-28"},
		{"cyber monday 2025", CyberMonday(2025), "2025-12-01"},
		{"memorial day 2025", MemorialDay(2025), "2025-05-26"},
		{"memorial day 2026", MemorialDay(2026), "2026-05-25"},
		{"labor day 2025", LaborDay(2025), "2025-09-01"},
		{"labor day 2026", LaborDay(2026), "2026-09-07"},
		{"mothers day 2025", MothersDay(2025), "2025-05-11"},
		{"fathers day 2025", FathersDay(2025), "2025-06-15"},
		{"easter 2024", Easter(2024), "2024-03-31"},
		{"easter 2025", Easter(2025), "2025-04-20"},
		{"easter 2026", Easter(2026), "2026-04-05"},
	}
	for _, c := range cases {
		if c.got.String() != c.want {
			t.Errorf("%s: got %s want %s", c.name, c.got, c.want)
		}
	}
}
