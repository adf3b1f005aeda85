package volume

import (
	"context"
	"io"
	"maps"
	"slices"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// CreateParams is a validated volume create.
type CreateParams struct {
	Name, Description *string
	Size              int64 // 0: not given
	Type              string
	AvailabilityZone  string
	SnapshotID        string
	SourceVolID       string
	ImageRef          string
	Metadata          map[string]string
	Multiattach       bool
	// ID, when set, is the new volume's id (Nova's boot from volume
	// names the volume before it exists); else a new uuid.
	ID string
}

// Create makes a volume as Cinder does: checked and counted against
// the project's quotas in one transaction that records it "creating";
// then its file is written (from the image, snapshot or volume asked
// for) and it becomes "available" ("error" if the data cannot be
// written). The answer is the volume as recorded first, and the name of
// its type, read in that transaction.
func (s *Service) Create(ctx context.Context, c *novalite.Caller, p CreateParams) (v novalite.Volume, typeName string, err error) {
	var img novalite.Image
	var data io.ReadCloser
	if p.ImageRef != "" && s.Images != nil {
		data, img, err = s.Images.ImageData(ctx, c, p.ImageRef)
		if novalite.IsKind(err, novalite.NotFound) {
			return novalite.Volume{}, "", novalite.Errorf(novalite.NotFound, "Image %s could not be found.", p.ImageRef)
		}
		if err != nil {
			return novalite.Volume{}, "", err
		}
		if data != nil {
			defer data.Close()
		}
		if img.Status != novalite.ImageActive {
			return novalite.Volume{}, "", invalidInput("Image %s is not active.", p.ImageRef)
		}
	}
	if p.AvailabilityZone != "" && p.AvailabilityZone != AvailabilityZone {
		return novalite.Volume{}, "", novalite.Errorf(novalite.Invalid, "Availability zone '%s' is invalid.", p.AvailabilityZone)
	}
	now := s.stamp()
	v = novalite.Volume{ID: p.ID, ProjectID: c.ProjectID, UserID: c.UserID, Name: p.Name, Description: p.Description,
		Size: p.Size, Status: novalite.VolumeCreating, AvailabilityZone: AvailabilityZone, Multiattach: p.Multiattach,
		SnapshotID: p.SnapshotID, SourceID: p.SourceVolID, ImageID: img.ID, Metadata: p.Metadata,
		ImageMetadata: map[string]string{}, CreatedAt: now, UpdatedAt: now}
	if v.ID == "" {
		v.ID = uuid.NewString()
	}
	if v.Metadata == nil {
		v.Metadata = map[string]string{}
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		t, err := typeFor(ctx, tx, p.Type)
		if err != nil {
			return err
		}
		v.TypeID, typeName = t.ID, t.Name
		if t.ExtraSpecs["multiattach"] == "<is> True" {
			v.Multiattach = true
		}
		if err := s.sourceFor(ctx, tx, c, &v, img); err != nil {
			return err
		}
		if err := s.checkQuota(ctx, tx, c.ProjectID, 1, 0, v.Size); err != nil {
			return err
		}
		return tx.VolumeInsert(ctx, v)
	})
	if err != nil {
		return v, "", err
	}
	status := novalite.VolumeAvailable
	var ferr error
	switch {
	case v.SnapshotID != "":
		ferr = s.files.fromSnapshot(v.SnapshotID, v.ID, v.Size)
	case v.SourceID != "":
		ferr = s.files.fromVolume(v.SourceID, v.ID, v.Size)
	case data != nil:
		ferr = s.files.create(v.ID, v.Size, data)
	default:
		ferr = s.files.create(v.ID, v.Size, nil)
	}
	if ferr != nil {
		status = novalite.VolumeError
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.VolumeSetStatus(ctx, v.ID, store.VolumeStatusChange{From: []string{novalite.VolumeCreating}, To: status, Now: s.stamp()})
		return err
	})
	return v, typeName, wrap("volume created", errorsJoin(ferr, err))
}

