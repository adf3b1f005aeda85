package bench

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
)

// Room on the one compute host for every server the rows create.
var hostRoom = []string{"--host-vcpus", "100000000", "--host-ram-mb", "100000000000", "--host-disk-gb", "100000000000"}

// serveArgs runs serve on r.dsn with the data dir dir.
func (r *run) serveArgs(dir string) []string {
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--data-dir", dir, "--instant",
		"--admin-password", adminPassword, "--demo-password", demoPassword}, hostRoom...)
	if r.o.Postgres != "" {
		args = append(args, "--database", r.dsn)
	}
	return args
}

// startRoles prepares the scratch database (`novalite bootstrap`: the
// schema, then the users) and starts what serve runs in one process as
// roles: a controller, an agent and r.o.Replicas api processes, each
// with a data dir of its own under dir.
func (r *run) startRoles(ctx context.Context, dir string, logw io.Writer, start func(*regexp.Regexp, ...string) error) error {
	role := func(name, sub string, args ...string) []string {
		return append([]string{name, "--database", r.dsn, "--data-dir", filepath.Join(dir, sub), "--log-level", "warn", "--instant"}, args...)
	}
	boot := exec.CommandContext(ctx, r.o.Exe, role("bootstrap", "bootstrap", "--admin-password", adminPassword, "--demo-password", demoPassword)...)
	boot.Stdout, boot.Stderr = logw, logw
	if err := boot.Run(); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if err := start(controllerReady, role("controller", "controller")...); err != nil {
		return err
	}
	if err := start(agentReady, role("agent", "agent", append([]string{"--host", "bench-host"}, hostRoom...)...)...); err != nil {
		return err
	}
	for i := range r.o.Replicas {
		if err := start(listening, role("api", fmt.Sprintf("api-%d", i+1), "--listen", "127.0.0.1:0")...); err != nil {
			return err
		}
	}
	return nil
}
