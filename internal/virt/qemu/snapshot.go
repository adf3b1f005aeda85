package qemu

import (
	"context"
	"fmt"
	"io"
	"os"

	"novalite/internal/virt"
)

// snapshotFile is the flattened root disk while it is copied out.
const snapshotFile = "snapshot.part"

// Snapshot flattens the guest's root disk — its overlay and the cached
// base image under it — into one qcow2 image with qemu-img convert and
// writes it to w, as Nova's libvirt driver makes a snapshot of a qcow2
// disk (snapshot_image_format unset: the disk's own format). A running
// guest is paused meanwhile: QMP stop drains and flushes its writes, so
// the copy is consistent; it continues afterwards. The bytes are qcow2
// (the image of an ami server stays labelled ami, as Nova's; spawning
// from an ami probes which it holds).
func (d *Driver) Snapshot(ctx context.Context, inst virt.Instance, w io.Writer) (string, error) {
	g, unlock, err := d.existing(inst)
	if err != nil {
		return "", err
	}
	defer unlock()
	if g.pid() != 0 {
		st, err := g.status(ctx)
		if err != nil {
			return "", err
		}
		if st == "running" {
			if err := g.qmpRun(ctx, "stop", nil, nil); err != nil {
				return "", err
			}
			defer func() { _ = g.qmpRun(context.WithoutCancel(ctx), "cont", nil, nil) }()
		}
	}
	tmp := g.path(snapshotFile)
	defer os.Remove(tmp)
	// -U: the running (paused) QEMU holds the image's write lock.
	if _, err := qemuImg(ctx, "convert", "-U", "-f", "qcow2", "-O", "qcow2", g.path(diskFile), tmp); err != nil {
		return "", err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return "", fmt.Errorf("snapshot of %s: %w", inst.ID, err)
	}
	return "qcow2", nil
}
