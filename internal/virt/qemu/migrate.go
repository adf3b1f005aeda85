package qemu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"novalite/internal/virt"
)

// Resize and cold migration, as Nova's libvirt driver does them: the
// source guest is powered off and its directory renamed <uuid>_resize
// (kept until confirm or revert), its disks are copied to the
// destination host's directory — the root overlay rebased on that
// host's own image cache and grown to the new flavor, the ephemeral
// disk copied and grown, swap made anew, the config drive rebuilt —
// and the guest starts there with the new vCPUs and RAM if it ran
// before. The destination's directory must be reachable from the source:
// hosts keep theirs side by side under one instances root (this machine,
// or storage shared between machines), as Nova's libvirt driver needs
// ssh or shared storage between its hosts.

// The files of a move.
const (
	resizeSuffix = "_resize"     // the source's kept directory
	wasRunning   = "was.running" // in it: the guest ran before the move
)

// peer is the driver of host, whose directory sits beside this one's.
// It shares this driver's settings; its guests' calls are not
// serialized with that host's own driver, which leaves a server alone
// while another host's agent moves it (the row's task says so).
func (d *Driver) peer(host string) (*Driver, error) {
	if host == "" || host == "." || host == ".." || filepath.Base(host) != host {
		return nil, fmt.Errorf("qemu driver: bad host name %q", host)
	}
	dir := filepath.Join(filepath.Dir(d.cfg.Dir), host)
	if dir == d.cfg.Dir {
		return d, nil
	}
	if _, err := os.Stat(filepath.Join(dir, baseDir)); err != nil {
		return nil, fmt.Errorf("qemu driver: host %s's instance directory %s is not reachable from here "+
			"(hosts need one instances root, local or shared): %w", host, dir, err)
	}
	cfg := d.cfg
	cfg.Dir = dir
	p := &Driver{cfg: cfg, accel: d.accel, locks: map[string]*sync.Mutex{}}
	if d.netns != "" {
		p.netns = NetNS(dir)
	}
	return p, nil
}

// kept is the source's directory of a moved guest.
func (g *guest) kept() *guest {
	return &guest{d: g.d, dir: g.dir + resizeSuffix, id: g.id}
}

// Migrate moves the guest to host (the same host too) with inst's
// flavor. A call again after a crash picks up where the last one ended:
// the kept directory says the source is done, the destination's spec
// (written last) that the copy is.
func (d *Driver) Migrate(ctx context.Context, inst virt.Instance, host string) error {
	g, p, unlock, err := d.lockedPeer(inst, host)
	if err != nil {
		return err
	}
	defer unlock()
	k := g.kept()
	if g.exists() && !(p == d && k.exists()) {
		if err := g.leave(ctx); err != nil {
			return err
		}
	}
	if !k.exists() {
		return virt.ErrNotFound
	}
	dst, err := p.guest(inst)
	if err != nil {
		return err
	}
	if !dst.exists() {
		if err := p.arrive(ctx, dst, k, inst); err != nil {
			_ = os.RemoveAll(dst.dir)
			return fmt.Errorf("migrate %s to %s: %w", inst.ID, host, err)
		}
	}
	if _, err := os.Stat(k.path(wasRunning)); err == nil {
		return dst.ensureRunning(ctx)
	}
	return nil
}

// leave powers the source guest off (ACPI, then hard after the
// shutdown timeout, as Nova's migrate_disk_and_power_off), notes
// whether it ran and renames its directory to the kept one.
func (g *guest) leave(ctx context.Context) error {
	s, err := g.readSpec()
	if err != nil {
		return err
	}
	if g.pid() != 0 {
		if err := os.WriteFile(g.path(wasRunning), nil, 0o600); err != nil {
			return err
		}
	}
	if err := g.shutdown(ctx, g.d.cfg.ShutdownTimeout); err != nil {
		return err
	}
	_ = os.Remove(g.path(saveFile))
	g.d.unplugBridges(ctx, s.Instance.NICs)
	k := g.kept()
	_ = os.RemoveAll(k.dir) // a stale copy of an earlier, settled move
	return os.Rename(g.dir, k.dir)
}

