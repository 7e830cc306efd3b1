// Package benchmeter measures what benchmarks report beside wall time: the
// CPU time the process used and its peak resident memory. On a shared,
// loaded machine CPU time shows the work done, which wall time does not.
package benchmeter

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPUTime is the CPU time the process has used, user and system.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Since returns a function giving the CPU time used since Since was called.
func Since() func() time.Duration {
	start := CPUTime()
	return func() time.Duration { return CPUTime() - start }
}

// PeakRSS is the process's peak resident set in bytes (VmHWM in
// /proc/self/status), or 0 where that file is missing.
func PeakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n << 10
		}
	}
	return 0
}
