// Package qemu is the virt driver that runs each server as a real guest:
// one qemu-system-x86_64 process per server, started directly (no
// libvirtd), with KVM when it can run a guest and TCG otherwise, and
// controlled over its QMP socket. A guest's files live in its instance
// directory — the qcow2 overlay on the cached base image, the config
// drive, the serial log, the pidfile and the guest's description — so a
// restarted novalite re-adopts the guests that kept running (the
// pidfile and QMP socket say which). It never touches the database; the
// agent gives it what a guest is made of (virt.Instance) and the image
// service's bytes (virt.Images).
package qemu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"novalite/internal/virt"
)

// Config sets up the driver of one host.
type Config struct {
	// Dir holds the instance directories and the image cache (_base).
	Dir string
	// Images reads image records and bytes (required to spawn).
	Images virt.Images
	// ShutdownTimeout is how long a power off waits for the guest to act
	// on the ACPI power button before stopping it hard (Nova's
	// shutdown_timeout, default 60 s).
	ShutdownTimeout time.Duration
	// ForceConfigDrive attaches a config drive to every guest (Nova's
	// force_config_drive). Without it a guest gets one when it asks
	// (config_drive: true) — and always here, as novalite serves no
	// metadata service a guest could reach instead.
	ForceConfigDrive bool
	// Binary is the QEMU system emulator (default qemu-system-x86_64).
	Binary string
	// Log receives what the driver has to say (default slog.Default()).
	Log *slog.Logger
	// RemoveUnusedAge is how long a cached base image may stay unused
	// before the image cache manager removes it (Nova's
	// remove_unused_original_minimum_age_seconds; 0: 24 h, negative:
	// never).
	RemoveUnusedAge time.Duration
}

// Driver runs QEMU guests. Safe for concurrent use: each guest's calls
// are serialized by its own lock.
type Driver struct {
	cfg   Config
	accel string // kvm or tcg
	// netns is the network namespace of the guests' taps and bridges;
	// "" without CAP_NET_ADMIN (isolated user-mode NICs instead).
	netns string
	netMu sync.Mutex // bridges are made and removed one at a time
	mu    sync.Mutex
	locks map[string]*sync.Mutex
	// cacheRun is when Housekeep last ran the image cache manager.
	cacheRun time.Time
}

var (
	_ virt.Driver        = (*Driver)(nil)
	_ virt.ConsoleLogger = (*Driver)(nil)
	_ virt.MoveKeeper    = (*Driver)(nil)
	_ virt.Housekeeper   = (*Driver)(nil)
)

// New checks that QEMU is there and returns the driver over cfg.Dir.
// Guests already running there are adopted as they are found.
func New(cfg Config) (*Driver, error) {
	if cfg.Binary == "" {
		cfg.Binary = "qemu-system-x86_64"
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 60 * time.Second
	}
	if cfg.RemoveUnusedAge == 0 {
		cfg.RemoveUnusedAge = 24 * time.Hour
	}
	if _, err := exec.LookPath(cfg.Binary); err != nil {
		return nil, fmt.Errorf("qemu driver: %w (install Debian's qemu-system-x86: scripts/install-deps.sh)", err)
	}
	if err := os.MkdirAll(filepath.Join(cfg.Dir, baseDir), 0o755); err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	d := &Driver{cfg: cfg, accel: UsableAccel(cfg.Binary, cfg.Log), locks: map[string]*sync.Mutex{}}
	if ns := NetNS(cfg.Dir); setupNetNS(ns) {
		d.netns = ns
	} else {
		cfg.Log.Warn("qemu driver: cannot make a network namespace (no CAP_NET_ADMIN?): guests get isolated user-mode NICs, and guests on one network do not reach each other")
	}
	return d, nil
}

// NetworkMode is "bridge" when ports are taps on per-network bridges in
// the driver's namespace, "user" for isolated user-mode NICs.
func (d *Driver) NetworkMode() string {
	if d.netns == "" {
		return "user"
	}
	return "bridge"
}

// Accel tells whether guests run under kvm or tcg.
func (d *Driver) Accel() string { return d.accel }

// Capabilities: what the driver does for real. The other operations
// answer virt.ErrUnsupported.
func (d *Driver) Capabilities() virt.Capabilities {
	return virt.Capabilities{Pause: true, Suspend: true, Console: true, Snapshot: true, Rescue: true, Rebuild: true,
		Migrate: true, NoGuestAgent: true}
}

// lock serializes the calls on one guest.
func (d *Driver) lock(id string) func() {
	d.mu.Lock()
	l := d.locks[id]
	if l == nil {
		l = &sync.Mutex{}
		d.locks[id] = l
	}
	d.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// locked is the preamble of an operation on one guest: its files, and
// its lock taken (the caller defers unlock).
func (d *Driver) locked(inst virt.Instance) (g *guest, unlock func(), err error) {
	if g, err = d.guest(inst); err != nil {
		return nil, nil, err
	}
	return g, d.lock(inst.ID), nil
}

// existing is locked for an operation on a guest that must exist:
// virt.ErrNotFound, the lock released, when it does not.
func (d *Driver) existing(inst virt.Instance) (g *guest, unlock func(), err error) {
	if g, unlock, err = d.locked(inst); err != nil {
		return nil, nil, err
	}
	if !g.exists() {
		unlock()
		return nil, nil, virt.ErrNotFound
	}
	return g, unlock, nil
}

// existingSpec is existing with the guest's spec read.
func (d *Driver) existingSpec(inst virt.Instance) (g *guest, s spec, unlock func(), err error) {
	if g, unlock, err = d.existing(inst); err != nil {
		return nil, s, nil, err
	}
	if s, err = g.readSpec(); err != nil {
		unlock()
		return nil, s, nil, err
	}
	return g, s, unlock, nil
}

// lockedPeer is locked with the driver of host, where a guest moves to
// or from.
func (d *Driver) lockedPeer(inst virt.Instance, host string) (g *guest, p *Driver, unlock func(), err error) {
	if g, unlock, err = d.locked(inst); err != nil {
		return nil, nil, nil, err
	}
	if p, err = d.peer(host); err != nil {
		unlock()
		return nil, nil, nil, err
	}
	return g, p, unlock, nil
}

// remove stops the guest at once, unplugs its NICs and removes its
// directory.
func (d *Driver) remove(ctx context.Context, g *guest) error {
	s, _ := g.readSpec()
	if err := g.kill(ctx); err != nil {
		return err
	}
	d.unplugBridges(ctx, s.Instance.NICs)
	return os.RemoveAll(g.dir)
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F-]{1,64}$`)

// guest returns the files of inst, refusing ids that could name paths
// outside the instance directory.
func (d *Driver) guest(inst virt.Instance) (*guest, error) {
	if !uuidRE.MatchString(inst.ID) {
		return nil, fmt.Errorf("qemu driver: bad instance id %q", inst.ID)
	}
	return &guest{d: d, dir: filepath.Join(d.cfg.Dir, inst.ID), id: inst.ID}, nil
}

// errNotRunning is returned by operations that need a running guest.
var errNotRunning = errors.New("qemu: guest is not running")

func unsupported(op string) error { return fmt.Errorf("qemu driver %s: %w", op, virt.ErrUnsupported) }

// The operations this driver does not do yet.

// SetAdminPassword needs a guest agent, which the guests lack.
func (d *Driver) SetAdminPassword(ctx context.Context, inst virt.Instance, password string) error {
	return unsupported("set admin password")
}
