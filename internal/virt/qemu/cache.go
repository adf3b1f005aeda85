package qemu

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The image cache manager, as Nova's: a cached base image (_base) that
// no guest of this host uses — its own spec, the one an unrescue
// returns to, a move's kept directory — is removed once unused for
// Config.RemoveUnusedAge (Nova's remove_unused_original_minimum_age_seconds,
// 24 h), its age the time since a guest last used it: every run touches
// the bases in use, and every spawn the base it reuses. Downloads a crash
// left half made (.part-*) go after an hour, and so do the flattened
// disks of snapshots a crash interrupted.

// cacheEvery is how often Housekeep looks at the cache (Nova's
// image_cache_manager_interval, 2400 s).
const cacheEvery = 40 * time.Minute

// partAge is how old a half-made download must be to be removed.
const partAge = time.Hour

// Housekeep runs the image cache manager when it is due.
func (d *Driver) Housekeep(ctx context.Context) error {
	d.mu.Lock()
	due := time.Since(d.cacheRun) >= cacheEvery
	if due {
		d.cacheRun = time.Now()
	}
	d.mu.Unlock()
	if !due {
		return nil
	}
	d.sweepSnapshots()
	if d.cfg.RemoveUnusedAge < 0 {
		return nil
	}
	_, err := d.PruneCache(ctx, time.Now())
	return err
}

// sweepSnapshots removes the flattened disks that snapshots a crash
// interrupted left in guest directories: with the guest's lock held, no
// snapshot of this driver is writing one.
func (d *Driver) sweepSnapshots() {
	parts, _ := filepath.Glob(filepath.Join(d.cfg.Dir, "*", snapshotFile))
	for _, p := range parts {
		id := filepath.Base(filepath.Dir(p))
		if !uuidRE.MatchString(id) {
			continue
		}
		unlock := d.lock(id)
		if err := os.Remove(p); err == nil {
			d.cfg.Log.Info("removed an interrupted snapshot's file", "server", id)
		}
		unlock()
	}
}

// PruneCache removes the bases unused since before now minus
// RemoveUnusedAge, and returns their names.
func (d *Driver) PruneCache(ctx context.Context, now time.Time) ([]string, error) {
	used, err := d.basesInUse()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(d.cfg.Dir, baseDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		age := now.Sub(fi.ModTime())
		switch {
		case used[e.Name()]:
			_ = os.Chtimes(p, now, now)
		case strings.Contains(e.Name(), ".part-"):
			if age > partAge {
				_ = os.Remove(p)
			}
		case age > d.cfg.RemoveUnusedAge:
			if err := os.Remove(p); err != nil {
				return removed, err
			}
			removed = append(removed, e.Name())
			d.cfg.Log.Info("removed an unused base image from the cache", "image", e.Name(), "unused", age.Round(time.Second))
		}
	}
	return removed, nil
}

// basesInUse names the cache's files a guest directory of this host
// refers to.
func (d *Driver) basesInUse() (map[string]bool, error) {
	entries, err := os.ReadDir(d.cfg.Dir)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == baseDir {
			continue
		}
		for _, f := range []string{specFile, unrescueFile} {
			b, err := os.ReadFile(filepath.Join(d.cfg.Dir, e.Name(), f))
			if err != nil {
				continue
			}
			var s spec
			if json.Unmarshal(b, &s) != nil {
				continue
			}
			for _, ref := range []string{s.Instance.ImageRef, s.Instance.RescueImageRef,
				filepath.Base(s.Base), filepath.Base(s.Kernel), filepath.Base(s.Ramdisk)} {
				if ref != "" && ref != "." {
					used[ref] = true
				}
			}
		}
	}
	return used, nil
}
