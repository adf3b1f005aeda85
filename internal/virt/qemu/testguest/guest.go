// Package testguest builds the guest novalite's QEMU tests boot: the
// kernel of Debian's linux-image-amd64 (unpacked, not installed, by
// scripts/install-deps.sh, which also takes its vmlinux out of the
// bzImage) and an initramfs of busybox-static whose /init
// reads the config drive, prints what it found on the serial console,
// configures its NICs and powers off on the ACPI power button. Nothing
// here is downloaded; a missing piece is an error naming the command
// that installs it.
package testguest

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

//go:embed init.sh
var initScript []byte

// modules are the kernel modules the guest loads (with their
// dependencies): Debian builds virtio, iso9660, the ACPI button and
// evdev as modules.
var modules = []string{"virtio_pci", "virtio_blk", "virtio_net", "isofs", "button", "evdev"}

// CommandLine is the kernel command line the guest boots with: a serial
// console and as little as possible else, so that it boots in seconds
// under TCG. Besides the checks of the clock and the CPU it can skip,
// it leaves out what a guest that runs one shell script for a test does
// not need and TCG makes dear: the crypto self-tests, the CPU
// vulnerabilities' mitigations, zeroing each page allocated, audit and
// the security modules (together about an eighth of a boot's CPU).
// Two more spin or walk where TCG is slow: the local APIC timer's
// calibration busy-waits 100 ms of the PM timer (its period is given
// instead: QEMU's and KVM's APIC timers run at 1 GHz, 4,000,000 ticks a
// jiffy at Debian's HZ=250), and read-only kernel data ends with a walk
// of every page table looking for W+X pages (rodata=off; ~0.3 s).
//
// A guest whose kernel wedges reboots itself: under TCG on a loaded
// host a vCPU's timer interrupt was once lost for good early in a boot
// (CPU 0 idle without ticks, RCU stall warnings every 21 s, init blocked;
// the CI run of 8ae27d7). An RCU stall now panics, and panic=-1 reboots
// at once, so the guest comes up again instead of never.
const CommandLine = "console=ttyS0 quiet panic=-1 tsc=reliable no_timer_check noreplace-smp" +
	" cryptomgr.notests mitigations=off init_on_alloc=0 audit=0 lsm=none" +
	" lapic_timer_period=4000000 rodata=off sysctl.kernel.panic_on_rcu_stall=1"

// busybox is the static busybox of Debian's busybox-static.
const busybox = "/bin/busybox"

// Guest is a built test guest.
type Guest struct {
	// Kernel is the kernel's vmlinux, an ELF with a PVH entry note:
	// QEMU starts it there, without the bzImage's decompressor, which
	// under TCG costs more than the rest of a boot to the prompt.
	Kernel string
	// Initrd is a newc cpio, not compressed: inflating it in the
	// guest costs more under TCG than the larger file (2.7 MiB).
	Initrd string
	Disk   string // a small raw disk (the guest runs from its initramfs)
}

// cacheDir is the directory install-deps.sh unpacks the kernel into.
func cacheDir() string {
	if d := os.Getenv("NOVALITE_GUEST_CACHE"); d != "" {
		return d
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "novalite", "guest")
}

// Build writes the guest's initramfs and disk into dir; its kernel is
// the cached vmlinux itself (60 MiB or more, only ever read: not copied).
func Build(dir string) (Guest, error) {
	cache := cacheDir()
	install := "run ./scripts/install-deps.sh (it installs qemu-system-x86, qemu-utils, busybox-static and unpacks the kernel and its vmlinux)"
	kernel := filepath.Join(cache, "vmlinux")
	if _, err := os.Stat(kernel); err != nil {
		return Guest{}, fmt.Errorf("test guest kernel missing: %w; %s", err, install)
	}
	bb, err := os.ReadFile(busybox)
	if err != nil {
		return Guest{}, fmt.Errorf("busybox missing: %w; %s", err, install)
	}
	mods, err := loadOrder(filepath.Join(cache, "modules"), modules)
	if err != nil {
		return Guest{}, fmt.Errorf("%w; %s", err, install)
	}
	var buf bytes.Buffer
	if err := writeInitramfs(&buf, bb, mods); err != nil {
		return Guest{}, err
	}
	g := Guest{Kernel: kernel, Initrd: filepath.Join(dir, "initrd.cpio"), Disk: filepath.Join(dir, "disk.raw")}
	for path, data := range map[string][]byte{g.Initrd: buf.Bytes(), g.Disk: make([]byte, 1<<20)} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return Guest{}, err
		}
	}
	return g, nil
}

// writeInitramfs writes the cpio: busybox, /init and the modules with
// their load order.
func writeInitramfs(w *bytes.Buffer, busybox []byte, mods []string) error {
	c := &cpioWriter{w: w}
	for _, d := range []string{"bin", "dev", "proc", "sys", "tmp", "mnt", "etc", "lib", "lib/modules"} {
		c.entry(d, modeDir|0o755, nil)
	}
	c.entry("bin/busybox", modeFile|0o755, busybox)
	c.entry("bin/sh", modeSymlink|0o777, []byte("busybox"))
	c.entry("init", modeFile|0o755, initScript)
	var order []string
	for _, p := range mods {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		name := filepath.Base(p)
		c.entry("lib/modules/"+name, modeFile|0o644, data)
		order = append(order, name)
	}
	c.entry("lib/modules/load.order", modeFile|0o644, []byte(strings.Join(order, "\n")+"\n"))
	return c.close()
}
