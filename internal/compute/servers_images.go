package compute

import (
	"context"
	"sort"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
)

// The actions that make images: createImage, createBackup and shelve.
// The API creates the image queued in the image service (as Nova asks
// Glance before casting to the compute host) and the agent makes it
// active once the driver's snapshot is done.

// snapshotImage is the queued image of a snapshot of v, with the
// properties Nova gives it (nova/compute/utils.py create_image): the
// base image's properties, then the instance's.
func snapshotImage(v novalite.Server, name, imageType string, extra map[string]string, now time.Time) novalite.Image {
	props := map[string]string{}
	for k, val := range v.ImageProperties {
		props[k] = val
	}
	props["image_type"] = imageType
	props["instance_uuid"] = v.ID
	props["user_id"] = v.UserID
	if v.ImageRef != "" {
		props["base_image_ref"] = v.ImageRef
	}
	for k, val := range extra {
		props[k] = val
	}
	return novalite.Image{ID: uuid.NewString(), Name: name, Status: novalite.ImageQueued,
		Visibility: novalite.VisibilityPrivate, Owner: v.ProjectID, ContainerFormat: "bare", DiskFormat: "qcow2",
		MinDisk: v.Flavor.RootGB, MinRAM: 0, Tags: []string{}, Properties: props, CreatedAt: now, UpdatedAt: now}
}

// makeImage inserts the snapshot image and remembers it on the server.
// The image starts with the disk and container formats of the server's
// own image, as Nova's come from the instance's image metadata; the
// driver's snapshot sets the disk format it wrote, except that an ami
// stays an ami (nova/virt/libvirt/driver.py, "glance forces ami disk
// format to be ami"). A server whose image is gone gets qcow2/bare.
func makeImage(ctx context.Context, tx *store.Tx, v novalite.Server, im novalite.Image) error {
	if v.ImageRef != "" {
		base, err := tx.ImageGet(ctx, v.ImageRef)
		if err == nil && base.DiskFormat != "" && base.ContainerFormat != "" {
			im.DiskFormat, im.ContainerFormat = base.DiskFormat, base.ContainerFormat
		} else if err != nil && !novalite.IsKind(err, novalite.NotFound) {
			return err
		}
	}
	if err := tx.ImageInsert(ctx, im); err != nil {
		return err
	}
	return tx.InstanceSetPendingImage(ctx, v.InternalID, im.ID)
}

// SnapshotParams is a validated createImage or createBackup action.
type SnapshotParams struct {
	Name       string
	Metadata   map[string]string // the image's extra properties
	BackupType string            // createBackup's
	Rotation   int               // createBackup's: how many backups of the type to keep
}

// CreateImage is the createImage action; it returns the new image's id.
func (s *Service) CreateImage(ctx context.Context, c *novalite.Caller, id string, p SnapshotParams) (string, error) {
	v, bdms, err := s.serverVolumes(ctx, c, id)
	if err != nil {
		return "", err
	}
	if isVolumeBacked(v, bdms) {
		return s.snapshotVolumeBacked(ctx, c, v, bdms, p.Name, p.Metadata)
	}
	var imageID string
	err = s.startTask(ctx, c, id, novalite.ActionCreateImage, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		if err := s.checkImageMetadataQuota(ctx, tx, v.ProjectID, len(p.Metadata)); err != nil {
			return false, err
		}
		im := snapshotImage(v, p.Name, "snapshot", p.Metadata, now)
		imageID = im.ID
		return false, makeImage(ctx, tx, v, im)
	})
	return imageID, err
}

// checkImageMetadataQuota is Nova's metadata_items limit on the
// properties a snapshot gets (403).
func (s *Service) checkImageMetadataQuota(ctx context.Context, tx *store.Tx, projectID string, n int) error {
	if n == 0 {
		return nil
	}
	limit, err := s.metadataLimit(ctx, tx, projectID)
	if err != nil || limit < 0 || n <= limit {
		return err
	}
	return novalite.Errorf(novalite.Forbidden, "Image metadata limit exceeded")
}

// CheckImageMetadataQuota is checkImageMetadataQuota for the image
// metadata proxy, which writes through the image service.
func (s *Service) CheckImageMetadataQuota(ctx context.Context, projectID string, n int) error {
	return s.db.View(ctx, func(tx *store.Tx) error { return s.checkImageMetadataQuota(ctx, tx, projectID, n) })
}

