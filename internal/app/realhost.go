package app

import (
	"context"
	"io"
	"time"

	"novalite"
	"novalite/internal/config"
	"novalite/internal/image"
	"novalite/internal/virt"
)

// powerSyncInterval is how often the agents of real guests sync their
// power state (Nova's sync_power_state_interval is 600 s; a guest that
// dies shows as SHUTOFF within this here).
const powerSyncInterval = 5 * time.Second

// imageReader lets drivers read any image, as Nova's compute hosts do
// with their service credentials.
type imageReader struct{ svc *image.Service }

// system is the caller the compute hosts read images as.
var system = &novalite.Caller{UserName: "nova-compute", Roles: []novalite.Role{{Name: "admin"}}}

func (r imageReader) OpenImage(ctx context.Context, id string) (novalite.Image, io.ReadCloser, error) {
	f, im, err := r.svc.Open(ctx, system, id)
	if err != nil || f == nil {
		return im, nil, err
	}
	return im, f, nil
}

// hostResources are the resources a host registers: the flags', or for a
// driver of real guests the machine's own where the flags keep their
// defaults.
func (a *App) hostResources(d virt.Driver) (novalite.Resources, error) {
	res := novalite.Resources{VCPUs: a.Config.HostVCPUs, MemoryMB: a.Config.HostMemoryMB, DiskGB: a.Config.HostDiskGB}
	hi, ok := d.(virt.HostInfo)
	if !ok {
		return res, nil
	}
	h, err := hi.Host()
	if err != nil {
		return res, err
	}
	def := config.Default()
	if res.VCPUs == def.HostVCPUs {
		res.VCPUs = h.VCPUs
	}
	if res.MemoryMB == def.HostMemoryMB {
		res.MemoryMB = h.MemoryMB
	}
	if res.DiskGB == def.HostDiskGB {
		res.DiskGB = h.DiskGB
	}
	return res, nil
}
