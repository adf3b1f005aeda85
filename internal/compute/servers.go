package compute

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// ListServersParams selects a page of servers; IP and IP6 are substrings
// of a fixed address of the server's ports.
type ListServersParams struct {
	novalite.ServerListParams
	IP, IP6 string
	// Brief: the view shows ids and names only (GET /servers), so nothing
	// beyond the rows is read (metadata, tags, ports, host status).
	Brief bool
	// HostStatus: the view shows host_status, which reads the hosts' rows.
	HostStatus bool
}

// ServerAddress is one IP of a server as its views show it.
type ServerAddress struct {
	Network string
	Version int
	Addr    string
	Type    string // "fixed" or "floating"
	MAC     string
}

// ServerInfo is a server with what its views need beyond its row: the
// addresses and security groups of its ports, and its host's status.
type ServerInfo struct {
	novalite.Server
	Addresses      []ServerAddress
	SecurityGroups []string // names; nil when the server has no ports
	// HostStatus is UP, DOWN, MAINTENANCE or UNKNOWN; "" without host,
	// and from GetServer until FillHostStatus.
	HostStatus string
	// Memo is set on the servers of ListServers and GetServer that came
	// from the view cache as it was read (nil otherwise): a rendering of
	// their view is kept there. Such a server is rendered through Memo
	// only as it came (HostStatus aside: a view splices it in), never
	// after a change to its copy.
	Memo *ViewMemo
}

// ReclaimInterval is Nova's reclaim_instance_interval: > 0 means DELETE
// soft-deletes and a periodic job reclaims after this long.
func (s *Service) ReclaimInterval() time.Duration { return s.reclaim }

func instanceNotFound(id string) error {
	return novalite.Errorf(novalite.NotFound, "Instance %s could not be found.", id)
}

// serverErr is a store read's err for server id as Nova words it: a
// missing row is "Instance … could not be found."
func serverErr(id string, err error) error {
	if novalite.IsKind(err, novalite.NotFound) {
		return instanceNotFound(id)
	}
	return err
}

// scope is the project a caller's server lookups are confined to: none
// for admins, who see every project's servers.
func scope(c *novalite.Caller) string {
	if policy.IsAdmin(c) {
		return ""
	}
	return c.ProjectID
}

// GetServer returns a live (or soft-deleted) server the caller may see;
// another project's server is NotFound, as Nova answers.
func (s *Service) GetServer(ctx context.Context, c *novalite.Caller, id string) (ServerInfo, error) {
	v, hit, n, err := s.views.lookup(ctx, s.db, id, scope(c))
	if hit {
		return v, nil
	}
	cacheable := err == nil
	if cacheable {
		if v, ok, err := s.refreshChanged(ctx, id, scope(c)); ok {
			return v, err
		}
	}
	var out ServerInfo
	err = s.db.View(ctx, func(tx *store.Tx) error {
		v, ports, err := tx.InstanceShow(ctx, id, scope(c))
		if err != nil {
			return serverErr(id, err)
		}
		infos, err := s.serverInfos(ctx, tx, []*novalite.Server{&v}, ports, false)
		if err == nil {
			out = infos[0]
		}
		return err
	})
	if err == nil && cacheable {
		s.views.put(n, out)
		if s.now().Sub(out.UpdatedAt) > warmColdAge {
			s.warmViews(ctx)
		}
	}
	return out, err
}

// ServerTarget returns the project and user of a live server the caller
// may see, what a write's policy check needs, without reading its view
// (a delete: the server is gone next); NotFound as GetServer.
func (s *Service) ServerTarget(ctx context.Context, c *novalite.Caller, id string) (projectID, userID string, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		projectID, userID, err = tx.InstanceTarget(ctx, id, scope(c))
		return serverErr(id, err)
	})
	return projectID, userID, err
}

