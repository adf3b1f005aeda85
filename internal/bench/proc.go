package bench

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on
// every Linux that Go supports.
const clockTicks = 100

// proc reads a process's CPU time and resident memory from /proc.
type proc struct{ pid int }

// cpu is the user plus system CPU time the process has used.
func (p proc) cpu() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces: fields count from after its ')'.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", p.pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64) // utime, field 14
	st, err2 := strconv.ParseInt(f[12], 10, 64) // stime, field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc/%d/stat", p.pid)
	}
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// rss is the resident set in bytes (VmRSS).
func (p proc) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", p.pid)
}

// procs are the processes of the cloud under test (serve, or every
// role): what it spends is their sum.
type procs []proc

// cpu is the CPU time of them all.
func (ps procs) cpu() time.Duration {
	var sum time.Duration
	for _, p := range ps {
		c, _ := p.cpu()
		sum += c
	}
	return sum
}

// rss is their resident sets together.
func (ps procs) rss() int64 {
	var sum int64
	for _, p := range ps {
		r, _ := p.rss()
		sum += r
	}
	return sum
}

// watch samples the processes' RSS every 20 ms until the returned
// function is called, which gives the CPU time used meanwhile and the
// highest RSS seen (of them together).
func (ps procs) watch() func() (time.Duration, int64) {
	c0 := ps.cpu()
	var (
		peak int64
		mu   sync.Mutex
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	sample := func() {
		r := ps.rss()
		mu.Lock()
		peak = max(peak, r)
		mu.Unlock()
	}
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() (time.Duration, int64) {
		close(stop)
		<-done
		sample()
		c1 := ps.cpu()
		mu.Lock()
		defer mu.Unlock()
		return c1 - c0, peak
	}
}
