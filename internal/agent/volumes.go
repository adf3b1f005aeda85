package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// Volume host calls: the API attaching or detaching a volume asks the
// server's host to plug it into the guest or out of it
// (compute.HostCalls.AttachVolume; docs/host-calls.md). The args are
// the volume's id and device name; the volume's file is found in this
// host's own VolumeDir, which the operator points at the same files as
// the block storage service's.
//
// volumeCallTimeout bounds one plug or unplug: an unplug waits for the
// guest to release the device.
const volumeCallTimeout = 30 * time.Second

// volumePath is where this host finds a volume's file.
func (a *Agent) volumePath(id string) string { return filepath.Join(a.o.VolumeDir, id) }

// volumeCall plugs, unplugs or extends a volume as the call asks.
func (a *Agent) volumeCall(ctx context.Context, c store.HostCall) (string, string) {
	va, ok := a.o.Driver.(virt.VolumeAttacher)
	ve, extends := a.o.Driver.(virt.VolumeExtender)
	if !ok || (c.Kind == novalite.HostCallVolumeExtend && !extends) {
		return "", novalite.HostCallUnsupported
	}
	var args novalite.VolumeCall
	if err := json.Unmarshal([]byte(c.Args), &args); err != nil || args.VolumeID == "" || a.o.VolumeDir == "" {
		return "", fmt.Sprintf("bad volume call (args %q, volume dir %q)", c.Args, a.o.VolumeDir)
	}
	cctx, cancel := context.WithTimeout(ctx, volumeCallTimeout)
	defer cancel()
	// The host's fake knobs (control API) apply; the server's own
	// metadata is not read for a call.
	a.mu.Lock()
	inst := virt.Instance{ID: c.InstanceUUID, Metadata: a.knobs}
	a.mu.Unlock()
	var err error
	switch c.Kind {
	case novalite.HostCallVolumeAttach:
		err = va.AttachVolume(cctx, inst, virt.Volume{ID: args.VolumeID, Path: a.volumePath(args.VolumeID), Device: args.Device})
	case novalite.HostCallVolumeExtend:
		err = ve.ExtendVolume(cctx, inst, args.VolumeID, args.Size)
	default:
		err = va.DetachVolume(cctx, inst, args.VolumeID)
	}
	if err != nil {
		return "", callError(err)
	}
	return "", ""
}

// loadVolumes fills the volumes of the jobs that create a guest: their
// block device mappings in one query, with each boot volume's image
// metadata (what a volume-backed guest boots with).
func (a *Agent) loadVolumes(ctx context.Context, tx *store.Tx, work []job) error {
	var ids []string
	for _, j := range work {
		if createsGuest[j.v.TaskState] {
			ids = append(ids, j.v.ID)
		}
	}
	bdms, err := tx.BDMListByInstances(ctx, ids)
	if err != nil || len(bdms) == 0 {
		return err
	}
	byServer := map[string][]virt.Volume{}
	for _, b := range bdms {
		v := virt.Volume{ID: b.VolumeID, Path: a.volumePath(b.VolumeID), Device: b.Device,
			Boot: b.BootIndex != nil && *b.BootIndex == 0}
		if v.Boot {
			vol, err := tx.VolumeGet(ctx, b.VolumeID, "")
			if err != nil {
				return fmt.Errorf("boot volume of %s: %w", b.InstanceUUID, err)
			}
			v.ImageMeta = vol.ImageMetadata
		}
		byServer[b.InstanceUUID] = append(byServer[b.InstanceUUID], v)
	}
	for i := range work {
		if createsGuest[work[i].v.TaskState] {
			work[i].volumes = byServer[work[i].v.ID]
		}
	}
	return nil
}