// sourceFor checks the snapshot, source volume or image a new volume is
// made from and takes its size (when none was asked) and bootability.
func (s *Service) sourceFor(ctx context.Context, tx *store.Tx, c *novalite.Caller, v *novalite.Volume, img novalite.Image) error {
	switch {
	case v.SnapshotID != "":
		snap, err := tx.VolumeSnapshotGet(ctx, v.SnapshotID, scope(c))
		if err != nil {
			return notFoundAs(err, snapshotNotFound(v.SnapshotID))
		}
		if snap.Status != novalite.VolumeAvailable {
			return novalite.Errorf(novalite.Invalid, "Invalid snapshot: Originating snapshot status must be one of 'available' values")
		}
		if v.Size == 0 {
			v.Size = snap.Size
		}
		if v.Size < snap.Size {
			return invalidInput("Volume size '%d'GB cannot be smaller than the snapshot size %dGB. They must be >= original snapshot size.", v.Size, snap.Size)
		}
		if src, err := tx.VolumeGet(ctx, snap.VolumeID, ""); err == nil {
			v.Bootable, v.ImageMetadata = src.Bootable, src.ImageMetadata
		}
	case v.SourceID != "":
		src, err := tx.VolumeGet(ctx, v.SourceID, scope(c))
		if err != nil {
			return notFoundAs(err, volumeNotFound(v.SourceID))
		}
		if !slices.Contains([]string{novalite.VolumeAvailable, novalite.VolumeInUse}, src.Status) {
			return invalidVolume("Volume %s status must be available or in-use, but current status is: %s.", src.ID, src.Status)
		}
		if v.Size == 0 {
			v.Size = src.Size
		}
		if v.Size < src.Size {
			return invalidInput("Volume size '%d'GB cannot be smaller than original volume size  %dGB. They must be >= original volume size.", v.Size, src.Size)
		}
		v.Bootable, v.ImageMetadata = src.Bootable, src.ImageMetadata
	case img.ID != "":
		if v.Size <= 0 {
			return invalidInput("Volume size '%d' must be an integer and greater than 0", v.Size)
		}
		var bytes int64
		if img.Size != nil {
			bytes = *img.Size
		}
		if need := (bytes + gib - 1) / gib; need > v.Size {
			return invalidInput("Size of specified image %d is larger than volume size %d.", need, v.Size)
		}
		if int64(img.MinDisk) > v.Size {
			return invalidInput("Volume size %dGB cannot be smaller than the image minDisk size %dGB.", v.Size, img.MinDisk)
		}
		v.Bootable = true
		v.ImageMetadata = imageMetadata(img)
	}
	if v.Size <= 0 {
		return invalidInput("Volume size '%d' must be an integer and greater than 0", v.Size)
	}
	return nil
}

// imageMetadata is volume_image_metadata: the image's id, name, formats,
// sizes and properties, as Cinder copies them.
func imageMetadata(img novalite.Image) map[string]string {
	m := map[string]string{"image_id": img.ID, "image_name": img.Name, "container_format": img.ContainerFormat,
		"disk_format": img.DiskFormat, "min_disk": itoa(int64(img.MinDisk)), "min_ram": itoa(int64(img.MinRAM))}
	if img.Size != nil {
		m["size"] = itoa(*img.Size)
	}
	if img.Checksum != "" {
		m["checksum"] = img.Checksum
	}
	for k, v := range img.Properties {
		m[k] = v
	}
	return m
}

// Get returns a volume of the caller's project (any, for admins).
func (s *Service) Get(ctx context.Context, c *novalite.Caller, id string) (v novalite.Volume, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		v, err = tx.VolumeGet(ctx, id, scope(c))
		return notFoundAs(err, volumeNotFound(id))
	})
	return v, err
}

// ListParams filter a volume or snapshot list. Pointer fields are "not
// given"; AllProjects (with ProjectID, one of them) only counts for
// admins.
type ListParams struct {
	AllProjects  bool
	ProjectID    string
	Name, Status *string
	VolumeID     *string // snapshots
	Bootable     *bool
	Metadata     map[string]string
	Marker       string
	Limit        int // < 0: all
	Sort         []novalite.VolumeSort
}

