package volume

import (
	"bytes"
	"os"
	"syscall"
	"testing"
)

// A volume file has its full length but holds only the blocks written:
// the image bytes at the start, holes for the zeros around them.
func TestBackendSparse(t *testing.T) {
	t.Parallel()
	b, err := newBackend(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := append(bytes.Repeat([]byte{0}, 4<<20), []byte("marker")...)
	if err := b.create("v1", 8, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		make func() error
		path string
		size int64
	}{
		{"created", func() error { return nil }, b.path("v1"), 8 << 30},
		{"extended", func() error { return b.extend("v1", 16) }, b.path("v1"), 16 << 30},
		{"snapshot", func() error { return b.snapshot("v1", "s1", 16) }, b.snapshotPath("s1"), 16 << 30},
		{"from snapshot", func() error { return b.fromSnapshot("s1", "v2", 20) }, b.path("v2"), 20 << 30},
		{"from volume", func() error { return b.fromVolume("v1", "v3", 16) }, b.path("v3"), 16 << 30},
	} {
		if err := tc.make(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		fi, err := os.Stat(tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if fi.Size() != tc.size {
			t.Errorf("%s: length %d, want %d", tc.name, fi.Size(), tc.size)
		}
		if used := fi.Sys().(*syscall.Stat_t).Blocks * 512; used > 1<<20 {
			t.Errorf("%s: %d bytes allocated, want a sparse file", tc.name, used)
		}
		got := make([]byte, len(data))
		f, _ := os.Open(tc.path)
		_, _ = f.ReadAt(got, 0)
		f.Close()
		if !bytes.Equal(got, data) {
			t.Errorf("%s: data not copied", tc.name)
		}
	}
	if err := b.remove("v1"); err != nil {
		t.Fatal(err)
	}
	if err := b.remove("v1"); err != nil {
		t.Errorf("removing twice: %v", err)
	}
}
