package qemu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"novalite"
	"novalite/internal/virt"
)

// Spawn creates the guest's disks and config drive from the image and
// starts it. A guest that exists is started if it is not running.
func (d *Driver) Spawn(ctx context.Context, inst virt.Instance) error {
	g, unlock, err := d.locked(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if g.exists() {
		return g.ensureRunning(ctx)
	}
	s, err := d.prepare(ctx, g, inst)
	if err != nil {
		_ = os.RemoveAll(g.dir)
		return err
	}
	if err := g.start(ctx, s, ""); err != nil {
		_ = g.kill(context.WithoutCancel(ctx))
		_ = os.RemoveAll(g.dir)
		return err
	}
	return nil
}

// prepare makes the instance directory: the root disk on the cached
// image (kernel and ramdisk too for aki/ari images, booted directly with
// the image's os_command_line, as Nova's libvirt driver), ephemeral and
// swap disks, the config drive, and the spec.
func (d *Driver) prepare(ctx context.Context, g *guest, inst virt.Instance) (spec, error) {
	s := spec{Instance: inst, Config: true}
	if err := os.MkdirAll(g.dir, 0o700); err != nil {
		return s, err
	}
	if inst.ImageRef == "" {
		if err := d.volumeRoot(ctx, &s, inst.Volumes); err != nil {
			return s, err
		}
	} else {
		root := g.path(diskFile)
		if err := d.bootDisk(ctx, &s, inst.ImageRef, root, inst.RootGB); err != nil {
			return s, err
		}
		s.Disks = append(s.Disks, root)
	}
	if err := addVolumes(&s, inst.Volumes); err != nil {
		return s, err
	}
	if inst.EphemeralGB > 0 {
		p := g.path("disk.eph0")
		if err := blank(ctx, p, int64(inst.EphemeralGB)*gib); err != nil {
			return s, err
		}
		s.Disks = append(s.Disks, p)
	}
	if inst.SwapMB > 0 {
		p := g.path("disk.swap")
		if err := blank(ctx, p, int64(inst.SwapMB)<<20); err != nil {
			return s, err
		}
		s.Disks = append(s.Disks, p)
	}
	if err := writeConfigDrive(g.path(configDrive), inst); err != nil {
		return s, fmt.Errorf("config drive: %w", err)
	}
	return s, g.writeSpec(s)
}

// bootDisk makes path a qcow2 overlay on the cached image imageRef, and
// sets s to boot it: for an image naming a kernel_id (and ramdisk_id),
// by direct kernel boot with the image's os_command_line, as Nova's
// libvirt driver.
func (d *Driver) bootDisk(ctx context.Context, s *spec, imageRef, path string, rootGB int) error {
	base, format, err := d.bootFiles(ctx, s, imageRef)
	if err != nil {
		return err
	}
	return overlay(ctx, path, base, format, rootGB)
}

// bootFiles caches the image imageRef (and the kernel and ramdisk it
// names, set in s) and returns its base file and QEMU format.
func (d *Driver) bootFiles(ctx context.Context, s *spec, imageRef string) (base, format string, err error) {
	base, im, err := d.cached(ctx, imageRef)
	if err != nil {
		return "", "", err
	}
	if im.DiskFormat == "aki" || im.DiskFormat == "ari" {
		return "", "", fmt.Errorf("image %s is a %s (kernel or ramdisk), not a disk", im.ID, im.DiskFormat)
	}
	s.Base = base
	if err := d.directBoot(ctx, s, im.Properties); err != nil {
		return "", "", err
	}
	if im.DiskFormat == "ami" {
		format, err = amiFormat(ctx, base)
		return base, format, err
	}
	return base, formats[im.DiskFormat], nil
}

// directBoot sets s to boot the kernel an image's properties name
// (kernel_id, ramdisk_id, os_command_line), if any.
func (d *Driver) directBoot(ctx context.Context, s *spec, props map[string]string) (err error) {
	s.Kernel, s.Ramdisk, s.Cmdline = "", "", ""
	if k := props["kernel_id"]; k != "" {
		if s.Kernel, _, err = d.cached(ctx, k); err != nil {
			return err
		}
		if r := props["ramdisk_id"]; r != "" {
			if s.Ramdisk, _, err = d.cached(ctx, r); err != nil {
				return err
			}
		}
		s.Cmdline = props["os_command_line"]
		if s.Cmdline == "" {
			s.Cmdline = "root=/dev/vda console=tty0 console=ttyS0" // Nova's default for direct boot
		}
	}
	return nil
}

// volumeRoot sets s to boot from the boot volume among vols: its file is
// the root disk itself (no overlay: the guest writes to the volume), and
// the image it was made from says how to boot it (Cinder's
// volume_image_metadata, as Nova reads a volume-backed server's image).
func (d *Driver) volumeRoot(ctx context.Context, s *spec, vols []virt.Volume) error {
	root, ok := bootVolume(vols)
	if !ok {
		return fmt.Errorf("qemu driver: a server without an image needs a boot volume")
	}
	if err := checkVolume(root); err != nil {
		return err
	}
	if err := d.directBoot(ctx, s, root.ImageMeta); err != nil {
		return err
	}
	s.Disks, s.RootVolume = []string{root.Path}, root.ID
	return nil
}

// ensureRunning starts the guest from its spec unless it runs.
func (g *guest) ensureRunning(ctx context.Context) error {
	if g.pid() != 0 {
		return nil
	}
	s, err := g.readSpec()
	if err != nil {
		return err
	}
	return g.start(ctx, s, "")
}

// Destroy stops the guest at once and removes its directory: disks,
// config drive, console log, sockets (Nova: "deleted on the compute
// node"). The cached base image stays for other guests.
func (d *Driver) Destroy(ctx context.Context, inst virt.Instance) error {
	g, unlock, err := d.locked(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if err := d.remove(ctx, g); err != nil {
		return err
	}
	d.mu.Lock()
	delete(d.locks, inst.ID)
	d.mu.Unlock()
	return nil
}

// PowerOff presses the guest's ACPI power button and waits up to
// ShutdownTimeout for it to stop, then stops it hard (Nova's
// clean_shutdown with shutdown_timeout).
func (d *Driver) PowerOff(ctx context.Context, inst virt.Instance) error {
	g, unlock, err := d.locked(inst)
	if err != nil {
		return err
	}
	defer unlock()
	return g.shutdown(ctx, d.cfg.ShutdownTimeout)
}

func (g *guest) shutdown(ctx context.Context, timeout time.Duration) error {
	if g.pid() == 0 {
		g.cleanRuntime()
		return nil
	}
	if st, err := g.status(ctx); err == nil && st == "running" {
		if err := g.qmpRun(ctx, "system_powerdown", nil, nil); err == nil {
			wctx, cancel := context.WithTimeout(ctx, timeout)
			err := g.waitExit(wctx)
			cancel()
			if err == nil {
				g.cleanRuntime()
				return nil
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return g.kill(ctx)
}

// PowerOn starts a stopped guest from its spec.
func (d *Driver) PowerOn(ctx context.Context, inst virt.Instance) error {
	g, unlock, err := d.existing(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(g.path(saveFile)); err == nil {
		return g.resume(ctx)
	}
	return g.ensureRunning(ctx)
}

// Reboot restarts the guest as Nova's libvirt driver does: soft is a
// clean shutdown (ACPI) and a new start, falling back to hard when the
// guest ignores the button; hard stops the process and starts a new one.
func (d *Driver) Reboot(ctx context.Context, inst virt.Instance, hard bool) error {
	g, unlock, err := d.existing(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if hard {
		err = g.kill(ctx)
	} else {
		err = g.shutdown(ctx, d.cfg.ShutdownTimeout)
	}
	if err != nil {
		return err
	}
	_ = os.Remove(g.path(saveFile))
	return g.ensureRunning(ctx)
}

// Pause stops the guest's vCPUs (QMP stop).
func (d *Driver) Pause(ctx context.Context, inst virt.Instance) error {
	return d.runState(ctx, inst, "stop", "paused")
}

// Unpause resumes the vCPUs (QMP cont).
func (d *Driver) Unpause(ctx context.Context, inst virt.Instance) error {
	return d.runState(ctx, inst, "cont", "running")
}

// runState runs command unless the guest is already in state want.
func (d *Driver) runState(ctx context.Context, inst virt.Instance, command, want string) error {
	g, unlock, err := d.locked(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if g.pid() == 0 {
		return errNotRunning
	}
	st, err := g.status(ctx)
	if err != nil || st == want {
		return err
	}
	return g.qmpRun(ctx, command, nil, nil)
}

// State reads the guest's power state: from QMP while its process runs,
// suspended while its saved state waits, else shut down (a guest that
// died on its own too, as Nova's power state sync sees it).
func (d *Driver) State(ctx context.Context, inst virt.Instance) (novalite.PowerState, error) {
	g, err := d.guest(inst)
	if err != nil {
		return novalite.PowerNoState, err
	}
	if !g.exists() {
		return novalite.PowerNoState, virt.ErrNotFound
	}
	if g.pid() == 0 {
		if _, err := os.Stat(g.path(saveFile)); err == nil {
			return novalite.PowerSuspended, nil
		}
		return novalite.PowerShutdown, nil
	}
	defer d.lock(inst.ID)()
	st, err := g.status(ctx)
	if err != nil {
		if g.pid() == 0 {
			return novalite.PowerShutdown, nil
		}
		return novalite.PowerNoState, err
	}
	return powerOf(st), nil
}

// powerOf maps QMP's run states to Nova's power states (as libvirt's
// domain states map in nova/virt/libvirt/host.py).
func powerOf(status string) novalite.PowerState {
	switch status {
	case "running":
		return novalite.PowerRunning
	case "shutdown":
		return novalite.PowerShutdown
	case "internal-error", "io-error", "guest-panicked":
		return novalite.PowerCrashed
	case "suspended":
		return novalite.PowerSuspended
	default: // paused, prelaunch, inmigrate, postmigrate, finish-migrate, save-vm, restore-vm, debug
		return novalite.PowerPaused
	}
}

// maxConsole is how much of the serial log the API can read (Nova's
// MAX_CONSOLE_BYTES is 100 KiB).
const maxConsole = 100 << 10

// ConsoleLog returns the end of the guest's serial log.
func (d *Driver) ConsoleLog(ctx context.Context, inst virt.Instance) (string, error) {
	g, err := d.guest(inst)
	if err != nil {
		return "", err
	}
	f, err := os.Open(g.path(consoleFile))
	if errors.Is(err, os.ErrNotExist) {
		if g.exists() {
			return "", nil
		}
		return "", virt.ErrNotFound
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > maxConsole {
		if _, err := f.Seek(-maxConsole, io.SeekEnd); err != nil {
			return "", err
		}
	}
	b, err := io.ReadAll(f)
	return string(b), err
}
