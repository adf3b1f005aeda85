package compute

import (
	"context"
	"time"

	"novalite"
	"novalite/internal/store"
)

// holds reports whether the cache has server id, as read or packed;
// c.mu is held.
func (c *viewCache) holds(id string) bool {
	if _, ok := c.entries[id]; ok {
		return true
	}
	_, ok := c.packed[id]
	return ok
}

// unpack drops the packed view of server id, if any; c.mu is held.
func (c *viewCache) unpack(id string) {
	if p, ok := c.packed[id]; ok {
		delete(c.packed, id)
		c.packedBytes -= len(p.b) + packedOverhead
	}
}

// pack files v, read with the columns cols, as a packed view. When
// there is no room, evict says whether to drop other packed views (any)
// to make it; else v is not filed, and pack reports false. c.mu is held.
func (c *viewCache) pack(v *ServerInfo, cols viewCols, evict bool) bool {
	b := packInfo(v)
	size := len(b) + packedOverhead
	for c.packedBytes+size > packedViewsMax {
		if !evict || len(c.packed) == 0 {
			return false
		}
		for old := range c.packed {
			c.unpack(old)
			break
		}
	}
	if c.packed == nil {
		c.packed = make(map[string]packedView)
	}
	c.unpack(v.ID)
	id := (&unpacker{b: b}).str() // the id's bytes in b: no string of its own
	c.packed[id] = packedView{b: b, cols: cols}
	c.packedBytes += size
	return true
}

// warmState is where the cache's read-ahead (warmViews) stands: the
// last server of the last page it read, whether a pass over the store
// has ended (misses counts the misses since) and whether one ever did
// (a pass after the first reads only the servers the cache lacks).
type warmState struct {
	running bool
	marker  string
	ended   bool
	misses  int
	again   bool
}

// warmPage is the servers a step of the read-ahead reads, at ~10-20 µs
// of CPU each (a show's miss costs ~100 µs): a step adds 10-20 ms to the
// show that takes it, one show in thousands while a pass lasts.
const warmPage = 1000

// warmViewBytes is about what a packed view of a plain server costs
// (277 bytes and its slot in the map: 350 on the heap).
const warmViewBytes = 400

// warmColdAge: only a miss of a server unchanged for this long starts a
// step. A server that just changed was evicted by its change and is
// read by whoever changed it (a client polling its new server): such
// misses say nothing of servers never read, and under a stream of
// creates they restarted the read-ahead's passes all along (20 % of
// serve's CPU under POST→ACTIVE with 100,000 stored, 719 → 462
// ACTIVE/s).
const warmColdAge = time.Minute

// warmAgain is the misses after which a pass that ended may begin
// again: by then servers created or changed since are worth a look.
const warmAgain = 10_000

// warmStart begins a step of the read-ahead after a miss, unless one is
// running, the packed views are full, or a pass ended less than
// warmAgain misses ago. It returns where the step starts, whether it
// reads only what the cache lacks, and the count to file its reads
// under.
func (c *viewCache) warmStart() (marker string, again bool, n uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := &c.warm
	if w.ended {
		if w.misses++; w.misses < warmAgain {
			return "", false, 0, false
		}
		*w = warmState{again: true}
	}
	if w.running || c.packedBytes+warmPage*warmViewBytes > packedViewsMax {
		return "", false, 0, false
	}
	w.running = true
	return w.marker, w.again, c.done, true
}

// warmEnd ends a step: the next starts after marker; "" ends the pass.
func (c *viewCache) warmEnd(marker string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.warm.running = false
	c.warm.marker, c.warm.ended = marker, marker == ""
	c.warm.again = c.warm.again || c.warm.ended
}

// filePacked files the servers of list, read with every column after
// read n of the log was applied, as packed views, while there is room;
// those the cache holds already are left as they are.
func (c *viewCache) filePacked(n uint64, list []ServerInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range list {
		v := &list[i]
		if v.Deleted || c.holds(v.ID) || n < c.floor || c.cleared > n || c.evicted[v.ID] > n {
			continue
		}
		if !c.pack(v, viewColsAll, false) {
			return
		}
	}
}

// warmViews reads ahead after a show's miss, when every live server
// fits in the packed views: the next page of them (every project,
// newest first, as a list pages them), filed packed. A show that
// misses says clients ask for servers the cache does not hold; read in
// pages, a server costs a fraction of its own miss.
// The first pass reads whole pages (most of their servers are missing);
// a later one reads the page's ids and then only the servers the cache
// lacks. One step at a time in the process; a failed step ends the pass.
func (s *Service) warmViews(ctx context.Context) {
	marker, again, n, ok := s.views.warmStart()
	if !ok {
		return
	}
	next := ""
	defer func() { s.views.warmEnd(next) }()
	live := false
	p := novalite.ServerListParams{Deleted: &live, Marker: marker, Limit: warmPage}
	var read []ServerInfo
	err := s.db.View(ctx, func(tx *store.Tx) error {
		if marker == "" { // a pass begins
			if fits, err := warmFits(ctx, tx); err != nil || !fits {
				return err
			}
		}
		list, last, err := s.warmRead(ctx, tx, p, again)
		if err != nil || len(list) == 0 {
			next = last // a page the cache had whole
			return err
		}
		next = last
		if err := tx.InstanceLoadExtras(ctx, list); err != nil {
			return err
		}
		read, err = s.serverInfos(ctx, tx, list, true, false)
		return err
	})
	if err != nil {
		next = ""
		return
	}
	s.views.filePacked(n, read)
}

// warmFits reports whether every live server would fit in the packed
// views (one count a pass, which stops past what fits). When they do
// not, a pass is not worth its CPU: with 1,000,000 servers stored and
// room for a sixth of them, it would read 170,000 servers to serve a
// sixth of the shows of servers asked for at random, at a cost above
// that of their misses.
func warmFits(ctx context.Context, tx *store.Tx) (bool, error) {
	most := packedViewsMax / warmViewBytes
	n, err := tx.InstanceCountLive(ctx, most+1)
	return n <= most, err
}

// warmRead reads page p of the read-ahead: every server (again false)
// or those the cache lacks. last is the page's last server when the
// page is full ("": the pass ends with it).
func (s *Service) warmRead(ctx context.Context, tx *store.Tx, p novalite.ServerListParams, again bool) (list []*novalite.Server, last string, err error) {
	if !again {
		list, err = tx.InstanceList(ctx, p)
		if len(list) == p.Limit {
			last = list[len(list)-1].ID
		}
		return list, last, err
	}
	ids, err := tx.InstanceListIDs(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if len(ids) == p.Limit {
		last = ids[len(ids)-1]
	}
	list, err = tx.InstancesByUUID(ctx, s.views.lacking(ids), nil)
	return list, last, err
}

// lacking is the ids of servers the cache does not hold.
func (c *viewCache) lacking(ids []string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, id := range ids {
		if !c.holds(id) {
			out = append(out, id)
		}
	}
	return out
}
