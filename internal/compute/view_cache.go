package compute

import (
	"context"
	"maps"
	"slices"
	"sync"

	"novalite"
	"novalite/internal/store"
)

// viewCache keeps the servers GetServer and ListServers read, by id, and
// evicts a server
// when the store's change log (written by triggers in the transaction of
// every write to what a server's view shows: its row, metadata, tags,
// faults, volumes, ports, addresses, floating IPs, groups) names it.
//
// Before a hit it knows that no newer change exists: a lookup of a
// server the cache holds syncs (store.DB.SyncChanges), waiting for a read
// of the log that began after the call or, within a request, after the
// request came (the read that validated its token: one statement tells
// both caches what changed). A server it does not hold is read from the
// store at once. Serve on SQLite, whose process owns the file, skips
// the read while the store's write generation has not moved since the
// last one: then nothing at all was committed since. Other processes
// commit on PostgreSQL and in the roles of a deployment: there each
// request asks the log (one indexed query).
//
// A server read from the store after read n of the log was applied is
// filed only when no later read evicted it (between the store's read and
// the filing): readers on other goroutines keep reading the log meanwhile.
//
// The servers filed last are kept as read; those they make room for, and
// those a show's miss reads ahead (view_warm.go), are kept packed, in a
// budget of bytes (view_pack.go).
type viewCache struct {
	mu sync.Mutex
	// entries are the servers filed last, as they were read (lists hand
	// them out and keep a rendering of each); packed, the servers they
	// made room for and those warm read ahead, each one string
	// (view_pack.go), up to packedBytes. A server is in one or neither.
	entries     map[string]*viewEntry
	packed      map[string]packedView
	packedBytes int
	warm        warmState
	// done is the last read of the log applied (onChanges).
	done uint64
	// evicted: the last read of the log that evicted each server, for
	// the reads after floor; cleared: the last read that emptied the
	// cache.
	evicted        map[string]uint64
	floor, cleared uint64
	// changed: the servers the log named lately (view_changed.go).
	changed changedSet
}

// viewEntry is a cached server and the columns it was read with. It is
// never changed once filed (a server filed again is a new entry), so
// lists hand out pointers to its info.
type viewEntry struct {
	info ServerInfo
	cols viewCols
}

// viewCols are the optional columns of a server's row (the bits of
// novalite.ServerColumns, in its order) that a cached view was read with;
// viewColsAll is a show's read, every column. A list view reads fewer
// (ServerListParams.Columns): its views serve the lists that ask for no
// more, and a show reads its server again.
type viewCols uint8

// viewColsAll also has the bit of the columns no list view reads.
const viewColsAll viewCols = 1<<5 - 1

// columnsOf is the viewCols of a read of c (nil: every column).
func columnsOf(c *novalite.ServerColumns) viewCols {
	if c == nil {
		return viewColsAll
	}
	var m viewCols
	for bit, on := range []bool{c.UserData, c.TrustedCerts, c.ImageProperties, c.SchedulerHints} {
		if on {
			m |= 1 << bit
		}
	}
	return m
}

// viewCacheMax bounds the servers kept as read (entries): ~1.6 KB each
// for a plain server, a few KB with ports and metadata, so tens of MB at
// most.
const viewCacheMax = 16384

// packedViewsMax bounds the bytes of the packed views: ~300 bytes and
// packedOverhead each for a plain server, so ~170,000 of them. A
// server's bytes are not scanned by the collector (no pointers); the
// map's keys and values are.
const packedViewsMax = 64 << 20

// packedOverhead is what a packed view costs besides its bytes: its
// slot in the map (key, value, control byte) and the map's free slots.
const packedOverhead = 64

// packedView is a server packed by packInfo and the columns it was read
// with.
type packedView struct {
	b    string
	cols viewCols
}

// lookup returns server id for a caller confined to scope when the
// cache holds it and it is current; else the count to file a read from
// the store under (put). An error: the log could not be read.
func (c *viewCache) lookup(ctx context.Context, db *store.DB, id, scope string) (v ServerInfo, hit bool, n uint64, err error) {
	c.mu.Lock()
	held := c.holds(id)
	n = c.done
	c.mu.Unlock()
	if !held {
		return ServerInfo{}, false, n, nil
	}
	if n, err = c.sync(ctx, db); err != nil {
		return ServerInfo{}, false, 0, err
	}
	v, hit = c.get(id, scope)
	return v, hit, n, nil
}

// sync makes the cache current as of the call: every change committed
// before it (or before the request, store.WithReadPoint) is evicted. It
// returns the count to file a read under (put).
func (c *viewCache) sync(ctx context.Context, db *store.DB) (uint64, error) {
	if err := db.SyncChanges(ctx); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done, nil
}

