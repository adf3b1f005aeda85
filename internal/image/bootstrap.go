package image

import (
	"bytes"
	"context"
	"os"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
)

// CirrosID is the id of the bootstrap image: fixed, so that a data dir
// bootstrapped twice, or two test runs, agree on it.
var CirrosID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("novalite:image:cirros")).String()

// cirrosBytes stand in for the CirrOS disk: the simulated hosts never
// read them, but the image has real bytes, size and checksums.
var cirrosBytes = []byte("QFI\xfb novalite stand-in for cirros-0.6.2-x86_64-disk.img\n")

// Bootstrap creates the public image "cirros" owned by project owner when
// it does not exist; it is idempotent.
func (s *Service) Bootstrap(ctx context.Context, owner string) error {
	exists := false
	err := s.db.View(ctx, func(tx *store.Tx) error {
		_, err := tx.ImageGet(ctx, CirrosID)
		if novalite.IsKind(err, novalite.NotFound) {
			return nil
		}
		exists = err == nil
		return err
	})
	if err != nil || exists {
		return err
	}
	d, tmp, err := s.receive(CirrosID, bytes.NewReader(cirrosBytes))
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	now := s.now().UTC()
	size := d.Size
	im := novalite.Image{ID: CirrosID, Name: "cirros", Status: novalite.ImageActive,
		Visibility: novalite.VisibilityPublic, Owner: owner, ContainerFormat: "bare", DiskFormat: "qcow2",
		Size: &size, Checksum: d.Checksum, HashAlgo: d.HashAlgo, HashValue: d.HashValue,
		Tags: []string{}, Properties: map[string]string{"hw_rng_model": "virtio"}, CreatedAt: now, UpdatedAt: now}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ImageInsert(ctx, im); err != nil {
			return err
		}
		return s.keep(ctx, tx, CirrosID, tmp)
	})
}
