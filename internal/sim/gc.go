package sim

import (
	"os"
	"runtime/debug"
)

// GC settings for a process that runs one simulation and little else.
// A simulation allocates a great deal that dies young (each touch's copies,
// renders and transactions) beside a heap that grows slowly (the output),
// so collecting when the heap has grown fivefold rather than twofold saves
// about a quarter of its CPU time; the memory limit keeps that growth from
// outrunning the machine on a large run, the collector working harder near it.
const (
	gcPercent   = 400
	memoryLimit = 1 << 30
)

// TuneGC sets the collector for `dripline simulate`: GOGC 400 and a soft
// memory limit of 1 GiB, each unless the environment sets it (GOGC,
// GOMEMLIMIT). It returns a func that puts back what it changed.
func TuneGC() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(gcPercent)
		undo = append(undo, func() { debug.SetGCPercent(old) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(memoryLimit)
		undo = append(undo, func() { debug.SetMemoryLimit(old) })
	}
	return func() {
		for _, f := range undo {
			f()
		}
	}
}
