package compute

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/volume"
)

// Volume attachments (os-volume_attachments): the block device mappings
// of a server's volumes, attached and detached through the block
// storage service, and plugged into the guest on the server's host
// (VolumeHosts) once recorded, or unplugged before the detach.

// attachVolumeCheck is Nova's state check for attach_volume
// (nova/compute/api.py).
var attachVolumeCheck = stateCheck{vm: []novalite.VMState{novalite.VMActive, novalite.VMPaused, novalite.VMStopped,
	novalite.VMResized, novalite.VMSoftDeleted, novalite.VMShelved, novalite.VMShelvedOffloaded}, task: idle, launched: true}

// detachVolumeCheck is Nova's state check for detach_volume.
var detachVolumeCheck = stateCheck{vm: []novalite.VMState{novalite.VMActive, novalite.VMPaused, novalite.VMStopped,
	novalite.VMResized, novalite.VMSoftDeleted, novalite.VMShelved, novalite.VMShelvedOffloaded}, task: idle}

// volumeNotFound is Nova's answer for a volume the block storage service
// does not have.
func volumeNotFound(id string) error {
	return novalite.Errorf(novalite.NotFound, "Volume %s could not be found.", id)
}

func notAttached(serverID, volumeID string) error {
	return novalite.Errorf(novalite.NotFound, "Instance %s is not attached to volume %s", serverID, volumeID)
}

// VolumeAttachParams is a validated POST /servers/{id}/os-volume_attachments.
type VolumeAttachParams struct {
	ServerID, VolumeID string
	Device, Tag        string
	DeleteOnTerm       bool
	// ShelvedOK is false before microversion 2.20, which refuses shelved
	// servers before any other check.
	ShelvedOK bool
}

// ServerVolumes lists a server's volume mappings.
func (s *Service) ServerVolumes(ctx context.Context, c *novalite.Caller, serverID string) (out []novalite.BlockDeviceMapping, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, serverID)
		if err != nil {
			return err
		}
		out = v.Volumes
		return nil
	})
	return out, err
}

// ServerVolume returns the mapping of one volume of a server.
func (s *Service) ServerVolume(ctx context.Context, c *novalite.Caller, serverID, volumeID string) (b novalite.BlockDeviceMapping, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, serverID)
		if err != nil {
			return err
		}
		for _, x := range v.Volumes {
			if x.VolumeID == volumeID {
				b = x
				return nil
			}
		}
		return notAttached(serverID, volumeID)
	})
	return b, err
}

// AttachVolume attaches a volume to a server in a state Nova attaches
// in: the volume must be available (Cinder's 400 otherwise) and is
// in-use when this returns. It returns the mapping made.
func (s *Service) AttachVolume(ctx context.Context, c *novalite.Caller, p VolumeAttachParams) (b novalite.BlockDeviceMapping, err error) {
	if s.Volumes == nil {
		return b, volumeNotFound(p.VolumeID)
	}
	var v novalite.Server
	var actionID int64
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		v, err = s.getServer(ctx, tx, c, p.ServerID)
		if err != nil {
			return err
		}
		if err := shelvedBefore220("attach_volume", v, p.ShelvedOK); err != nil {
			return err
		}
		if err := checkLock(c, v); err != nil {
			return err
		}
		if err := attachVolumeCheck.failure("attach_volume", v); err != nil {
			return err
		}
		used := map[string]bool{}
		if v.ImageRef != "" {
			used["/dev/vda"] = true
		}
		for _, x := range v.Volumes {
			used[x.Device] = true
			if x.VolumeID == p.VolumeID {
				return novalite.Errorf(novalite.Invalid, "Invalid volume: volume %s already attached", p.VolumeID)
			}
		}
		dev := devPath(p.Device)
		if dev == "" {
			dev = nextDevice(used)
		} else if used[dev] {
			return novalite.Errorf(novalite.Conflict, "The supplied device path (%s) is in use.", dev)
		}
		a, err := s.Volumes.AttachTx(ctx, tx, c, volume.AttachParams{VolumeID: p.VolumeID, ServerID: v.ID,
			Host: v.Host, Mountpoint: dev})
		if novalite.IsKind(err, novalite.NotFound) {
			return volumeNotFound(p.VolumeID)
		}
		if err != nil {
			return err
		}
		now := s.now().UTC()
		b = novalite.BlockDeviceMapping{ID: uuid.NewString(), InstanceUUID: v.ID, VolumeID: p.VolumeID,
			AttachmentID: a.ID, Device: dev, DeleteOnTermination: p.DeleteOnTerm, Tag: p.Tag, SourceType: "volume",
			CreatedAt: now}
		if err := tx.BDMInsert(ctx, b); err != nil {
			return err
		}
		actionID, err = s.volumeAction(ctx, tx, c, v, "attach_volume", now)
		return err
	})
	if err != nil {
		return b, err
	}
	// The guest gets the volume once it is recorded (the host reads the
	// mapping's volume). Nova's API casts the attach to the compute host
	// and has answered by then: a host that cannot plug it undoes the
	// attach (the volume is available again, the mapping gone) and the
	// action and its compute event become an Error, with the host's
	// error as the event's traceback; the caller still gets the mapping.
	if perr := s.plugVolume(ctx, v, b); perr != nil {
		uctx := context.WithoutCancel(ctx)
		return b, s.db.Tx(uctx, func(tx *store.Tx) error {
			if err := s.Volumes.DetachTx(uctx, tx, b.AttachmentID); err != nil {
				return err
			}
			if err := tx.BDMDelete(uctx, b.ID); err != nil {
				return err
			}
			return tx.InstanceActionEventFailed(uctx, store.FailedEvent{ActionID: actionID,
				Event: "compute_attach_volume", At: s.now().UTC(), Traceback: perr.Error()})
		})
	}
	return b, nil
}

