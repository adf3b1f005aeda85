//go:build guests

package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
)

// cmdline is the command line of a QEMU process.
func cmdline(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\x00", " ")
}

// rescueRebuild walks server id — booted with diskMarker, its disk
// marked — through rescue (the rescue image boots with the server's own
// disk second: the rescue guest sees the mark there), unrescue (its own
// disk again, mark kept) and rebuild (a fresh disk from the image, the
// same uuid and ports), checking each on the console and the QEMU
// command line. n is how often the console showed ready before.
func (c *cloud) rescueRebuild(id string, n int) {
	t, ctx := c.t, context.Background()
	t.Helper()
	written := strings.Count(c.console(id), "disk-written")
	has := strings.Count(c.console(id), "disk-has-novalite-mark1")
	ports, err := c.ports(id)
	if err != nil {
		t.Fatal(err)
	}

	_, err = servers.Rescue(ctx, c.compute, id, servers.RescueOpts{RescueImageRef: c.imageID}).Extract()
	c.action("rescue", err)
	c.wait(id, "RESCUE")
	out := c.waitConsole(id, "novalite-guest: ready", n+1)
	if strings.Count(out, "second-disk-has-mark") != 1 || strings.Count(out, "disk-written") != written+1 {
		t.Errorf("rescue guest: want a fresh rescue disk and the own disk second:\n%s", out)
	}
	pid := onePid(t, id)
	if cl := cmdline(t, pid); !strings.Contains(cl, "disk.rescue,") || !strings.Contains(cl, "disk.config.rescue,") {
		t.Errorf("rescue QEMU command line: %s", cl)
	}
	if st := qmpStatus(t, pid); st != "running" {
		t.Errorf("QMP status in rescue %q", st)
	}

	c.action("unrescue", servers.Unrescue(ctx, c.compute, id).ExtractErr())
	c.wait(id, "ACTIVE")
	out = c.waitConsole(id, "novalite-guest: ready", n+2)
	if strings.Count(out, "disk-has-novalite-mark1") != has+1 {
		t.Errorf("unrescued guest lost its disk:\n%s", out)
	}
	for _, f := range []string{"disk.rescue", "disk.config.rescue", "unrescue.json"} {
		if _, err := os.Stat(filepath.Join(c.instanceDir(id), f)); !os.IsNotExist(err) {
			t.Errorf("%s after unrescue: %v", f, err)
		}
	}
	if cl := cmdline(t, onePid(t, id)); strings.Contains(cl, "rescue") {
		t.Errorf("QEMU after unrescue: %s", cl)
	}

	_, err = servers.Rebuild(ctx, c.compute, id, servers.RebuildOpts{ImageRef: c.imageID, Name: "rebuilt"}).Extract()
	c.action("rebuild", err)
	c.wait(id, "ACTIVE")
	out = c.waitConsole(id, "novalite-guest: ready", n+3)
	if strings.Count(out, "disk-written") != written+2 || strings.Count(out, "disk-has-novalite-mark1") != has+1 {
		t.Errorf("rebuilt guest did not get a fresh disk:\n%s", out)
	}
	if !strings.Contains(out, "uuid="+id) {
		t.Errorf("rebuilt guest's config drive lacks its uuid")
	}
	after, err := c.ports(id)
	if err != nil || !slices.Equal(after, ports) {
		t.Errorf("ports after rebuild %v (%v), were %v", after, err, ports)
	}
	if st := qmpStatus(t, onePid(t, id)); st != "running" {
		t.Errorf("QMP status after rebuild %q", st)
	}
}