// arrive makes the guest's directory on this (the destination) host
// from the source's kept one, with inst's flavor.
func (d *Driver) arrive(ctx context.Context, g, k *guest, inst virt.Instance) error {
	old, err := k.readSpec()
	if err != nil {
		return err
	}
	_ = os.RemoveAll(g.dir) // a copy a crash left half made
	if err := os.MkdirAll(g.dir, 0o700); err != nil {
		return err
	}
	// Volumes are the volume service's files, which the hosts share:
	// they stay where they are, attached in the same slots.
	s := spec{Instance: old.Instance, Config: old.Config, Volumes: old.Volumes}
	s.Instance.VCPUs, s.Instance.MemoryMB = inst.VCPUs, inst.MemoryMB
	s.Instance.RootGB, s.Instance.EphemeralGB, s.Instance.SwapMB = inst.RootGB, inst.EphemeralGB, inst.SwapMB
	if len(inst.NICs) > 0 {
		s.Instance.NICs = inst.NICs
	}
	if old.RootVolume != "" {
		if err := d.volumeRoot(ctx, &s, old.Instance.Volumes); err != nil {
			return err
		}
	} else if err := d.copyRoot(ctx, &s, k.path(diskFile), g.path(diskFile), inst.RootGB); err != nil {
		return err
	}
	if inst.EphemeralGB > 0 {
		p := g.path("disk.eph0")
		if err := copyFile(k.path("disk.eph0"), p); errors.Is(err, os.ErrNotExist) {
			err = blank(ctx, p, int64(inst.EphemeralGB)*gib)
		} else if err == nil {
			err = grow(ctx, p, int64(inst.EphemeralGB)*gib)
		}
		if err != nil {
			return err
		}
		s.Disks = append(s.Disks, p)
	}
	if inst.SwapMB > 0 { // swap holds nothing worth keeping
		p := g.path("disk.swap")
		if err := blank(ctx, p, int64(inst.SwapMB)<<20); err != nil {
			return err
		}
		s.Disks = append(s.Disks, p)
	}
	if err := writeConfigDrive(g.path(configDrive), s.Instance); err != nil {
		return fmt.Errorf("config drive: %w", err)
	}
	return g.writeSpec(s)
}

// copyRoot copies the root overlay from to path, rebased on this host's
// cached image and grown to rootGB, and makes it s's first disk.
func (d *Driver) copyRoot(ctx context.Context, s *spec, from, path string, rootGB int) error {
	base, format, err := d.bootFiles(ctx, s, s.Instance.ImageRef)
	if err != nil {
		return err
	}
	if err := copyFile(from, path); err != nil {
		return err
	}
	if _, err := qemuImg(ctx, "rebase", "-u", "-f", "qcow2", "-F", format, "-b", base, path); err != nil {
		return err
	}
	if err := grow(ctx, path, int64(rootGB)*gib); err != nil {
		return err
	}
	s.Disks = append(s.Disks, path)
	return nil
}

// grow enlarges a qcow2 disk to size bytes; it never shrinks one (as
// Nova's libvirt driver, which refuses to resize a disk down).
func grow(ctx context.Context, path string, size int64) error {
	cur, err := virtualSize(ctx, path, "qcow2")
	if err != nil || size <= cur {
		return err
	}
	_, err = qemuImg(ctx, "resize", "-q", "-f", "qcow2", path, fmt.Sprint(size))
	return err
}

// copyFile copies a disk file whole (a qcow2 overlay keeps its layout).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// KeptMoves lists the guests whose kept directory is on this host.
func (d *Driver) KeptMoves(ctx context.Context) ([]string, error) {
	entries, err := os.ReadDir(d.cfg.Dir)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), resizeSuffix); ok && e.IsDir() && uuidRE.MatchString(id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// ConfirmMigration removes the source's kept directory.
func (d *Driver) ConfirmMigration(ctx context.Context, inst virt.Instance, source string) error {
	p, err := d.peer(source)
	if err != nil {
		return err
	}
	src, err := p.guest(inst)
	if err != nil {
		return err
	}
	return os.RemoveAll(src.kept().dir)
}

// RevertMigration stops and removes the guest here and gives the
// source its kept directory back, starting the guest there if it ran
// before the move (Nova's finish_revert_resize).
func (d *Driver) RevertMigration(ctx context.Context, inst virt.Instance, source string) error {
	g, p, unlock, err := d.lockedPeer(inst, source)
	if err != nil {
		return err
	}
	defer unlock()
	src, err := p.guest(inst)
	if err != nil {
		return err
	}
	k := src.kept()
	if k.exists() {
		if err := d.remove(ctx, g); err != nil {
			return err
		}
		if err := os.Rename(k.dir, src.dir); err != nil {
			return err
		}
	}
	if !src.exists() {
		return virt.ErrNotFound
	}
	if _, err := os.Stat(src.path(wasRunning)); err == nil {
		if err := src.ensureRunning(ctx); err != nil {
			return err
		}
		return os.Remove(src.path(wasRunning))
	}
	return nil
}
