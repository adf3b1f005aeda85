//go:build guests

package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/instanceactions"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"

	"novalite/internal/virt/qemu"
)

// volumeMarker is what the first guest writes to the volume.
const volumeMarker = "novalite-volume-marker1"

// volumeScript is user_data that watches for the disk whose serial is
// the volume's id (the first 20 characters, as virtio shows it): each
// time it comes, it prints which disk it is and what it holds, writes
// the marker when asked, and prints when the disk goes. It runs in the
// background, so the guest is ready before the volume comes.
func volumeScript(volumeID string, write bool) string {
	w := ""
	if write {
		w = fmt.Sprintf("printf %s > $d; sync; echo volume-written\n", volumeMarker)
	}
	return fmt.Sprintf(`#!/bin/sh
find_vol() { for b in /sys/block/vd*; do [ "$(cat $b/serial 2>/dev/null)" = %s ] && echo /dev/${b##*/} && return; done; }
(
while true; do
  while [ -z "$(find_vol)" ]; do sleep 0.2; done
  d=$(find_vol)
  echo "volume-at-$d holds=[$(head -c %d $d | tr -d '\000')]"
  %swhile [ -n "$(find_vol)" ]; do sleep 0.2; done
  echo volume-gone
done
) &
`, volumeID[:20], len(volumeMarker), w)
}

// blockStorage is the cloud's volume service client.
func (c *cloud) blockStorage() *gophercloud.ServiceClient {
	c.t.Helper()
	p, err := openstack.AuthenticatedClient(context.Background(), gophercloud.AuthOptions{IdentityEndpoint: c.s.url + "/identity/v3",
		Username: "admin", Password: "admin-pw", DomainID: "default",
		Scope: &gophercloud.AuthScope{ProjectName: "admin", DomainID: "default"}})
	if err != nil {
		c.t.Fatal(err)
	}
	bs, err := openstack.NewBlockStorageV3(p, gophercloud.EndpointOpts{})
	if err != nil {
		c.t.Fatal(err)
	}
	return bs
}

