//go:build guests

package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/hypervisors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"

	"novalite/internal/virt/qemu"
	"novalite/internal/virt/qemu/testguest"
)

// cloud is a `novalite serve --driver qemu` seen through gophercloud,
// as a Nova user sees it, and from outside: its data dir.
type cloud struct {
	t                        *testing.T
	s                        *server
	dir                      string
	compute, image, network  *gophercloud.ServiceClient
	imageID, flavorID, netID string
	key                      string // the keypair's public key
}

const guestHost = "novalite-compute-1"

func openCloud(t *testing.T, s *server, dir string) *cloud {
	t.Helper()
	ctx := context.Background()
	p, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{IdentityEndpoint: s.url + "/identity/v3",
		Username: "admin", Password: "admin-pw", DomainID: "default",
		Scope: &gophercloud.AuthScope{ProjectName: "admin", DomainID: "default"}})
	if err != nil {
		t.Fatal(err)
	}
	c := &cloud{t: t, s: s, dir: dir}
	if c.compute, err = openstack.NewComputeV2(p, gophercloud.EndpointOpts{}); err != nil {
		t.Fatal(err)
	}
	c.compute.Microversion = "2.79"
	if c.image, err = openstack.NewImageV2(p, gophercloud.EndpointOpts{}); err != nil {
		t.Fatal(err)
	}
	if c.network, err = openstack.NewNetworkV2(p, gophercloud.EndpointOpts{}); err != nil {
		t.Fatal(err)
	}
	return c
}

