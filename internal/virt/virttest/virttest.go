// Package virttest is the contract every virt driver passes: idempotent
// operations, the power state each leaves behind, and ErrNotFound for a
// destroyed guest.
package virttest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"novalite"
	"novalite/internal/virt"
)

// Run checks the driver newDriver returns against the contract.
func Run(t *testing.T, newDriver func(t *testing.T) virt.Driver, opts ...Option) {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	t.Run("lifecycle", func(t *testing.T) { lifecycle(t, newDriver(t), o) })
	t.Run("missing", func(t *testing.T) { missing(t, newDriver(t)) })
}

// Option changes how Run checks a driver.
type Option func(*options)

type options struct {
	ready func(ctx context.Context, d virt.Driver, inst virt.Instance) error
}

// GuestReady is what Run waits for before it unplugs a volume from a
// running guest: a real guest releases a device only once its OS is up
// (PCI hot-unplug asks the guest), as Nova's detach waits on it.
func GuestReady(f func(ctx context.Context, d virt.Driver, inst virt.Instance) error) Option {
	return func(o *options) { o.ready = f }
}

// ImageRef is the image the contract's guests boot: a driver that reads
// images must be given one by this id.
const ImageRef = "7e57a11e-0000-4000-8000-000000000001"

// Host is the host the contract's driver runs: a driver that keeps
// state per host must be made for a host of this name.
const Host = "virttest-host"

// resized is inst with a larger flavor.
func resized(inst virt.Instance) virt.Instance {
	inst.VCPUs, inst.MemoryMB = inst.VCPUs+1, inst.MemoryMB+64
	return inst
}

func instance(id string) virt.Instance {
	return virt.Instance{ID: id, Name: "instance-00000001", Hostname: "vm1", VCPUs: 1, MemoryMB: 128, RootGB: 1,
		ImageRef: ImageRef, Metadata: map[string]string{}}
}

// step is one operation of a guest's life: do (a method expression of
// virt.Driver where it fits), the power state it leaves and the
// capability it needs (nil: every driver has it).
type step struct {
	name string
	do   func(d virt.Driver, ctx context.Context, inst virt.Instance) error
	want novalite.PowerState
	need func(virt.Capabilities) bool
}

// What each optional step needs.
func canPause(c virt.Capabilities) bool    { return c.Pause }
func canSuspend(c virt.Capabilities) bool  { return c.Suspend }
func canRescue(c virt.Capabilities) bool   { return c.Rescue }
func canSnapshot(c virt.Capabilities) bool { return c.Snapshot }
func canPassword(c virt.Capabilities) bool { return c.SetPassword }
func canMigrate(c virt.Capabilities) bool  { return c.Migrate }
func canRebuild(c virt.Capabilities) bool  { return c.Rebuild }

// lifecycle runs a guest through every step (each twice, as operations
// are idempotent), its volumes and console, and destroys it.
func lifecycle(t *testing.T, d virt.Driver, o options) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	inst := instance("5c3d1f9e-0000-4000-8000-000000000001")
	caps := d.Capabilities()
	for _, s := range steps {
		runStep(ctx, t, d, caps, inst, s)
	}
	if va, ok := d.(virt.VolumeAttacher); ok {
		volumes(ctx, t, d, va, inst, o)
	}
	if caps.Console {
		consoleWritten(ctx, t, d, inst)
	}
	for i := 0; i < 2; i++ {
		if err := d.Destroy(ctx, inst); err != nil {
			t.Fatalf("destroy (call %d): %v", i+1, err)
		}
	}
	if _, err := d.State(ctx, inst); !errors.Is(err, virt.ErrNotFound) {
		t.Errorf("state after destroy: %v, want ErrNotFound", err)
	}
	if dg, ok := d.(virt.Diagnoser); ok {
		if _, err := dg.Diagnostics(ctx, inst); !errors.Is(err, virt.ErrNotFound) {
			t.Errorf("diagnostics after destroy: %v, want ErrNotFound", err)
		}
	}
}

