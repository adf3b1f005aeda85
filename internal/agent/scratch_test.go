package agent

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestSweepScratch: snapshot files older than a driver call may last
// go; recent ones (a snapshot whose outcome is being written) and other
// files of the directory stay.
func TestSweepScratch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := New(nil, Options{Host: "h", Scratch: dir, Timeout: time.Minute})
	old, recent := time.Now().Add(-3*time.Minute), time.Now().Add(-30*time.Second)
	for name, mod := range map[string]time.Time{
		"snapshot-a-1": old, "snapshot-b-2": recent, "image-upload-3": old,
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	if n := a.SweepScratch(); n != 1 {
		t.Errorf("removed %d, want 1", n)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	for i := range left {
		left[i] = filepath.Base(left[i])
	}
	if want := []string{"image-upload-3", "snapshot-b-2"}; !slices.Equal(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
}
