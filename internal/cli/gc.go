package cli

import (
	"os"
	"runtime/debug"
)

// Garbage collector defaults of the long-running commands, unless GOGC or
// GOMEMLIMIT say otherwise. A request allocates much and keeps little
// (a 1,000-server page: 15 MB in 200k objects, none kept), so collecting
// at 5× the live heap instead of 2× takes a quarter of the GC work off
// every request; the limit keeps the heap near it under bursts (the
// collector then runs as often as needed) so memory stays bounded.
const (
	gcPercent   = 400
	memoryLimit = 256 << 20
)

func tuneGC() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(gcPercent)
	}
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(memoryLimit)
	}
}
