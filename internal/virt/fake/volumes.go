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
	opExtendVolume = "extend_volume"
)

var (
	_ virt.VolumeAttacher = (*Driver)(nil)
	_ virt.VolumeExtender = (*Driver)(nil)
)

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

// ExtendVolume notes the volume's new size and says so on the console.
func (d *Driver) ExtendVolume(ctx context.Context, inst virt.Instance, volumeID string, newSize int64) error {
	if err := d.knobs(ctx, opExtendVolume, inst); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	g := d.get(inst)
	if g.sizes == nil {
		g.sizes = map[string]int64{}
	}
	g.sizes[volumeID] = newSize
	g.log("novalite fake hypervisor: volume %s extended to %d bytes", volumeID, newSize)
	return nil
}

// VolumeSize is the size in bytes the guest was last told a volume has
// (0: never extended, or no such guest).
func (d *Driver) VolumeSize(id, volumeID string) int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if g, ok := d.vms[id]; ok {
		return g.sizes[volumeID]
	}
	return 0
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
