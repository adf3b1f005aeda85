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

type step struct {
	name string
	do   func(ctx context.Context, d virt.Driver, inst virt.Instance) error
	want novalite.PowerState
	need func(virt.Capabilities) bool
}

func lifecycle(t *testing.T, d virt.Driver, o options) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	inst := instance("5c3d1f9e-0000-4000-8000-000000000001")
	caps := d.Capabilities()
	steps := []step{
		{"spawn", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Spawn(ctx, i) }, novalite.PowerRunning, nil},
		{"power off", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.PowerOff(ctx, i) }, novalite.PowerShutdown, nil},
		{"power on", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.PowerOn(ctx, i) }, novalite.PowerRunning, nil},
		{"soft reboot", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Reboot(ctx, i, false) }, novalite.PowerRunning, nil},
		{"hard reboot", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Reboot(ctx, i, true) }, novalite.PowerRunning, nil},
		{"pause", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Pause(ctx, i) }, novalite.PowerPaused,
			func(c virt.Capabilities) bool { return c.Pause }},
		{"unpause", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Unpause(ctx, i) }, novalite.PowerRunning,
			func(c virt.Capabilities) bool { return c.Pause }},
		{"suspend", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Suspend(ctx, i) }, novalite.PowerSuspended,
			func(c virt.Capabilities) bool { return c.Suspend }},
		{"resume", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Resume(ctx, i) }, novalite.PowerRunning,
			func(c virt.Capabilities) bool { return c.Suspend }},
		{"rescue", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Rescue(ctx, i) }, novalite.PowerRunning,
			func(c virt.Capabilities) bool { return c.Rescue }},
		{"unrescue", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Unrescue(ctx, i) }, novalite.PowerRunning,
			func(c virt.Capabilities) bool { return c.Rescue }},
		{"snapshot", func(ctx context.Context, d virt.Driver, i virt.Instance) error {
			_, err := d.Snapshot(ctx, i, io.Discard)
			return err
		}, novalite.PowerRunning,
			func(c virt.Capabilities) bool { return c.Snapshot }},
		{"set password", func(ctx context.Context, d virt.Driver, i virt.Instance) error {
			return d.SetAdminPassword(ctx, i, "s3cret")
		}, novalite.PowerRunning, func(c virt.Capabilities) bool { return c.SetPassword }},
		// A resize to the same host (allow_resize_to_same_host), reverted,
		// then again and confirmed.
		{"resize", func(ctx context.Context, d virt.Driver, i virt.Instance) error {
			return d.Migrate(ctx, resized(i), Host)
		},
			novalite.PowerRunning, func(c virt.Capabilities) bool { return c.Migrate }},
		{"revert resize", func(ctx context.Context, d virt.Driver, i virt.Instance) error {
			return d.RevertMigration(ctx, i, Host)
		},
			novalite.PowerRunning, func(c virt.Capabilities) bool { return c.Migrate }},
		{"resize again", func(ctx context.Context, d virt.Driver, i virt.Instance) error {
			return d.Migrate(ctx, resized(i), Host)
		},
			novalite.PowerRunning, func(c virt.Capabilities) bool { return c.Migrate }},
		{"confirm resize", func(ctx context.Context, d virt.Driver, i virt.Instance) error {
			return d.ConfirmMigration(ctx, resized(i), Host)
		}, novalite.PowerRunning, func(c virt.Capabilities) bool { return c.Migrate }},
		{"rebuild", func(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.Rebuild(ctx, i) }, novalite.PowerRunning,
			func(c virt.Capabilities) bool { return c.Rebuild }},
	}
	for _, s := range steps {
		if s.need != nil && !s.need(caps) {
			// A driver without the capability says so, and the guest
			// stays as it was.
			if err := s.do(ctx, d, inst); !errors.Is(err, virt.ErrUnsupported) {
				t.Fatalf("%s without the capability: %v, want ErrUnsupported", s.name, err)
			}
			continue
		}
		// Twice: every operation is idempotent.
		for i := 0; i < 2; i++ {
			if err := s.do(ctx, d, inst); err != nil {
				t.Fatalf("%s (call %d): %v", s.name, i+1, err)
			}
		}
		got, err := d.State(ctx, inst)
		if err != nil || got != s.want {
			t.Fatalf("after %s: state = %d, %v; want %d", s.name, got, err, s.want)
		}
	}
	if va, ok := d.(virt.VolumeAttacher); ok {
		volumes(ctx, t, d, va, inst, o)
	}
	if caps.Console {
		cl, ok := d.(virt.ConsoleLogger)
		if !ok {
			t.Fatal("Capabilities().Console but no ConsoleLogger")
		}
		// A real guest writes its console as it boots: wait for it.
		for {
			out, err := cl.ConsoleLog(ctx, inst)
			if err != nil || out != "" {
				if err != nil {
					t.Errorf("console log: %v", err)
				}
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("console log still empty: %v", ctx.Err())
			case <-time.After(200 * time.Millisecond):
			}
		}
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