// FillHostStatus sets the HostStatus of a server GetServer returned: it
// reads the host's row, which a show needs only when the view has
// host_status (2.16+, and allowed by policy).
func (s *Service) FillHostStatus(ctx context.Context, info *ServerInfo) error {
	if info.Host == "" {
		return nil
	}
	return s.db.View(ctx, func(tx *store.Tx) error {
		return s.addHostStatus(ctx, tx, []*ServerInfo{info})
	})
}

func (s *Service) getServer(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.Server, error) {
	v, err := tx.InstanceGet(ctx, id, scope(c), false)
	return v, serverErr(id, err)
}

// unlockedServer is getServer for a change the server's lock must
// allow (Nova's check_instance_lock).
func (s *Service) unlockedServer(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.Server, error) {
	v, err := s.getServer(ctx, tx, c, id)
	if err != nil {
		return v, err
	}
	return v, checkLock(c, v)
}

// unlockedRow is unlockedServer without the server's metadata, tags and
// fault (two queries fewer in the write transaction), for a change that
// reads none of them.
func (s *Service) unlockedRow(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.Server, error) {
	v, err := tx.InstanceRow(ctx, id, scope(c))
	if err != nil {
		return v, serverErr(id, err)
	}
	return v, checkLock(c, v)
}

// ListServers returns a page of servers with their extras, in a fixed
// number of queries whatever the page size. An unknown marker is Nova's
// 400. A detailed page takes the views the view cache holds: the page's
// query reads the servers' ids alone, and only the servers the cache
// lacks are read (and filed), in a read of their own that lists lacking
// the same servers share (readMissing). As for a show, the change log is
// read first (a read that begins after the call), so a hit is as current
// as a read of the store. The servers that came from the cache are its
// own: the caller reads them and changes nothing.
func (s *Service) ListServers(ctx context.Context, p ListServersParams) ([]*ServerInfo, error) {
	if p.Brief {
		return s.listServers(ctx, p)
	}
	n, err := s.views.sync(ctx, s.db)
	if err != nil {
		return s.listServers(ctx, p)
	}
	cols := columnsOf(p.Columns)
	var ids []string
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if err := s.ipFilters(ctx, tx, &p); err != nil {
			return err
		}
		var err error
		ids, err = tx.InstanceListIDs(ctx, p.ServerListParams)
		return markerErr(p, err)
	})
	if err != nil {
		return nil, err
	}
	views, missing := s.views.getList(ids, cols)
	if len(missing) > 0 {
		read, err := s.readMissing(ctx, n, missing, p.Columns, cols)
		if err != nil {
			return nil, err
		}
		at := make(map[string]int, len(ids))
		for i, id := range ids {
			at[id] = i
		}
		for i := range read {
			views[at[read[i].ID]] = &read[i]
		}
	}
	// A server deleted from the table since the ids were read is left
	// out (its read found no row).
	out := slices.DeleteFunc(views, func(v *ServerInfo) bool { return v == nil })
	if !p.HostStatus {
		return out, nil
	}
	for i, v := range out { // the cache's servers are not to be changed
		if v.Host != "" {
			c := *v
			out[i] = &c
		}
	}
	err = s.db.View(ctx, func(tx *store.Tx) error { return s.addHostStatus(ctx, tx, out) })
	return out, err
}

