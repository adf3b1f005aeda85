package compute

import (
	"context"

	"novalite/internal/store"
)

// The servers a show misses are mostly those that just changed: a
// client polls its new server, and each state the server passes through
// (scheduling, networking, block_device_mapping, spawning, ACTIVE) is a
// commit that evicts it. The scheduler and the agents change servers in
// batches, so the servers changed together are asked for soon after one
// another. A miss of a server that changed recently therefore reads the
// others that changed with it in the same query (refreshChanged): their
// polls then hit, and one read of k servers costs much less than k.

// changedKeep bounds the recently changed servers remembered; refreshMax
// the servers one miss reads.
const (
	changedKeep = 256
	refreshMax  = 32
)

// changedSet is the servers the change log named lately that no miss
// has taken since: their order (oldest first) and a set of them.
type changedSet struct {
	order []string
	in    map[string]struct{}
}

// add remembers ids as changed, forgetting the oldest past changedKeep.
func (s *changedSet) add(ids []string) {
	if s.in == nil {
		s.in = make(map[string]struct{})
	}
	if over := len(ids) - changedKeep; over > 0 {
		ids = ids[over:] // the rest would be forgotten at once
	}
	for _, id := range ids {
		if _, ok := s.in[id]; ok {
			continue
		}
		s.in[id] = struct{}{}
		s.order = append(s.order, id)
	}
	if over := len(s.order) - changedKeep; over > 0 {
		for _, id := range s.order[:over] {
			delete(s.in, id)
		}
		s.order = append(s.order[:0], s.order[over:]...)
	}
}

// take returns id and up to refreshMax-1 other changed servers that
// skip does not exclude, the newest first, and forgets them all; nil
// when id is not among them.
func (s *changedSet) take(id string, skip func(string) bool) []string {
	if _, ok := s.in[id]; !ok {
		return nil
	}
	out := []string{id}
	for i := len(s.order) - 1; i >= 0 && len(out) < refreshMax; i-- {
		if o := s.order[i]; o != id && !skip(o) {
			out = append(out, o)
		}
	}
	for _, o := range out {
		delete(s.in, o)
	}
	keep := s.order[:0]
	for _, o := range s.order {
		if _, ok := s.in[o]; ok {
			keep = append(keep, o)
		}
	}
	clear(s.order[len(keep):])
	s.order = keep
	return out
}

// reset forgets every changed server.
func (s *changedSet) reset() {
	clear(s.in)
	s.order = s.order[:0]
}

// takeChanged is changedSet.take under the cache's lock, leaving out
// the servers filed since they changed, with the count to file their
// read under: the last read of the log applied, which they are read
// after. (The count of the show's lookup, older, would refuse those a
// read since then named.)
func (c *viewCache) takeChanged(id string) ([]string, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed.take(id, c.holds), c.done
}

// refreshChanged answers a miss of server id when it changed lately: it
// reads the servers changed with it in one query and files them. It
// answers what the show's own read would: id's view, or NotFound when it
// is gone or not the caller's (confined to scope). ok false: id is not
// among them, or the read failed; the caller reads it alone.
func (s *Service) refreshChanged(ctx context.Context, id, scope string) (v ServerInfo, ok bool, err error) {
	ids, n := s.views.takeChanged(id)
	if len(ids) < 2 {
		return ServerInfo{}, false, nil // alone: the show's own read is cheaper
	}
	var read []ServerInfo
	err = s.db.View(ctx, func(tx *store.Tx) error {
		list, ports, err := tx.InstancesShow(ctx, ids)
		if err != nil {
			return err
		}
		read, err = s.serverInfos(ctx, tx, list, ports, false)
		return err
	})
	if err != nil {
		return ServerInfo{}, false, nil
	}
	s.views.putList(n, read, viewColsAll)
	for _, v := range read {
		if v.ID == id && !v.Deleted && (scope == "" || v.ProjectID == scope) {
			return v, true, nil // as read: no memo (putList filed copies)
		}
	}
	return ServerInfo{}, true, instanceNotFound(id)
}
