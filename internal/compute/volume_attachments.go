package compute

import (
	"context"
	"slices"

	"novalite"
	"novalite/internal/store"
)

// Volume attachments (os-volume_attachments). novalite has no block
// storage service: it answers as a Nova whose Cinder holds no volumes, so
// no server has a volume attached, and every request that looks a volume
// up fails as Nova does when the lookup finds nothing.

// attachVolumeCheck is Nova's state check for attach_volume
// (nova/compute/api.py).
var attachVolumeCheck = stateCheck{vm: []novalite.VMState{novalite.VMActive, novalite.VMPaused, novalite.VMStopped,
	novalite.VMResized, novalite.VMSoftDeleted, novalite.VMShelved, novalite.VMShelvedOffloaded}, task: idle, launched: true}

// VolumeNotFound is Nova's answer for a volume the block storage service
// does not have.
func VolumeNotFound(id string) error {
	return novalite.Errorf(novalite.NotFound, "Volume %s could not be found.", id)
}

// VolumeAttachParams is a validated POST /servers/{id}/os-volume_attachments.
type VolumeAttachParams struct {
	ServerID, VolumeID string
	// ShelvedOK is false before microversion 2.20, which refuses shelved
	// servers before any other check.
	ShelvedOK bool
}

// AttachVolume checks that the server can take a volume (not locked, in
// a state Nova attaches in), then looks the volume up: with no volumes,
// that is where every attach ends.
func (s *Service) AttachVolume(ctx context.Context, c *novalite.Caller, p VolumeAttachParams) error {
	return s.db.View(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, p.ServerID)
		if err != nil {
			return err
		}
		if err := shelvedBefore220("attach_volume", v, p.ShelvedOK); err != nil {
			return err
		}
		if v.Locked && !c.IsAdmin() {
			return locked(v)
		}
		if err := attachVolumeCheck.failure("attach_volume", v); err != nil {
			return err
		}
		return VolumeNotFound(p.VolumeID)
	})
}

// DetachVolume looks the volume up after the microversion's shelved
// check; with no volumes it is never found.
func (s *Service) DetachVolume(ctx context.Context, c *novalite.Caller, serverID, volumeID string, shelvedOK bool) error {
	return s.db.View(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, serverID)
		if err != nil {
			return err
		}
		if err := shelvedBefore220("detach_volume", v, shelvedOK); err != nil {
			return err
		}
		return VolumeNotFound(volumeID)
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
