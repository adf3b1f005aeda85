//go:build guests

package cli_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

// diskMarker is user_data that leaves a mark on the guest's root disk
// on its first boot and reports it on every later one, from whatever
// disk the guest was given: a snapshot's, an unshelved server's; and a
// mark on its second disk (a rescued guest's own root disk).
const diskMarker = `#!/bin/sh
[ "$(head -c 14 /dev/vdb 2>/dev/null)" = novalite-mark1 ] && echo second-disk-has-mark
m=$(head -c 14 /dev/vda 2>/dev/null)
if [ "$m" = novalite-mark1 ]; then echo "disk-has-$m"; else printf novalite-mark1 > /dev/vda; sync; echo disk-written; fi
`

// bootImage creates a server of image imageID running userData.
func (c *cloud) bootImage(name, imageID, userData string) string {
	c.t.Helper()
	opts := keypairs.CreateOptsExt{CreateOptsBuilder: servers.CreateOpts{Name: name, ImageRef: imageID, FlavorRef: c.flavorID,
		UserData: []byte(userData), Networks: []servers.Network{{UUID: c.netID}}}, KeyName: "guest-key"}
	v, err := servers.Create(context.Background(), c.compute, opts, nil).Extract()
	if err != nil {
		c.t.Fatalf("create %s: %v", name, err)
	}
	return v.ID
}

