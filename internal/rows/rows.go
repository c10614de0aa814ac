// Package rows holds one Go type per table with reflection-free encoders.
// The types and encoders in rows_gen.go are generated from package schema:
//
//go:generate go run ../schema/codegen/genrows rows_gen.go
package rows

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// Row is the constraint satisfied by a pointer to any generated row type.
type Row[T any] interface {
	*T
	TableName() string
	CSVHeader() string
	AppendCSV(b []byte) []byte
	AppendJSON(b []byte) []byte
}

// AppendMoney appends cents as a decimal amount with two places: 1234 → 12.34,
// -5 → -0.05.
func AppendMoney(b []byte, cents int64) []byte {
	u := uint64(cents)
	if cents < 0 {
		u = -u // math.MinInt64 too: 1<<63 as uint64
	}
	b = appendSigned(b, u/100, cents < 0)
	r := u % 100
	return append(b, '.', decimalPairs[2*r], decimalPairs[2*r+1])
}

// appendInt appends v in decimal, exactly as strconv.AppendInt(b, v, 10),
// but writes the digits straight into b rather than through a buffer.
func appendInt(b []byte, v int64) []byte {
	u := uint64(v)
	if v < 0 {
		u = -u // math.MinInt64 too: 1<<63 as uint64
	}
	return appendSigned(b, u, v < 0)
}

// appendSigned appends u in decimal, after a minus sign when neg.
func appendSigned(b []byte, u uint64, neg bool) []byte {
	if neg {
		b = append(b, '-')
	}
	if u < 100 {
		if u < 10 {
			return append(b, byte('0'+u))
		}
		return append(b, decimalPairs[2*u], decimalPairs[2*u+1])
	}
	n := decimalLen(u)
	l := len(b)
	b = slices.Grow(b, n)[:l+n]
	d := b[l : l+n : l+n]
	// Eight digits at a time in 32-bit arithmetic, as 64-bit divisions are
	// slower.
	for u >= 1e8 {
		q := u / 1e8
		r := uint32(u - q*1e8)
		u = q
		hi, lo := r/10000, r%10000
		putPair(d, n-2, lo%100)
		putPair(d, n-4, lo/100)
		putPair(d, n-6, hi%100)
		putPair(d, n-8, hi/100)
		n -= 8
	}
	r := uint32(u)
	for r >= 100 {
		putPair(d, n-2, r%100)
		r /= 100
		n -= 2
	}
	if r >= 10 {
		putPair(d, n-2, r)
	} else {
		d[n-1] = byte('0' + r)
	}
	return b
}

// putPair writes the two decimal digits of p < 100 to d[i] and d[i+1].
func putPair(d []byte, i int, p uint32) {
	_ = d[i+1]
	d[i], d[i+1] = decimalPairs[2*p], decimalPairs[2*p+1]
}

// decimalLen returns the number of decimal digits of u > 0.
func decimalLen(u uint64) int {
	// 1233/4096 is just above log10(2), so t is the digit count or one less.
	t := bits.Len64(u) * 1233 >> 12
	if u >= powersOf10[t] {
		t++
	}
	return t
}

// powersOf10 holds 10^i for i < 20; it is a constant table, never written.
var powersOf10 = [20]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// decimalPairs holds the two decimal digits of every n < 100 at 2*n and
// 2*n+1.
const decimalPairs = "0001020304050607080910111213141516171819" +
	"2021222324252627282930313233343536373839" +
	"4041424344454647484950515253545556575859" +
	"6061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// AppendDate appends a day number as YYYY-MM-DD.
func AppendDate(b []byte, days int32) []byte { return civil.Date(days).Append(b) }

// AppendTimestamp appends local wall-clock micros as YYYY-MM-DD<sep>HH:MM:SS.
func AppendTimestamp(b []byte, micros int64, sep byte) []byte {
	return civil.AppendTimestamp(b, micros, sep)
}

func appendQuotedDate(b []byte, days int32) []byte {
	b = append(b, '"')
	b = AppendDate(b, days)
	return append(b, '"')
}

func appendQuotedTimestamp(b []byte, micros int64, sep byte) []byte {
	b = append(b, '"')
	b = AppendTimestamp(b, micros, sep)
	return append(b, '"')
}

