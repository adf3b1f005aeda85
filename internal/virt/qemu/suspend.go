package qemu

import (
	"context"
	"fmt"
	"os"
	"time"

	"novalite/internal/virt"
)

// Suspend saves the guest's memory and device state to a file and stops
// its process (libvirt's managed save): QMP stop, migrate to the file,
// quit. Resume (or power on) starts it again from that file.
func (d *Driver) Suspend(ctx context.Context, inst virt.Instance) error {
	g, unlock, err := d.locked(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if g.pid() == 0 {
		if _, err := os.Stat(g.path(saveFile)); err == nil {
			return nil // already suspended
		}
		return errNotRunning
	}
	if err := g.qmpRun(ctx, "stop", nil, nil); err != nil {
		return err
	}
	tmp := g.path(saveFile + ".part")
	if err := g.qmpRun(ctx, "migrate", map[string]string{"uri": "exec:cat > " + shellQuote(tmp)}, nil); err != nil {
		return err
	}
	if err := g.waitMigration(ctx); err != nil {
		_ = os.Remove(tmp)
		_ = g.qmpRun(context.WithoutCancel(ctx), "cont", nil, nil)
		return err
	}
	if err := os.Rename(tmp, g.path(saveFile)); err != nil {
		return err
	}
	return g.kill(ctx)
}

// waitMigration waits for the outgoing migration to complete.
func (g *guest) waitMigration(ctx context.Context) error {
	for {
		var st struct {
			Status    string `json:"status"`
			ErrorDesc string `json:"error-desc"`
		}
		if err := g.qmpRun(ctx, "query-migrate", nil, &st); err != nil {
			return err
		}
		switch st.Status {
		case "completed":
			return nil
		case "failed", "cancelled":
			return fmt.Errorf("save guest state: %s %s", st.Status, st.ErrorDesc)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Resume starts a suspended guest from its saved state.
func (d *Driver) Resume(ctx context.Context, inst virt.Instance) error {
	g, unlock, err := d.locked(inst)
	if err != nil {
		return err
	}
	defer unlock()
	if g.pid() != 0 {
		if st, err := g.status(ctx); err != nil || st == "running" {
			return err
		}
		return g.qmpRun(ctx, "cont", nil, nil)
	}
	return g.resume(ctx)
}

// resume starts the process with -incoming from the save file, waits for
// the state to load and lets the vCPUs run.
func (g *guest) resume(ctx context.Context) error {
	s, err := g.readSpec()
	if err != nil {
		return err
	}
	if _, err := os.Stat(g.path(saveFile)); err != nil {
		return g.start(ctx, s, "")
	}
	if err := g.start(ctx, s, "exec:cat "+shellQuote(g.path(saveFile))); err != nil {
		return err
	}
	for {
		st, err := g.status(ctx)
		if err != nil {
			return err
		}
		if st != "inmigrate" {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := g.qmpRun(ctx, "cont", nil, nil); err != nil {
		return err
	}
	return os.Remove(g.path(saveFile))
}

// shellQuote quotes p for the shell QEMU's exec: migration runs.
func shellQuote(p string) string {
	out := "'"
	for _, c := range p {
		if c == '\'' {
			out += `'\''`
		} else {
			out += string(c)
		}
	}
	return out + "'"
}
