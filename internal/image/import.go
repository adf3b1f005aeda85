package image

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
)

// ImportFiles moves into the database the image bytes that a novalite
// older than migration 0042 left as files in this process's data dir on
// PostgreSQL (<dir>/<image id>, as on SQLite still): without it their
// downloads fail, since the bytes are read from image_chunks only. Each
// image whose row has data (active or deactivated) and no chunk gets its
// file's chunks in one transaction that holds the row's lock — of
// processes importing a shared directory at once, one does it; a crash
// leaves an image whole or untouched, and the next start imports it.
// A file whose size or md5 differs from the row's is left out (returned
// as skipped). Files stay: older replicas still running during a rolling
// upgrade read them. Nothing on SQLite, whose bytes are these files.
func (s *Service) ImportFiles(ctx context.Context) (imported, skipped []string, err error) {
	if !s.inDB() {
		return nil, nil, nil
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, nil, fmt.Errorf("image files: %w", err)
	}
	for _, e := range entries {
		// Image files are named by id; uploads in progress are not.
		if _, perr := uuid.Parse(e.Name()); perr != nil || !e.Type().IsRegular() {
			continue
		}
		id := e.Name()
		done, err := s.importFile(ctx, id)
		switch {
		case errors.Is(err, errMismatch):
			skipped = append(skipped, id)
		case err != nil:
			return imported, skipped, fmt.Errorf("import image file %s: %w", id, err)
		case done:
			imported = append(imported, id)
		}
	}
	return imported, skipped, nil
}

// errMismatch: the file is not the data its image row describes.
var errMismatch = errors.New("file does not match the image's size and checksum")

// importFile copies the file of image id into its chunks unless the image
// is gone, has no data or has its chunks already; it reports whether it
// did.
func (s *Service) importFile(ctx context.Context, id string) (bool, error) {
	done := false
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		done = false
		im, has, err := tx.ImageLockForData(ctx, id)
		if novalite.IsKind(err, novalite.NotFound) {
			return nil // deleted since: the file is a leftover
		}
		if err != nil || has || im.Size == nil ||
			(im.Status != novalite.ImageActive && im.Status != novalite.ImageDeactivated) {
			return err
		}
		f, err := os.Open(s.path(id))
		if err != nil {
			return err
		}
		defer f.Close()
		sum := md5.New()
		size, err := insertChunks(ctx, tx, id, f, sum)
		if err != nil {
			return err
		}
		if size != *im.Size || (im.Checksum != "" && hex.EncodeToString(sum.Sum(nil)) != im.Checksum) {
			return errMismatch // rolls the chunks back
		}
		done = true
		return nil
	})
	return done, err
}
