package volume

import (
	"context"

	"novalite"
	"novalite/internal/store"
)

// Reimage writes an image's data over a volume (Cinder's os-reimage,
// which Nova calls to rebuild a volume-backed server from 2.93): the
// volume keeps its size and attachments; its image metadata becomes the
// new image's. Cinder refuses an image that does not fit.
func (s *Service) Reimage(ctx context.Context, c *novalite.Caller, volumeID, imageRef string) error {
	if s.Images == nil {
		return nil
	}
	data, img, err := s.Images.ImageData(ctx, c, imageRef)
	if novalite.IsKind(err, novalite.NotFound) {
		return novalite.Errorf(novalite.NotFound, "Image %s could not be found.", imageRef)
	}
	if err != nil {
		return err
	}
	if data != nil {
		defer data.Close()
	}
	v, err := s.Get(ctx, c, volumeID)
	if err != nil {
		return err
	}
	if img.Size != nil && (*img.Size+gib-1)/gib > v.Size {
		return invalidInput("Size of specified image %d is larger than volume size %d.", (*img.Size+gib-1)/gib, v.Size)
	}
	if err := s.files.create(v.ID, v.Size, data); err != nil {
		return wrap("reimage", err)
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		cur, err := tx.VolumeGetForUpdate(ctx, volumeID, "")
		if err != nil {
			return err
		}
		cur.ImageMetadata, cur.Bootable, cur.UpdatedAt = imageMetadata(img), true, s.stamp()
		return tx.VolumeUpdate(ctx, cur)
	})
}
