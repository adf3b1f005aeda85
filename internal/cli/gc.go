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
// collector then runs as often as needed) so memory stays bounded. It
// counts only Go's memory: SQLite's page caches and the pure-Go libc's
// allocations come on top (40-50 MiB under the bench's mixed row), so
// 200 MiB keeps the process under 300 MiB. At 256 MiB the mixed row with
// 100,000 stored peaked at 273-306 MiB; at 200, 227-233 MiB for 3-4 %
// more CPU per request (0.388-0.395 -> 0.403-0.409 ms).
const (
	gcPercent   = 400
	memoryLimit = 200 << 20
)

func tuneGC() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(gcPercent)
	}
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(memoryLimit)
	}
}
