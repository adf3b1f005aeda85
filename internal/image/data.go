package image

import (
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"novalite"
	"novalite/internal/store"
)

// hashAlgo is the os_hash_algo novalite computes (Glance's default
// [DEFAULT] hashing_algorithm).
const hashAlgo = "sha512"

func (s *Service) path(id string) string { return filepath.Join(s.dir, id) }

// Upload streams r into the image id's data: queued → saving → active,
// with size, md5 checksum and sha512 os_hash_value computed on the way
// (into a temporary file, then kept in the transaction that makes the
// image active). On failure the image goes back to queued and nothing is
// left behind.
func (s *Service) Upload(ctx context.Context, c *novalite.Caller, id string, r io.Reader) error {
	im, err := s.Get(ctx, c, id)
	if err != nil {
		return err
	}
	if !mutable(c, im) {
		return notAuthorized("upload_image")
	}
	if err := s.transition(ctx, id, novalite.ImageQueued, novalite.ImageSaving); err != nil {
		return err
	}
	d, tmp, err := s.receive(id, r)
	if err != nil {
		_ = s.transition(context.WithoutCancel(ctx), id, novalite.ImageSaving, novalite.ImageQueued)
		return err
	}
	defer os.Remove(tmp) // moved into place, or copied into the database, by then
	errGone := novalite.Errorf(novalite.Conflict,
		"Image %s could not be found after upload. The image may have been deleted during the upload.", id)
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := s.keep(ctx, tx, id, tmp); err != nil {
			return err
		}
		ok, err := tx.ImageSetData(ctx, id, d, s.now().UnixMicro())
		if err == nil && !ok {
			return errGone
		}
		return err
	})
	if err != nil {
		s.drop(id)
		if err != errGone {
			_ = s.transition(context.WithoutCancel(ctx), id, novalite.ImageSaving, novalite.ImageQueued)
		}
	}
	return err
}

// transition moves the image from one status to another, or answers
// Glance's 409 with the status it found.
func (s *Service) transition(ctx context.Context, id, from, to string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		ok, err := tx.ImageSetStatus(ctx, id, store.StatusChange{From: from, To: to, Now: s.now().UnixMicro()})
		if err != nil || ok {
			return err
		}
		cur, err := tx.ImageGet(ctx, id)
		if err != nil {
			return notFound(id)
		}
		return novalite.Errorf(novalite.Conflict, "Image status transition from %s to %s is not allowed", cur.Status, to)
	})
}

// receive copies r into a temporary file next to the final one, hashing
// as it goes; memory use is one copy buffer whatever the size.
func (s *Service) receive(id string, r io.Reader) (store.ImageData, string, error) {
	var d store.ImageData
	f, err := os.CreateTemp(s.dir, id+".upload-*")
	if err != nil {
		return d, "", fmt.Errorf("create image file: %w", err)
	}
	m5, sh := md5.New(), sha512.New()
	n, err := io.CopyBuffer(io.MultiWriter(f, m5, sh), r, make([]byte, 256<<10))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		var tooLarge *novalite.Error
		if errors.As(err, &tooLarge) {
			return d, "", err
		}
		return d, "", novalite.Wrap(novalite.Invalid, err, "Error in image data upload: the request body could not be read.")
	}
	d = store.ImageData{Size: n, Checksum: hex.EncodeToString(m5.Sum(nil)), HashAlgo: hashAlgo,
		HashValue: hex.EncodeToString(sh.Sum(nil))}
	return d, f.Name(), nil
}

// Open returns the image's bytes for download, read as ctx allows. An
// image without data gives a nil reader (Glance answers 204).
func (s *Service) Open(ctx context.Context, c *novalite.Caller, id string) (io.ReadSeekCloser, novalite.Image, error) {
	im, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, im, err
	}
	if im.Status == novalite.ImageDeactivated && !isAdmin(c) {
		return nil, im, forbidden("The requested image has been deactivated. Image data download is forbidden.")
	}
	if im.Status != novalite.ImageActive {
		return nil, im, nil
	}
	var size int64
	if im.Size != nil {
		size = *im.Size
	}
	f, err := s.openData(ctx, id, size)
	return f, im, err
}
