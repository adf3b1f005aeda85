package qemu

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"novalite/internal/virt"
)

// baseDir is the image cache inside Config.Dir (Nova's _base).
const baseDir = "_base"

// The files of an instance directory.
const (
	specFile    = "instance.json" // spec: how to start the guest again
	diskFile    = "disk"          // qcow2 overlay on the base image
	configDrive = "disk.config"   // config-2 ISO
	consoleFile = "console.log"   // serial port
	pidFile     = "qemu.pid"
	saveFile    = "managed.save" // guest state while suspended
)

// guest is one instance's directory.
type guest struct {
	d   *Driver
	dir string
	id  string
}

func (g *guest) path(name string) string { return filepath.Join(g.dir, name) }

// spec is what starting the guest needs, kept in instance.json so that a
// power on, reboot or re-adoption rebuilds the same command line (as
// libvirt keeps a domain's XML).
type spec struct {
	Instance virt.Instance `json:"instance"`
	Base     string        `json:"base,omitempty"`   // the cached image under the first disk
	Kernel   string        `json:"kernel,omitempty"` // cached kernel for direct boot
	Ramdisk  string        `json:"ramdisk,omitempty"`
	Cmdline  string        `json:"cmdline,omitempty"`
	Disks    []string      `json:"disks"` // in boot order: root, ephemeral, swap
	Config   bool          `json:"config_drive"`
	// ConfigFile is the config drive's file when not disk.config (a
	// rescue's own).
	ConfigFile string `json:"config_file,omitempty"`
	// Rescue: the guest runs its rescue image; unrescue.json keeps the
	// spec it returns to (as libvirt's unrescue.xml).
	Rescue bool `json:"rescue,omitempty"`
	// RootVolume is the volume a volume-backed guest boots from: the
	// first of Disks is its raw file (volumes.go).
	RootVolume string `json:"root_volume,omitempty"`
	// Volumes are the attached volumes besides the root (volumes.go).
	Volumes []volumeDisk `json:"volumes,omitempty"`
}

func (g *guest) exists() bool {
	_, err := os.Stat(g.path(specFile))
	return err == nil
}

func (g *guest) readSpec() (spec, error) {
	var s spec
	b, err := os.ReadFile(g.path(specFile))
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(b, &s)
}

func (g *guest) writeSpec(s spec) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := g.path(specFile + ".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, g.path(specFile))
}

// sockets: a unix socket path must fit in 108 bytes, so sockets go in the
// instance directory when it is short enough, else in a short directory
// of their own under the system's temp dir, named for Config.Dir.
func (g *guest) socket(name string) string {
	p := g.path(name)
	if len(p) < 100 {
		return p
	}
	h := sha1.Sum([]byte(g.d.cfg.Dir))
	return filepath.Join(os.TempDir(), "novalite-"+hex.EncodeToString(h[:6]), g.id[:min(len(g.id), 36)]+"."+name)
}

func (g *guest) qmpSocket() string { return g.socket("qmp.sock") }
func (g *guest) vncSocket() string { return g.socket("vnc.sock") }

// pid is the guest's QEMU process, 0 if none runs: the pidfile's process
// must be alive, not a zombie, and name this guest's uuid (a pid reused
// by another process is not the guest).
func (g *guest) pid() int {
	b, err := os.ReadFile(g.path(pidFile))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	if _, f := procStat(stat); len(f) > 0 && f[0] == "Z" {
		// A zombie's cmdline is empty: it is ours while it still exits.
		if threadsGone(pid) {
			return 0
		}
		return pid
	}
	cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return 0
	}
	if len(cmd) == 0 && exitingQEMU(stat) {
		// A killed process loses its memory, and with it its cmdline,
		// before its threads close its files: until they have, the
		// disk images' locks are still held (a hard reboot's new QEMU
		// failed on them).
		return pid
	}
	if !bytes.Contains(cmd, []byte("\x00-uuid\x00"+g.id+"\x00")) {
		return 0
	}
	return pid
}

// procStat splits a /proc/PID/stat line into the command's name (which
// may hold spaces and parentheses) and the fields after it: state, ppid,
// pgrp, session, tty, tpgid, flags, ….
func procStat(stat []byte) (comm string, fields []string) {
	open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
	if open < 0 || end < open {
		return "", nil
	}
	return string(stat[open+1 : end]), strings.Fields(string(stat[end+1:]))
}

// exitingQEMU tells whether a /proc/PID/stat line is a QEMU process's
// that is exiting (PF_EXITING among its flags).
func exitingQEMU(stat []byte) bool {
	comm, f := procStat(stat)
	if !strings.HasPrefix(comm, "qemu") || len(f) < 7 {
		return false
	}
	flags, err := strconv.ParseUint(f[6], 10, 64)
	const pfExiting = 0x4
	return err == nil && flags&pfExiting != 0
}

// threadsGone tells whether a zombie process pid has no thread left. A
// killed QEMU's main thread turns zombie while its other threads still
// exit, and the disk images' locks go only with the last of them: a
// QEMU started on the same disk before then fails ("Failed to get
// \"write\" lock").
func threadsGone(pid int) bool {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	return err != nil || len(tasks) <= 1
}

// waitExit waits until the guest's process is gone or ctx ends.
func (g *guest) waitExit(ctx context.Context) error {
	for g.pid() != 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// kill stops the guest's process at once (SIGKILL) and waits for it.
func (g *guest) kill(ctx context.Context) error {
	if pid := g.pid(); pid != 0 {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("kill qemu %d: %w", pid, err)
		}
	}
	if err := g.waitExit(ctx); err != nil {
		return err
	}
	g.cleanRuntime()
	return nil
}

// cleanRuntime removes what only a running process needs.
func (g *guest) cleanRuntime() {
	for _, p := range []string{g.qmpSocket(), g.vncSocket(), g.path(pidFile)} {
		_ = os.Remove(p)
	}
}
