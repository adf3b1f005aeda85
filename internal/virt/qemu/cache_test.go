//go:build guests

package qemu_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"novalite/internal/virt/qemu"
)

// TestPruneCache: the image cache manager removes the bases no guest
// uses once unused for longer than the age (and old half-made
// downloads), keeps the ones in use (and touches them) and the recent.
func TestPruneCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "host")
	d, err := qemu.New(qemu.Config{Dir: dir, RemoveUnusedAge: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", qemu.NetNS(dir)).Run() })
	now := time.Now()
	base := filepath.Join(dir, "_base")
	old := now.Add(-2 * time.Hour)
	files := []struct {
		name string
		mod  time.Time
	}{
		{"image-in-use", old}, {"kernel-in-use", old}, {"image-rescue", old}, {"image-kept", old},
		{"image-unused-old", old}, {"image-unused-recent", now.Add(-time.Minute)},
		{"image-x.part-123", old}, {"image-y.part-456", now},
	}
	for _, f := range files {
		p := filepath.Join(base, f.name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, f.mod, f.mod); err != nil {
			t.Fatal(err)
		}
	}
	specs := map[string]string{
		"0d1b2c3a-0000-4000-8000-000000000001/instance.json": `{"instance":{"ImageRef":"image-in-use"},"kernel":"` +
			filepath.Join(base, "kernel-in-use") + `"}`,
		"0d1b2c3a-0000-4000-8000-000000000002/instance.json":        `{"instance":{"ImageRef":"image-in-use"},"base":"` + filepath.Join(base, "image-rescue") + `"}`,
		"0d1b2c3a-0000-4000-8000-000000000002/unrescue.json":        `{"instance":{"ImageRef":"image-in-use"}}`,
		"0d1b2c3a-0000-4000-8000-000000000003_resize/instance.json": `{"instance":{"ImageRef":"image-kept"}}`,
	}
	for name, body := range specs {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := d.PruneCache(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{"image-unused-old"}) {
		t.Errorf("removed %v, want [image-unused-old]", removed)
	}
	left, _ := filepath.Glob(filepath.Join(base, "*"))
	for i := range left {
		left[i] = filepath.Base(left[i])
	}
	want := []string{"image-in-use", "image-kept", "image-rescue", "image-unused-recent", "image-y.part-456", "kernel-in-use"}
	if !slices.Equal(left, want) {
		t.Errorf("cache after pruning: %v, want %v", left, want)
	}
	// The bases in use were touched: unused from now on, not from before.
	if fi, err := os.Stat(filepath.Join(base, "image-in-use")); err != nil || now.Sub(fi.ModTime()) > time.Second {
		t.Errorf("base in use not touched: %v %v", fi.ModTime(), err)
	}
}