// AppendPadded appends a non-negative v in decimal, left-padded with zeros
// to width digits.
func AppendPadded(b []byte, v int64, width int) []byte {
	var d [20]byte
	i := len(d)
	for v > 0 || i == len(d) {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
	}
	for n := len(d) - i; n < width; n++ {
		b = append(b, '0')
	}
	return append(b, d[i:]...)
}

// AppendUUID appends u as 8-4-4-4-12 lowercase hex.
func AppendUUID(b []byte, u [16]byte) []byte {
	n := len(b)
	b = slices.Grow(b, 36)[:n+36]
	d := b[n : n+36 : n+36]
	putHex(d[0:2], u[0])
	putHex(d[2:4], u[1])
	putHex(d[4:6], u[2])
	putHex(d[6:8], u[3])
	d[8] = '-'
	putHex(d[9:11], u[4])
	putHex(d[11:13], u[5])
	d[13] = '-'
	putHex(d[14:16], u[6])
	putHex(d[16:18], u[7])
	d[18] = '-'
	putHex(d[19:21], u[8])
	putHex(d[21:23], u[9])
	d[23] = '-'
	putHex(d[24:26], u[10])
	putHex(d[26:28], u[11])
	putHex(d[28:30], u[12])
	putHex(d[30:32], u[13])
	putHex(d[32:34], u[14])
	putHex(d[34:36], u[15])
	return b
}

// putHex writes the two lowercase hex digits of c to d[0] and d[1].
func putHex(d []byte, c byte) {
	i := 2 * int(c)
	d[0], d[1] = hexPairs[i], hexPairs[i+1]
}

// hexPairs holds the two lowercase hex digits of every byte value c at
// 2*c and 2*c+1.
const hexPairs = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" +
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f" +
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" +
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" +
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf" +
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

func appendQuotedUUID(b []byte, u [16]byte) []byte {
	b = append(b, '"')
	b = AppendUUID(b, u)
	return append(b, '"')
}

func appendFloat(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendCSVString appends s as a CSV field, quoted per RFC 4180 when it holds
// a comma, quote, CR or LF, or starts or ends with a space.
func appendCSVString(b []byte, s string) []byte {
	if len(s) == 0 {
		return b
	}
	if s[0] != ' ' && s[len(s)-1] != ' ' {
		i := 0
		for i < len(s) && !csvSpecial[s[i]] {
			i++
		}
		if i == len(s) {
			return append(b, s...)
		}
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"', '"')
		} else {
			b = append(b, s[i])
		}
	}
	return append(b, '"')
}

// csvSpecial marks the bytes that make a CSV field need quotes. It is a
// constant table, never written.
var csvSpecial = [256]bool{',': true, '"': true, '\n': true, '\r': true}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Parser is the constraint satisfied by a pointer to any generated row type;
// besides encoding, it decodes a row written by AppendCSV or AppendJSON.
type Parser[T any] interface {
	Row[T]
	ParseCSV(fields []string) error
	ParseJSON(data []byte) error
}