// onChanges applies read n of the log (store.DB.OnChanges).
func (c *viewCache) onChanges(n uint64, ch store.Changes) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.apply(n, ch.Servers, ch.AllServers)
}

// evictedKeep is how many reads of the log the evictions are remembered
// for (at least): a server read from the store before them is not filed.
const evictedKeep = 128

// evictAllAbove: a read of the log naming more servers than this
// empties the cache instead, as a pruning does. Remembering each
// eviction (a bulk import or seed names every server once) kept a map
// of them all until the next reads aged it out: 100,000 entries after a
// seed, some 50 MiB of serve's RSS.
const evictAllAbove = viewCacheMax

// apply evicts what read n of the log found changed.
func (c *viewCache) apply(n uint64, ids []string, all bool) {
	c.done = n
	if all || len(ids) > evictAllAbove {
		clear(c.entries)
		clear(c.packed)
		c.packedBytes = 0
		clear(c.evicted)
		c.cleared = n
		c.warm = warmState{}
		c.changed.reset()
		return
	}
	if c.evicted == nil {
		c.evicted = make(map[string]uint64)
	}
	for _, id := range ids {
		delete(c.entries, id)
		c.unpack(id)
		c.evicted[id] = n
	}
	c.changed.add(ids)
	if n-c.floor > 2*evictedKeep {
		c.floor = n - evictedKeep
		maps.DeleteFunc(c.evicted, func(_ string, m uint64) bool { return m <= c.floor })
	}
}

// get returns a copy of server id for a caller confined to scope (a
// project, or "" for admins); another project's server is not served,
// nor one read without every column.
func (c *viewCache) get(id, scope string) (ServerInfo, bool) {
	c.mu.Lock()
	e, ok := c.entries[id]
	p, packed := c.packed[id]
	c.mu.Unlock()
	var v ServerInfo
	switch {
	case ok && e.cols == viewColsAll:
		v = cloneInfo(e.info) // the memo stays shared: see ServerInfo.Memo
	case !ok && packed && p.cols == viewColsAll:
		v = unpackInfo(p.b)
	default:
		return ServerInfo{}, false
	}
	if scope != "" && v.ProjectID != scope {
		return ServerInfo{}, false
	}
	return v, true
}

// getList returns, for each of ids, the server when the cache holds it
// read with at least the columns need (else nil, and the id in missing).
// No project is checked: ids are the result of a query that was. The
// servers are the cache's own (a deep copy of each was a tenth of a
// page's CPU, a copy of the struct, 1 KB, still 15 %): ListServers'
// caller only renders them.
func (c *viewCache) getList(ids []string, need viewCols) (views []*ServerInfo, missing []string) {
	views = make([]*ServerInfo, len(ids))
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, id := range ids {
		if e, ok := c.entries[id]; ok && e.cols&need == need {
			views[i] = &e.info
		} else if p, ok := c.packed[id]; ok && p.cols&need == need {
			v := unpackInfo(p.b) // no rendering is kept for it (Memo nil)
			views[i] = &v
		} else {
			missing = append(missing, id)
		}
	}
	return views, missing
}

// put files v, read from the store with every column after read n of
// the log was applied.
func (c *viewCache) put(n uint64, v ServerInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.file(n, v, viewColsAll)
}

// putList files the servers of list, read with the columns cols after
// read n of the log was applied. Deleted servers are left out: GetServer
// does not show them (a list with changes-since does).
func (c *viewCache) putList(n uint64, list []ServerInfo, cols viewCols) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range list {
		if !list[i].Deleted {
			c.file(n, list[i], cols)
		}
	}
}

// file is put and putList with c.mu held.
func (c *viewCache) file(n uint64, v ServerInfo, cols viewCols) {
	if n < c.floor || c.cleared > n || c.evicted[v.ID] > n {
		return // a later read of the log evicted it (or may have)
	}
	if c.entries == nil {
		c.entries = make(map[string]*viewEntry)
	}
	c.unpack(v.ID)
	if _, ok := c.entries[v.ID]; !ok && len(c.entries) >= viewCacheMax {
		for old, e := range c.entries { // full: make room by packing any one
			delete(c.entries, old)
			c.pack(&e.info, e.cols, true)
			break
		}
	}
	v = cloneInfo(v)
	v.HostStatus = "" // read again for each view that shows it
	v.Memo = new(ViewMemo)
	c.entries[v.ID] = &viewEntry{info: v, cols: cols}
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
