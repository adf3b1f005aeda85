//go:build guests

package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/services"

	"novalite/internal/virt/qemu"
)

// hostOf is the host the API says the server is on.
func (c *cloud) hostOf(id string) string {
	c.t.Helper()
	v, err := servers.Get(context.Background(), c.compute, id).Extract()
	if err != nil {
		c.t.Fatal(err)
	}
	return v.Host
}

func (c *cloud) dirOn(host, id string) string { return filepath.Join(c.dir, "instances", host, id) }

// runsOn checks from outside that the server's one QEMU process runs
// from host's directory with vcpus and ram, and that QMP says running.
func (c *cloud) runsOn(id, host string, vcpus, ram string) {
	c.t.Helper()
	pid := onePid(c.t, id)
	cl := cmdline(c.t, pid)
	if !strings.Contains(cl, c.dirOn(host, id)+"/disk,") || !strings.Contains(cl, " -smp "+vcpus+" ") ||
		!strings.Contains(cl, " -m "+ram+" ") {
		c.t.Errorf("%s: QEMU is not %s's guest with -smp %s -m %s: %s", id, host, vcpus, ram, cl)
	}
	if st := qmpStatus(c.t, pid); st != "running" {
		c.t.Errorf("%s: QMP status %q, want running", id, st)
	}
}

// exists tells whether a path is there.
func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// forceDown sets the forced_down of host's compute service (2.53).
func (c *cloud) forceDown(host string, down bool) {
	c.t.Helper()
	ctx := context.Background()
	c.compute.Microversion = "2.53"
	defer func() { c.compute.Microversion = "2.79" }()
	pages, err := services.List(c.compute, services.ListOpts{Binary: "nova-compute", Host: host}).AllPages(ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	svcs, err := services.ExtractServices(pages)
	if err != nil || len(svcs) != 1 {
		c.t.Fatalf("service of %s: %v %v", host, svcs, err)
	}
	resp, err := c.compute.Put(ctx, c.compute.ServiceURL("os-services", svcs[0].ID), map[string]any{"forced_down": down}, nil,
		&gophercloud.RequestOpts{OkCodes: []int{200}})
	if err != nil {
		c.t.Fatalf("forced_down %v of %s: %v", down, host, err)
	}
	resp.Body.Close()
}

// waitNoFile waits until path is gone.
func (c *cloud) waitNoFile(path string) {
	c.t.Helper()
	for deadline := time.Now().Add(time.Minute); exists(path); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			c.t.Fatalf("%s still there", path)
		}
	}
}

// bootAndResize boots a guest of the setup's flavor (1 vCPU, 128 MiB),
// waits until it runs, resizes it to flavor and waits for VERIFY_RESIZE;
// it returns the server and its hosts before and after.
func (c *cloud) bootAndResize(flavor string) (id, src, dst string) {
	c.t.Helper()
	id = c.boot("mover", "")
	c.wait(id, "ACTIVE")
	c.waitConsole(id, "novalite-guest: ready", 1)
	src = c.hostOf(id)
	c.runsOn(id, src, "1", "128")
	c.action("resize", servers.Resize(context.Background(), c.compute, id, servers.ResizeOpts{FlavorRef: flavor}).ExtractErr())
	c.wait(id, "VERIFY_RESIZE")
	return id, src, c.hostOf(id)
}

