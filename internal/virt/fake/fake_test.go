package fake_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"novalite/internal/virt"
	"novalite/internal/virt/fake"
	"novalite/internal/virt/virttest"
)

func TestContract(t *testing.T) {
	virttest.Run(t, func(*testing.T) virt.Driver { return fake.New(fake.Config{}) })
}

func TestKnobs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     fake.Config
		md      map[string]string
		timeout time.Duration
		wantErr string
		hang    bool
	}{
		{name: "none"},
		{name: "fail from metadata", md: map[string]string{"fake:fail_spawn": "true"}, wantErr: "Fake driver: injected spawn failure"},
		{name: "fail with message", md: map[string]string{"fake:fail_spawn": "disk on fire"}, wantErr: "disk on fire"},
		{name: "fail from config", cfg: fake.Config{Fail: map[string]string{"spawn": "nope"}}, wantErr: "nope"},
		{name: "other op failing", md: map[string]string{"fake:fail_destroy": "x"}},
		{name: "hang", md: map[string]string{"fake:hang_spawn": ""}, timeout: time.Millisecond, hang: true},
		{name: "delay past deadline", md: map[string]string{"fake:delay_spawn": "1h"}, timeout: time.Millisecond, hang: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			d := fake.New(tt.cfg)
			err := d.Spawn(ctx, virt.Instance{ID: "i1", Metadata: tt.md})
			switch {
			case tt.hang:
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want deadline exceeded", err)
				}
			case tt.wantErr != "":
				if err == nil || err.Error() != tt.wantErr || !fake.IsInjected(err) {
					t.Errorf("err = %v, want injected %q", err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("err = %v", err)
			}
		})
	}
}

// TestConsoleLog: what a guest's console shows after each kind of event,
// to the line (the boot lines are kept as values and rendered on read).
func TestConsoleLog(t *testing.T) {
	t.Parallel()
	inst := virt.Instance{ID: "i1", Name: "instance-0000002a", Hostname: "web", VCPUs: 2, MemoryMB: 512, RootGB: 1, ImageRef: "img-2"}
	boot := "novalite fake hypervisor: booting instance-0000002a (2 vCPU, 512 MB RAM, 1 GB disk)\n" +
		"[    0.000000] Linux version 6.1.0-novalite (simulated)\n" +
		"[    0.412000] Memory: 524288K available\n" +
		"[    1.020000] EXT4-fs (vda1): mounted filesystem\n" +
		"[    2.300000] cloud-init: hostname web\n" +
		"web login: \n"
	tests := []struct {
		name string
		do   func(ctx context.Context, d *fake.Driver) error
		want string
	}{
		{"spawned", func(ctx context.Context, d *fake.Driver) error { return d.Spawn(ctx, inst) }, boot},
		{"rebooted", func(ctx context.Context, d *fake.Driver) error {
			if err := d.Spawn(ctx, inst); err != nil {
				return err
			}
			return d.Reboot(ctx, inst, false)
		}, boot + "reboot: Restarting system\n"},
		{"rebuilt after a reboot", func(ctx context.Context, d *fake.Driver) error {
			if err := d.Spawn(ctx, inst); err != nil {
				return err
			}
			if err := d.Reboot(ctx, inst, true); err != nil {
				return err
			}
			return d.Rebuild(ctx, inst)
		}, "novalite fake hypervisor: rebuilding instance-0000002a from image img-2\n" + boot},
		{"adopted after a restart", func(ctx context.Context, d *fake.Driver) error {
			return d.PowerOff(ctx, inst)
		}, "reboot: Power down\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := fake.New(fake.Config{})
			if err := tt.do(ctx, d); err != nil {
				t.Fatal(err)
			}
			got, err := d.ConsoleLog(ctx, inst)
			if err != nil || got != tt.want {
				t.Errorf("ConsoleLog = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