// ParseMoney parses a decimal amount with at most two places ("12.34",
// "-0.05", "7", "7.5") into whole cents, exactly and without floating point.
func ParseMoney(s string) (int64, error) {
	bad := func() (int64, error) { return 0, fmt.Errorf("%q is not an amount like 12.34", s) }
	i, neg := 0, false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	start := i
	var whole uint64
	for ; i < len(s) && isDigit(s[i]); i++ {
		if whole > (1<<63)/100 {
			return 0, fmt.Errorf("amount %q is out of range", s)
		}
		whole = whole*10 + uint64(s[i]-'0')
	}
	if i == start {
		return bad()
	}
	var frac uint64
	if i < len(s) {
		if s[i] != '.' {
			return bad()
		}
		i++
		digits := len(s) - i
		if digits < 1 || digits > 2 {
			return bad()
		}
		for j := 0; j < 2; j++ {
			frac *= 10
			if i < len(s) {
				if !isDigit(s[i]) {
					return bad()
				}
				frac += uint64(s[i] - '0')
				i++
			}
		}
	}
	if whole > (1<<63)/100 {
		return 0, fmt.Errorf("amount %q is out of range", s)
	}
	cents := whole*100 + frac
	switch {
	case neg && cents == 1<<63:
		return -1 << 63, nil
	case cents >= 1<<63:
		return 0, fmt.Errorf("amount %q is out of range", s)
	case neg:
		return -int64(cents), nil
	}
	return int64(cents), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits parses s[i:j] as a non-negative decimal number; ok is false when a
// byte is not a digit.
func digits(s string, i, j int) (n int, ok bool) {
	for ; i < j; i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// ParseDate parses YYYY-MM-DD (years 0000-9999) into days since 1970-01-01,
// rejecting dates that do not exist.
func ParseDate(s string) (int32, error) {
	d, ok := parseDate(s)
	if !ok {
		return 0, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return d, nil
}

func parseDate(s string) (int32, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(s, 0, 4)
	m, ok2 := digits(s, 5, 7)
	d, ok3 := digits(s, 8, 10)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	days := civil.DaysFromCivil(y, m, d)
	if yy, mm, dd := days.Civil(); yy != y || mm != m || dd != d {
		return 0, false // such as February 30
	}
	return int32(days), true
}

// ParseTimestamp parses YYYY-MM-DD HH:MM:SS with an optional fraction of up
// to six digits into microseconds since 1970-01-01 of wall-clock time. The
// separator may be a space (CSV) or 'T' (JSON).
func ParseTimestamp(s string) (int64, error) {
	bad := func() (int64, error) {
		return 0, fmt.Errorf("%q is not a timestamp in the form YYYY-MM-DD HH:MM:SS[.ffffff]", s)
	}
	if len(s) < 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return bad()
	}
	days, ok := parseDate(s[:10])
	if !ok {
		return bad()
	}
	h, ok1 := digits(s, 11, 13)
	m, ok2 := digits(s, 14, 16)
	sec, ok3 := digits(s, 17, 19)
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return bad()
	}
	var micros int64
	if len(s) > 19 {
		n := len(s) - 20
		if s[19] != '.' || n < 1 || n > 6 {
			return bad()
		}
		f, ok := digits(s, 20, len(s))
		if !ok {
			return bad()
		}
		micros = int64(f)
		for ; n < 6; n++ {
			micros *= 10
		}
	}
	return int64(days)*civil.MicrosPerDay + int64(h*3600+m*60+sec)*1_000_000 + micros, nil
}

// ParseUUID parses 8-4-4-4-12 hexadecimal (either case).
func ParseUUID(s string) ([16]byte, error) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, fmt.Errorf("%q is not a UUID in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", s)
	}
	j := 0
	for i := 0; i < 36; {
		if s[i] == '-' {
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return u, fmt.Errorf("%q is not a UUID: %q is not hexadecimal", s, s[i:i+2])
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseBool accepts exactly true and false, as AppendCSV and AppendJSON write.
func parseBool(s string) (bool, error) {
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", s)
}

// csvDecoder fills the fields of one row from CSV fields for the generated
// ParseCSV methods. The first problem is kept in err and later calls do
// nothing.
type csvDecoder struct {
	table  string
	fields []string
	err    error
}

func (d *csvDecoder) count(n int) bool {
	if len(d.fields) != n {
		d.err = fmt.Errorf("%s: row has %d fields, want %d", d.table, len(d.fields), n)
		return false
	}
	return true
}

// field returns the text of column i; ok is false for a null (empty) field
// or after an error. An empty non-nullable field is an error.
func (d *csvDecoder) field(i int, col string, nullable bool) (string, bool) {
	if d.err != nil {
		return "", false
	}
	s := d.fields[i]
	if s == "" {
		if !nullable {
			d.err = fmt.Errorf("%s.%s: empty value in a column that is not nullable", d.table, col)
		}
		return "", false
	}
	return s, true
}

func (d *csvDecoder) fail(col string, err error) {
	d.err = fmt.Errorf("%s.%s: %w", d.table, col, err)
}

func (d *csvDecoder) int64(i int, col string, nullable bool) int64 {
	s, ok := d.field(i, col, nullable)
	if !ok {
		return 0
	}
	v, err := parseInt(s, 64)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *csvDecoder) int32(i int, col string, nullable bool) int32 {
	s, ok := d.field(i, col, nullable)
	if !ok {
		return 0
	}
	v, err := parseInt(s, 32)
	if err != nil {
		d.fail(col, err)
	}
	return int32(v)
}

func (d *csvDecoder) float(i int, col string, nullable bool) float64 {
	s, ok := d.field(i, col, nullable)
	if !ok {
		return 0
	}
	v, err := parseFloat(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *csvDecoder) text(i int, _ string, _ bool) string {
	if d.err != nil {
		return ""
	}
	return d.fields[i]
}

func (d *csvDecoder) boolean(i int, col string, nullable bool) bool {
	s, ok := d.field(i, col, nullable)
	if !ok {
		return false
	}
	v, err := parseBool(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *csvDecoder) money(i int, col string, nullable bool) int64 {
	s, ok := d.field(i, col, nullable)
	if !ok {
		return 0
	}
	v, err := ParseMoney(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *csvDecoder) date(i int, col string, nullable bool) int32 {
	s, ok := d.field(i, col, nullable)
	if !ok {
		return 0
	}
	v, err := ParseDate(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *csvDecoder) timestamp(i int, col string, nullable bool) int64 {
	s, ok := d.field(i, col, nullable)
	if !ok {
		return 0
	}
	v, err := ParseTimestamp(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *csvDecoder) uuid(i int, col string, nullable bool) [16]byte {
	s, ok := d.field(i, col, nullable)
	if !ok {
		return [16]byte{}
	}
	v, err := ParseUUID(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func parseInt(s string, bits int) (int64, error) {
	v, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer of %d bits", s, bits)
	}
	return v, nil
}

func parseFloat(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// jsonDecoder fills the fields of one row from a JSON object for the
// generated ParseJSON methods. Numbers are read from their literal text, so
// amounts convert to cents exactly. The object must be flat (scalar values
// only), as AppendJSON writes it.
type jsonDecoder struct {
	table  string
	fields []jsonField
	next   int // index of the field expected next: keys come in column order
	err    error
}

// jsonField is one key of the object and the literal text of its value.
type jsonField struct {
	key, raw string
}

func (d *jsonDecoder) object(data []byte) bool {
	fields, err := scanObject(string(data))
	if err != nil {
		d.err = fmt.Errorf("%s: not a JSON object: %w", d.table, err)
		return false
	}
	d.fields = fields
	return true
}

// scanObject splits a flat JSON object into its keys and literal values.
func scanObject(s string) ([]jsonField, error) {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return nil, fmt.Errorf("want an object starting with {")
	}
	fields := make([]jsonField, 0, 24)
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		i++
	} else {
		for {
			if i >= len(s) || s[i] != '"' {
				return nil, fmt.Errorf("want a key at offset %d", i)
			}
			end, err := stringEnd(s, i)
			if err != nil {
				return nil, err
			}
			key, err := jsonText(s[i:end])
			if err != nil {
				return nil, err
			}
			i = skipSpace(s, end)
			if i >= len(s) || s[i] != ':' {
				return nil, fmt.Errorf("want : after key %q", key)
			}
			i = skipSpace(s, i+1)
			start := i
			switch {
			case i >= len(s):
				return nil, fmt.Errorf("key %q has no value", key)
			case s[i] == '"':
				if i, err = stringEnd(s, i); err != nil {
					return nil, err
				}
			case s[i] == '{' || s[i] == '[':
				return nil, fmt.Errorf("key %q holds an object or array, want a scalar", key)
			default:
				for i < len(s) && s[i] != ',' && s[i] != '}' && !isSpace(s[i]) {
					i++
				}
				if i == start {
					return nil, fmt.Errorf("key %q has no value", key)
				}
			}
			fields = append(fields, jsonField{key: key, raw: s[start:i]})
			i = skipSpace(s, i)
			if i < len(s) && s[i] == ',' {
				i = skipSpace(s, i+1)
				continue
			}
			if i < len(s) && s[i] == '}' {
				i++
				break
			}
			return nil, fmt.Errorf("want , or } after the value of %q", key)
		}
	}
	if skipSpace(s, i) != len(s) {
		return nil, fmt.Errorf("text after the object")
	}
	return fields, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just past the JSON string starting at s[i].
func stringEnd(s string, i int) (int, error) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated string at offset %d", i)
}

// jsonText decodes a JSON string literal, quotes included.
func jsonText(lit string) (string, error) {
	body := lit[1 : len(lit)-1]
	plain := utf8.ValidString(body)
	for i := 0; plain && i < len(body); i++ {
		if body[i] == '\\' || body[i] < 0x20 {
			plain = false
		}
	}
	if plain {
		return body, nil
	}
	var out string
	if err := json.Unmarshal([]byte(lit), &out); err != nil {
		return "", fmt.Errorf("%s is not a JSON string", lit)
	}
	return out, nil
}

// done reports keys that are not columns, once every column was read.
func (d *jsonDecoder) done(n int) error {
	if d.err == nil && len(d.fields) != n {
		d.err = fmt.Errorf("%s: object has %d keys, want the %d columns", d.table, len(d.fields), n)
	}
	return d.err
}

// value returns the literal JSON text of col; ok is false for null or after
// an error. A missing key, or null in a column that is not nullable, is an
// error.
func (d *jsonDecoder) value(col string, nullable bool) (string, bool) {
	if d.err != nil {
		return "", false
	}
	var raw string
	found := false
	if d.next < len(d.fields) && d.fields[d.next].key == col {
		raw, found = d.fields[d.next].raw, true
		d.next++
	} else {
		for _, f := range d.fields {
			if f.key == col {
				raw, found = f.raw, true
			}
		}
	}
	if !found {
		d.err = fmt.Errorf("%s: key %q is missing", d.table, col)
		return "", false
	}
	if raw == "null" {
		if !nullable {
			d.err = fmt.Errorf("%s.%s: null in a column that is not nullable", d.table, col)
		}
		return "", false
	}
	return raw, true
}

// number returns the literal text of a JSON number.
func (d *jsonDecoder) number(col string, nullable bool) (string, bool) {
	s, ok := d.value(col, nullable)
	if ok && (s[0] == '"' || s[0] == 't' || s[0] == 'f') {
		d.err = fmt.Errorf("%s.%s: %s is not a JSON number", d.table, col, s)
		return "", false
	}
	return s, ok
}

// str returns the content of a JSON string.
func (d *jsonDecoder) str(col string, nullable bool) (string, bool) {
	s, ok := d.value(col, nullable)
	if !ok {
		return "", false
	}
	if s[0] != '"' {
		d.err = fmt.Errorf("%s.%s: %s is not a JSON string", d.table, col, s)
		return "", false
	}
	out, err := jsonText(s)
	if err != nil {
		d.err = fmt.Errorf("%s.%s: %w", d.table, col, err)
		return "", false
	}
	return out, true
}

func (d *jsonDecoder) fail(col string, err error) {
	d.err = fmt.Errorf("%s.%s: %w", d.table, col, err)
}

func (d *jsonDecoder) int64(col string, nullable bool) int64 {
	s, ok := d.number(col, nullable)
	if !ok {
		return 0
	}
	v, err := parseInt(s, 64)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *jsonDecoder) int32(col string, nullable bool) int32 {
	s, ok := d.number(col, nullable)
	if !ok {
		return 0
	}
	v, err := parseInt(s, 32)
	if err != nil {
		d.fail(col, err)
	}
	return int32(v)
}

func (d *jsonDecoder) float(col string, nullable bool) float64 {
	s, ok := d.number(col, nullable)
	if !ok {
		return 0
	}
	v, err := parseFloat(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *jsonDecoder) text(col string, nullable bool) string {
	s, _ := d.str(col, nullable)
	return s
}

func (d *jsonDecoder) boolean(col string, nullable bool) bool {
	s, ok := d.value(col, nullable)
	if !ok {
		return false
	}
	v, err := parseBool(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *jsonDecoder) money(col string, nullable bool) int64 {
	s, ok := d.number(col, nullable)
	if !ok {
		return 0
	}
	v, err := ParseMoney(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *jsonDecoder) date(col string, nullable bool) int32 {
	s, ok := d.str(col, nullable)
	if !ok {
		return 0
	}
	v, err := ParseDate(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *jsonDecoder) timestamp(col string, nullable bool) int64 {
	s, ok := d.str(col, nullable)
	if !ok {
		return 0
	}
	v, err := ParseTimestamp(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}

func (d *jsonDecoder) uuid(col string, nullable bool) [16]byte {
	s, ok := d.str(col, nullable)
	if !ok {
		return [16]byte{}
	}
	v, err := ParseUUID(s)
	if err != nil {
		d.fail(col, err)
	}
	return v
}