// listProject is the project a list is limited to ("" every project).
func listProject(c *novalite.Caller, p ListParams) string {
	if p.AllProjects && policy.IsAdmin(c) {
		return p.ProjectID
	}
	return c.ProjectID
}

// List lists the caller's volumes (every project's, for an admin who
// asks for all_tenants).
func (s *Service) List(ctx context.Context, c *novalite.Caller, p ListParams) (out []novalite.Volume, err error) {
	q := store.VolumeListParams{ProjectID: listProject(c, p), Name: p.Name, Status: p.Status, Bootable: p.Bootable,
		Metadata: p.Metadata, Marker: p.Marker, Limit: p.Limit, Sort: p.Sort}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = tx.VolumeList(ctx, q)
		return err
	})
	return out, err
}

// UpdateParams is a volume update: fields not Set (or nil) are kept.
type UpdateParams struct {
	Name, Description novalite.Nullable[string]
	Metadata          map[string]string // nil: kept
}

// apply sets the fields p changes, of a volume or a snapshot.
func (p UpdateParams) apply(name, desc **string, meta *map[string]string) {
	if p.Name.Set {
		*name = p.Name.Ptr()
	}
	if p.Description.Set {
		*desc = p.Description.Ptr()
	}
	if p.Metadata != nil {
		*meta = p.Metadata
	}
}

// Update changes a volume's name, description or metadata.
func (s *Service) Update(ctx context.Context, c *novalite.Caller, id string, p UpdateParams) (novalite.Volume, error) {
	return s.changeVolume(ctx, c, id, func(v *novalite.Volume) error {
		p.apply(&v.Name, &v.Description, &v.Metadata)
		return nil
	})
}

// changeVolume reads volume id in a transaction, lets change change it
// and writes it back stamped; an error from change writes nothing.
func (s *Service) changeVolume(ctx context.Context, c *novalite.Caller, id string, change func(*novalite.Volume) error) (v novalite.Volume, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if v, err = tx.VolumeGetForUpdate(ctx, id, scope(c)); err != nil {
			return notFoundAs(err, volumeNotFound(id))
		}
		if err := change(&v); err != nil {
			return err
		}
		v.UpdatedAt = s.stamp()
		return tx.VolumeUpdate(ctx, v)
	})
	return v, err
}

// deletable are the statuses Cinder deletes a volume in.
var deletable = []string{novalite.VolumeAvailable, novalite.VolumeError, "error_restoring", "error_extending", "error_managing"}

const deleteRefused = "Volume status must be available or error or error_restoring or error_extending or " +
	"error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, " +
	"or be disassociated from snapshots after volume transfer."

// DeleteParams are a delete's options: Cascade deletes the volume's
// snapshots too; Force (admins) deletes it whatever its status,
// attachments aside.
type DeleteParams struct {
	Cascade, Force bool
}

// Delete deletes a volume.
func (s *Service) Delete(ctx context.Context, c *novalite.Caller, id string, p DeleteParams) error {
	cascade, force := p.Cascade, p.Force
	var snaps []novalite.VolumeSnapshot
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := tx.VolumeGetForUpdate(ctx, id, scope(c))
		if err != nil {
			return notFoundAs(err, volumeNotFound(id))
		}
		if !force && (!slices.Contains(deletable, v.Status) || len(v.Attachments) > 0) {
			return invalidVolume("%s", deleteRefused)
		}
		if force && len(v.Attachments) > 0 {
			return invalidVolume("Volume must not be attached.")
		}
		snaps, err = tx.VolumeSnapshotList(ctx, store.VolumeSnapshotListParams{VolumeID: &v.ID, Limit: -1})
		if err != nil {
			return err
		}
		if len(snaps) > 0 && !cascade {
			return invalidVolume("%s", deleteRefused)
		}
		for _, sn := range snaps {
			if sn.Status != novalite.VolumeAvailable && sn.Status != novalite.VolumeError {
				return invalidVolume("Snapshot %s status must be available or error and must not be part of a group.", sn.ID)
			}
		}
		_, err = tx.VolumeSetStatus(ctx, v.ID, store.VolumeStatusChange{To: novalite.VolumeDeleting, Now: s.stamp()})
		return err
	})
	if err != nil {
		return err
	}
	for _, sn := range snaps {
		if err := s.files.removeSnapshot(sn.ID); err != nil {
			return s.failDelete(ctx, id, err)
		}
	}
	if err := s.files.remove(id); err != nil {
		return s.failDelete(ctx, id, err)
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		for _, sn := range snaps {
			if err := tx.VolumeSnapshotDelete(ctx, sn.ID); err != nil {
				return err
			}
		}
		return tx.VolumeDelete(ctx, id)
	})
}

