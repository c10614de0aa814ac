package civil

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// hinnantCivil is the previous Civil, kept as the reference: H. Hinnant's
// days-to-civil algorithm in signed arithmetic.
func hinnantCivil(d Date) (y, m, day int) {
	z := int(d) + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, day
}

// dateText is the reference text of Append.
func dateText(d Date) string {
	y, m, day := hinnantCivil(d)
	return fmt.Sprintf("%04d-%02d-%02d", y, m, day)
}

func checkCivil(t *testing.T, d Date) {
	t.Helper()
	y, m, day := d.Civil()
	wy, wm, wd := hinnantCivil(d)
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
