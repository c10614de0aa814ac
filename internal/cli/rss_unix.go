//go:build linux || darwin || freebsd

package cli

import (
	"runtime"
	"syscall"
)

// peakRSSMB is the process's peak resident set size in MB.
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return float64(ru.Maxrss) / 1e6 // bytes
	}
	return float64(ru.Maxrss) / 1024 // kilobytes
}
