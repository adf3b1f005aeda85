//go:build guests

package qemu_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"novalite"
	"novalite/internal/virt"
	"novalite/internal/virt/qemu"
	"novalite/internal/virt/qemu/testguest"
	"novalite/internal/virt/virttest"
)

// files serves the test guest as the image service would: a kernel
// (aki), a ramdisk (ari) and a disk (ami) naming them.
type files map[string]struct {
	im   novalite.Image
	path string
}

func (f files) OpenImage(ctx context.Context, id string) (novalite.Image, io.ReadCloser, error) {
	e, ok := f[id]
	if !ok {
		return novalite.Image{}, nil, novalite.Errorf(novalite.NotFound, "Image %s could not be found.", id)
	}
	r, err := os.Open(e.path)
	return e.im, r, err
}

func guestImages(t *testing.T) files {
	t.Helper()
	g, err := testguest.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	img := func(id, format, path string, props map[string]string) (string, struct {
		im   novalite.Image
		path string
	}) {
		return id, struct {
			im   novalite.Image
			path string
		}{novalite.Image{ID: id, DiskFormat: format, ContainerFormat: format, Status: novalite.ImageActive, Properties: props}, path}
	}
	f := files{}
	k, kv := img("kernel", "aki", g.Kernel, nil)
	r, rv := img("ramdisk", "ari", g.Initrd, nil)
	d, dv := img(virttest.ImageRef, "ami", g.Disk, map[string]string{"kernel_id": "kernel", "ramdisk_id": "ramdisk",
		"os_command_line": testguest.CommandLine})
	f[k], f[r], f[d] = kv, rv, dv
	return f
}

func TestContract(t *testing.T) {
	images := guestImages(t)
	virttest.Run(t, func(t *testing.T) virt.Driver {
		dir := filepath.Join(t.TempDir(), virttest.Host)
		d, err := qemu.New(qemu.Config{Dir: dir, Images: images, ShutdownTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", qemu.NetNS(dir)).Run() })
		t.Cleanup(func() { cleanup(t, d) })
		return d
	}, virttest.GuestReady(guestReady()))
}

// guestReady returns what waits for the test guest's ready line after
// its last boot, and after the boot that followed the previous wait: a
// guest just started again still shows the last boot's ready line.
func guestReady() func(ctx context.Context, d virt.Driver, inst virt.Instance) error {
	seen := 0
	return func(ctx context.Context, d virt.Driver, inst virt.Instance) error {
		for {
			out, err := d.(virt.ConsoleLogger).ConsoleLog(ctx, inst)
			if err != nil {
				return err
			}
			n := strings.Count(out, "novalite-guest: ready")
			if n > seen && strings.LastIndex(out, "novalite-guest: ready") > strings.LastIndex(out, "novalite-guest: booted") {
				seen = n
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
}

// cleanup destroys the contract's guests, whatever the test left.
func cleanup(t *testing.T, d *qemu.Driver) {
	for _, id := range []string{"5c3d1f9e-0000-4000-8000-000000000001", "5c3d1f9e-0000-4000-8000-000000000002"} {
		if err := d.Destroy(context.Background(), virt.Instance{ID: id}); err != nil {
			t.Errorf("cleanup %s: %v", id, err)
		}
	}
}
