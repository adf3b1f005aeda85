package qemu

import (
	"context"
	"os"

	"novalite/internal/virt"
)

// Rebuild re-creates the guest from inst.ImageRef with the same id and
// ports, as Nova's default rebuild destroys the guest and spawns it
// again: the process is stopped at once, every file of the instance
// directory but the console log goes (root, ephemeral and swap disks, a
// rescue's files, saved state), and the disks and config drive are made
// anew from what inst says now (a new image, key or user_data).
func (d *Driver) Rebuild(ctx context.Context, inst virt.Instance) error {
	g, unlock, err := d.locked(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if err := g.kill(ctx); err != nil {
		return err
	}
	entries, err := os.ReadDir(g.dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, e := range entries {
		if e.Name() != consoleFile {
			if err := os.RemoveAll(g.path(e.Name())); err != nil {
				return err
			}
		}
	}
	s, err := d.prepare(ctx, g, inst)
	if err != nil {
		return err
	}
	return g.start(ctx, s, "")
}
