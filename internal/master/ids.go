package master

import (
	"math/bits"

	"github.com/retail-datagen/retail-datagen/internal/rng"
)

// affine is a bijection x → (a·x + b) mod m on [0, m), used to turn dense
// ids into unique, random-looking identifiers of a fixed width.
type affine struct {
	a, b, m uint64
}

// newAffine derives a and b from key; a is made coprime with m by skipping
// multiples of m's prime factors (given).
func newAffine(k rng.Key, m uint64, primes ...uint64) affine {
	h := k.Uint64()
	a := h%m | 1
	for {
		ok := a > 1
		for _, p := range primes {
			if a%p == 0 {
				ok = false
			}
		}
		if ok {
			break
		}
		a = (a + 2) % m
	}
	return affine{a: a, b: k.With(1).Uint64() % m, m: m}
}

func (f affine) apply(x uint64) uint64 {
	hi, lo := bits.Mul64(f.a, x%f.m)
	return (bits.Rem64(hi, lo, f.m) + f.b) % f.m
}

const base36 = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

type plateMaker struct{ f affine }

func newPlateMaker(src rng.Source) plateMaker {
	// 34 symbols (no I, O) over 7 places.
	const m = 34 * 34 * 34 * 34 * 34 * 34 * 34
	return plateMaker{f: newAffine(src.Key("license-plate"), m, 2, 17)}
}

// plate returns a unique 7-character plate such as "7KX-M42Q" for a truck id.
func (p plateMaker) plate(id int64) string {
	x := p.f.apply(uint64(id))
	var b [8]byte
	for i := 7; i >= 0; i-- {
		if i == 3 {
			b[i] = '-'
			continue
		}
		b[i] = base36[x%34]
		x /= 34
	}
	return string(b[:])
}

// customerIDs turns customer ids into unique loyalty cards, BLE device ids
// and advertising ids.
type customerIDs struct {
	loyalty affine // 12 decimal digits
	ble     affine // 48-bit MAC-style address
	ad      rng.Key
}

func newCustomerIDs(src rng.Source) customerIDs {
	return customerIDs{
		loyalty: newAffine(src.Key("loyalty-card"), 1_000_000_000_000, 2, 5),
		ble:     newAffine(src.Key("ble-id"), 1<<48, 2),
		ad:      src.Key("ad-id"),
	}
}

func (c customerIDs) loyaltyCard(id int64) string {
	x := c.loyalty.apply(uint64(id))
	b := []byte("LC000000000000")
	for i := len(b) - 1; i >= 2; i-- {
		b[i] = byte('0' + x%10)
		x /= 10
	}
	return string(b)
}

func (c customerIDs) bleID(id int64) string {
	x := c.ble.apply(uint64(id))
	const hex = "0123456789ABCDEF"
	b := make([]byte, 17)
	for i := 5; i >= 0; i-- {
		v := byte(x)
		x >>= 8
		b[i*3] = hex[v>>4]
		b[i*3+1] = hex[v&15]
		if i < 5 {
			b[i*3+2] = ':'
		}
	}
	return string(b)
}

// adID returns a version-4-shaped UUID whose 64 unique bits come from a
// bijection of the customer id.
func (c customerIDs) adID(id int64) string {
	p := rng.Permute(c.ad, uint64(id))
	q := c.ad.With(id).Uint64()
	var u [16]byte
	for i := 0; i < 6; i++ {
		u[i] = byte(p >> (8 * i))
	}
	u[6] = 0x40 | byte(p>>48)&0x0f
	u[7] = byte(p >> 52)
	u[8] = 0x80 | byte(p>>60)&0x0f
	for i := 9; i < 16; i++ {
		u[i] = byte(q >> (8 * (i - 9)))
	}
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i, v := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hex[v>>4], hex[v&15])
	}
	return string(b)
}
