// Package fake is a deterministic virt driver that runs no guests: it keeps
// each instance's power state and console log in memory. Delays and
// failures are injected from its Config or from the server's metadata
// (README.md has the table). It is the driver of `novalite serve` by
// default, of tests and of CI users.
package fake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"novalite"
	"novalite/internal/virt"
)

// Operation names, as used in Config and in metadata keys
// (fake:fail_<op>, fake:hang_<op>, fake:delay_<op>).
const (
	OpSpawn    = "spawn"
	opDestroy  = "destroy"
	opPowerOff = "power_off"
	opPowerOn  = "power_on"
	opReboot   = "reboot"
	opPause    = "pause"
	opUnpause  = "unpause"
	opSuspend  = "suspend"
	opResume   = "resume"
	opRescue   = "rescue"
	opUnrescue = "unrescue"
	opRebuild  = "rebuild"
	opSnapshot = "snapshot"
	opPassword = "set_admin_password"
	opMigrate  = "migrate"
)

// Config sets the behaviour of every instance of a driver.
type Config struct {
	// Delay is added to every operation (default zero).
	Delay time.Duration
	// Delays per operation, added to Delay.
	Delays map[string]time.Duration
	// Fail makes an operation fail with the given message.
	Fail map[string]string
	// Hang makes an operation block until its context ends.
	Hang map[string]bool
	// Transition is the least time the operations of Transitional take,
	// whatever the other delays: their task shows a status of its own
	// (REBOOT, HARD_REBOOT, REBUILD, RESIZE, MIGRATING, PASSWORD) that
	// clients poll for, and an instant operation could end before the
	// first poll. Nova takes seconds for them.
	Transition time.Duration
	// Host and Peers: this driver's host among the process's other fake
	// hosts, which its migrations hand guests over to.
	Host  string
	Peers *Peers
}

// transitional are the operations that Config.Transition holds open.
var transitional = []string{opReboot, opRebuild, opMigrate, opPassword}

// Driver is the fake driver. Safe for concurrent use.
type Driver struct {
	cfg Config
	mu  sync.Mutex
	vms map[string]*vm
}

type vm struct {
	power   novalite.PowerState
	boot    boot                   // what the guest printed as it started
	later   []string               // what it printed since
	volumes map[string]virt.Volume // attached, by id
	sizes   map[string]int64       // volume sizes in bytes the guest was told of (extend)
}

// New returns a fake driver with cfg.
func New(cfg Config) *Driver {
	d := &Driver{cfg: cfg, vms: map[string]*vm{}}
	cfg.Peers.add(cfg.Host, d)
	return d
}

var _ virt.Driver = (*Driver)(nil)
var _ virt.ConsoleLogger = (*Driver)(nil)

// Capabilities: the fake does everything.
func (d *Driver) Capabilities() virt.Capabilities {
	return virt.Capabilities{Pause: true, Suspend: true, Console: true, Rescue: true, Rebuild: true, Snapshot: true,
		Migrate: true, LiveMigrate: true, SetPassword: true}
}

// Error is a failure injected by configuration or metadata.
type Error struct{ Op, Message string }

func (e *Error) Error() string { return e.Message }