// VolumeDetachParams name the server and the volume to detach.
type VolumeDetachParams struct {
	ServerID, VolumeID string
	// ShelvedOK is false before microversion 2.20, as for an attach.
	ShelvedOK bool
}

// DetachVolume detaches a volume that is not the server's root disk:
// the checks, then the guest lets it go on the server's host, then the
// volume and the mapping are detached (the checks again, in their
// transaction). Nova's API casts the detach to the compute host and has
// answered by then: a host that fails the unplug (a guest that does not
// release the device) leaves the volume attached, and the detach_volume
// action and its compute event read Error, the host's error as the
// event's traceback; the caller is not told.
func (s *Service) DetachVolume(ctx context.Context, c *novalite.Caller, p VolumeDetachParams) error {
	serverID, volumeID, shelvedOK := p.ServerID, p.VolumeID, p.ShelvedOK
	var v novalite.Server
	if err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		v, _, err = s.detachable(ctx, tx, c, serverID, volumeID, shelvedOK)
		return err
	}); err != nil {
		return err
	}
	uerr := s.unplugVolume(ctx, v, volumeID)
	if uerr != nil {
		ctx = context.WithoutCancel(ctx)
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		_, b, err := s.detachable(ctx, tx, c, serverID, volumeID, shelvedOK)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if uerr == nil {
			if err := s.Volumes.DetachTx(ctx, tx, b.AttachmentID); err != nil {
				return err
			}
			if err := tx.BDMDelete(ctx, b.ID); err != nil {
				return err
			}
		}
		id, err := s.volumeAction(ctx, tx, c, v, "detach_volume", now)
		if err != nil || uerr == nil {
			return err
		}
		return tx.InstanceActionEventFailed(ctx, store.FailedEvent{ActionID: id, Event: "compute_detach_volume",
			At: now, Traceback: uerr.Error()})
	})
}

// volumeAction records an attach_volume or detach_volume instance action
// with the compute host's event, as Nova's API and compute manager do
// (`openstack server event list` shows them), and returns its id.
func (s *Service) volumeAction(ctx context.Context, tx *store.Tx, c *novalite.Caller, v novalite.Server, action string, now time.Time) (int64, error) {
	id, err := recordAction(ctx, tx, c, v, action, now)
	if err != nil {
		return 0, err
	}
	return id, finishedEvent(ctx, tx, id, "compute_"+action, v.Host, now)
}

// detachable checks a detach as Nova's API does and returns the server
// and the volume's mapping.
func (s *Service) detachable(ctx context.Context, tx *store.Tx, c *novalite.Caller, serverID, volumeID string, shelvedOK bool) (v novalite.Server, b novalite.BlockDeviceMapping, err error) {
	err = func() error {
		v, err = s.getServer(ctx, tx, c, serverID)
		if err != nil {
			return err
		}
		if err := shelvedBefore220("detach_volume", v, shelvedOK); err != nil {
			return err
		}
		if s.Volumes == nil {
			return volumeNotFound(volumeID)
		}
		if _, err := s.Volumes.Get(ctx, c, volumeID); err != nil {
			return err
		}
		i := slices.IndexFunc(v.Volumes, func(b novalite.BlockDeviceMapping) bool { return b.VolumeID == volumeID })
		if i < 0 {
			return notAttached(serverID, volumeID)
		}
		b = v.Volumes[i]
		if b.BootIndex != nil && *b.BootIndex == 0 {
			return novalite.Errorf(novalite.Invalid, "Cannot detach a root device volume")
		}
		if err := checkLock(c, v); err != nil {
			return err
		}
		return detachVolumeCheck.failure("detach_volume", v)
	}()
	return v, b, err
}

// VolumeAttachmentUpdate is a validated PUT
// /servers/{id}/os-volume_attachments/{volume} that changes the mapping.
type VolumeAttachmentUpdate struct {
	ServerID, VolumeID string
	// Check refuses a change of the fields that must stay as they are.
	Check               func(novalite.BlockDeviceMapping) error
	DeleteOnTermination *bool // nil: unchanged
}

// UpdateVolumeAttachment changes delete_on_termination of a mapping
// (2.85); the other fields must be unchanged.
func (s *Service) UpdateVolumeAttachment(ctx context.Context, c *novalite.Caller, p VolumeAttachmentUpdate) error {
	volumeID := p.VolumeID
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, p.ServerID)
		if err != nil {
			return err
		}
		b, err := tx.BDMGet(ctx, v.ID, volumeID)
		if novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.NotFound, "No volume Block Device Mapping with id %s.", volumeID)
		}
		if err != nil {
			return err
		}
		if err := p.Check(b); err != nil {
			return err
		}
		if p.DeleteOnTermination == nil {
			return nil
		}
		return tx.BDMSetDeleteOnTermination(ctx, b.ID, *p.DeleteOnTermination)
	})
}

// shelvedBefore220 is the 409 Nova gives before 2.20 for a shelved (or
// offloaded) server.
func shelvedBefore220(action string, v novalite.Server, shelvedOK bool) error {
	if !shelvedOK && slices.Contains([]novalite.VMState{novalite.VMShelved, novalite.VMShelvedOffloaded}, v.VMState) {
		return invalidState(action, v, "vm_state")
	}
	return nil
}
