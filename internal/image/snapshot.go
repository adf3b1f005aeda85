package image

import (
	"context"
	"os"
	"strings"

	"novalite"
	"novalite/internal/store"
)

// FinishSnapshot makes a queued image that a server action created
// (createImage, createBackup, shelve) active. The simulated guests have
// no disk to copy, so its data is empty; it can be downloaded and booted
// like any image.
func (s *Service) FinishSnapshot(ctx context.Context, tx *store.Tx, id string) error {
	d, tmp, err := s.receive(id, strings.NewReader(""))
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