// readMissing reads the servers of a page the view cache lacks (after
// read n of the change log) and files them. Lists that lack the same
// servers at the same read share one read: while servers are being made,
// every list of the newest ones lacks those changed since the last read,
// and each list read them all again. The servers read are shared with
// the cache and the other lists: their callers only render them.
func (s *Service) readMissing(ctx context.Context, n uint64, missing []string, c *novalite.ServerColumns, cols viewCols) ([]ServerInfo, error) {
	read := func() (any, error) {
		var out []ServerInfo
		err := s.db.View(ctx, func(tx *store.Tx) error {
			list, err := tx.InstancesByUUID(ctx, missing, c)
			if err != nil {
				return err
			}
			if err := tx.InstanceLoadExtras(ctx, list); err != nil {
				return err
			}
			out, err = s.serverInfos(ctx, tx, list, true, false)
			return err
		})
		if err == nil {
			s.views.putList(n, out, cols)
			for i := range out { // the lists sharing the read share their renderings too
				out[i].Memo = new(ViewMemo)
			}
		}
		return out, err
	}
	v, err, shared := s.listReads.Do(listReadKey(n, cols, missing), read)
	if err != nil && shared && ctx.Err() == nil {
		v, err = read() // the first caller's error (its request may have ended): read for ourselves
	}
	if err != nil {
		return nil, err
	}
	return v.([]ServerInfo), nil
}

// listReadKey names a read of the servers missing, with the columns
// cols, after read n of the change log.
func listReadKey(n uint64, cols viewCols, missing []string) string {
	var key strings.Builder
	key.Grow(24 + len(missing)*37)
	key.WriteString(strconv.FormatUint(n, 10))
	key.WriteByte('/')
	key.WriteString(strconv.Itoa(int(cols)))
	for _, id := range missing {
		key.WriteByte(',')
		key.WriteString(id)
	}
	return key.String()
}

// listServers is ListServers reading every server of the page from the
// store.
func (s *Service) listServers(ctx context.Context, p ListServersParams) ([]*ServerInfo, error) {
	var out []*ServerInfo
	err := s.db.View(ctx, func(tx *store.Tx) error {
		if err := s.ipFilters(ctx, tx, &p); err != nil {
			return err
		}
		list, err := tx.InstanceList(ctx, p.ServerListParams)
		if err != nil {
			return markerErr(p, err)
		}
		infos := make([]ServerInfo, len(list))
		if p.Brief {
			for i, v := range list {
				infos[i].Server = *v
			}
		} else {
			if err := tx.InstanceLoadExtras(ctx, list); err != nil {
				return err
			}
			if infos, err = s.serverInfos(ctx, tx, list, true, p.HostStatus); err != nil {
				return err
			}
		}
		out = make([]*ServerInfo, len(infos))
		for i := range infos {
			out[i] = &infos[i]
		}
		return nil
	})
	return out, err
}

// ipFilters turns p's ip and ip6 filters into lists of server ids.
func (s *Service) ipFilters(ctx context.Context, tx *store.Tx, p *ListServersParams) error {
	for _, ip := range []struct {
		sub string
		v6  bool
	}{{p.IP, false}, {p.IP6, true}} {
		if ip.sub == "" {
			continue
		}
		ids, err := s.serversByIP(ctx, tx, ip.sub, ip.v6)
		if err != nil {
			return err
		}
		p.Exact = append(p.Exact, novalite.ServerMatch{Column: "uuid", Values: ids})
	}
	return nil
}

// markerErr is a list query's err as Nova words it: a marker without
// a server is a 400.
func markerErr(p ListServersParams, err error) error {
	if novalite.IsKind(err, novalite.NotFound) {
		return novalite.Errorf(novalite.Invalid, "marker [%s] not found", p.Marker)
	}
	return err
}

// serverInfos adds the metadata clients see, ports (unless the caller
// knows there are none) and (hostStatus) the host status to servers, in
// bulk.
func (s *Service) serverInfos(ctx context.Context, tx *store.Tx, list []*novalite.Server, ports, hostStatus bool) ([]ServerInfo, error) {
	out := make([]ServerInfo, len(list))
	for i, v := range list {
		out[i].Server = *v
		out[i].Metadata = s.visibleMetadata(v.Metadata)
	}
	if ports {
		if err := s.addPorts(ctx, tx, out); err != nil {
			return nil, err
		}
	}
	if !hostStatus {
		return out, nil
	}
	ptrs := make([]*ServerInfo, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, s.addHostStatus(ctx, tx, ptrs)
}