func (s *Service) failDelete(ctx context.Context, id string, cause error) error {
	_ = s.db.Tx(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		_, err := tx.VolumeSetStatus(ctx, id, store.VolumeStatusChange{To: novalite.VolumeErrorDeleting, Now: s.stamp()})
		return err
	})
	return wrap("delete volume data", cause)
}

// ExtendParams are os-extend's: the new size in GiB, and whether an
// in-use volume may grow (3.42).
type ExtendParams struct {
	NewSize int64
	InUseOK bool
}

// Extend grows a volume. An in-use volume's servers are told once the
// size is recorded, as Cinder's volume manager sends Nova the
// volume-extended event for each instance it is attached to.
func (s *Service) Extend(ctx context.Context, c *novalite.Caller, id string, p ExtendParams) error {
	newSize, inUseOK := p.NewSize, p.InUseOK
	var servers []string
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := tx.VolumeGetForUpdate(ctx, id, scope(c))
		if err != nil {
			return notFoundAs(err, volumeNotFound(id))
		}
		// Cinder's API extends an in-use volume as attached from 3.42;
		// otherwise it expects available (its dict, as it words it).
		want := novalite.VolumeAvailable
		if inUseOK && v.Status == novalite.VolumeInUse {
			want = novalite.VolumeInUse
		}
		if newSize <= v.Size {
			return invalidInput("New size for extend must be greater than current size. (current: %d, extended: %d).", v.Size, newSize)
		}
		if v.Status != want {
			return invalidVolume("Volume %s status must be '{'status': '%s'}' to extend, currently %s.", id, want, v.Status)
		}
		if err := s.checkQuota(ctx, tx, v.ProjectID, 0, 0, newSize-v.Size); err != nil {
			return err
		}
		if err := s.files.extend(id, newSize); err != nil {
			return wrap("extend volume data", err)
		}
		v.Size, v.UpdatedAt = newSize, s.stamp()
		if err := tx.VolumeUpdate(ctx, v); err != nil {
			return err
		}
		if want != novalite.VolumeInUse {
			return nil
		}
		atts, err := tx.VolumeAttachmentList(ctx, "", id, "")
		for _, a := range atts {
			if a.InstanceUUID != "" && !slices.Contains(servers, a.InstanceUUID) {
				servers = append(servers, a.InstanceUUID)
			}
		}
		return err
	})
	if err != nil || s.Servers == nil {
		return err
	}
	for _, srv := range servers {
		// Best effort, as Cinder's notification to Nova: the extend
		// stands whatever the compute side makes of it.
		_ = s.Servers.VolumeExtended(context.WithoutCancel(ctx), c, srv, id)
	}
	return nil
}

// MetadataUpdate is metadata to merge into a volume's (or with Replace,
// to replace it); for volume_image_metadata, Unset removes the keys.
type MetadataUpdate struct {
	Metadata       map[string]string
	Replace, Unset bool
}

// apply merges u's metadata into m (or replaces m with Replace) and
// returns the result; m may be nil.
func (u MetadataUpdate) apply(m map[string]string) map[string]string {
	if u.Replace || m == nil {
		m = map[string]string{}
	}
	maps.Copy(m, u.Metadata)
	return m
}

// SetMetadata writes a volume's metadata and returns the result.
func (s *Service) SetMetadata(ctx context.Context, c *novalite.Caller, id string, u MetadataUpdate) (map[string]string, error) {
	v, err := s.changeVolume(ctx, c, id, func(v *novalite.Volume) error {
		v.Metadata = u.apply(v.Metadata)
		return nil
	})
	return v.Metadata, err
}

