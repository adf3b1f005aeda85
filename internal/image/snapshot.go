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

// StageSnapshot receives the file data — a guest's snapshot a driver of
// real guests wrote, "" for the simulated guests' none — beside the
// image store, hashing it on the way, outside any transaction: a disk
// of gigabytes is copied and hashed before FinishSnapshot's transaction,
// which only keeps it. It returns the staged file (the caller removes it
// if FinishSnapshot does not keep it) with its size and hashes.
func (s *Service) StageSnapshot(data string) (store.StagedImage, error) {
	var r io.Reader = strings.NewReader("")
	if data != "" {
		f, err := os.Open(data)
		if err != nil {
			return store.StagedImage{}, fmt.Errorf("snapshot data: %w", err)
		}
		defer f.Close()
		r = f
	}
	d, tmp, err := s.receive("snapshot-staged", r) // the agent sweeps snapshot-* a crash left
	return store.StagedImage{File: tmp, ImageData: d}, err
}

// FinishSnapshot makes a queued image that a server action created
// (createImage, createBackup, shelve) active, queued → saving → active,
// with the data StageSnapshot staged (a zero out.Staged: none, the image
// is empty). The disk_format becomes out.DiskFormat (the driver's),
// except that an ami stays an ami, as Glance keeps Nova's snapshots of
// ami servers; "" keeps the image's. The simulated guests have no disk
// to copy, so their images are empty; they can be downloaded and booted
// like any image.
func (s *Service) FinishSnapshot(ctx context.Context, tx *store.Tx, id string, out store.SnapshotOutput) error {
	staged, diskFormat := out.Staged, out.DiskFormat
	if diskFormat != "" {
		im, err := tx.ImageGet(ctx, id)
		if err != nil {
			return err
		}
		if im.DiskFormat != diskFormat && im.DiskFormat != "ami" {
			im.DiskFormat = diskFormat
			if err := tx.ImageUpdate(ctx, im); err != nil {
				return err
			}
		}
	}
	if staged.File == "" {
		var err error
		if staged, err = s.StageSnapshot(""); err != nil {
			return err
		}
		defer os.Remove(staged.File)
	}
	if err := s.keep(ctx, tx, id, staged.File); err != nil {
		return err
	}
	now := s.now().UnixMicro()
	if _, err := tx.ImageSetStatus(ctx, id, store.StatusChange{From: "queued", To: "saving", Now: now}); err != nil {
		return err
	}
	_, err := tx.ImageSetData(ctx, id, staged.ImageData, now)
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
