package civil

import (
	"testing"
	"time"
)

func TestRoundTripAgainstTime(t *testing.T) {
	start := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 365*300; i += 7 {
		tm := start.AddDate(0, 0, i)
		d := FromTime(tm)
		if want := tm.Unix() / 86400; int64(d) != want {
			t.Fatalf("%s: got %d want %d", tm.Format(time.DateOnly), d, want)
		}
		y, m, day := d.Civil()
		if y != tm.Year() || m != int(tm.Month()) || day != tm.Day() {
			t.Fatalf("%s: civil %d-%d-%d", tm.Format(time.DateOnly), y, m, day)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%s: weekday %v want %v", tm.Format(time.DateOnly), d.Weekday(), tm.Weekday())
		}
		if d.String() != tm.Format(time.DateOnly) {
			t.Fatalf("format %s vs %s", d.String(), tm.Format(time.DateOnly))
		}
	}
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2024-02-29")
	if err != nil || d.String() != "2024-02-29" {
		t.Fatalf("got %v %v", d, err)
	}
	for _, bad := range []string{"2023-02-29", "2024-13-01", "24-01-01", "", "2024/01/01"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAppendTimestamp(t *testing.T) {
	d := DaysFromCivil(2025, 11, 28)
	cases := []struct {
		micros int64
		want   string
	}{
		{d.Micros(0), "2025-11-28 00:00:00"},
		{d.Micros(13*3600 + 5*60 + 9), "2025-11-28 13:05:09"},
		{d.Micros(86399) + 120, "2025-11-28 23:59:59.000120"},
		{-1, "1969-12-31 23:59:59.999999"},
	}
	for _, c := range cases {
		if got := string(AppendTimestamp(nil, c.micros, ' ')); got != c.want {
			t.Errorf("got %q want %q", got, c.want)
		}
	}
}
