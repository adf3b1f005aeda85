package agent

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SweepScratch removes the snapshot files of Options.Scratch that no
// driver call or outcome can still be using — older than a driver
// call may last — which a crash between a snapshot and its outcome left
// behind. It returns how many it removed.
func (a *Agent) SweepScratch() int {
	if a.o.Scratch == "" {
		return 0
	}
	entries, err := os.ReadDir(a.o.Scratch)
	if err != nil {
		return 0
	}
	cutoff := time.Now().Add(-a.o.Timeout - time.Minute)
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "snapshot-") {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(cutoff) &&
			os.Remove(filepath.Join(a.o.Scratch, e.Name())) == nil {
			n++
		}
	}
	if n > 0 {
		a.o.Log.Info("removed snapshot files a crash left", "count", n, "dir", a.o.Scratch)
	}
	return n
}
