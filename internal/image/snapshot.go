package image

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"novalite"
	"novalite/internal/store"
)

// FinishSnapshot makes a queued image that a server action created
// (createImage, createBackup, shelve) active, queued → saving → active,
// with the bytes of the file data as a guest's snapshot: a driver of real
// guests wrote the guest's disk there, in diskFormat. The simulated
// guests have no disk to copy (data ""), so their images are empty; they
// can be downloaded and booted like any image.
func (s *Service) FinishSnapshot(ctx context.Context, tx *store.Tx, id, data, diskFormat string) error {
	var r io.Reader = strings.NewReader("")
	if data != "" {
		f, err := os.Open(data)
		if err != nil {
			return fmt.Errorf("snapshot data: %w", err)
		}
		defer f.Close()
		r = f
	}
	if diskFormat != "" {
		im, err := tx.ImageGet(ctx, id)
		if err != nil {
			return err
		}
		if im.DiskFormat != diskFormat && im.DiskFormat != "ami" { // an ami stays one, as Glance has it
			im.DiskFormat = diskFormat
			if err := tx.ImageUpdate(ctx, im); err != nil {
				return err
			}
		}
	}
	d, tmp, err := s.receive(id, r)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := s.keep(ctx, tx, id, tmp); err != nil {
		return err
	}
	now := s.now().UnixMicro()
	if _, err := tx.ImageSetStatus(ctx, id, "queued", "saving", now); err != nil {
		return err
	}
	_, err = tx.ImageSetData(ctx, id, d, now)
	return err
}

// DeleteImage removes an image a server action made (a failed snapshot,
// the image of a shelve once unshelved, a rotated backup).
func (s *Service) DeleteImage(ctx context.Context, tx *store.Tx, id string) error {
	if err := tx.ImageDelete(ctx, id); err != nil && !novalite.IsKind(err, novalite.NotFound) {
		return err
	}
	s.drop(id)
	return nil
}
