package qemu

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"novalite/internal/virt"
)

// The files of a rescue, beside the guest's own (Nova's *.rescue).
const (
	rescueDisk   = "disk.rescue"
	rescueConfig = "disk.config.rescue"
	unrescueFile = "unrescue.json"
)

// Rescue stops the guest (ACPI, then hard after ShutdownTimeout, as
// Nova powers a guest off before rescuing it) and boots it from the
// rescue image — inst.RescueImageRef, else its own image — on a fresh
// overlay, its own root disk attached second and a config drive of its
// own after them, as Nova's libvirt driver rescues. The spec it returns
// to is kept in unrescue.json. A rescued guest is only started again.
func (d *Driver) Rescue(ctx context.Context, inst virt.Instance) error {
	g, own, unlock, err := d.existingSpec(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if own.Rescue {
		return g.ensureRunning(ctx)
	}
	image := inst.RescueImageRef
	if image == "" {
		image = inst.ImageRef
	}
	if image == "" {
		return fmt.Errorf("qemu driver: no image to rescue %s from", inst.ID)
	}
	if err := g.shutdown(ctx, d.cfg.ShutdownTimeout); err != nil {
		return err
	}
	_ = os.Remove(g.path(saveFile))
	b, err := json.Marshal(own)
	if err != nil {
		return err
	}
	if err := os.WriteFile(g.path(unrescueFile), b, 0o600); err != nil {
		return err
	}
	r := spec{Instance: own.Instance, Config: true, ConfigFile: g.path(rescueConfig), Rescue: true}
	r.Instance.NICs = inst.NICs
	if len(r.Instance.NICs) == 0 {
		r.Instance.NICs = own.Instance.NICs
	}
	_ = os.Remove(g.path(rescueDisk))
	if err := d.bootDisk(ctx, &r, image, g.path(rescueDisk), 0); err != nil {
		return err
	}
	r.Disks = []string{g.path(rescueDisk), g.path(diskFile)}
	if own.RootVolume != "" {
		// A volume-backed guest's root is its volume: second, as a volume
		// disk (raw, its serial), as Nova rescues one (2.87).
		r.Disks = r.Disks[:1]
		if err := addVolumes(&r, []virt.Volume{{ID: own.RootVolume, Path: own.Disks[0]}}); err != nil {
			return err
		}
	}
	if err := writeConfigDrive(g.path(rescueConfig), r.Instance); err != nil {
		return fmt.Errorf("rescue config drive: %w", err)
	}
	if err := g.writeSpec(r); err != nil {
		return err
	}
	return g.start(ctx, r, "")
}

// Unrescue stops the rescue guest at once (as Nova destroys it), drops
// the rescue's files and starts the guest from its own spec again.
func (d *Driver) Unrescue(ctx context.Context, inst virt.Instance) error {
	g, cur, unlock, err := d.existingSpec(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if !cur.Rescue {
		return g.ensureRunning(ctx)
	}
	b, err := os.ReadFile(g.path(unrescueFile))
	if err != nil {
		return fmt.Errorf("unrescue %s: %w", inst.ID, err)
	}
	var own spec
	if err := json.Unmarshal(b, &own); err != nil {
		return fmt.Errorf("unrescue %s: %w", inst.ID, err)
	}
	if err := g.kill(ctx); err != nil {
		return err
	}
	if err := g.writeSpec(own); err != nil {
		return err
	}
	for _, f := range []string{rescueDisk, rescueConfig, unrescueFile} {
		_ = os.Remove(g.path(f))
	}
	return g.start(ctx, own, "")
}
