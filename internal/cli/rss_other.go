//go:build !(linux || darwin || freebsd)

package cli

// peakRSSMB is not measured on this system.
func peakRSSMB() float64 { return 0 }
