package qemu

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"novalite/internal/virt"
)

// Volumes: a block storage volume is its raw file given to the guest as
// a virtio disk whose serial is the volume's id (as libvirt sets it, so
// the guest finds it as /dev/disk/by-id/virtio-<first 20 characters>).
// A volume attached to a running guest is hot-plugged through QMP
// (blockdev-add, device_add) and unplugged on detach (device_del, then
// blockdev-del once the guest let the device go); the spec keeps the
// volumes, so a stopped guest gets them on its command line at the next
// start and a re-adopted guest keeps them.

// volumeDisk is a volume in the spec, with the PCI slot its device
// takes. Volumes sit in slots of their own, after whatever QEMU gives
// the local disks and NICs, so that a guest booted again names its local
// disks first, as it did before any attach.
type volumeDisk struct {
	virt.Volume
	Slot int `json:"slot"`
}

// Volume slots: 0x10 to 0x1f of the root bus.
const (
	firstVolumeSlot = 0x10
	lastVolumeSlot  = 0x1f
)

// freeSlot is the lowest volume slot no volume of s holds.
func freeSlot(s spec) (int, error) {
	for slot := firstVolumeSlot; slot <= lastVolumeSlot; slot++ {
		if !slices.ContainsFunc(s.Volumes, func(v volumeDisk) bool { return v.Slot == slot }) {
			return slot, nil
		}
	}
	return 0, fmt.Errorf("qemu driver: no free slot for another volume (at most %d)", lastVolumeSlot-firstVolumeSlot+1)
}

// addVolumes puts the non-boot volumes of vols into s, each in a slot.
func addVolumes(s *spec, vols []virt.Volume) error {
	for _, v := range vols {
		if v.Boot || slices.ContainsFunc(s.Volumes, func(x volumeDisk) bool { return x.ID == v.ID }) {
			continue
		}
		if err := checkVolume(v); err != nil {
			return err
		}
		slot, err := freeSlot(*s)
		if err != nil {
			return err
		}
		s.Volumes = append(s.Volumes, volumeDisk{Volume: v, Slot: slot})
	}
	return nil
}

// checkVolume refuses ids that are not uuids (they become QEMU option
// values) and volumes without a file.
func checkVolume(v virt.Volume) error {
	if !uuidRE.MatchString(v.ID) {
		return fmt.Errorf("qemu driver: bad volume id %q", v.ID)
	}
	if v.Path == "" {
		return fmt.Errorf("qemu driver: volume %s has no file", v.ID)
	}
	return nil
}

// nodeName is the volume's block node (QEMU allows 31 characters).
func nodeName(id string) string {
	h := strings.ReplaceAll(id, "-", "")
	return "vol" + h[:min(len(h), 24)]
}

// deviceID is the volume's guest device.
func deviceID(id string) string { return "vol-" + id }

// optEscape doubles the commas of a command-line option value.
func optEscape(s string) string { return strings.ReplaceAll(s, ",", ",,") }

// volumeArgs are the -blockdev and -device options of s's volumes.
func volumeArgs(s spec) []string {
	var a []string
	for _, v := range s.Volumes {
		a = append(a, "-blockdev", fmt.Sprintf("driver=raw,node-name=%s,file.driver=file,file.filename=%s", nodeName(v.ID), optEscape(v.Path)),
			"-device", fmt.Sprintf("virtio-blk-pci,drive=%s,id=%s,serial=%s,addr=0x%x", nodeName(v.ID), deviceID(v.ID), v.ID, v.Slot))
	}
	return a
}

// rootVolumeArgs give a volume-backed guest its root volume as its first
// -device (QEMU makes the -drive disks after every -device, so the guest
// finds the volume first, as vda) and first in boot order (bootindex 1:
// a direct kernel boot's loader holds 0).
func rootVolumeArgs(id, path string) []string {
	return []string{"-blockdev", fmt.Sprintf("driver=raw,node-name=%s,file.driver=file,file.filename=%s", nodeName(id), optEscape(path)),
		"-device", fmt.Sprintf("virtio-blk-pci,drive=%s,id=%s,serial=%s,bootindex=1", nodeName(id), deviceID(id), id)}
}

// bootVolume is the volume a volume-backed guest boots from.
func bootVolume(vols []virt.Volume) (virt.Volume, bool) {
	i := slices.IndexFunc(vols, func(v virt.Volume) bool { return v.Boot })
	if i < 0 {
		return virt.Volume{}, false
	}
	return vols[i], true
}

// AttachVolume adds the volume to the guest's spec and, when the guest
// runs, plugs it in. Attaching a volume the guest has does nothing.
func (d *Driver) AttachVolume(ctx context.Context, inst virt.Instance, v virt.Volume) error {
	if err := checkVolume(v); err != nil {
		return err
	}
	g, s, unlock, err := d.existingSpec(inst)
	if err != nil {
		return err
	}
	defer unlock()
	v.Boot = false
	if i := slices.IndexFunc(s.Volumes, func(x volumeDisk) bool { return x.ID == v.ID }); i >= 0 {
		if g.pid() == 0 {
			return nil
		}
		return g.plugVolume(ctx, s.Volumes[i])
	}
	if err := addVolumes(&s, []virt.Volume{v}); err != nil {
		return err
	}
	if g.pid() != 0 {
		if err := g.plugVolume(ctx, s.Volumes[len(s.Volumes)-1]); err != nil {
			return err
		}
	}
	return g.writeSpec(s)
}

