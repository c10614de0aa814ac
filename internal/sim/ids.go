package sim

import (
	"encoding/binary"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// External ids are composed so that they are unique by construction and can
// be read by a person: YYYYMMDD, a 5-digit place (a store id, or 90000 + a
// DC id for DC-level objects), and a 6-digit sequence within that place and
// day. 2025-11-28, store 12, sequence 123 → 2025112800012000123.
const (
	placeFactor = 1_000_000
	dateFactor  = 100_000 * placeFactor
	// MaxStoreID is the largest store id the id scheme can hold.
	MaxStoreID = 89_999
	// dcPlaceBase offsets DC ids in the place part of ids.
	dcPlaceBase = 90_000
	// MaxSequence is the largest per-place, per-day sequence.
	MaxSequence = placeFactor - 1
	// returnSeqBase starts the sequence of return receipts, so that sales
	// and returns of a store-day never collide.
	returnSeqBase = 900_000
)

// dateNumber is YYYYMMDD.
func dateNumber(d civil.Date) int64 {
	y, m, dd := d.Civil()
	return int64(y)*10000 + int64(m)*100 + int64(dd)
}

// composeID builds an external id from a day, a place and a sequence.
func composeID(d civil.Date, place, seq int64) int64 {
	return dateNumber(d)*dateFactor + place*placeFactor + seq
}

// Trace id kinds: the first input of the trace bijection, so that events of
// different kinds never share a trace id.
const (
	traceReceipt uint64 = iota + 1
	traceFoot
	traceVisit
	traceStoreOp
	traceStockout
	traceCount
	traceReorder
	traceShipment
	traceOrder
	traceImpression
	traceDisruption
)

// traceKey holds the four round keys of the trace id permutation.
type traceKey [4]uint64

func newTraceKey(seed uint64) traceKey {
	var k traceKey
	h := seed ^ 0x243f6a8885a308d3
	for i := range k {
		h = splitmix(h + 0x9e3779b97f4a7c15)
		k[i] = h
	}
	return k
}

func splitmix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// trace returns the trace id of an event identified by (kind, a, b): a
// four-round Feistel permutation of the 128-bit input (kind in the top 8
// bits of the first half, which leaves 56 bits for a), so distinct events
// get distinct ids, which look random.
func (k traceKey) trace(kind, a, b uint64) [16]byte {
	l := kind<<56 | a&(1<<56-1)
	r := b
	for _, rk := range k {
		l, r = r, l^splitmix(r^rk)
	}
	var out [16]byte
	binary.BigEndian.PutUint64(out[:8], l)
	binary.BigEndian.PutUint64(out[8:], r)
	return out
}

// placeDay packs a place id and a day into the 56-bit first trace input.
func placeDay(place int64, d civil.Date) uint64 {
	return uint64(place)<<24 | uint64(uint32(d))&(1<<24-1)
}
