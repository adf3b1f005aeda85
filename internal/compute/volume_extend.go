package compute

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// gib is a GiB in bytes: volume sizes are whole GiB.
const gib = 1 << 30

// VolumeExtended is Nova's handling of Cinder's volume-extended event
// for a server (os-server-external-events, tag the volume): the API
// records an extend_volume action, and the compute manager tells the
// guest of the volume's new size (virt.VolumeExtender), its
// compute_extend_volume event Success or Error (an Error for a volume
// the server does not have, as the compute manager finds no mapping). A
// server without a host has nothing to tell (the API answers 422 for
// it); a driver that cannot extend (ErrUnsupported) or lacks the guest
// (it reads the size when it is made) is no failure.
func (s *Service) VolumeExtended(ctx context.Context, c *novalite.Caller, serverID, volumeID string) error {
	var v novalite.Server
	var size int64
	var actionID int64
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		// The event comes from the block storage service, not from the
		// server's project (Cinder's privileged user in Nova).
		if v, err = tx.InstanceGet(ctx, serverID, "", false); err != nil || v.Host == "" {
			return err
		}
		now := s.now().UTC()
		if actionID, err = s.volumeAction(ctx, tx, c, v, "extend_volume", now); err != nil {
			return err
		}
		attached := slices.ContainsFunc(v.Volumes, func(b novalite.BlockDeviceMapping) bool { return b.VolumeID == volumeID })
		vol, err := tx.VolumeGet(ctx, volumeID, "")
		if !attached || novalite.IsKind(err, novalite.NotFound) {
			failed := actionID
			actionID = 0 // nothing to tell the host
			// Nova's compute manager finds no mapping (VolumeBDMNotFound).
			return tx.InstanceActionEventFailed(ctx, store.FailedEvent{ActionID: failed, Event: "compute_extend_volume",
				At: now, Traceback: fmt.Sprintf("No volume Block Device Mapping with id %s.", volumeID)})
		}
		size = vol.Size * gib
		return err
	})
	if err != nil || actionID == 0 || s.VolumeHosts == nil {
		return err
	}
	herr := s.VolumeHosts.ExtendVolume(ctx, v.Host, virt.Instance{ID: v.ID, Metadata: v.Metadata},
		VolumeGrowth{VolumeID: volumeID, Size: size})
	if hostVolumeErr(herr) == nil {
		return nil
	}
	uctx := context.WithoutCancel(ctx)
	return errors.Join(herr, s.db.Tx(uctx, func(tx *store.Tx) error {
		return tx.InstanceActionEventFailed(uctx, store.FailedEvent{ActionID: actionID, Event: "compute_extend_volume",
			At: s.now().UTC(), Traceback: herr.Error()})
	}))
}
