package image

import (
	"context"
	"fmt"
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
	if err := os.Rename(tmp, s.path(id)); err != nil {
		return fmt.Errorf("store snapshot data: %w", err)
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
	_ = os.Remove(s.path(id))
	return nil
}
