// Package rows holds one Go type per table with reflection-free encoders.
// The types and encoders in rows_gen.go are generated from package schema:
//
//go:generate go run ../schema/codegen/genrows rows_gen.go
package rows

import (
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
	if cents < 0 {
		b = append(b, '-')
		if cents == -cents { // math.MinInt64 cannot be negated
			return append(b, "92233720368547758.08"...)
		}
		cents = -cents
	}
	b = strconv.AppendInt(b, cents/100, 10)
	c := cents % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

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

// AppendUUID appends u as 8-4-4-4-12 lowercase hex.
func AppendUUID(b []byte, u [16]byte) []byte {
	const hex = "0123456789abcdef"
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hex[c>>4], hex[c&15])
	}
	return b
}

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
	needs := len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ')
	if !needs {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
				needs = true
				break
			}
		}
	}
	if !needs {
		return append(b, s...)
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
