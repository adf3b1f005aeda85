package fake

import (
	"context"
	"slices"

	"novalite/internal/virt"
)

// Volume operations, as knob names.
const (
	opAttachVolume = "attach_volume"
	opDetachVolume = "detach_volume"
)

var _ virt.VolumeAttacher = (*Driver)(nil)

// AttachVolume records the volume on the guest and says so on its console.
func (d *Driver) AttachVolume(ctx context.Context, inst virt.Instance, v virt.Volume) error {
	if err := d.knobs(ctx, opAttachVolume, inst); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	g := d.get(inst)
	if g.volumes == nil {
		g.volumes = map[string]virt.Volume{}
	}
	if _, ok := g.volumes[v.ID]; !ok {
		g.volumes[v.ID] = v
		g.log("novalite fake hypervisor: attached volume %s as %s (%s)", v.ID, v.Device, v.Path)
	}
	return nil
}

// DetachVolume forgets the volume.
func (d *Driver) DetachVolume(ctx context.Context, inst virt.Instance, volumeID string) error {
	if err := d.knobs(ctx, opDetachVolume, inst); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	g := d.get(inst)
	if _, ok := g.volumes[volumeID]; ok {
		delete(g.volumes, volumeID)
		g.log("novalite fake hypervisor: detached volume %s", volumeID)
	}
	return nil
}

// Volumes lists the ids of the volumes the guest has, sorted; nil for a
// guest the driver does not have.
func (d *Driver) Volumes(id string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.vms[id]
	if !ok {
		return nil
	}
	out := []string{}
	for v := range g.volumes {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// keepVolumes records the volumes a guest is created with.
func keepVolumes(g *vm, vols []virt.Volume) {
	for _, v := range vols {
		if g.volumes == nil {
			g.volumes = map[string]virt.Volume{}
		}
		g.volumes[v.ID] = v
	}
}