// steps are the operations of a guest's life, in order, with the power
// state each leaves and the capability it needs (nil: every driver).
var steps = []step{
	{"spawn", virt.Driver.Spawn, novalite.PowerRunning, nil},
	{"power off", virt.Driver.PowerOff, novalite.PowerShutdown, nil},
	{"power on", virt.Driver.PowerOn, novalite.PowerRunning, nil},
	{"soft reboot", func(d virt.Driver, ctx context.Context, i virt.Instance) error { return d.Reboot(ctx, i, false) },
		novalite.PowerRunning, nil},
	{"hard reboot", func(d virt.Driver, ctx context.Context, i virt.Instance) error { return d.Reboot(ctx, i, true) },
		novalite.PowerRunning, nil},
	{"pause", virt.Driver.Pause, novalite.PowerPaused, canPause},
	{"unpause", virt.Driver.Unpause, novalite.PowerRunning, canPause},
	{"suspend", virt.Driver.Suspend, novalite.PowerSuspended, canSuspend},
	{"resume", virt.Driver.Resume, novalite.PowerRunning, canSuspend},
	{"rescue", virt.Driver.Rescue, novalite.PowerRunning, canRescue},
	{"unrescue", virt.Driver.Unrescue, novalite.PowerRunning, canRescue},
	{"snapshot", func(d virt.Driver, ctx context.Context, i virt.Instance) error {
		_, err := d.Snapshot(ctx, i, io.Discard)
		return err
	}, novalite.PowerRunning, canSnapshot},
	{"set password", func(d virt.Driver, ctx context.Context, i virt.Instance) error {
		return d.SetAdminPassword(ctx, i, "s3cret")
	}, novalite.PowerRunning, canPassword},
	// A resize to the same host (allow_resize_to_same_host), reverted,
	// then again and confirmed.
	{"resize", resizeHere, novalite.PowerRunning, canMigrate},
	{"revert resize", func(d virt.Driver, ctx context.Context, i virt.Instance) error {
		return d.RevertMigration(ctx, i, Host)
	}, novalite.PowerRunning, canMigrate},
	{"resize again", resizeHere, novalite.PowerRunning, canMigrate},
	{"confirm resize", func(d virt.Driver, ctx context.Context, i virt.Instance) error {
		return d.ConfirmMigration(ctx, resized(i), Host)
	}, novalite.PowerRunning, canMigrate},
	{"rebuild", virt.Driver.Rebuild, novalite.PowerRunning, canRebuild},
}

// resizeHere resizes i on the host it is on.
func resizeHere(d virt.Driver, ctx context.Context, i virt.Instance) error {
	return d.Migrate(ctx, resized(i), Host)
}

// runStep does s twice (every operation is idempotent) and checks the
// power state it leaves; a driver without the capability s needs must
// answer ErrUnsupported and leave the guest as it was.
func runStep(ctx context.Context, t *testing.T, d virt.Driver, caps virt.Capabilities, inst virt.Instance, s step) {
	t.Helper()
	if s.need != nil && !s.need(caps) {
		if err := s.do(d, ctx, inst); !errors.Is(err, virt.ErrUnsupported) {
			t.Fatalf("%s without the capability: %v, want ErrUnsupported", s.name, err)
		}
		return
	}
	for i := 0; i < 2; i++ {
		if err := s.do(d, ctx, inst); err != nil {
			t.Fatalf("%s (call %d): %v", s.name, i+1, err)
		}
	}
	got, err := d.State(ctx, inst)
	if err != nil || got != s.want {
		t.Fatalf("after %s: state = %d, %v; want %d", s.name, got, err, s.want)
	}
}