// knobs applies the delay, hang and failure configured for op on inst.
func (d *Driver) knobs(ctx context.Context, op string, inst virt.Instance) error {
	md := inst.Metadata
	delay := d.cfg.Delay + d.cfg.Delays[op]
	if s, ok := md["fake:delay_"+op]; ok {
		if v, err := time.ParseDuration(s); err == nil {
			delay += v
		}
	}
	if delay < d.cfg.Transition && slices.Contains(transitional, op) {
		delay = d.cfg.Transition
	}
	if _, ok := md["fake:hang_"+op]; ok || d.cfg.Hang[op] {
		<-ctx.Done()
		return fmt.Errorf("fake %s hung: %w", op, ctx.Err())
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	msg, ok := md["fake:fail_"+op]
	if !ok {
		msg, ok = d.cfg.Fail[op]
	}
	if ok {
		if msg == "" || strings.EqualFold(msg, "true") {
			msg = fmt.Sprintf("Fake driver: injected %s failure", op)
		}
		return &Error{Op: op, Message: msg}
	}
	return ctx.Err()
}

// get returns inst's vm, adopting an unknown one as running: a fake host
// that restarted finds its guests still there, as a real one would.
func (d *Driver) get(inst virt.Instance) *vm {
	v, ok := d.vms[inst.ID]
	if !ok {
		v = &vm{power: novalite.PowerRunning}
		d.vms[inst.ID] = v
	}
	return v
}

func (v *vm) log(format string, args ...any) {
	v.later = append(v.later, fmt.Sprintf(format, args...))
}

// boot holds what a guest's start printed as the values it printed, not
// as lines: a fake host keeps every guest it started (a bench's hundred
// thousand), and the lines are read only when a client asks for the
// console. As six formatted lines they were 17 % of serve's live heap
// in a sustained run of creates (each guest 594 bytes in 9 objects, now
// 250 in 4), all of it for the collector to mark again and again.
type boot struct {
	name, hostname          string
	vcpus, memoryMB, rootGB int
	image                   string // the image of a rebuild ("" for a first boot)
	rebuilt, started        bool
}

// bootOf copies the strings it keeps: an instance's come from the
// store's row, whose strings on SQLite are slices of the whole row's
// text (user data and all), which a kept slice would hold for as long
// as the guest lives.
func bootOf(inst virt.Instance, rebuilt bool) boot {
	b := boot{name: strings.Clone(inst.Name), hostname: strings.Clone(hostname(inst)), vcpus: inst.VCPUs,
		memoryMB: inst.MemoryMB, rootGB: inst.RootGB, rebuilt: rebuilt, started: true}
	if rebuilt {
		b.image = strings.Clone(inst.ImageRef)
	}
	return b
}

// lines are what the guest printed as it started (none for a guest
// adopted after a restart, whose start this driver did not see).
func (b boot) lines() []string {
	if !b.started {
		return nil
	}
	var out []string
	if b.rebuilt {
		out = append(out, fmt.Sprintf("novalite fake hypervisor: rebuilding %s from image %s", b.name, b.image))
	}
	return append(out,
		fmt.Sprintf("novalite fake hypervisor: booting %s (%d vCPU, %d MB RAM, %d GB disk)", b.name, b.vcpus, b.memoryMB, b.rootGB),
		"[    0.000000] Linux version 6.1.0-novalite (simulated)",
		fmt.Sprintf("[    0.412000] Memory: %dK available", b.memoryMB*1024),
		"[    1.020000] EXT4-fs (vda1): mounted filesystem",
		"[    2.300000] cloud-init: hostname "+b.hostname,
		b.hostname+" login: ")
}

// Spawn creates the guest, running. A second Spawn does nothing.
func (d *Driver) Spawn(ctx context.Context, inst virt.Instance) error {
	if err := d.knobs(ctx, OpSpawn, inst); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.vms[inst.ID]; ok {
		return nil
	}
	v := &vm{power: novalite.PowerRunning, boot: bootOf(inst, false)}
	keepVolumes(v, inst.Volumes)
	d.vms[inst.ID] = v
	return nil
}

func hostname(inst virt.Instance) string {
	if inst.Hostname != "" {
		return inst.Hostname
	}
	return inst.Name
}

// Destroy removes the guest; a missing one is no error.
func (d *Driver) Destroy(ctx context.Context, inst virt.Instance) error {
	if err := d.knobs(ctx, opDestroy, inst); err != nil {
		return err
	}
	d.mu.Lock()
	delete(d.vms, inst.ID)
	d.mu.Unlock()
	return nil
}

// transition moves a guest from one of the states in from (any when nil)
// to to; a guest already in to is left alone.
func (d *Driver) transition(ctx context.Context, op string, inst virt.Instance, to novalite.PowerState, line string, from ...novalite.PowerState) error {
	if err := d.knobs(ctx, op, inst); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	v := d.get(inst)
	if v.power == to && op != opReboot {
		return nil
	}
	if len(from) > 0 && !contains(from, v.power) {
		return &Error{Op: op, Message: fmt.Sprintf("Fake driver: cannot %s an instance in power state %d", op, v.power)}
	}
	v.power = to
	v.log("%s", line)
	return nil
}

func contains(list []novalite.PowerState, p novalite.PowerState) bool {
	for _, x := range list {
		if x == p {
			return true
		}
	}
	return false
}

// PowerOff stops the guest.
func (d *Driver) PowerOff(ctx context.Context, inst virt.Instance) error {
	return d.transition(ctx, opPowerOff, inst, novalite.PowerShutdown, "reboot: Power down")
}

// PowerOn starts a stopped guest.
func (d *Driver) PowerOn(ctx context.Context, inst virt.Instance) error {
	return d.transition(ctx, opPowerOn, inst, novalite.PowerRunning, "novalite fake hypervisor: powered on")
}

// Reboot restarts the guest (it ends running whatever it was, as a hard
// reboot does; a soft one needs it running).
func (d *Driver) Reboot(ctx context.Context, inst virt.Instance, hard bool) error {
	if hard {
		return d.transition(ctx, opReboot, inst, novalite.PowerRunning, "novalite fake hypervisor: hard reboot")
	}
	return d.transition(ctx, opReboot, inst, novalite.PowerRunning, "reboot: Restarting system", novalite.PowerRunning)
}

// Pause freezes a running guest.
func (d *Driver) Pause(ctx context.Context, inst virt.Instance) error {
	return d.transition(ctx, opPause, inst, novalite.PowerPaused, "novalite fake hypervisor: paused", novalite.PowerRunning)
}

// Unpause thaws a paused guest.
func (d *Driver) Unpause(ctx context.Context, inst virt.Instance) error {
	return d.transition(ctx, opUnpause, inst, novalite.PowerRunning, "novalite fake hypervisor: unpaused", novalite.PowerPaused)
}

// Suspend saves a running guest's memory and stops it.
func (d *Driver) Suspend(ctx context.Context, inst virt.Instance) error {
	return d.transition(ctx, opSuspend, inst, novalite.PowerSuspended, "PM: suspend entry (deep)", novalite.PowerRunning)
}

// Resume restores a suspended guest.
func (d *Driver) Resume(ctx context.Context, inst virt.Instance) error {
	return d.transition(ctx, opResume, inst, novalite.PowerRunning, "PM: suspend exit", novalite.PowerSuspended)
}

// Rescue boots a guest from the rescue image (it ends running).
func (d *Driver) Rescue(ctx context.Context, inst virt.Instance) error {
	return d.transition(ctx, opRescue, inst, novalite.PowerRunning, "novalite fake hypervisor: booted from rescue image", novalite.PowerRunning, novalite.PowerShutdown, novalite.PowerCrashed, novalite.PowerNoState)
}

// Unrescue boots the guest from its own disk again.
func (d *Driver) Unrescue(ctx context.Context, inst virt.Instance) error {
	return d.transition(ctx, opUnrescue, inst, novalite.PowerRunning, "novalite fake hypervisor: booted from own disk")
}

// Rebuild re-creates the guest running, with a fresh console log.
func (d *Driver) Rebuild(ctx context.Context, inst virt.Instance) error {
	if err := d.knobs(ctx, opRebuild, inst); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	v := &vm{power: novalite.PowerRunning, boot: bootOf(inst, true)}
	keepVolumes(v, inst.Volumes)
	d.vms[inst.ID] = v
	return nil
}

// Snapshot pretends to copy the root disk; only the knobs apply.
func (d *Driver) Snapshot(ctx context.Context, inst virt.Instance, _ io.Writer) (string, error) {
	return "", d.knobs(ctx, opSnapshot, inst)
}

// SetAdminPassword records that the password changed (never the
// password itself).
func (d *Driver) SetAdminPassword(ctx context.Context, inst virt.Instance, _ string) error {
	if err := d.knobs(ctx, opPassword, inst); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.get(inst).log("novalite fake hypervisor: administrator password changed")
	return nil
}

// Migrate hands the guest over to host's driver when that is a peer in
// this process (Peers); otherwise the guest stays in this driver's map
// and only its console log shows the move.
func (d *Driver) Migrate(ctx context.Context, inst virt.Instance, host string) error {
	if err := d.knobs(ctx, opMigrate, inst); err != nil {
		return err
	}
	d.mu.Lock()
	v := d.get(inst)
	v.log("novalite fake hypervisor: migrated to %s", host)
	dest := d.cfg.Peers.get(host)
	if dest == nil || dest == d {
		d.mu.Unlock()
		return nil
	}
	delete(d.vms, inst.ID)
	d.mu.Unlock()
	dest.mu.Lock()
	dest.vms[inst.ID] = v
	dest.mu.Unlock()
	return nil
}

// ConfirmMigration has nothing to remove: the fake keeps no source copy.
func (d *Driver) ConfirmMigration(ctx context.Context, inst virt.Instance, source string) error {
	return nil
}

// RevertMigration moves the guest back to source.
func (d *Driver) RevertMigration(ctx context.Context, inst virt.Instance, source string) error {
	return d.Migrate(ctx, inst, source)
}

// State reports the guest's power state.
func (d *Driver) State(ctx context.Context, inst virt.Instance) (novalite.PowerState, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.vms[inst.ID]
	if !ok {
		return novalite.PowerNoState, virt.ErrNotFound
	}
	return v.power, nil
}

// ConsoleLog returns the lines the guest has "printed".
func (d *Driver) ConsoleLog(ctx context.Context, inst virt.Instance) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.vms[inst.ID]
	if !ok {
		return "", virt.ErrNotFound
	}
	return strings.Join(append(v.boot.lines(), v.later...), "\n") + "\n", nil
}

// IsInjected reports whether err is a failure injected by the fake.
func IsInjected(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
