// Package rng derives independent, reproducible random streams.
//
// Every random decision in retail-datagen draws from a stream identified by
// (seed, purpose, entity ids…, day). Streams never share state, so the order in
// which workers run cannot change any value: the data is identical for any
// worker count and any shard.
package rng

import (
	"math"
	"math/rand/v2"
)

// Source is the root of all streams for one seed.
type Source struct {
	seed uint64
}

// New returns the stream source for seed.
func New(seed uint64) Source { return Source{seed: seed} }

// Seed reports the seed the source was built from.
func (s Source) Seed() uint64 { return s.seed }

// Key identifies one stream. Keys are small values; derive them freely.
type Key struct {
	h uint64
}

// Key starts a key for a purpose such as "customers" or "basket".
func (s Source) Key(purpose string) Key {
	h := mix(s.seed ^ 0x6a09e667f3bcc908)
	for i := 0; i < len(purpose); i++ {
		h = mix(h ^ uint64(purpose[i]) ^ uint64(i)<<56)
	}
	return Key{h: mix(h ^ uint64(len(purpose)))}
}

// With narrows a key to an entity or a day. Order matters:
// k.With(a).With(b) differs from k.With(b).With(a).
func (k Key) With(id int64) Key {
	return Key{h: mix(k.h ^ mix(uint64(id)+0x9e3779b97f4a7c15))}
}

// Uint64 returns the key's hash; useful for deterministic identifiers.
func (k Key) Uint64() uint64 { return k.h }

// PCG returns the stream's generator by value (no allocation).
func (k Key) PCG() rand.PCG {
	return *rand.NewPCG(k.h, mix(k.h^0xbb67ae8584caa73b))
}

// Reseed points an existing generator at the stream, so that a hot loop can
// switch streams without allocating: keep one rand.Rand over p and reseed p.
func (k Key) Reseed(p *rand.PCG) {
	p.Seed(k.h, mix(k.h^0xbb67ae8584caa73b))
}

// Rand returns a *rand.Rand reading the stream.
func (k Key) Rand() *rand.Rand {
	return rand.New(rand.NewPCG(k.h, mix(k.h^0xbb67ae8584caa73b)))
}

// mix is the SplitMix64 finalizer: a bijection on uint64 with good avalanche.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Permute maps x to a unique value under key k: distinct x give distinct
// results (it is a bijection on uint64). Use it for identifiers that must be
// unique yet look random, such as loyalty card numbers.
func Permute(k Key, x uint64) uint64 {
	// Four Feistel-free rounds of invertible operations keyed by k.
	x ^= k.h
	x = mix(x)
	x += k.h | 1
	return mix(x)
}

// IntBetween returns a uniform integer in [lo, hi]. It requires lo <= hi.
func IntBetween(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// FloatBetween returns a uniform float in [lo, hi).
func FloatBetween(r *rand.Rand, lo, hi float64) float64 {
	return lo + r.Float64()*(hi-lo)
}

// Bernoulli reports true with probability p.
func Bernoulli(r *rand.Rand, p float64) bool { return r.Float64() < p }

// Poisson draws from a Poisson distribution with mean lambda.
// Small means use Knuth's product method; large means a rounded normal
// approximation, which is accurate to well under 1 % beyond lambda = 30.
func Poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda < 30 {
		l := math.Exp(-lambda)
		k := 0
		p := 1.0
		for {
			p *= r.Float64()
			if p <= l {
				return k
			}
			k++
		}
	}
	v := math.Round(lambda + math.Sqrt(lambda)*r.NormFloat64())
	if v < 0 {
		return 0
	}
	return int(v)
}

// Weighted picks an index with probability proportional to cumulative
// weights: cum[i] is the sum of weights 0..i. It requires cum to be
// non-decreasing with a positive last element.
func Weighted(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// Guide draws from a large cumulative table in constant expected time: a
// table of starting points, one per equal slice of the total, replaces the
// binary search. Draw returns exactly what Weighted returns for the same
// table and generator state, and consumes the same single Float64.
type Guide struct {
	cum   []float64
	start []int32
}

// Reset builds the guide for cum (non-decreasing, positive last element),
// reusing the guide's memory. cum must not change while the guide is used.
func (g *Guide) Reset(cum []float64) {
	g.cum = cum
	g.start = g.start[:0]
	if len(cum) == 0 {
		return
	}
	total := cum[len(cum)-1]
	k := len(cum)
	j := 0
	for b := range k {
		lo := total * float64(b) / float64(k)
		for j < len(cum)-1 && cum[j] <= lo {
			j++
		}
		g.start = append(g.start, int32(j))
	}
}

// Draw picks an index with probability proportional to the weights.
func (g *Guide) Draw(r *rand.Rand) int {
	cum := g.cum
	total := cum[len(cum)-1]
	x := r.Float64() * total
	if !(total > 0) {
		return len(cum) - 1 // as Weighted does on an all-zero table
	}
	k := len(g.start)
	b := min(int(x/total*float64(k)), k-1)
	// The bucket's lower bound is computed as in Reset, so the comparison
	// is exact: start[b] is never past the answer.
	for b > 0 && total*float64(b)/float64(k) > x {
		b--
	}
	i := int(g.start[b])
	for i < len(cum)-1 && cum[i] <= x {
		i++
	}
	return i
}

// Cumulative turns weights into the cumulative form Weighted expects.
func Cumulative(weights []float64) []float64 {
	cum := make([]float64, len(weights))
	var s float64
	for i, w := range weights {
		if w > 0 {
			s += w
		}
		cum[i] = s
	}
	return cum
}
