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

// TestGuideMatchesWeighted draws from random tables, with runs of zero
// weights, huge and tiny weights, and checks that Guide.Draw returns what
// Weighted returns from the same generator state.
func TestGuideMatchesWeighted(t *testing.T) {
	src := rand.New(rand.NewPCG(1, 2))
	var g Guide
	for trial := range 300 {
		n := 1 + src.IntN(3000)
		w := make([]float64, n)
		for i := range w {
			switch src.IntN(5) {
			case 0: // zero weight
			case 1:
				w[i] = src.Float64() * 1e9
			case 2:
				w[i] = src.Float64() * 1e-9
			default:
				w[i] = src.Float64()
			}
		}
		w[src.IntN(n)] += 0.5 // a positive total
		cum := Cumulative(w)
		g.Reset(cum)
		seed := uint64(trial)
		a, b := rand.New(rand.NewPCG(seed, 7)), rand.New(rand.NewPCG(seed, 7))
		for range 2000 {
			want, got := Weighted(a, cum), g.Draw(b)
			if want != got {
				t.Fatalf("trial %d (n=%d): Draw = %d, Weighted = %d", trial, n, got, want)
			}
		}
	}
	// An all-zero table: both give the last index.
	g.Reset([]float64{0, 0, 0})
	if got := g.Draw(rand.New(rand.NewPCG(1, 1))); got != 2 {
		t.Errorf("all-zero table: %d, want 2", got)
	}
}

func BenchmarkWeighted(b *testing.B) {
	w := make([]float64, 8000)
	src := rand.New(rand.NewPCG(3, 4))
	for i := range w {
		w[i] = src.ExpFloat64()
	}
	cum := Cumulative(w)
	var g Guide
	g.Reset(cum)
	b.Run("binary", func(b *testing.B) {
		for b.Loop() {
			Weighted(src, cum)
		}
	})
	b.Run("guide", func(b *testing.B) {
		for b.Loop() {
			g.Draw(src)
		}
	})
}
