package image

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"novalite"
	"novalite/internal/store"
)

// TestFinishSnapshot: a snapshot's bytes — a file a driver of real
// guests wrote, or none from the simulated ones — become the queued
// image's data (the disk_format the driver named too), readable as any
// upload, on either engine.
func TestFinishSnapshot(t *testing.T) {
	t.Parallel()
	data := strings.Repeat("QFI\xfbdisk", 70000) // over one chunk
	for _, c := range []struct {
		name, data, format, wantFormat string
		imageFormat                    string // the queued image's, if set
	}{
		{name: "real guest's disk", data: data, format: "qcow2", wantFormat: "qcow2"},
		{name: "an ami's snapshot stays ami", data: data, format: "qcow2", imageFormat: "ami", wantFormat: "ami"},
		{name: "simulated guest", wantFormat: ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, id := setup(t)
			ctx := context.Background()
			file := ""
			if c.data != "" {
				file = filepath.Join(t.TempDir(), "snapshot")
				if err := os.WriteFile(file, []byte(c.data), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var staged store.StagedImage
			if file != "" {
				var err error
				if staged, err = s.StageSnapshot(file); err != nil {
					t.Fatal(err)
				}
				defer os.Remove(staged.File)
			}
			if c.imageFormat != "" {
				err := s.db.Tx(ctx, func(tx *store.Tx) error {
					im, err := tx.ImageGet(ctx, id)
					if err != nil {
						return err
					}
					im.DiskFormat = c.imageFormat
					return tx.ImageUpdate(ctx, im)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			err := s.db.Tx(ctx, func(tx *store.Tx) error {
				return s.FinishSnapshot(ctx, tx, id, store.SnapshotOutput{Staged: staged, DiskFormat: c.format})
			})
			if err != nil {
				t.Fatal(err)
			}
			im, err := s.Get(ctx, owner, id)
			if err != nil {
				t.Fatal(err)
			}
			if im.Status != novalite.ImageActive || im.Size == nil || *im.Size != int64(len(c.data)) || im.DiskFormat != c.wantFormat {
				t.Errorf("image %s size %v disk_format %q; want active, %d, %q", im.Status, im.Size, im.DiskFormat, len(c.data), c.wantFormat)
			}
			f, _, err := s.Open(ctx, owner, id)
			if err != nil || f == nil {
				t.Fatalf("Open: %v, %v", f, err)
			}
			defer f.Close()
			got, err := io.ReadAll(f)
			if err != nil || string(got) != c.data {
				t.Errorf("data read back: %d bytes, %v; want %d", len(got), err, len(c.data))
			}
		})
	}
}