// TestRealGuestMoves resizes and migrates a real guest between the two
// hosts of `serve --hosts 2 --driver qemu` and evacuates it from a host
// that went down, checking each move from outside: which host's
// directory the QEMU process runs from, its -smp and -m, the source's
// kept files until confirm (gone after), the source guest back after a
// revert. The evacuated host's copy is destroyed when its agent starts
// again, as Nova's _destroy_evacuated_instances.
func TestRealGuestMoves(t *testing.T) {
	t.Parallel()
	dir := guestDir(t)
	t.Cleanup(func() {
		_ = exec.Command("ip", "netns", "del", qemu.NetNS(filepath.Join(dir, "instances", "novalite-compute-2"))).Run()
	})
	bin := build(t)
	args := []string{"--driver", "qemu", "--hosts", "2", "--shutdown-timeout", "10s"}
	s := serve(t, bin, dir, args...)
	c := openCloud(t, s, dir)
	c.setup()
	ctx := context.Background()
	disk, eph := 2, 1
	big, err := flavors.Create(ctx, c.compute, flavors.CreateOpts{Name: "guest.big", RAM: 192, VCPUs: 2, Disk: &disk,
		Ephemeral: &eph, Swap: new(int)}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	other := map[string]string{"novalite-compute-1": "novalite-compute-2", "novalite-compute-2": "novalite-compute-1"}

	// resize + revert: the guest comes back on the source as it was.
	id, src, dst := c.bootAndResize(big.ID)
	if dst != other[src] {
		t.Fatalf("resized onto %q, want %q", dst, other[src])
	}
	// The destination's console log starts afresh, as libvirt's.
	c.waitConsole(id, "novalite-guest: ready", 1)
	c.runsOn(id, dst, "2", "192")
	if !exists(c.dirOn(src, id)+"_resize/disk") || exists(c.dirOn(src, id)) {
		t.Errorf("source after resize: want only the kept %s_resize", id)
	}
	if !exists(c.dirOn(dst, id) + "/disk.eph0") {
		t.Errorf("no ephemeral disk on the destination")
	}
	c.action("revert", servers.RevertResize(ctx, c.compute, id).ExtractErr())
	c.wait(id, "ACTIVE")
	if h := c.hostOf(id); h != src {
		t.Errorf("reverted onto %q, want %q", h, src)
	}
	// The source's log is its own again: the first boot and this one.
	c.waitConsole(id, "novalite-guest: ready", 2)
	c.runsOn(id, src, "1", "128")
	if exists(c.dirOn(dst, id)) || exists(c.dirOn(src, id)+"_resize") {
		t.Errorf("after revert: the destination's copy or the kept directory remains")
	}

	// resize + confirm: the source's files go.
	c.action("resize", servers.Resize(ctx, c.compute, id, servers.ResizeOpts{FlavorRef: big.ID}).ExtractErr())
	c.wait(id, "VERIFY_RESIZE")
	c.action("confirm", servers.ConfirmResize(ctx, c.compute, id).ExtractErr())
	c.wait(id, "ACTIVE")
	c.runsOn(id, dst, "2", "192")
	// The source's agent removes its kept files at its next sweep.
	c.waitNoFile(c.dirOn(src, id) + "_resize")
	if exists(c.dirOn(src, id)) {
		t.Errorf("source files after confirm")
	}

	// cold migration of a stopped guest: it stays off on the other host.
	c.action("stop", servers.Stop(ctx, c.compute, id).ExtractErr())
	c.wait(id, "SHUTOFF")
	c.action("migrate", servers.Migrate(ctx, c.compute, id).ExtractErr())
	c.wait(id, "VERIFY_RESIZE")
	if h := c.hostOf(id); h != src {
		t.Errorf("migrated onto %q, want %q", h, src)
	}
	if p := qemuPids(t, id); len(p) != 0 {
		t.Errorf("a stopped guest runs after its migration: %v", p)
	}
	c.action("confirm", servers.ConfirmResize(ctx, c.compute, id).ExtractErr())
	c.wait(id, "SHUTOFF")
	c.waitNoFile(c.dirOn(dst, id) + "_resize")
	if !exists(c.dirOn(src, id) + "/disk") {
		t.Errorf("after the migration's confirm: files on the wrong host")
	}
	c.action("start", servers.Start(ctx, c.compute, id).ExtractErr())
	c.wait(id, "ACTIVE")
	c.runsOn(id, src, "2", "192")

	// evacuate: the server's host is forced down, the guest is rebuilt
	// on the other host; the down host's copy keeps running until its
	// agent starts again.
	c.forceDown(src, true)
	old := onePid(t, id)
	resp, err := c.compute.Post(ctx, c.compute.ServiceURL("servers", id, "action"), map[string]any{"evacuate": map[string]any{}},
		nil, &gophercloud.RequestOpts{OkCodes: []int{200}})
	if err != nil {
		t.Fatalf("evacuate: %v", err)
	}
	resp.Body.Close()
	c.wait(id, "ACTIVE")
	if h := c.hostOf(id); h != dst {
		t.Fatalf("evacuated onto %q, want %q", h, dst)
	}
	if !exists(c.dirOn(dst, id) + "/disk") {
		t.Errorf("no disk on the evacuation's destination")
	}
	if p := qemuPids(t, id); len(p) != 2 {
		t.Errorf("QEMU processes after the evacuation: %v, want the rebuilt one and the down host's", p)
	}

	c = c.restart(args...)
	c.wait(id, "ACTIVE")
	c.waitConsole(id, "novalite-guest: ready", 1)
	c.runsOn(id, dst, "2", "192")
	if pid := onePid(t, id); pid == old {
		t.Errorf("the down host's guest %d survived its agent's restart", old)
	}
	if exists(c.dirOn(src, id)) {
		t.Errorf("the down host's instance directory survived its agent's restart")
	}

	// The down host is back: the live migration has somewhere to go.
	c.forceDown(src, false)
	// Live migration, which the driver lacks: accepted (202), then the
	// server goes to ERROR with the migration in error, as Nova's
	// conductor leaves it when a host's pre-checks fail unexpectedly.
	c.action("live migrate", servers.LiveMigrate(ctx, c.compute, id, servers.LiveMigrateOpts{BlockMigration: new(bool)}).ExtractErr())
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		v, err := servers.Get(ctx, c.compute, id).Extract()
		if err != nil {
			t.Fatal(err)
		}
		if v.Status == "ERROR" && v.TaskState == "" {
			if v.Fault.Code != 500 || !strings.Contains(v.Fault.Message, "not supported") {
				t.Errorf("fault after the live migration: %+v", v.Fault)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after os-migrateLive: %s/%s, want ERROR", v.Status, v.TaskState)
		}
	}
	c.runsOn(id, dst, "2", "192") // the guest itself is untouched

	c.action("delete", servers.Delete(ctx, c.compute, id).ExtractErr())
	c.waitGone(id)
	if p := qemuPids(t, id); len(p) != 0 {
		t.Errorf("QEMU runs after delete: %v", p)
	}
	for _, h := range []string{src, dst} {
		if m, _ := filepath.Glob(c.dirOn(h, id) + "*"); len(m) != 0 {
			t.Errorf("files left after delete: %v", m)
		}
	}
}

// TestRealGuestMovesAcrossAgents resizes a real guest between two agent
// processes (PostgreSQL, an api and a controller beside them), each with
// a data dir of its own and one shared --instances-path, as agents on
// one machine (or sharing storage) run: the guest lands in the other
// agent's directory with the new flavor, and after confirm the source's
// agent removes what it kept.
func TestRealGuestMovesAcrossAgents(t *testing.T) {
	t.Parallel()
	dir := guestDir(t)
	instances := filepath.Join(dir, "instances")
	t.Cleanup(func() {
		for _, h := range []string{"deploy-host-1", "deploy-host-2"} {
			_ = exec.Command("ip", "netns", "del", qemu.NetNS(filepath.Join(instances, h))).Run()
		}
	})
	d := deploy(t, 1, 1, 2, "--driver", "qemu", "--instances-path", instances, "--shutdown-timeout", "10s")
	c := openCloud(t, &server{url: d.apis[0].url}, dir)
	c.setup()
	ctx := context.Background()
	disk := 2
	big, err := flavors.Create(ctx, c.compute, flavors.CreateOpts{Name: "guest.big", RAM: 192, VCPUs: 2, Disk: &disk}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	id, src, dst := c.bootAndResize(big.ID)
	if dst == src {
		t.Fatalf("resized on its own host %s", src)
	}
	c.waitConsole(id, "novalite-guest: ready", 1) // the destination agent's console log
	c.runsOn(id, dst, "2", "192")
	c.action("confirm", servers.ConfirmResize(ctx, c.compute, id).ExtractErr())
	c.wait(id, "ACTIVE")
	c.waitNoFile(c.dirOn(src, id) + "_resize")
	c.runsOn(id, dst, "2", "192")
	// The api process asks the destination's agent (a host call).
	if d := c.diagnostics(id); len(d.CPUs) != 2 || !d.cpusRan() || d.Memory.Maximum != 192 {
		t.Errorf("diagnostics across agents: %+v, want 2 measured vCPUs and 192 MiB", d)
	}

	c.action("delete", servers.Delete(ctx, c.compute, id).ExtractErr())
	c.waitGone(id)
	if p := qemuPids(t, id); len(p) != 0 {
		t.Errorf("QEMU runs after delete: %v", p)
	}
	if m, _ := filepath.Glob(filepath.Join(instances, "*", id+"*")); len(m) != 0 {
		t.Errorf("files left after delete: %v", m)
	}
}
