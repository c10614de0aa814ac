package rows

import (
	"math"
	"strconv"
	"testing"
)

// benchUUIDs are trace ids of varied bytes for BenchmarkAppendUUID.
var benchUUIDs = [4][16]byte{
	{0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x79, 0x88, 0x97, 0xa6, 0xb5, 0xc4, 0xd3, 0xe2, 0xf1, 0x00},
	{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f},
	{0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00},
	{0x9a, 0x3c, 0x41, 0x7e, 0xd2, 0x05, 0x4b, 0x8f, 0xa1, 0x6d, 0x30, 0xfe, 0x12, 0xc7, 0x58, 0xe9},
}

func BenchmarkAppendUUID(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buf = AppendUUID(buf[:0], benchUUIDs[i&3])
		i++
	}
	b.SetBytes(36)
}

// benchMicros are wall-clock timestamps of 2025, a third of them with a
// fraction of a second.
var benchMicros = [6]int64{
	1_740_830_400_000_000 + 37_512_000_000,
	1_740_830_400_000_000 + 37_512_000_417,
	1_751_328_000_000_000 + 86_399_000_000,
	1_760_000_000_000_000,
	1_735_689_600_000_000 + 123_456_789,
	1_767_225_599_000_000,
}

func BenchmarkAppendTimestamp(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buf = AppendTimestamp(buf[:0], benchMicros[i%len(benchMicros)], ' ')
		i++
	}
}

// benchCents are amounts as the generator writes them: prices, line totals
// and the occasional refund.
var benchCents = [8]int64{499, 1299, 12999, 5, 249900, -1599, 100, 73}

func BenchmarkAppendMoney(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buf = AppendMoney(buf[:0], benchCents[i&7])
		i++
	}
}

// benchInts are column values by kind: small counts and ids, customer and
// product ids, negative values such as RSSI, and epoch-sized values.
var benchInts = []struct {
	name string
	v    [4]int64
}{
	{"small", [4]int64{4, 42, 7, 99}},
	{"ids", [4]int64{123456, 9876543, 1200, 45321}},
	{"negative", [4]int64{-67, -81, -5, -1234}},
	{"large", [4]int64{1_740_830_400_000_000, math.MaxInt64, math.MinInt64, 98765432109}},
}

// BenchmarkAppendInt compares appendInt with strconv.AppendInt, which it
// replaces.
func BenchmarkAppendInt(b *testing.B) {
	for _, in := range benchInts {
		for _, f := range []struct {
			name string
			fn   func([]byte, int64) []byte
		}{
			{"appendInt", appendInt},
			{"strconv", func(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }},
		} {
			b.Run(in.name+"/"+f.name, func(b *testing.B) {
				buf := make([]byte, 0, 64)
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					buf = f.fn(buf[:0], in.v[i&3])
					i++
				}
			})
		}
	}
}
