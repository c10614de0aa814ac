package jobs

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestSoftMemoryLimit: without GOMEMLIMIT the simulation gets a soft limit
// of at least 768 MiB; with it, the user's limit stands.
func TestSoftMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1)) // restore
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "")
	setSoftMemoryLimit()
	if got := debug.SetMemoryLimit(-1); got < 768<<20 || got == math.MaxInt64 {
		t.Errorf("limit without GOMEMLIMIT = %d, want at least 768 MiB", got)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "2GiB")
	setSoftMemoryLimit()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit with GOMEMLIMIT set = %d, want it left alone", got)
	}
}
