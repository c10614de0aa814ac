package civil

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// dateText is the reference text of Append.
func dateText(d Date) string {
	y, m, day := d.civilWide()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, day)
}

// timestampText is the previous AppendTimestamp, kept as the reference.
func timestampText(micros int64, sep byte) string {
	days := micros / MicrosPerDay
	rem := micros % MicrosPerDay
	if rem < 0 {
		rem += MicrosPerDay
		days--
	}
	sec := int(rem / 1_000_000)
	frac := int(rem % 1_000_000)
	s := dateText(Date(days)) + string([]byte{sep}) + fmt.Sprintf("%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	if frac != 0 {
		s += fmt.Sprintf(".%06d", frac)
	}
	return s
}

func checkCivil(t *testing.T, d Date) {
	t.Helper()
	y, m, day := d.Civil()
	wy, wm, wd := d.civilWide()
	if y != wy || m != wm || day != wd {
		t.Fatalf("day %d: Civil %d-%d-%d, want %d-%d-%d", d, y, m, day, wy, wm, wd)
	}
}

// TestCivilEveryDay compares Civil with time and with the reference for
// every day of the years -1000 to 10000.
func TestCivilEveryDay(t *testing.T) {
	first, last := DaysFromCivil(-1000, 1, 1), DaysFromCivil(10000, 12, 31)
	for d := first; d <= last; d++ {
		y, m, day := d.Civil()
		wy, wm, wd := time.Unix(int64(d)*86400, 0).UTC().Date()
		if y != wy || m != int(wm) || day != wd {
			t.Fatalf("day %d: Civil %d-%d-%d, time %d-%d-%d", d, y, m, day, wy, wm, wd)
		}
		if d2 := DaysFromCivil(y, m, day); d2 != d {
			t.Fatalf("day %d: %d-%d-%d back to %d", d, y, m, day, d2)
		}
		checkCivil(t, d)
	}
}

// TestCivilWholeRange compares Civil with the reference across all day
// numbers: around the ends of the unsigned fast path, the ends of int32
// and in steps through the rest.
func TestCivilWholeRange(t *testing.T) {
	const shift = 719468 + 146097*82
	for _, edge := range []int64{-shift, 1<<30 - 1 - shift, math.MinInt32, math.MaxInt32, 0} {
		for d := edge - 3000; d <= edge+3000; d++ {
			if d >= math.MinInt32 && d <= math.MaxInt32 {
				checkCivil(t, Date(d))
			}
		}
	}
	for d := int64(math.MinInt32); d <= math.MaxInt32; d += 9973 {
		checkCivil(t, Date(d))
	}
}

func FuzzCivil(f *testing.F) {
	for _, d := range []int32{0, -1, 19000, -719468, math.MinInt32, math.MaxInt32} {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, d int32) {
		checkCivil(t, Date(d))
		if got, want := Date(d).String(), dateText(Date(d)); got != want {
			t.Fatalf("day %d: %s, want %s", d, got, want)
		}
	})
}

// TestAppendEveryDay compares Append with the reference and, for years 0 to
// 9999, with time's formatting, for every day of the years -1000 to 10000.
func TestAppendEveryDay(t *testing.T) {
	first, last := DaysFromCivil(-1000, 1, 1), DaysFromCivil(10000, 12, 31)
	buf := []byte("x")
	for d := first; d <= last; d++ {
		buf = d.Append(buf[:1])
		if got, want := string(buf[1:]), dateText(d); got != want {
			t.Fatalf("day %d: %s, want %s", d, got, want)
		}
		if d%97 == 0 && d.Time().Year() >= 0 && d.Time().Year() <= 9999 {
			if got, want := string(buf[1:]), d.Time().Format(time.DateOnly); got != want {
				t.Fatalf("day %d: %s, time formats %s", d, got, want)
			}
		}
	}
}

func TestAppendTimestampAgainstTime(t *testing.T) {
	start := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	end := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	buf := []byte("x")
	step := int64(86_400_000_000/7 + 123_457) // walks through the hours, seconds and fractions
	for us := start; us < end; us += step {
		for _, micros := range []int64{us, us - us%1_000_000} {
			buf = AppendTimestamp(buf[:1], micros, 'T')
			want := time.UnixMicro(micros).UTC().Format("2006-01-02T15:04:05.000000")
			if micros%1_000_000 == 0 {
				want = want[:19]
			}
			if string(buf[1:]) != want {
				t.Fatalf("%d: %s, want %s", micros, buf[1:], want)
			}
		}
	}
}

func TestAppendTimestampEdges(t *testing.T) {
	for _, micros := range []int64{0, -1, 1, 999_999, -999_999, 1_000_000, MicrosPerDay - 1, -MicrosPerDay,
		math.MinInt64, math.MaxInt64, math.MinInt64 + 1, -12699422 * MicrosPerDay, -12699422*MicrosPerDay - 1,
		-62135596800_000_000, -62135596800_000_001, 253402300799_999_999, 253402300800_000_000} {
		for _, sep := range []byte{' ', 'T'} {
			if got, want := string(AppendTimestamp(nil, micros, sep)), timestampText(micros, sep); got != want {
				t.Errorf("%d: %s, want %s", micros, got, want)
			}
		}
	}
}

func FuzzAppendTimestamp(f *testing.F) {
	for _, micros := range []int64{0, -1, 1_740_830_400_000_000 + 37_512_000_417, math.MinInt64, math.MaxInt64} {
		f.Add(micros, byte(' '))
	}
	f.Fuzz(func(t *testing.T, micros int64, sep byte) {
		got := AppendTimestamp([]byte("pre"), micros, sep)
		if want := "pre" + timestampText(micros, sep); string(got) != want {
			t.Fatalf("%d: %s, want %s", micros, got, want)
		}
	})
}
