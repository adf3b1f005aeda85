package volume

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"

	"novalite"
	"novalite/internal/store"
)

// ImageSink is what os-volume_upload_image needs of the image service:
// a queued image made as the caller, then its bytes.
type ImageSink interface {
	Create(ctx context.Context, c *novalite.Caller, body map[string]any) (novalite.Image, error)
	Upload(ctx context.Context, c *novalite.Caller, id string, r io.Reader) error
}

// UploadParams is a validated os-volume_upload_image.
type UploadParams struct {
	ImageName, DiskFormat, ContainerFormat string
	Force                                  bool   // an in-use volume too
	Visibility                             string // 3.1; "" leaves Glance's default
	Protected                              *bool  // 3.1
}

// Uploaded is what the action answers with besides the volume.
type Uploaded struct {
	Volume novalite.Volume
	Image  novalite.Image
}

// reservedImageMeta are the volume_image_metadata keys Cinder does not
// copy into the new image (they describe the source image itself).
var reservedImageMeta = map[string]bool{"image_id": true, "image_name": true, "checksum": true, "size": true,
	"container_format": true, "disk_format": true, "min_disk": true, "min_ram": true}

// UploadToImage is Cinder's copy_volume_to_image: the volume goes
// "uploading" (from available, or in-use with force), a Glance image is
// made with the volume's image properties and gets the volume's data;
// then the volume returns to its status. Cinder copies asynchronously
// and answers "uploading"; here the copy is done in the request, and
// the image holds the data up to the last written block (a sparse
// volume's trailing holes are left out).
func (s *Service) UploadToImage(ctx context.Context, c *novalite.Caller, id string, p UploadParams) (Uploaded, error) {
	var out Uploaded
	if s.Uploads == nil {
		return out, errors.New("volume: no image service to upload to")
	}
	from := []string{novalite.VolumeAvailable}
	want := "available"
	if p.Force {
		from, want = append(from, novalite.VolumeInUse), "available or in-use"
	}
	var previous string
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := tx.VolumeGetForUpdate(ctx, id, scope(c))
		if err != nil {
			return notFoundAs(err, volumeNotFound(id))
		}
		ok, err := tx.VolumeSetStatus(ctx, id, store.VolumeStatusChange{From: from, To: novalite.VolumeUploading, Now: s.stamp()})
		if err != nil {
			return err
		}
		if !ok {
			return invalidVolume("Volume %s status must be %s", id, want)
		}
		previous, out.Volume = v.Status, v
		return nil
	})
	if err != nil {
		return out, err
	}
	restore := func() error {
		ctx := context.WithoutCancel(ctx)
		return s.db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.VolumeSetStatus(ctx, id, store.VolumeStatusChange{From: []string{novalite.VolumeUploading}, To: previous, Now: s.stamp()})
			return err
		})
	}
	body := map[string]any{"name": p.ImageName, "disk_format": p.DiskFormat, "container_format": p.ContainerFormat}
	for k, val := range out.Volume.ImageMetadata {
		if !reservedImageMeta[k] {
			body[k] = val
		}
	}
	if p.Visibility != "" {
		body["visibility"] = p.Visibility
	}
	if p.Protected != nil {
		body["protected"] = *p.Protected
	}
	if out.Image, err = s.Uploads.Create(ctx, c, body); err != nil {
		return out, errors.Join(err, restore())
	}
	out.Volume.Status = novalite.VolumeUploading
	err = s.copyToImage(ctx, c, id, out.Image.ID)
	return out, errors.Join(err, restore())
}

// copyToImage uploads a volume's file up to the end of its data.
func (s *Service) copyToImage(ctx context.Context, c *novalite.Caller, volumeID, imageID string) error {
	f, err := os.Open(s.files.path(volumeID))
	if err != nil {
		return wrap("open volume", err)
	}
	defer f.Close()
	n, err := dataEnd(f)
	if err != nil {
		return wrap("read volume", err)
	}
	return s.Uploads.Upload(ctx, c, imageID, io.LimitReader(f, n))
}

// dataEnd is the offset after a file's last data extent (SEEK_DATA and
// SEEK_HOLE), leaving the file at offset 0.
func dataEnd(f *os.File) (int64, error) {
	const seekData, seekHole = 3, 4
	var end, off int64
	for {
		d, err := f.Seek(off, seekData)
		if errors.Is(err, syscall.ENXIO) {
			break
		}
		if err != nil {
			return 0, err
		}
		if end, err = f.Seek(d, seekHole); err != nil {
			return 0, err
		}
		off = end
	}
	_, err := f.Seek(0, io.SeekStart)
	return end, err
}