// setup uploads the test guest as Nova users upload a kernel-booted
// image (aki + ari + ami naming them), and makes a small flavor and a
// keypair.
func (c *cloud) setup() {
	t, ctx := c.t, context.Background()
	g, err := testguest.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	upload := func(name, format, path string, props map[string]string) string {
		im, err := images.Create(ctx, c.image, images.CreateOpts{Name: name, DiskFormat: format, ContainerFormat: format,
			Properties: props}).Extract()
		if err != nil {
			t.Fatalf("image %s: %v", name, err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := imagedata.Upload(ctx, c.image, im.ID, f).ExtractErr(); err != nil {
			t.Fatalf("upload %s: %v", name, err)
		}
		return im.ID
	}
	kernel := upload("guest-kernel", "aki", g.Kernel, nil)
	ramdisk := upload("guest-ramdisk", "ari", g.Initrd, nil)
	c.imageID = upload("guest", "ami", g.Disk, map[string]string{"kernel_id": kernel, "ramdisk_id": ramdisk,
		"os_command_line": testguest.CommandLine})
	disk := 1
	fl, err := flavors.Create(ctx, c.compute, flavors.CreateOpts{Name: "guest.small", RAM: 128, VCPUs: 1, Disk: &disk}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	c.flavorID = fl.ID
	kp, err := keypairs.Create(ctx, c.compute, keypairs.CreateOpts{Name: "guest-key", Type: "ssh"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	c.key = strings.TrimSpace(kp.PublicKey)
	pages, err := networks.List(c.network, networks.ListOpts{Name: "private"}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nets, err := networks.ExtractNetworks(pages)
	if err != nil || len(nets) != 1 {
		t.Fatalf("network private: %v %v", nets, err)
	}
	c.netID = nets[0].ID
}

// boot creates a server of the test guest running userData.
func (c *cloud) boot(name, userData string) string {
	c.t.Helper()
	opts := keypairs.CreateOptsExt{CreateOptsBuilder: servers.CreateOpts{Name: name, ImageRef: c.imageID, FlavorRef: c.flavorID,
		UserData: []byte(userData), Networks: []servers.Network{{UUID: c.netID}}}, KeyName: "guest-key"}
	v, err := servers.Create(context.Background(), c.compute, opts, nil).Extract()
	if err != nil {
		c.t.Fatalf("create %s: %v", name, err)
	}
	return v.ID
}

// wait waits for the server's status (and no task).
func (c *cloud) wait(id, status string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for {
		v, err := servers.Get(ctx, c.compute, id).Extract()
		if err != nil {
			c.t.Fatalf("get %s: %v", id, err)
		}
		if v.Status == status && v.TaskState == "" {
			return
		}
		if v.Status == "ERROR" {
			c.t.Fatalf("server %s ERROR: %+v", id, v.Fault)
		}
		select {
		case <-ctx.Done():
			c.t.Fatalf("server %s: %s/%s, want %s", id, v.Status, v.TaskState, status)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (c *cloud) console(id string) string {
	c.t.Helper()
	out, err := servers.ShowConsoleOutput(context.Background(), c.compute, id, servers.ShowConsoleOutputOpts{Length: -1}).Extract()
	if err != nil {
		c.t.Fatalf("console of %s: %v", id, err)
	}
	return out
}

// waitConsole waits until the console shows line n times.
func (c *cloud) waitConsole(id, line string, n int) string {
	c.t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		out := c.console(id)
		if strings.Count(out, line) >= n {
			return out
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("console of %s lacks %q ×%d:\n%s\nnovalite's log of it:\n%s", id, line, n, out, c.s.stderr.linesWith(id))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// The outside view: the guest's directory, its QEMU process and QMP.

func (c *cloud) instanceDir(id string) string {
	return filepath.Join(c.dir, "instances", guestHost, id)
}

// qemuPids lists the QEMU processes naming the server's uuid.
func qemuPids(t *testing.T, id string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(cmd), "\x00-uuid\x00"+id+"\x00") {
			if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && !strings.Contains(string(stat), ") Z ") {
				out = append(out, pid)
			}
		}
	}
	return out
}

// onePid is the server's one QEMU process.
func onePid(t *testing.T, id string) int {
	t.Helper()
	pids := qemuPids(t, id)
	if len(pids) != 1 {
		t.Fatalf("QEMU processes of %s: %v, want one", id, pids)
	}
	return pids[0]
}

var qmpArg = regexp.MustCompile(`unix:([^,\x00]+)`)

// qmpStatus asks the guest's QMP socket (named on its command line) for
// its run state.
func qmpStatus(t *testing.T, pid int) string {
	t.Helper()
	var r struct{ Status string }
	qmpQuery(t, pid, "query-status", &r)
	return r.Status
}

func (c *cloud) action(name string, err error) {
	c.t.Helper()
	if err != nil {
		c.t.Fatalf("%s: %v", name, err)
	}
}

// TestRealGuestLifecycle boots the test guest through the API and walks
// it through Nova's actions, checking each from outside novalite too.
func TestRealGuestLifecycle(t *testing.T) {
	t.Parallel()
	c := guestCloud(t, "--shutdown-timeout", "30s")
	ctx := context.Background()

	start := time.Now()
	id := c.boot("vm1", "#!/bin/sh\necho user-data-says-$((6*7))\n")
	c.wait(id, "ACTIVE")
	t.Logf("POST → ACTIVE: %v", time.Since(start).Round(time.Millisecond))
	c.waitConsole(id, "novalite-guest: booted", 1)
	t.Logf("POST → first console line: %v", time.Since(start).Round(time.Millisecond))
	out := c.waitConsole(id, "novalite-guest: ready", 1)
	t.Logf("POST → guest ready: %v", time.Since(start).Round(time.Millisecond))
	for _, want := range []string{"uuid=" + id, "public-key=" + c.key, "user-data-says-42", "hostname=vm1"} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`nic eth0 fa:16:3e:[0-9a-f:]+ 10\.0\.0\.\d+/255\.255\.255\.0`).MatchString(out) {
		t.Errorf("console shows no NIC configured from network_data.json:\n%s", out)
	}
	c.checkHypervisor()
	pid := onePid(t, id)
	if st := qmpStatus(t, pid); st != "running" {
		t.Errorf("QMP status %q, want running", st)
	}
	for _, f := range []string{"disk", "disk.config", "console.log", "qemu.pid", "instance.json"} {
		if _, err := os.Stat(filepath.Join(c.instanceDir(id), f)); err != nil {
			t.Errorf("instance file: %v", err)
		}
	}

	// stop: the ACPI power button, which the guest obeys.
	c.action("stop", servers.Stop(ctx, c.compute, id).ExtractErr())
	c.wait(id, "SHUTOFF")
	if pids := qemuPids(t, id); len(pids) != 0 {
		t.Errorf("QEMU still runs after stop: %v", pids)
	}
	if !strings.Contains(c.console(id), "novalite-guest: power button") {
		t.Errorf("the guest saw no power button")
	}
	c.action("start", servers.Start(ctx, c.compute, id).ExtractErr())
	c.wait(id, "ACTIVE")
	c.waitConsole(id, "novalite-guest: ready", 2)
	pid2 := onePid(t, id)
	if pid2 == pid {
		t.Errorf("start kept the stopped process %d", pid)
	}

	c.action("reboot soft", servers.Reboot(ctx, c.compute, id, servers.RebootOpts{Type: servers.SoftReboot}).ExtractErr())
	c.wait(id, "ACTIVE")
	c.waitConsole(id, "novalite-guest: ready", 3)
	c.action("reboot hard", servers.Reboot(ctx, c.compute, id, servers.RebootOpts{Type: servers.HardReboot}).ExtractErr())
	c.wait(id, "ACTIVE")
	c.waitConsole(id, "novalite-guest: ready", 4)
	pid = onePid(t, id)

	c.action("pause", servers.Pause(ctx, c.compute, id).ExtractErr())
	c.wait(id, "PAUSED")
	if st := qmpStatus(t, onePid(t, id)); st != "paused" {
		t.Errorf("QMP status after pause %q", st)
	}
	c.action("unpause", servers.Unpause(ctx, c.compute, id).ExtractErr())
	c.wait(id, "ACTIVE")
	if st := qmpStatus(t, onePid(t, id)); st != "running" {
		t.Errorf("QMP status after unpause %q", st)
	}

	c.action("suspend", servers.Suspend(ctx, c.compute, id).ExtractErr())
	c.wait(id, "SUSPENDED")
	if pids := qemuPids(t, id); len(pids) != 0 {
		t.Errorf("QEMU runs while suspended: %v", pids)
	}
	if _, err := os.Stat(filepath.Join(c.instanceDir(id), "managed.save")); err != nil {
		t.Errorf("no saved state: %v", err)
	}
	c.action("resume", servers.Resume(ctx, c.compute, id).ExtractErr())
	c.wait(id, "ACTIVE")
	if st := qmpStatus(t, onePid(t, id)); st != "running" {
		t.Errorf("QMP status after resume %q", st)
	}

	// changePassword needs a guest agent: Nova's libvirt driver answers
	// 409 QemuGuestAgentNotEnabled without one.
	err := servers.ChangeAdminPassword(ctx, c.compute, id, "n3w-Secret").ExtractErr()
	if !gophercloud.ResponseCodeIs(err, 409) || !strings.Contains(err.Error(), "QEMU guest agent is not enabled") {
		t.Errorf("changePassword under --driver qemu: %v, want 409 QEMU guest agent is not enabled", err)
	}

	c.action("delete", servers.Delete(ctx, c.compute, id).ExtractErr())
	c.waitGone(id)
	if pids := qemuPids(t, id); len(pids) != 0 {
		t.Errorf("QEMU runs after delete: %v", pids)
	}
	if _, err := os.Stat(c.instanceDir(id)); !os.IsNotExist(err) {
		t.Errorf("instance dir after delete: %v", err)
	}
}

func (c *cloud) waitGone(id string) {
	c.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, err := servers.Get(context.Background(), c.compute, id).Extract()
		if gophercloud.ResponseCodeIs(err, 404) {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("server %s not gone: %v", id, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// guestCloud starts `novalite serve --driver qemu` with extra flags on a
// guestDir and sets it up for guests (image, flavor, keypair).
func guestCloud(t *testing.T, extra ...string) *cloud {
	t.Helper()
	dir := guestDir(t)
	c := openCloud(t, serve(t, build(t), dir, append([]string{"--driver", "qemu"}, extra...)...), dir)
	c.setup()
	return c
}

// restart kills novalite (SIGKILL, its guests left running) and starts it
// again on the same data dir with args, returning the cloud it serves with
// c's image, flavor, network and key.
func (c *cloud) restart(args ...string) *cloud {
	c.t.Helper()
	if err := c.s.cmd.Process.Kill(); err != nil {
		c.t.Fatal(err)
	}
	<-c.s.done
	next := openCloud(c.t, serve(c.t, build(c.t), c.dir, args...), c.dir)
	next.imageID, next.flavorID, next.netID, next.key = c.imageID, c.flavorID, c.netID, c.key
	return next
}

// guestDir is a data dir whose guests are killed when the test ends,
// whatever state it left them in.
func guestDir(t *testing.T) string {
	dir := t.TempDir()
	t.Cleanup(func() {
		pids, _ := filepath.Glob(filepath.Join(dir, "instances", "*", "*", "qemu.pid"))
		for _, p := range pids {
			b, _ := os.ReadFile(p)
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		// The driver's namespace outlives novalite (as guests do); the
		// test's goes with it.
		_ = exec.Command("ip", "netns", "del", qemu.NetNS(filepath.Join(dir, "instances", guestHost))).Run()
	})
	return dir
}

// rssMiB is the resident memory of a process.
func rssMiB(t *testing.T, pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VmRSS:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return kb >> 10
}

// TestRealGuestsSurviveKill9 kills serve with SIGKILL while five guests
// run: they keep running, and the restarted serve re-adopts them —
// ACTIVE, the same processes, none started twice. A guest then killed
// from outside becomes SHUTOFF (the power state sync), and deletes
// leave nothing behind.
func TestRealGuestsSurviveKill9(t *testing.T) {
	t.Parallel()
	c := guestCloud(t, "--shutdown-timeout", "10s")
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		ids = append(ids, c.boot(fmt.Sprintf("vm%d", i), ""))
	}
	pids := map[string]int{}
	for _, id := range ids {
		c.wait(id, "ACTIVE")
		pids[id] = onePid(t, id)
	}
	c.waitConsole(ids[0], "novalite-guest: ready", 1)
	total := 0
	for _, pid := range pids {
		total += rssMiB(t, pid)
	}
	t.Logf("memory: %d MiB resident for %d guests of 128 MiB (%d MiB each)", total, len(pids), total/len(pids))

	c = c.restart("--driver", "qemu", "--shutdown-timeout", "10s")
	for _, id := range ids {
		c.wait(id, "ACTIVE")
		if pid := onePid(t, id); pid != pids[id] {
			t.Errorf("%s: QEMU %d after restart, was %d", id, pid, pids[id])
		}
	}
	// Still the same after a power state sync or two.
	time.Sleep(6 * time.Second)
	for _, id := range ids {
		c.wait(id, "ACTIVE")
		if pid := onePid(t, id); pid != pids[id] {
			t.Errorf("%s: QEMU %d after restart, was %d", id, pid, pids[id])
		}
	}

	if err := syscall.Kill(pids[ids[0]], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.wait(ids[0], "SHUTOFF")

	for _, id := range ids {
		c.action("delete", servers.Delete(ctx, c.compute, id).ExtractErr())
	}
	for _, id := range ids {
		c.waitGone(id)
		if p := qemuPids(t, id); len(p) != 0 {
			t.Errorf("QEMU runs after delete: %v", p)
		}
		if _, err := os.Stat(c.instanceDir(id)); !os.IsNotExist(err) {
			t.Errorf("instance dir after delete: %v", err)
		}
	}
}

// TestRealGuestsPingOnOneNetwork boots two guests on network private:
// their taps share a bridge in the driver's namespace, and the second
// pings the first (the result on its console). Deleting them removes
// taps and bridge.
func TestRealGuestsPingOnOneNetwork(t *testing.T) {
	t.Parallel()
	c := guestCloud(t, "--shutdown-timeout", "10s")
	ctx := context.Background()
	first := c.boot("vm-a", "")
	c.wait(first, "ACTIVE")
	v, err := servers.Get(ctx, c.compute, first).Extract()
	if err != nil {
		t.Fatal(err)
	}
	addr := ""
	for _, a := range v.Addresses["private"].([]any) {
		if m := a.(map[string]any); m["version"].(float64) == 4 {
			addr = m["addr"].(string)
		}
	}
	c.waitConsole(first, "novalite-guest: ready", 1)
	second := c.boot("vm-b", "#!/bin/sh\nping -c 3 -W 5 "+addr+"\n")
	c.wait(second, "ACTIVE")
	out := c.waitConsole(second, "novalite-guest: ready", 1)
	if !strings.Contains(out, "3 packets received") {
		t.Errorf("vm-b did not reach vm-a at %s:\n%s", addr, out)
	}
	ns := qemu.NetNS(filepath.Join(c.dir, "instances", guestHost))
	links, err := exec.Command("ip", "-n", ns, "-o", "link", "show").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{first, second} {
		ports, err := c.ports(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ports {
			if tap := "tap" + p[:11]; !strings.Contains(string(links), tap+"@") && !strings.Contains(string(links), tap+":") {
				t.Errorf("no %s in namespace %s:\n%s", tap, ns, links)
			}
		}
	}
	for _, id := range []string{first, second} {
		c.action("delete", servers.Delete(ctx, c.compute, id).ExtractErr())
	}
	for _, id := range []string{first, second} {
		c.waitGone(id)
	}
	links, _ = exec.Command("ip", "-n", ns, "-o", "link", "show").Output()
	if strings.Contains(string(links), "tap") || strings.Contains(string(links), "brq") {
		t.Errorf("taps or bridges left in %s after delete:\n%s", ns, links)
	}
}

// ports lists the ids of the server's ports.
func (c *cloud) ports(id string) ([]string, error) {
	pages, err := ports.List(c.network, ports.ListOpts{DeviceID: id}).AllPages(context.Background())
	if err != nil {
		return nil, err
	}
	ps, err := ports.ExtractPorts(pages)
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out, err
}

// checkHypervisor: os-hypervisors shows the host's QEMU, as Nova's libvirt
// driver does (type QEMU, version major*1000000+minor*1000+micro of the
// qemu-system binary), not the fake driver's values.
func (c *cloud) checkHypervisor() {
	c.t.Helper()
	pages, err := hypervisors.List(c.compute, nil).AllPages(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	hs, err := hypervisors.ExtractHypervisors(pages)
	if err != nil || len(hs) != 1 {
		c.t.Fatalf("hypervisors: %v %v", hs, err)
	}
	out, err := exec.Command("qemu-system-x86_64", "--version").Output()
	if err != nil {
		c.t.Fatal(err)
	}
	m := regexp.MustCompile(`version (\d+)\.(\d+)\.(\d+)`).FindStringSubmatch(string(out))
	maj, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	mic, _ := strconv.Atoi(m[3])
	if h := hs[0]; h.HypervisorType != "QEMU" || h.HypervisorVersion != maj*1000000+min*1000+mic {
		c.t.Errorf("hypervisor %q version %d; want QEMU %d (%s)", h.HypervisorType, h.HypervisorVersion,
			maj*1000000+min*1000+mic, strings.TrimSpace(string(out)))
	}
}
