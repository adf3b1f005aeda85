package app_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"novalite"
	"novalite/internal/agent"
	"novalite/internal/app"
	"novalite/internal/compute"
	"novalite/internal/config"
	"novalite/internal/store"
	"novalite/internal/virt"
	"novalite/internal/virt/fake"
	"novalite/internal/virt/virttest"
)

// TestHostCalls asks a host for a console log through the database, as
// an api replica asks an agent of another process: the agent answers; a
// host forced down is not asked (Nova's 409); a host that never answers
// gets the same 409 once the caller's timeout ends; and the call rows
// do not outlive their callers.
func TestHostCalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		answering  bool // an agent of the host answers calls
		forcedDown bool
		guest      bool // the driver has the guest
		want       string
		wantErr    error
	}{
		{name: "answered", answering: true, guest: true, want: "Linux version"},
		{name: "no such guest", answering: true, wantErr: virt.ErrNotFound},
		{name: "host down", answering: true, guest: true, forcedDown: true, wantErr: errConflict},
		{name: "no answer", guest: true, wantErr: errConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inst := virt.Instance{ID: "8e0b7d36-8f6a-4a43-9d3a-3f0c1d0e5a11"}
			ctx, db, host, _ := hostCallsSetup(t, inst, tc.guest, tc.answering)
			if tc.forcedDown {
				down := true
				if err := db.Tx(ctx, func(tx *store.Tx) error {
					_, err := tx.ComputeNodeUpdateService(ctx, host, novalite.ComputeServiceUpdate{ForcedDown: &down})
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			// The agent answers well within the caller's timeout even on a
			// loaded machine; the case without an answer waits it out.
			timeout := 30 * time.Second
			if !tc.answering {
				timeout = 200 * time.Millisecond
			}
			calls := &compute.HostCalls{DB: db, Timeout: timeout}
			out, err := calls.ConsoleLog(ctx, host, inst)
			switch {
			case tc.wantErr == errConflict:
				if !novalite.IsKind(err, novalite.Conflict) {
					t.Fatalf("err %v, want Nova's 409", err)
				}
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
			case err != nil || !strings.Contains(out, tc.want):
				t.Fatalf("console log %q, %v; want it to hold %q", out, err, tc.want)
			}
			var open []store.HostCall
			if err := db.View(ctx, func(tx *store.Tx) error {
				var err error
				open, err = tx.HostCallListOpen(ctx, host, 10)
				return err
			}); err != nil || len(open) != 0 {
				t.Errorf("calls left after the caller returned: %v, %v", open, err)
			}
		})
	}
}

// hostCallsSetup starts a one-host deployment and a fake driver with
// guest inst (when spawn) whose agent, in this process, answers host
// calls (when answer); the agent stops before the deployment closes.
func hostCallsSetup(t *testing.T, inst virt.Instance, spawn, answer bool) (context.Context, *store.DB, string, *fake.Driver) {
	t.Helper()
	b := setup(t, func(c *config.Config) { c.Hosts = 1; c.NoLoops = true })
	db := b.srv.App.DB
	ctx, cancel := context.WithCancel(context.Background())
	host := app.HostName(1)
	d := fake.New(fake.Config{})
	if spawn {
		if err := d.Spawn(ctx, inst); err != nil {
			cancel()
			t.Fatal(err)
		}
	}
	if !answer {
		t.Cleanup(cancel)
		return ctx, db, host, d
	}
	ag := agent.New(db, agent.Options{Host: host, DriverName: "fake", Driver: d, AnswerCalls: true,
		VolumeDir: t.TempDir(), Poll: 20 * time.Millisecond})
	done := make(chan struct{})
	go func() { ag.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return ctx, db, host, d
}

// errConflict stands for any error of kind Conflict in the table.
var errConflict = errors.New("conflict")

// TestHostCallsVNC relays a console through the database, as an api
// replica reaches the guest of another process's agent: the RFB
// handshake with the fake driver's VNC stub completes over the relay,
// the session ends when the client leaves, and a guest that does not
// run has no console.
func TestHostCallsVNC(t *testing.T) {
	t.Parallel()
	inst := virt.Instance{ID: "5d0c2a57-3f43-4c3e-9a43-0b6a1d9f7e21"}
	ctx, db, host, _ := hostCallsSetup(t, inst, true, true)

	calls := &compute.HostCalls{DB: db, Timeout: 30 * time.Second}
	start := time.Now()
	conn, err := calls.OpenVNC(ctx, host, inst)
	if err != nil {
		t.Fatal(err)
	}
	screen, err := virttest.RFBHandshake(conn)
	if err != nil {
		t.Fatalf("RFB handshake over host calls: %v", err)
	}
	t.Logf("open + RFB handshake over host calls: %v", time.Since(start).Round(time.Millisecond))
	if screen.Width != 640 || screen.Height != 480 || screen.Name != "fake-"+inst.ID {
		t.Errorf("ServerInit %+v", screen)
	}
	conn.Close()
	if _, err := calls.OpenVNC(ctx, host, virt.Instance{ID: "0f6b8a52-6a0e-4c39-8d0e-6c1f2b3a4d5e"}); !errors.Is(err, virt.ErrNotFound) {
		t.Errorf("console of a missing guest: %v, want not found", err)
	}
}

// TestHostCallsVolumes plugs a volume into a guest of another process's
// agent and out of it, as an api replica attaching and detaching a
// volume does.
func TestHostCallsVolumes(t *testing.T) {
	t.Parallel()
	inst := virt.Instance{ID: "6a1f0c3e-2b7d-4e59-8c1a-5d3e9f0b7a21"}
	ctx, db, host, d := hostCallsSetup(t, inst, true, true)

	calls := &compute.HostCalls{DB: db}
	vol := "0c9d7e5a-4b1f-4a2e-9d3c-7e6f5a4b3c21"
	if err := calls.AttachVolume(ctx, host, inst, virt.Volume{ID: vol, Device: "/dev/vdb"}); err != nil {
		t.Fatal(err)
	}
	if got := d.Volumes(inst.ID); !slices.Equal(got, []string{vol}) {
		t.Errorf("guest's volumes after attach: %v, want [%s]", got, vol)
	}
	if err := calls.DetachVolume(ctx, host, inst, vol); err != nil {
		t.Fatal(err)
	}
	if got := d.Volumes(inst.ID); len(got) != 0 {
		t.Errorf("guest's volumes after detach: %v, want none", got)
	}
}

// TestHostCallsDiagnostics asks another process's agent to measure a
// guest: the simulated driver measures nothing, which the caller learns
// as unsupported (the API then answers the counters null).
func TestHostCallsDiagnostics(t *testing.T) {
	t.Parallel()
	inst := virt.Instance{ID: "3b2e1d0c-9f8a-4b7c-8d6e-5f4a3b2c1d0e"}
	ctx, db, host, _ := hostCallsSetup(t, inst, true, true)

	calls := &compute.HostCalls{DB: db}
	if _, err := calls.Diagnostics(ctx, host, inst); !errors.Is(err, virt.ErrUnsupported) {
		t.Errorf("diagnostics of the simulated driver: %v, want unsupported", err)
	}
}
