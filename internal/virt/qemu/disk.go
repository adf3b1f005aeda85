package qemu

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"novalite"
)

// formats maps a Glance disk_format the driver can boot from to QEMU's
// format name; aki/ari (kernel, ramdisk) are fetched as files.
var formats = map[string]string{"qcow2": "qcow2", "raw": "raw", "ami": "raw", "aki": "raw", "ari": "raw"}

// cached returns the image's bytes in the host's image cache, fetching
// them from the image service once (as Nova's _base).
func (d *Driver) cached(ctx context.Context, id string) (string, novalite.Image, error) {
	if d.cfg.Images == nil {
		return "", novalite.Image{}, fmt.Errorf("qemu driver: no image service")
	}
	im, r, err := d.cfg.Images.OpenImage(ctx, id)
	if err != nil {
		return "", im, fmt.Errorf("image %s: %w", id, err)
	}
	if r == nil {
		return "", im, fmt.Errorf("image %s has no data", id)
	}
	defer r.Close()
	if _, ok := formats[im.DiskFormat]; !ok {
		return "", im, fmt.Errorf("image %s: disk_format %q cannot be booted (want qcow2, raw or ami/aki/ari)", id, im.DiskFormat)
	}
	path := filepath.Join(d.cfg.Dir, baseDir, id)
	if _, err := os.Stat(path); err == nil {
		now := time.Now() // used now: the cache manager counts its age from here
		_ = os.Chtimes(path, now, now)
		return path, im, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), id+".part-*")
	if err != nil {
		return "", im, err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", im, fmt.Errorf("cache image %s: %w", id, err)
	}
	return path, im, nil
}

// qemuImg runs qemu-img.
func qemuImg(ctx context.Context, args ...string) ([]byte, error) {
	out, err := exec.CommandContext(ctx, "qemu-img", args...).CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("qemu-img %s: %w: %s", args[0], err, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// virtualSize is the size the disk image shows the guest.
func virtualSize(ctx context.Context, path, format string) (int64, error) {
	out, err := qemuImg(ctx, "info", "--output=json", "-f", format, path)
	if err != nil {
		return 0, err
	}
	var info struct {
		VirtualSize int64 `json:"virtual-size"`
	}
	return info.VirtualSize, json.Unmarshal(out, &info)
}

const gib = int64(1) << 30

// overlay makes the guest's root disk: a qcow2 file backed by the cached
// base image, grown to the flavor's root disk (root_gb 0: the image's
// own size, as Nova).
func overlay(ctx context.Context, path, base, format string, rootGB int) error {
	size, err := virtualSize(ctx, base, format)
	if err != nil {
		return err
	}
	want := int64(rootGB) * gib
	if rootGB > 0 && want < size {
		return fmt.Errorf("Flavor's disk is too small for requested image. Flavor disk is %d bytes, image is %d bytes.", want, size)
	}
	args := []string{"create", "-q", "-f", "qcow2", "-F", format, "-b", base, path}
	if want > size {
		args = append(args, fmt.Sprint(want))
	}
	_, err = qemuImg(ctx, args...)
	return err
}

// blank makes an empty qcow2 disk (ephemeral, swap).
func blank(ctx context.Context, path string, bytes int64) error {
	_, err := qemuImg(ctx, "create", "-q", "-f", "qcow2", path, fmt.Sprint(bytes))
	return err
}
