package storetest

import (
	"syscall"
	"time"
)

// ProcessCPU is the user and system time this process has used: under a
// shared machine's load a steadier measure for benchmarks than wall time.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
