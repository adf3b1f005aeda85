package compute

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// VolumeHosts plug a server's volumes into its guest on its host and
// out of it (virt.VolumeAttacher): the drivers of this process (serve)
// or the agents of other processes through host calls. A driver without
// volumes (ErrUnsupported) or without the guest (ErrNotFound: it gets
// its volumes when it is made) has nothing to plug.
type VolumeHosts interface {
	AttachVolume(ctx context.Context, host string, inst virt.Instance, v virt.Volume) error
	DetachVolume(ctx context.Context, host string, inst virt.Instance, volumeID string) error
	// ExtendVolume tells the guest a volume grew (virt.VolumeExtender).
	ExtendVolume(ctx context.Context, host string, inst virt.Instance, g VolumeGrowth) error
}

// VolumeGrowth names a volume that grew and its new size in bytes.
type VolumeGrowth struct {
	VolumeID string
	Size     int64
}

// AttachVolume plugs v in through host's driver in this process.
func (l LocalConsoles) AttachVolume(ctx context.Context, host string, inst virt.Instance, v virt.Volume) error {
	va, ok := l[host].(virt.VolumeAttacher)
	if !ok {
		return virt.ErrUnsupported
	}
	return va.AttachVolume(ctx, inst, v)
}

// DetachVolume unplugs a volume through host's driver in this process.
func (l LocalConsoles) DetachVolume(ctx context.Context, host string, inst virt.Instance, volumeID string) error {
	va, ok := l[host].(virt.VolumeAttacher)
	if !ok {
		return virt.ErrUnsupported
	}
	return va.DetachVolume(ctx, inst, volumeID)
}

// ExtendVolume tells the guest through host's driver in this process.
func (l LocalConsoles) ExtendVolume(ctx context.Context, host string, inst virt.Instance, g VolumeGrowth) error {
	ve, ok := l[host].(virt.VolumeExtender)
	if !ok {
		return virt.ErrUnsupported
	}
	return ve.ExtendVolume(ctx, inst, g.VolumeID, g.Size)
}

// volumeCallTimeout is longer than the agent's own bound on a plug or
// unplug (30 s: an unplug waits for the guest).
const volumeCallTimeout = 40 * time.Second

// AttachVolume asks host's agent to plug v into the guest.
func (h *HostCalls) AttachVolume(ctx context.Context, host string, inst virt.Instance, v virt.Volume) error {
	return h.volumeCall(ctx, host, novalite.HostCallVolumeAttach, inst, novalite.VolumeCall{VolumeID: v.ID, Device: v.Device})
}

// DetachVolume asks host's agent to unplug a volume.
func (h *HostCalls) DetachVolume(ctx context.Context, host string, inst virt.Instance, volumeID string) error {
	return h.volumeCall(ctx, host, novalite.HostCallVolumeDetach, inst, novalite.VolumeCall{VolumeID: volumeID})
}

// ExtendVolume asks host's agent to tell the guest a volume grew.
func (h *HostCalls) ExtendVolume(ctx context.Context, host string, inst virt.Instance, g VolumeGrowth) error {
	return h.volumeCall(ctx, host, novalite.HostCallVolumeExtend, inst, novalite.VolumeCall{VolumeID: g.VolumeID, Size: g.Size})
}

func (h *HostCalls) volumeCall(ctx context.Context, host, kind string, inst virt.Instance, args novalite.VolumeCall) error {
	b, err := json.Marshal(args)
	if err != nil {
		return err
	}
	c, err := h.callWithin(ctx, store.HostCall{Host: host, Kind: kind, InstanceUUID: inst.ID, Args: string(b)}, volumeCallTimeout)
	if err != nil {
		return err
	}
	return callErr(c.Error)
}

// plugVolume plugs a server's volume in on its host; nothing to do for
// a server without a host (shelved offloaded) or without VolumeHosts.
func (s *Service) plugVolume(ctx context.Context, v novalite.Server, b novalite.BlockDeviceMapping) error {
	if s.VolumeHosts == nil || v.Host == "" {
		return nil
	}
	return hostVolumeErr(s.VolumeHosts.AttachVolume(ctx, v.Host, virt.Instance{ID: v.ID, Metadata: v.Metadata},
		virt.Volume{ID: b.VolumeID, Path: s.Volumes.Path(b.VolumeID), Device: b.Device}))
}

// unplugVolume unplugs a server's volume on its host.
func (s *Service) unplugVolume(ctx context.Context, v novalite.Server, volumeID string) error {
	if s.VolumeHosts == nil || v.Host == "" {
		return nil
	}
	return hostVolumeErr(s.VolumeHosts.DetachVolume(ctx, v.Host, virt.Instance{ID: v.ID, Metadata: v.Metadata}, volumeID))
}

func hostVolumeErr(err error) error {
	if errors.Is(err, virt.ErrUnsupported) || errors.Is(err, virt.ErrNotFound) {
		return nil
	}
	return err
}
