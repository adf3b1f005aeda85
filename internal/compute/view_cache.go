package compute

import (
	"maps"
	"slices"
	"sync"
)

// viewCache keeps the servers GetServer read, filed under the store's
// write generation: any commit in this process moves the generation and
// empties the cache, so a server is served from it only while nothing at
// all has been written since it was read. That is coarse on purpose:
// no write path has to say which servers it touched (a port, a tag, a
// fault or a host change would otherwise each need their own
// invalidation), and a poll of a server that is not changing — what
// clients waiting on a server do most — costs no query. It is used only
// where the store's generation is authoritative (SQLite: one process owns
// the file); across PostgreSQL replicas it stays off.
type viewCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[viewKey]ServerInfo
}

// viewKey is a lookup as getServer makes it: the server and the project
// the caller is confined to ("" for admins).
type viewKey struct{ id, scope string }

// viewCacheMax bounds the entries kept between two commits: a few KB
// each, so tens of MB at most.
const viewCacheMax = 16384

func (c *viewCache) get(gen uint64, k viewKey) (ServerInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return ServerInfo{}, false
	}
	v, ok := c.entries[k]
	if !ok {
		return ServerInfo{}, false
	}
	return cloneInfo(v), true
}

// put files v, read in a transaction that began at generation gen.
func (c *viewCache) put(gen uint64, k viewKey, v ServerInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen < c.gen {
		return // read before a commit the cache has already seen
	}
	if gen > c.gen {
		c.gen = gen
		clear(c.entries)
	}
	if c.entries == nil {
		c.entries = make(map[viewKey]ServerInfo)
	}
	if len(c.entries) >= viewCacheMax {
		for old := range c.entries { // full: make room by dropping any one
			delete(c.entries, old)
			break
		}
	}
	c.entries[k] = cloneInfo(v)
}

// cloneInfo copies v deeply enough that neither the caller nor the cache
// can change the other's maps, slices or pointed-to values.
func cloneInfo(v ServerInfo) ServerInfo {
	s := &v.Server
	s.ImageProperties = maps.Clone(s.ImageProperties)
	s.Flavor.ExtraSpecs = maps.Clone(s.Flavor.ExtraSpecs)
	if s.OldFlavor != nil {
		f := *s.OldFlavor
		f.ExtraSpecs = maps.Clone(f.ExtraSpecs)
		s.OldFlavor = &f
	}
	s.Description = clonePtr(s.Description)
	s.LockedReason = clonePtr(s.LockedReason)
	s.KeyName = clonePtr(s.KeyName)
	s.UserData = clonePtr(s.UserData)
	s.TrustedCerts = slices.Clone(s.TrustedCerts)
	s.SchedulerHints = s.SchedulerHints.Clone()
	s.Metadata = maps.Clone(s.Metadata)
	s.Tags = slices.Clone(s.Tags)
	s.Fault = clonePtr(s.Fault)
	s.Volumes = slices.Clone(s.Volumes)
	for i := range s.Volumes {
		s.Volumes[i].BootIndex = clonePtr(s.Volumes[i].BootIndex)
	}
	v.Addresses = slices.Clone(v.Addresses)
	v.SecurityGroups = slices.Clone(v.SecurityGroups)
	return v
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