// consoleWritten waits until the guest's console log has something: a
// real guest writes it as it boots.
func consoleWritten(ctx context.Context, t *testing.T, d virt.Driver, inst virt.Instance) {
	t.Helper()
	cl, ok := d.(virt.ConsoleLogger)
	if !ok {
		t.Fatal("Capabilities().Console but no ConsoleLogger")
	}
	for {
		out, err := cl.ConsoleLog(ctx, inst)
		if err != nil {
			t.Errorf("console log: %v", err)
			return
		}
		if out != "" {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("console log still empty: %v", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// volume is a 64 MiB sparse raw file, as the block storage backend
// makes one.
func volume(t *testing.T) virt.Volume {
	t.Helper()
	path := filepath.Join(t.TempDir(), "volume")
	f, err := os.Create(path)
	if err == nil {
		err = errors.Join(f.Truncate(64<<20), f.Close())
	}
	if err != nil {
		t.Fatal(err)
	}
	return virt.Volume{ID: "0f1e2d3c-0000-4000-8000-000000000001", Path: path, Device: "/dev/vdb"}
}

// volumes hot-plugs a volume into the running guest, extends it (a
// driver with virt.VolumeExtender) and unplugs it, each plug twice
// (idempotent), the guest running throughout; then again with the guest
// shut off, where the volume waits for its next start.
func volumes(ctx context.Context, t *testing.T, d virt.Driver, va virt.VolumeAttacher, inst virt.Instance, o options) {
	t.Helper()
	v := volume(t)
	check := func(what string, want novalite.PowerState) {
		t.Helper()
		if got, err := d.State(ctx, inst); err != nil || got != want {
			t.Fatalf("after %s: state = %d, %v; want %d", what, got, err, want)
		}
	}
	for _, powered := range []bool{true, false} {
		want := novalite.PowerRunning
		if !powered {
			if err := d.PowerOff(ctx, inst); err != nil {
				t.Fatalf("power off: %v", err)
			}
			want = novalite.PowerShutdown
		}
		for i := 0; i < 2; i++ {
			if err := va.AttachVolume(ctx, inst, v); err != nil {
				t.Fatalf("attach volume (powered %v, call %d): %v", powered, i+1, err)
			}
		}
		check("attach volume", want)
		if ve, ok := d.(virt.VolumeExtender); ok {
			// The block storage service grew the file; the guest is told.
			size := int64(128 << 20)
			if !powered {
				size = 256 << 20
			}
			if err := os.Truncate(v.Path, size); err != nil {
				t.Fatal(err)
			}
			if err := ve.ExtendVolume(ctx, inst, v.ID, size); err != nil {
				t.Fatalf("extend volume (powered %v): %v", powered, err)
			}
			check("extend volume", want)
		}
		if !powered {
			// The attached volume is the guest's at its next start.
			if err := d.PowerOn(ctx, inst); err != nil {
				t.Fatalf("power on with a volume: %v", err)
			}
			check("power on with a volume", novalite.PowerRunning)
		}
		if o.ready != nil {
			if err := o.ready(ctx, d, inst); err != nil {
				t.Fatalf("guest not ready to release the volume: %v", err)
			}
		}
		for i := 0; i < 2; i++ {
			if err := va.DetachVolume(ctx, inst, v.ID); err != nil {
				t.Fatalf("detach volume (powered %v, call %d): %v", powered, i+1, err)
			}
		}
		check("detach volume", novalite.PowerRunning)
		if powered {
			// Plugged in again at once, as a user who detached the
			// wrong volume does: nothing of the first plug is in
			// the way.
			if err := va.AttachVolume(ctx, inst, v); err != nil {
				t.Fatalf("attach the volume again just after its detach: %v", err)
			}
			if err := va.DetachVolume(ctx, inst, v.ID); err != nil {
				t.Fatalf("detach the volume attached again: %v", err)
			}
		}
	}
}

func missing(t *testing.T, d virt.Driver) {
	ctx := context.Background()
	inst := instance("5c3d1f9e-0000-4000-8000-000000000002")
	if _, err := d.State(ctx, inst); !errors.Is(err, virt.ErrNotFound) {
		t.Errorf("state of a guest never spawned: %v, want ErrNotFound", err)
	}
	if err := d.Destroy(ctx, inst); err != nil {
		t.Errorf("destroy of a guest never spawned: %v", err)
	}
	if err := d.Spawn(ctx, inst); err != nil {
		t.Fatalf("spawn: %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_ = d.PowerOff(canceled, inst) // must return, whatever it answers
}