// DeleteMetadata removes one key of a volume's metadata.
func (s *Service) DeleteMetadata(ctx context.Context, c *novalite.Caller, id, key string) error {
	_, err := s.changeVolume(ctx, c, id, func(v *novalite.Volume) error {
		return deleteKey(v.Metadata, key, novalite.Errorf(novalite.NotFound, "Volume %s has no metadata with key %s.", id, key))
	})
	return err
}

// deleteKey removes key from m, or answers missing if m lacks it.
func deleteKey(m map[string]string, key string, missing error) error {
	if _, ok := m[key]; !ok {
		return missing
	}
	delete(m, key)
	return nil
}

// Flags are a volume's bootable and read-only flags (nil: kept).
type Flags struct {
	Bootable, ReadOnly *bool
}

// SetFlags sets a volume's flags.
func (s *Service) SetFlags(ctx context.Context, c *novalite.Caller, id string, f Flags) error {
	bootable, readOnly := f.Bootable, f.ReadOnly
	_, err := s.changeVolume(ctx, c, id, func(v *novalite.Volume) error {
		if readOnly != nil && !slices.Contains([]string{novalite.VolumeAvailable, novalite.VolumeInUse}, v.Status) {
			return invalidVolume("Volume %s status must be available or in-use, but current status is: %s.", id, v.Status)
		}
		if bootable != nil {
			v.Bootable = *bootable
		}
		if readOnly != nil {
			v.ReadOnly, v.ReadOnlyMeta = *readOnly, true
		}
		return nil
	})
	return err
}

// StatusReset is os-reset_status's body: the volume's status and, when
// given, its attachments' status ("detached" removes them).
type StatusReset struct {
	Status, AttachStatus string
}

// ResetStatus is the admins' os-reset_status.
func (s *Service) ResetStatus(ctx context.Context, c *novalite.Caller, id string, r StatusReset) error {
	status, attachStatus := r.Status, r.AttachStatus
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := tx.VolumeGetForUpdate(ctx, id, "")
		if err != nil {
			return notFoundAs(err, volumeNotFound(id))
		}
		if status != "" {
			v.Status = status
		}
		v.UpdatedAt = s.stamp()
		if err := tx.VolumeUpdate(ctx, v); err != nil {
			return err
		}
		for _, a := range v.Attachments {
			switch attachStatus {
			case "":
			case novalite.AttachDetached:
				if err := tx.VolumeAttachmentDelete(ctx, a.ID); err != nil {
					return err
				}
			default:
				a.Status = attachStatus
				if err := tx.VolumeAttachmentUpdate(ctx, a); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// DeleteTx deletes a detached volume inside the caller's transaction
// (Nova's delete_on_termination), its file after the commit. A volume
// with snapshots or other attachments is left alone, as Cinder refuses
// to delete it.
func (s *Service) DeleteTx(ctx context.Context, tx *store.Tx, id string) error {
	v, err := tx.VolumeGetForUpdate(ctx, id, "")
	if novalite.IsKind(err, novalite.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	n, err := tx.VolumeSnapshotCount(ctx, id)
	if err != nil || n > 0 || len(v.Attachments) > 0 {
		return err
	}
	if err := tx.VolumeDelete(ctx, id); err != nil {
		return err
	}
	tx.AfterCommit(func() { _ = s.files.remove(id) })
	return nil
}

// SetImageMetadata merges keys into a volume's volume_image_metadata
// (Unset: removes them instead) and returns the result.
func (s *Service) SetImageMetadata(ctx context.Context, c *novalite.Caller, id string, u MetadataUpdate) (map[string]string, error) {
	m, del := u.Metadata, u.Unset
	v, err := s.changeVolume(ctx, c, id, func(v *novalite.Volume) error {
		for k, val := range m {
			if !del {
				v.ImageMetadata[k] = val
			} else if err := deleteKey(v.ImageMetadata, k,
				novalite.Errorf(novalite.NotFound, "Glance metadata for volume %s cannot be found.", id)); err != nil {
				return err
			}
		}
		return nil
	})
	return v.ImageMetadata, err
}
