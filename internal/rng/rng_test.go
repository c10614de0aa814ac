package rng

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestStreamsAreReproducible(t *testing.T) {
	a := New(42).Key("customers").With(7).Rand()
	b := New(42).Key("customers").With(7).Rand()
	for i := 0; i < 100; i++ {
		if x, y := a.Uint64(), b.Uint64(); x != y {
			t.Fatalf("draw %d differs: %d vs %d", i, x, y)
		}
	}
}

func TestStreamsDiffer(t *testing.T) {
	base := New(42).Key("customers").With(7).Rand().Uint64()
	cases := map[string]uint64{
		"seed":    New(43).Key("customers").With(7).Rand().Uint64(),
		"purpose": New(42).Key("products").With(7).Rand().Uint64(),
		"entity":  New(42).Key("customers").With(8).Rand().Uint64(),
		"depth":   New(42).Key("customers").With(7).With(0).Rand().Uint64(),
	}
	for name, v := range cases {
		if v == base {
			t.Errorf("changing the %s did not change the stream", name)
		}
	}
	if New(1).Key("ab").With(1).With(2).Uint64() == New(1).Key("ab").With(2).With(1).Uint64() {
		t.Error("With order must matter")
	}
}

func TestPermuteIsInjective(t *testing.T) {
	k := New(9).Key("loyalty")
	seen := make(map[uint64]bool, 200000)
	for i := uint64(0); i < 200000; i++ {
		v := Permute(k, i)
		if seen[v] {
			t.Fatalf("collision at %d", i)
		}
		seen[v] = true
	}
}

func TestPoissonMean(t *testing.T) {
	r := New(1).Key("poisson").Rand()
	for _, lambda := range []float64{0.5, 4, 29, 31, 400} {
		const n = 40000
		var sum float64
		for i := 0; i < n; i++ {
			sum += float64(Poisson(r, lambda))
		}
		mean := sum / n
		if math.Abs(mean-lambda) > 0.03*lambda+0.05 {
			t.Errorf("lambda %.1f: mean %.3f", lambda, mean)
		}
	}
	if Poisson(r, 0) != 0 || Poisson(r, -1) != 0 {
		t.Error("non-positive lambda must give 0")
	}
}

func TestWeighted(t *testing.T) {
	r := New(3).Key("w").Rand()
	cum := Cumulative([]float64{1, 0, 3})
	counts := make([]int, 3)
	for i := 0; i < 40000; i++ {
		counts[Weighted(r, cum)]++
	}
	if counts[1] != 0 {
		t.Errorf("zero-weight index chosen %d times", counts[1])
	}
	ratio := float64(counts[2]) / float64(counts[0])
	if ratio < 2.7 || ratio > 3.3 {
		t.Errorf("ratio %.2f, want about 3", ratio)
	}
}

func TestIntBetween(t *testing.T) {
	r := New(5).Key("i").Rand()
	for i := 0; i < 1000; i++ {
		v := IntBetween(r, 3, 5)
		if v < 3 || v > 5 {
			t.Fatalf("out of range: %d", v)
		}
	}
	if IntBetween(r, 4, 4) != 4 {
		t.Error("degenerate range")
	}
}

func TestReseedMatchesRand(t *testing.T) {
	k := New(9).Key("visit").With(3)
	var p rand.PCG
	r := rand.New(&p)
	k.Reseed(&p)
	want := k.Rand()
	for range 10 {
		if a, b := r.Uint64(), want.Uint64(); a != b {
			t.Fatalf("reseeded stream %x, fresh stream %x", a, b)
		}
	}
}