// waitImage waits for the image to be active and returns it.
func (c *cloud) waitImage(id string) *images.Image {
	c.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		im, err := images.Get(context.Background(), c.image, id).Extract()
		if err != nil {
			c.t.Fatalf("image %s: %v", id, err)
		}
		if im.Status == images.ImageStatusActive {
			return im
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("image %s still %s", id, im.Status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkSnapshot checks a snapshot's image from the outside: Nova's
// properties and formats (the server's image is an ami: so is its
// snapshot, as Nova labels it, with the kernel and ramdisk it booted),
// and qcow2 bytes that qemu-img reads as a disk holding the guest's
// mark.
func (c *cloud) checkSnapshot(im *images.Image, imageType, serverID string) {
	c.t.Helper()
	if im.DiskFormat != "ami" || im.ContainerFormat != "ami" || im.SizeBytes == 0 {
		c.t.Errorf("snapshot %s: disk_format %q container_format %q size %d", im.Name, im.DiskFormat, im.ContainerFormat, im.SizeBytes)
	}
	base, err := images.Get(context.Background(), c.image, c.imageID).Extract()
	if err != nil {
		c.t.Fatal(err)
	}
	for k, want := range map[string]string{"image_type": imageType, "instance_uuid": serverID, "base_image_ref": c.imageID,
		"kernel_id": base.Properties["kernel_id"].(string), "ramdisk_id": base.Properties["ramdisk_id"].(string)} {
		if got, _ := im.Properties[k].(string); got != want {
			c.t.Errorf("snapshot %s: property %s = %q, want %q", im.Name, k, got, want)
		}
	}
	r, err := imagedata.Download(context.Background(), c.image, im.ID).Extract()
	if err != nil {
		c.t.Fatal(err)
	}
	defer r.Close()
	f, err := os.CreateTemp(c.t.TempDir(), "snap-*.qcow2")
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := io.Copy(f, r); err != nil {
		c.t.Fatal(err)
	}
	f.Close()
	raw := f.Name() + ".raw"
	out, err := exec.Command("qemu-img", "convert", "-f", "qcow2", "-O", "raw", f.Name(), raw).CombinedOutput()
	if err != nil {
		c.t.Fatalf("qemu-img convert of snapshot %s: %v: %s", im.Name, err, out)
	}
	head := make([]byte, 14)
	rf, err := os.Open(raw)
	if err != nil {
		c.t.Fatal(err)
	}
	defer rf.Close()
	if _, err := io.ReadFull(rf, head); err != nil || !bytes.Equal(head, []byte("novalite-mark1")) {
		c.t.Errorf("snapshot %s's disk starts %q (%v), want the guest's mark", im.Name, head, err)
	}
}

// TestRealGuestImages: createImage, createBackup and shelve of a running
// guest make real images of its disk — a second server booted from the
// snapshot finds the first one's mark on its disk, and so does the
// server unshelved from its shelve image. The second server is rescued,
// unrescued and rebuilt on the way (one serve and few boots: TCG boots
// are what make guests spends its time on).
func TestRealGuestImages(t *testing.T) {
	t.Parallel()
	c := guestCloud(t, "--shutdown-timeout", "20s")
	ctx := context.Background()

	id := c.boot("vm1", diskMarker)
	c.wait(id, "ACTIVE")
	c.waitConsole(id, "disk-written", 1)
	c.waitConsole(id, "novalite-guest: ready", 1)
	pid := onePid(t, id)

	start := time.Now()
	snapID, err := servers.CreateImage(ctx, c.compute, id, servers.CreateImageOpts{Name: "snap"}).ExtractImageID()
	c.action("createImage", err)
	snap := c.waitImage(snapID)
	c.wait(id, "ACTIVE")
	t.Logf("createImage → active: %v, %d bytes", time.Since(start).Round(time.Millisecond), snap.SizeBytes)
	c.checkSnapshot(snap, "snapshot", id)
	if p := onePid(t, id); p != pid {
		t.Errorf("createImage restarted the guest: QEMU %d, was %d", p, pid)
	}
	if st := qmpStatus(t, pid); st != "running" {
		t.Errorf("QMP status after createImage %q, want running", st)
	}

	// createBackup (no gophercloud call): an image of type backup.
	var backup struct {
		ImageID string `json:"image_id"`
	}
	_, err = c.compute.Post(ctx, c.compute.ServiceURL("servers", id, "action"),
		map[string]any{"createBackup": map[string]any{"name": "nightly", "backup_type": "daily", "rotation": 1}}, &backup,
		&gophercloud.RequestOpts{OkCodes: []int{202}})
	c.action("createBackup", err)
	backupID := backup.ImageID
	if backupID == "" {
		t.Fatal("createBackup answered no image_id")
	}
	c.checkSnapshot(c.waitImage(backupID), "backup", id)
	c.wait(id, "ACTIVE")

	// A second server from the snapshot: its disk is the first one's.
	vm2 := c.bootImage("vm2", snapID, diskMarker)
	c.wait(vm2, "ACTIVE")
	c.waitConsole(vm2, "novalite-guest: ready", 1)
	if out := c.console(vm2); !strings.Contains(out, "disk-has-novalite-mark1") {
		t.Errorf("server booted from the snapshot lacks the mark:\n%s", out)
	}
	c.rescueRebuild(vm2, 1)

	// shelve: offloaded at once (shelved_offload_time 0), nothing of the
	// guest left on the host; unshelve boots the shelve image.
	c.action("shelve", servers.Shelve(ctx, c.compute, id).ExtractErr())
	c.wait(id, "SHELVED_OFFLOADED")
	if p := qemuPids(t, id); len(p) != 0 {
		t.Errorf("QEMU runs after shelve: %v", p)
	}
	if _, err := os.Stat(c.instanceDir(id)); !os.IsNotExist(err) {
		t.Errorf("instance dir after shelve offload: %v", err)
	}
	shelved := c.imagesOf(id, "shelved")
	if len(shelved) != 1 {
		t.Fatalf("shelve images: %v", shelved)
	}
	c.checkSnapshot(c.waitImage(shelved[0]), "snapshot", id)
	c.action("unshelve", servers.Unshelve(ctx, c.compute, id, servers.UnshelveOpts{}).ExtractErr())
	c.wait(id, "ACTIVE")
	c.waitConsole(id, "disk-has-novalite-mark1", 1)
	if st := qmpStatus(t, onePid(t, id)); st != "running" {
		t.Errorf("QMP status after unshelve %q", st)
	}
	if left := c.imagesOf(id, "shelved"); len(left) != 0 {
		t.Errorf("shelve image kept after unshelve: %v", left)
	}

	for _, v := range []string{id, vm2} {
		c.action("delete", servers.Delete(ctx, c.compute, v).ExtractErr())
	}
	for _, v := range []string{id, vm2} {
		c.waitGone(v)
		if p := qemuPids(t, v); len(p) != 0 {
			t.Errorf("QEMU runs after delete: %v", p)
		}
		if _, err := os.Stat(c.instanceDir(v)); !os.IsNotExist(err) {
			t.Errorf("instance dir after delete: %v", err)
		}
	}
	c.checkNoScratch()
}

// imagesOf lists the images of the server whose name contains part.
func (c *cloud) imagesOf(serverID, part string) []string {
	c.t.Helper()
	pages, err := images.List(c.image, images.ListOpts{}).AllPages(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	all, err := images.ExtractImages(pages)
	if err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, im := range all {
		if u, _ := im.Properties["instance_uuid"].(string); u == serverID && strings.Contains(im.Name, part) {
			out = append(out, im.ID)
		}
	}
	return out
}

// checkNoScratch: no snapshot's bytes wait anywhere once it is done.
func (c *cloud) checkNoScratch() {
	c.t.Helper()
	left, _ := filepath.Glob(filepath.Join(c.dir, "images", "snapshot-*"))
	parts, _ := filepath.Glob(filepath.Join(c.dir, "instances", "*", "*", "snapshot.part"))
	if len(left)+len(parts) != 0 {
		c.t.Errorf("snapshot scratch files left: %v %v", left, parts)
	}
}
