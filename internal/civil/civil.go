// Package civil converts between calendar dates, days since the Unix epoch
// and local wall-clock microseconds, without time zones and without
// allocation. Business time in retail-datagen is store-local wall time.
package civil

import (
	"fmt"
	"math/bits"
	"slices"
	"time"
)

// Date is a day as days since 1970-01-01.
type Date int32

// MicrosPerDay is the number of microseconds in a civil day.
const MicrosPerDay = 86400 * 1_000_000

// DaysFromCivil returns the day number of y-m-d (proleptic Gregorian).
func DaysFromCivil(y, m, d int) Date {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Date(era*146097 + doe - 719468)
}

// Civil returns the year, month and day of the day number.
//
// It is the algorithm of C. Neri and L. Schneider, "Euclidean affine
// functions and their application to calendar algorithms" (2022), in
// unsigned 32-bit arithmetic: the day count is shifted by 82 eras of 400
// years so that it is never negative, and the divisions become
// multiplications. Days outside its range (years before -32800 or after
// about 2.9 million) take civilWide.
func (d Date) Civil() (y, m, day int) {
	const (
		eras  = 82
		shift = 719468 + 146097*eras // n below is 0 on -32800-03-01
		last  = 1<<30 - 1 - shift    // 4*n+3 below must not overflow
	)
	if d < -shift || d > last {
		return d.civilWide()
	}
	n := uint32(int32(d) + shift)
	// Century and day of the century.
	n1 := 4*n + 3
	// c = n1 / 146097 as the high word of n1 * ceil(2^64 / 146097), exact
	// for n1 < 2^32 and faster than the compiler's 33-bit magic number.
	c64, _ := bits.Mul64(uint64(n1), 1<<64/146097+1)
	c := uint32(c64)
	nc := (n1 - 146097*c) / 4
	// Year of the century and day of the year (from March 1).
	p2 := 2939745 * uint64(4*nc+3)
	yy := 100*c + uint32(p2>>32)
	ny := uint32(p2) / 2939745 / 4
	// Month (March = 3) and day of the month; the 16-bit division again
	// avoids a 33-bit magic number.
	n3 := 2141*ny + 197913
	mm, dd := n3>>16, uint32(uint16(n3)/2141)
	if ny >= 306 { // January and February belong to the next year
		yy++
		mm -= 12
	}
	return int(yy) - 400*eras, int(mm), int(dd) + 1
}

// civilWide is Civil for every day number, by H. Hinnant's algorithm in
// signed arithmetic.
func (d Date) civilWide() (y, m, day int) {
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

// Weekday returns the day of week, Sunday = 0.
func (d Date) Weekday() time.Weekday {
	w := (int(d) + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// Time returns midnight of the day in UTC.
func (d Date) Time() time.Time {
	y, m, day := d.Civil()
	return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
}

// FromTime returns the civil day of t's calendar date (its own location).
func FromTime(t time.Time) Date {
	return DaysFromCivil(t.Year(), int(t.Month()), t.Day())
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return string(d.Append(nil)) }

// Append appends YYYY-MM-DD.
func (d Date) Append(b []byte) []byte {
	y, m, day := d.Civil()
	if uint(y) > 9999 {
		return fmt.Appendf(b, "%04d-%02d-%02d", y, m, day)
	}
	n := len(b)
	b = slices.Grow(b, 10)[:n+10]
	putDate(b[n:n+10:n+10], uint(y), uint(m), uint(day))
	return b
}

// putDate writes YYYY-MM-DD to t[0:10] for y <= 9999.
func putDate(t []byte, y, m, d uint) {
	_ = t[9]
	put2(t[0:2], y/100)
	put2(t[2:4], y%100)
	t[4] = '-'
	put2(t[5:7], m)
	t[7] = '-'
	put2(t[8:10], d)
}

// put2 writes the two decimal digits of n < 100 to t[0] and t[1].
func put2(t []byte, n uint) {
	t[0], t[1] = pairs[2*n], pairs[2*n+1]
}

// pairs holds the two decimal digits of every n < 100 at 2*n and 2*n+1.
const pairs = "0001020304050607080910111213141516171819" +
	"2021222324252627282930313233343536373839" +
	"4041424344454647484950515253545556575859" +
	"6061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// ParseDate parses YYYY-MM-DD and rejects dates that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return FromTime(t), nil
}

// Micros returns the wall-clock instant at the start of the day plus the
// given seconds, as microseconds since the epoch.
func (d Date) Micros(secondOfDay int) int64 {
	return int64(d)*MicrosPerDay + int64(secondOfDay)*1_000_000
}

// AppendTimestamp appends YYYY-MM-DD<sep>HH:MM:SS for micros since the
// epoch (sub-second digits are appended only when present).
func AppendTimestamp(b []byte, micros int64, sep byte) []byte {
	days := micros / MicrosPerDay
	rem := micros % MicrosPerDay
	if rem < 0 {
		rem += MicrosPerDay
		days--
	}
	y, m, day := Date(days).Civil()
	if uint(y) > 9999 {
		b = Date(days).Append(b)
	} else {
		n := len(b)
		b = slices.Grow(b, 26)[:n+10]
		putDate(b[n:n+10:n+10], uint(y), uint(m), uint(day))
	}
	sec := uint(uint64(rem) / 1_000_000)
	frac := uint(uint64(rem) % 1_000_000)
	n := len(b)
	b = slices.Grow(b, 16)[:n+16]
	t := b[n : n+16 : n+16]
	t[0] = sep
	put2(t[1:3], sec/3600)
	t[3] = ':'
	put2(t[4:6], sec/60%60)
	t[6] = ':'
	put2(t[7:9], sec%60)
	if frac == 0 {
		return b[:n+9]
	}
	t[9] = '.'
	put2(t[10:12], frac/10000)
	put2(t[12:14], frac/100%100)
	put2(t[14:16], frac%100)
	return b
}