// attach attaches a volume and fails the test with the host's error when
// the plug did not happen: Nova's API answers an attach it then undoes
// (the volume available again), so only the action's event tells.
func (c *cloud) attach(server, volumeID string) {
	c.t.Helper()
	ctx := context.Background()
	if _, err := volumeattach.Create(ctx, c.compute, server, volumeattach.CreateOpts{VolumeID: volumeID}).Extract(); err != nil {
		c.t.Fatalf("attach %s to %s: %v", volumeID, server, err)
	}
	pages, err := instanceactions.List(c.compute, server, nil).AllPages(ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	actions, err := instanceactions.ExtractInstanceActions(pages)
	if err != nil || len(actions) == 0 || actions[0].Action != "attach_volume" {
		c.t.Fatalf("the newest action of %s is not the attach: %+v, %v", server, actions, err)
	}
	mv := c.compute.Microversion
	c.compute.Microversion = "2.51" // an event's traceback, for an admin
	defer func() { c.compute.Microversion = mv }()
	a, err := instanceactions.Get(ctx, c.compute, server, actions[0].RequestID).Extract()
	if err != nil {
		c.t.Fatal(err)
	}
	if a.Events == nil {
		c.t.Fatalf("the attach action of %s has no events", server)
	}
	for _, e := range *a.Events {
		if e.Result == "Error" {
			c.t.Fatalf("the host did not plug %s into %s: %s\nnovalite's log of it:\n%s", volumeID, server, e.Traceback,
				c.s.stderr.linesWith(server))
		}
	}
}

// waitVolume waits for a volume's status.
func (c *cloud) waitVolume(bs *gophercloud.ServiceClient, id, status string) {
	c.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		v, err := volumes.Get(context.Background(), bs, id).Extract()
		if err != nil {
			c.t.Fatalf("volume %s: %v", id, err)
		}
		if v.Status == status {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("volume %s: %s, want %s", id, v.Status, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// qmpQuery runs a query on the guest's QMP socket (named on its command
// line) with the driver's QMP client and decodes its return into out.
func qmpQuery(t *testing.T, pid int, command string, out any) {
	t.Helper()
	cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(string(cmd), "\x00")
	sock := ""
	for i, a := range args {
		if a == "-qmp" && i+1 < len(args) {
			sock = qmpArg.FindStringSubmatch(args[i+1])[1]
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // QEMU serves one QMP client at a time
	defer cancel()
	if err := qemu.QMP(ctx, sock, command, nil, out); err != nil {
		t.Fatalf("qmp %s: %v", command, err)
	}
}

// blockDevices are the qdev paths of the guest's block devices (QMP
// query-block), as QEMU sees them.
func blockDevices(t *testing.T, id string) []string {
	t.Helper()
	var blocks []struct {
		Qdev string `json:"qdev"`
	}
	qmpQuery(t, onePid(t, id), "query-block", &blocks)
	var out []string
	for _, b := range blocks {
		out = append(out, b.Qdev)
	}
	return out
}

// hasVolumeDevice says whether QEMU shows the volume's device.
func hasVolumeDevice(t *testing.T, serverID, volumeID string) bool {
	for _, q := range blockDevices(t, serverID) {
		if strings.Contains(q, "/vol-"+volumeID+"/") {
			return true
		}
	}
	return false
}

// TestRealGuestVolumes: a guest writes a marker to a volume hot-plugged
// into it (QMP shows the device, the guest finds the disk by its
// serial), the volume is unplugged (the guest sees it go) and attached
// again, the server is deleted (the volume stays, available, its data
// kept), and a new server's guest reads the marker back — hot-plugged
// first, then on its command line after a stop and start; re-adopted
// after novalite's SIGKILL, the guest keeps the volume until a detach
// unplugs it. A server booted from a volume made from the image runs
// from the volume's file.
func TestRealGuestVolumes(t *testing.T) {
	t.Parallel()
	c := guestCloud(t, "--shutdown-timeout", "10s")
	ctx := context.Background()
	bs := c.blockStorage()
	vol, err := volumes.Create(ctx, bs, volumes.CreateOpts{Size: 1, Name: "data"}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	c.waitVolume(bs, vol.ID, "available")

	vm1 := c.boot("vm1", volumeScript(vol.ID, true))
	c.wait(vm1, "ACTIVE")
	c.waitConsole(vm1, "novalite-guest: ready", 1)
	start := time.Now()
	c.attach(vm1, vol.ID)
	t.Logf("attach (hot-plug) answered in %v", time.Since(start).Round(time.Millisecond))
	c.waitVolume(bs, vol.ID, "in-use")
	if !hasVolumeDevice(t, vm1, vol.ID) {
		t.Errorf("QMP query-block lacks the volume's device: %v", blockDevices(t, vm1))
	}
	out := c.waitConsole(vm1, "volume-written", 1)
	t.Logf("attach → guest wrote the marker: %v", time.Since(start).Round(time.Millisecond))
	// vda is the root disk, vdb the config drive: the volume comes next.
	if !strings.Contains(out, "volume-at-/dev/vdc holds=[]") {
		t.Errorf("the guest did not find the new, empty volume as /dev/vdc:\n%s", out)
	}

	start = time.Now()
	c.action("detach", volumeattach.Delete(ctx, c.compute, vm1, vol.ID).ExtractErr())
	t.Logf("detach (unplug) answered in %v", time.Since(start).Round(time.Millisecond))
	c.waitVolume(bs, vol.ID, "available")
	if hasVolumeDevice(t, vm1, vol.ID) {
		t.Errorf("QMP query-block still shows the volume after the detach: %v", blockDevices(t, vm1))
	}
	c.waitConsole(vm1, "volume-gone", 1)

	// Attached again, then the server goes: the volume is detached, kept.
	c.attach(vm1, vol.ID)
	c.waitVolume(bs, vol.ID, "in-use")
	c.waitConsole(vm1, "volume-written", 2)
	c.action("delete", servers.Delete(ctx, c.compute, vm1).ExtractErr())
	c.waitGone(vm1)
	c.waitVolume(bs, vol.ID, "available")
	b, err := os.ReadFile(filepath.Join(c.dir, "volumes", vol.ID))
	if err != nil || !strings.HasPrefix(string(b[:64]), volumeMarker) {
		t.Fatalf("volume file after the server's delete: %q, %v", b[:64], err)
	}

	vm2 := c.boot("vm2", volumeScript(vol.ID, false))
	c.wait(vm2, "ACTIVE")
	c.waitConsole(vm2, "novalite-guest: ready", 1)
	c.attach(vm2, vol.ID)
	c.waitConsole(vm2, "holds=["+volumeMarker+"]", 1)
	c.action("stop", servers.Stop(ctx, c.compute, vm2).ExtractErr())
	c.wait(vm2, "SHUTOFF")
	c.action("start", servers.Start(ctx, c.compute, vm2).ExtractErr())
	c.wait(vm2, "ACTIVE")
	out = c.waitConsole(vm2, "holds=["+volumeMarker+"]", 2)
	if !hasVolumeDevice(t, vm2, vol.ID) {
		t.Errorf("the restarted guest lacks the volume's device: %v", blockDevices(t, vm2))
	}
	if cmd := cmdline(t, onePid(t, vm2)); !strings.Contains(cmd, "id=vol-"+vol.ID) {
		t.Errorf("the volume is not on the restarted guest's command line: %s", cmd)
	}

	// novalite killed and started again: the guest, re-adopted, keeps
	// its volume, and a detach unplugs it.
	pid := onePid(t, vm2)
	c = c.restart("--driver", "qemu", "--shutdown-timeout", "10s")
	bs = c.blockStorage()
	c.wait(vm2, "ACTIVE")
	if got := onePid(t, vm2); got != pid || !hasVolumeDevice(t, vm2, vol.ID) {
		t.Fatalf("after novalite's restart: QEMU %d (was %d), volume device there: %v", got, pid, hasVolumeDevice(t, vm2, vol.ID))
	}
	c.action("detach from the re-adopted guest", volumeattach.Delete(ctx, c.compute, vm2, vol.ID).ExtractErr())
	c.waitVolume(bs, vol.ID, "available")
	c.waitConsole(vm2, "volume-gone", 1)
	if hasVolumeDevice(t, vm2, vol.ID) {
		t.Errorf("QMP query-block still shows the volume after the detach: %v", blockDevices(t, vm2))
	}

	// Boot from a volume made from the image: the volume's file is the
	// root disk, no overlay in the instance directory.
	opts := keypairs.CreateOptsExt{CreateOptsBuilder: servers.CreateOpts{Name: "vm3", FlavorRef: c.flavorID,
		UserData: []byte("#!/bin/sh\necho booted-from-volume root-serial=$(cat /sys/block/vda/serial)\n"), Networks: []servers.Network{{UUID: c.netID}},
		BlockDevice: []servers.BlockDevice{{SourceType: servers.SourceImage, UUID: c.imageID, DestinationType: servers.DestinationVolume,
			VolumeSize: 1, BootIndex: 0, DeleteOnTermination: true}}}, KeyName: "guest-key"}
	v3, err := servers.Create(ctx, c.compute, opts, nil).Extract()
	if err != nil {
		t.Fatalf("create from volume: %v", err)
	}
	c.wait(v3.ID, "ACTIVE")
	pages, err := volumeattach.List(c.compute, v3.ID).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	atts, err := volumeattach.ExtractVolumeAttachments(pages)
	if err != nil || len(atts) != 1 {
		t.Fatalf("volumes of the volume-backed server: %v, %v", atts, err)
	}
	// The guest's first disk is the volume, found by its serial.
	c.waitConsole(v3.ID, "booted-from-volume root-serial="+atts[0].VolumeID[:20], 1)
	if _, err := os.Stat(filepath.Join(c.instanceDir(v3.ID), "disk")); err == nil {
		t.Errorf("a volume-backed guest has a local root disk")
	}
	if cmd := cmdline(t, onePid(t, v3.ID)); !strings.Contains(cmd, filepath.Join(c.dir, "volumes")+"/") {
		t.Errorf("the volume-backed guest's command line names no volume file: %s", cmd)
	}
}