// CreateBackup is the createBackup action: a snapshot of type backup;
// older backups of the same type beyond rotation are deleted.
func (s *Service) CreateBackup(ctx context.Context, c *novalite.Caller, id string, p SnapshotParams) (string, error) {
	var imageID string
	err := s.startTask(ctx, c, id, novalite.ActionCreateBackup, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		if err := s.checkImageMetadataQuota(ctx, tx, v.ProjectID, len(p.Metadata)); err != nil {
			return false, err
		}
		// nova/compute/api.py backup refuses volume-backed servers.
		bdms, err := tx.BDMList(ctx, v.ID)
		if err != nil {
			return false, err
		}
		if isVolumeBacked(v, bdms) {
			return false, novalite.Errorf(novalite.Invalid, "Backup is not supported for volume-backed instances.")
		}
		extra := map[string]string{"backup_type": p.BackupType}
		for k, val := range p.Metadata {
			extra[k] = val
		}
		if err := s.rotateBackups(ctx, tx, v, p.BackupType, p.Rotation); err != nil {
			return false, err
		}
		im := snapshotImage(v, p.Name, "backup", extra, now)
		imageID = im.ID
		return false, makeImage(ctx, tx, v, im)
	})
	return imageID, err
}

// rotateBackups deletes the oldest backups of v of backupType so that,
// with the one being made, rotation remain.
func (s *Service) rotateBackups(ctx context.Context, tx *store.Tx, v novalite.Server, backupType string, rotation int) error {
	owner := v.ProjectID
	backups, err := tx.ImageList(ctx, store.ImageFilter{Admin: true, Owner: &owner, Properties: map[string]string{
		"instance_uuid": v.ID, "image_type": "backup", "backup_type": backupType}})
	if err != nil {
		return err
	}
	sort.Slice(backups, func(i, j int) bool { return backups[i].CreatedAt.After(backups[j].CreatedAt) })
	keep := max(rotation-1, 0)
	for _, im := range backups[min(keep, len(backups)):] {
		if err := tx.ImageDelete(ctx, im.ID); err != nil && !novalite.IsKind(err, novalite.NotFound) {
			return err
		}
	}
	return nil
}

// ShelveServer is the shelve action: the guest is stopped and
// snapshotted into "<name>-shelved", then (shelved_offload_time 0)
// offloaded from its host; a volume-backed one is offloaded at once.
func (s *Service) ShelveServer(ctx context.Context, c *novalite.Caller, id string) error {
	v, bdms, err := s.serverVolumes(ctx, c, id)
	if err != nil {
		return err
	}
	if isVolumeBacked(v, bdms) {
		// nova/compute/api.py shelve: a volume-backed server gets no
		// image and goes to shelve_offload_instance at once, whatever
		// shelved_offload_time; its volumes stay with it.
		in := intents[novalite.ActionShelve]
		in.to = novalite.TaskShelvingOffload
		return s.runIntent(ctx, c, id, novalite.ActionShelve, in, nil)
	}
	return s.startTask(ctx, c, id, novalite.ActionShelve, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		return false, makeImage(ctx, tx, v, snapshotImage(v, v.Name+"-shelved", "snapshot", nil, now))
	})
}

// UnshelveParams are the unshelve options of 2.77 and 2.91.
type UnshelveParams struct {
	// Zone: availability_zone, if given; Null is 2.91's null (unpin).
	Zone novalite.Nullable[string]
	Host string
}

// UnshelveServer is the unshelve action. A shelved server powers on
// where it is; an offloaded one is placed again (in the zone or on the
// host asked for). No room leaves it offloaded with Nova's fault.
func (s *Service) UnshelveServer(ctx context.Context, c *novalite.Caller, id string, p UnshelveParams) error {
	return s.startTask(ctx, c, id, novalite.ActionUnshelve, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		if v.VMState != novalite.VMShelvedOffloaded {
			if p.Zone.Set || p.Host != "" {
				return false, novalite.Errorf(novalite.Conflict,
					"The availability_zone and host parameters can only be used with shelved_offloaded instances.")
			}
			return false, nil
		}
		zone := v.PinnedAZ
		if want := p.Zone.Ptr(); want != nil {
			ok, err := s.zoneExists(ctx, tx, *want)
			if err != nil {
				return false, err
			}
			if !ok {
				return false, novalite.Errorf(novalite.Invalid, "The requested availability zone is not available")
			}
			zone = *want
		}
		if p.Host != "" {
			if err := s.checkHostExists(ctx, tx, p.Host); err != nil {
				return false, err
			}
		}
		placed := v
		placed.PinnedAZ = zone
		h, reason, err := s.claimFor(ctx, tx, move{server: placed, flavor: v.Flavor, host: p.Host, now: now})
		if err != nil {
			return false, err
		}
		if reason != "" {
			return true, tx.InstanceFaultInsert(ctx, v.InternalID, novalite.Fault{Code: 500, Message: reason, Created: now})
		}
		_, err = tx.InstanceOutcome(ctx, store.InstanceOutcomeParams{InternalID: v.InternalID, From: novalite.TaskNone,
			VM: v.VMState, Host: h.Name, Node: h.Node, Zone: h.Zone, Now: now})
		if err == nil && p.Zone.Set {
			err = tx.InstanceUpdate(ctx, store.InstanceUpdateParams{InternalID: v.InternalID, PinnedAZ: p.Zone, Now: now})
		}
		return false, err
	})
}