// DetachVolume unplugs the volume from a running guest and drops it
// from the spec. Detaching a volume the guest lacks does nothing.
func (d *Driver) DetachVolume(ctx context.Context, inst virt.Instance, volumeID string) error {
	g, s, unlock, err := d.existingSpec(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if g.pid() != 0 {
		if err := g.unplugVolume(ctx, volumeID); err != nil {
			return err
		}
	}
	i := slices.IndexFunc(s.Volumes, func(x volumeDisk) bool { return x.ID == volumeID })
	if i < 0 {
		return nil
	}
	s.Volumes = slices.Delete(s.Volumes, i, i+1)
	return g.writeSpec(s)
}

var _ virt.VolumeExtender = (*Driver)(nil)

// ExtendVolume tells a running guest its volume grew: block_resize on
// the volume's node (a root volume's too) to the size the file already
// has, which the virtio disk reports to the guest as a capacity change.
// A stopped guest reads the size when it starts.
func (d *Driver) ExtendVolume(ctx context.Context, inst virt.Instance, volumeID string, newSize int64) error {
	g, unlock, err := d.existing(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if g.pid() == 0 {
		return nil
	}
	return g.qmpRun(ctx, "block_resize", map[string]any{"node-name": nodeName(volumeID), "size": newSize}, nil)
}

// plugVolume hot-plugs v unless its device is there already (a node
// left by a failed earlier attempt is replaced).
func (g *guest) plugVolume(ctx context.Context, v volumeDisk) error {
	if ok, err := g.hasDevice(ctx, deviceID(v.ID)); err != nil || ok {
		return err
	}
	node := nodeName(v.ID)
	if err := g.deleteNode(ctx, node); err != nil {
		return err
	}
	if err := g.qmpRun(ctx, "blockdev-add", map[string]any{"driver": "raw", "node-name": node,
		"file": map[string]any{"driver": "file", "filename": v.Path}}, nil); err != nil {
		return err
	}
	err := g.qmpRun(ctx, "device_add", map[string]any{"driver": "virtio-blk-pci", "drive": node, "id": deviceID(v.ID),
		"serial": v.ID, "addr": fmt.Sprintf("0x%x", v.Slot)}, nil)
	if err != nil {
		_ = g.deleteNode(context.WithoutCancel(ctx), node)
	}
	return err
}

// unplugTimeout bounds the wait for the guest to let a device go (it
// has to act on the ACPI eject request; libvirt's driver in Nova waits
// about as long before it gives up).
const unplugTimeout = 20 * time.Second

// errUnplug is a guest that did not release a volume's device in time.
var errUnplug = errors.New("qemu driver: the guest did not release the volume's device")

// unplugVolume asks the guest to release the volume's device, waits
// until QEMU removed it (DEVICE_DELETED) and deletes its block node.
func (g *guest) unplugVolume(ctx context.Context, id string) error {
	dev := deviceID(id)
	has, err := g.hasDevice(ctx, dev)
	if err != nil {
		return err
	}
	if has {
		if err := g.qmpRun(ctx, "device_del", map[string]any{"id": dev}, nil); err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, unplugTimeout)
		defer cancel()
		for has {
			select {
			case <-wctx.Done():
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("%w (%s after %s)", errUnplug, id, unplugTimeout)
			case <-time.After(50 * time.Millisecond):
			}
			if has, err = g.hasDevice(ctx, dev); err != nil {
				return err
			}
		}
	}
	// The node may already be gone (a detach that failed after it).
	return g.deleteNode(ctx, nodeName(id))
}

// nodeFreeTimeout bounds the wait for a block node's last user to let it
// go: QEMU drops an unplugged device's hold on its node only when the
// device object is freed, which can come a while after the device left
// the guest (DEVICE_DELETED, gone from qom-list), later under TCG's load.
const nodeFreeTimeout = 20 * time.Second

// blockNode is a node of QMP query-named-block-nodes.
type blockNode struct {
	Name string `json:"node-name"`
}

// deleteNode deletes a block node, waiting while it is still in use; a
// node that is not there is deleted already. A node left behind would
// keep the volume's file open (and locked) in this QEMU, and the next
// attach of the volume would find its name taken.
func (g *guest) deleteNode(ctx context.Context, node string) error {
	wctx, cancel := context.WithTimeout(ctx, nodeFreeTimeout)
	defer cancel()
	for {
		err := g.qmpRun(wctx, "blockdev-del", map[string]any{"node-name": node}, nil)
		if err == nil {
			return nil
		}
		var nodes []blockNode
		if qerr := g.qmpRun(wctx, "query-named-block-nodes", map[string]any{"flat": true}, &nodes); qerr != nil {
			return errors.Join(err, qerr)
		}
		if !slices.ContainsFunc(nodes, func(n blockNode) bool { return n.Name == node }) {
			return nil
		}
		select {
		case <-wctx.Done():
			return fmt.Errorf("qemu driver: block node %s still in use after %s: %w", node, nodeFreeTimeout, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// hasDevice reports whether the guest has a device with this id.
func (g *guest) hasDevice(ctx context.Context, id string) (bool, error) {
	var props []struct {
		Name string `json:"name"`
	}
	if err := g.qmpRun(ctx, "qom-list", map[string]any{"path": "/machine/peripheral"}, &props); err != nil {
		return false, err
	}
	return slices.ContainsFunc(props, func(p struct {
		Name string `json:"name"`
	}) bool {
		return p.Name == id
	}), nil
}
