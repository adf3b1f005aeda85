package compute

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
)

// cached reports whether the view cache holds server id.
func (b *testBundle) cached(id string) bool {
	b.svc.views.mu.Lock()
	defer b.svc.views.mu.Unlock()
	return b.svc.views.holds(id)
}

// emptyCache drops every server the view cache holds.
func (b *testBundle) emptyCache() {
	c := &b.svc.views
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries, c.packed, c.packedBytes = nil, nil, 0
}

// noWarm stops the view cache's read-ahead for the rest of the test
// (a pass that ended long before its next may begin).
func (b *testBundle) noWarm() {
	c := &b.svc.views
	c.mu.Lock()
	defer c.mu.Unlock()
	c.warm = warmState{ended: true, misses: -1 << 40}
}

func (b *testBundle) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if err := b.db.Tx(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
		t.Fatal(err)
	}
}

func (b *testBundle) read(t *testing.T, c *novalite.Caller, id string) ServerInfo {
	t.Helper()
	got, err := b.svc.GetServer(context.Background(), c, id)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestViewCacheEvicts: a server read twice with nothing written in
// between is served from the cache the second time (both engines); a
// caller's change to what it got reaches neither the cache nor the next
// caller; a bookkeeping commit keeps it; a rename is seen by the very
// next read; another project's read of a cached server is NotFound.
func TestViewCacheEvicts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	v := storetest.Server(t, b.db, novalite.Server{VMState: novalite.VMActive, ProjectID: "p1",
		Name: "before", CreatedAt: t0, UpdatedAt: t0, Metadata: map[string]string{"k": "v"}})
	first := b.read(t, member, v.ID)
	first.Metadata["k"] = "changed by the caller"
	first.Tags = append(first.Tags, "x")
	if got := b.read(t, member, v.ID); got.Metadata["k"] != "v" || len(got.Tags) != 0 {
		t.Fatalf("a caller's change reached the cache: %v %v", got.Metadata, got.Tags)
	}
	if !b.cached(v.ID) {
		t.Fatal("the server is not cached")
	}
	if err := b.db.Tx(ctx, func(tx *store.Tx) error {
		tx.Bookkeeping()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	b.read(t, member, v.ID)
	if !b.cached(v.ID) {
		t.Fatal("a bookkeeping commit emptied the cache")
	}
	name := "after"
	if _, err := b.svc.UpdateServer(ctx, member, v.ID, UpdateServerParams{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if got := b.read(t, member, v.ID); got.Name != "after" {
		t.Fatalf("name %q after the rename committed, want after", got.Name)
	}
	other := &novalite.Caller{UserID: "u2", ProjectID: "p2", Roles: member.Roles}
	if _, err := b.svc.GetServer(ctx, other, v.ID); !novalite.IsKind(err, novalite.NotFound) {
		t.Fatalf("another project's read of a cached server: %v, want NotFound", err)
	}
	admin := &novalite.Caller{UserID: "a", ProjectID: "admin", Roles: []novalite.Role{{Name: "admin"}}}
	if got := b.read(t, admin, v.ID); got.Name != "after" {
		t.Fatalf("admin read %q", got.Name)
	}
}

// TestViewCacheRequest: within a request (store.WithReadPoint) the read
// of the change log made when its token was validated serves its shows;
// a write of the request's own is seen by its next show, and a write
// committed before a request came by that request's shows.
func TestViewCacheRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := storetest.Server(t, b.db, novalite.Server{VMState: novalite.VMActive, ProjectID: "p1",
		Name: "before", CreatedAt: t0, UpdatedAt: t0})
	request := func() context.Context {
		t.Helper()
		ctx := store.WithReadPoint(context.Background())
		if err := b.db.SyncChanges(ctx); err != nil { // as the token's validation does
			t.Fatal(err)
		}
		return ctx
	}
	show := func(ctx context.Context, want string) {
		t.Helper()
		got, err := b.svc.GetServer(ctx, member, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != want {
			t.Fatalf("showed %q, want %q", got.Name, want)
		}
	}
	ctx := request()
	show(ctx, "before")
	show(ctx, "before")
	if !b.cached(v.ID) {
		t.Fatal("the server is not cached")
	}
	for _, name := range []string{"own write", "own write again"} {
		if _, err := b.svc.UpdateServer(ctx, member, v.ID, UpdateServerParams{Name: &name}); err != nil {
			t.Fatal(err)
		}
		show(ctx, name)
	}
	b.exec(t, `UPDATE instances SET name = 'another request' WHERE uuid = $1`, v.ID)
	show(request(), "another request")
}

// viewFixture is a server in ERROR (so that its fault shows) with
// metadata, a tag, a volume, and a port with an address, a security
// group and a floating IP: something in every table its view shows.
type viewFixture struct {
	server                      novalite.Server
	network, port, group, float string
}

func newViewFixture(t *testing.T, b *testBundle) viewFixture {
	t.Helper()
	ctx := context.Background()
	v := storetest.Server(t, b.db, novalite.Server{VMState: novalite.VMError, ProjectID: "p1", Name: "vm",
		CreatedAt: t0, UpdatedAt: t0, Metadata: map[string]string{"k": "v"}, Tags: []string{"t1"}})
	f := viewFixture{server: v, network: "net-" + v.ID[:8], port: "port-" + v.ID[:8], group: "sg-" + v.ID[:8],
		float: "fip-" + v.ID[:8]}
	boot := 0
	err := b.db.Tx(ctx, func(tx *store.Tx) error {
		steps := []func() error{
			func() error {
				return tx.InstanceFaultInsert(ctx, v.InternalID, novalite.Fault{Code: 500, Message: "first", Created: t0})
			},
			func() error {
				return tx.NetworkInsert(ctx, novalite.Network{ID: f.network, Name: "net1", ProjectID: "p1", AdminStateUp: true,
					MTU: 1500, CreatedAt: t0, UpdatedAt: t0})
			},
			func() error {
				return tx.SubnetInsert(ctx, novalite.Subnet{ID: "sub-" + f.network, NetworkID: f.network, ProjectID: "p1",
					IPVersion: 4, CIDR: "10.0.0.0/24", GatewayIP: "10.0.0.1", CreatedAt: t0, UpdatedAt: t0})
			},
			func() error {
				return tx.SecurityGroupInsert(ctx, novalite.SecurityGroup{ID: f.group, Name: "web", ProjectID: "p1",
					CreatedAt: t0, UpdatedAt: t0})
			},
			func() error {
				return tx.PortInsert(ctx, novalite.Port{ID: f.port, NetworkID: f.network, ProjectID: "p1", MACAddress: "fa:16:3e:00:00:01",
					AdminStateUp: true, Status: "ACTIVE", DeviceID: v.ID, DeviceOwner: "compute:nova", SecurityGroups: []string{f.group},
					CreatedAt: t0, UpdatedAt: t0})
			},
			func() error {
				return tx.IPAllocationInsert(ctx, store.IPAllocation{SubnetID: "sub-" + f.network, IP: "10.0.0.5", PortID: f.port, NetworkID: f.network})
			},
			func() error {
				return tx.PortInsert(ctx, novalite.Port{ID: "fport-" + f.float, NetworkID: f.network, ProjectID: "p1",
					MACAddress: "fa:16:3e:00:00:02", Status: "N/A", DeviceID: f.float, DeviceOwner: "network:floatingip",
					CreatedAt: t0, UpdatedAt: t0})
			},
			func() error {
				return tx.FloatingIPInsert(ctx, novalite.FloatingIP{ID: f.float, ProjectID: "p1", FloatingNetworkID: f.network,
					FloatingIPAddress: "172.24.4.10", FloatingPortID: "fport-" + f.float, PortID: f.port, FixedIPAddress: "10.0.0.5",
					Status: "ACTIVE", CreatedAt: t0, UpdatedAt: t0})
			},
			func() error {
				return tx.BDMInsert(ctx, novalite.BlockDeviceMapping{ID: "bdm-" + v.ID, InstanceUUID: v.ID, VolumeID: "vol1",
					Device: "/dev/vda", BootIndex: &boot, SourceType: "volume", CreatedAt: t0})
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// addrs lists a view's addresses as "network type addr mac".
func addrs(v ServerInfo) []string {
	var out []string
	for _, a := range v.Addresses {
		out = append(out, fmt.Sprintf("%s %s %s %s", a.Network, a.Type, a.Addr, a.MAC))
	}
	slices.Sort(out)
	return out
}

// brief is what TestViewCacheSources checks of a view.
func brief(v ServerInfo) string {
	fault := ""
	if v.Fault != nil {
		fault = v.Fault.Message
	}
	return fmt.Sprintf("name %s metadata %v tags %v fault %q volumes %d addresses %v groups %v",
		v.Name, v.Metadata, v.Tags, fault, len(v.Volumes), addrs(v), v.SecurityGroups)
}

// TestViewCacheSources: a change to each table a server's view shows,
// written in SQL as any write path (or another process) would, is seen by
// the next read of a cached server. A source without the change log's
// trigger fails here.
func TestViewCacheSources(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := newViewFixture(t, b)
	id, iid := f.server.ID, f.server.InternalID
	for _, c := range []struct {
		name string
		sql  string
		args []any
		want func(v ServerInfo) bool
	}{
		{"view of the fixture", ``, nil, func(v ServerInfo) bool {
			return v.Name == "vm" && v.Metadata["k"] == "v" && slices.Equal(v.Tags, []string{"t1"}) && v.Fault != nil &&
				v.Fault.Message == "first" && len(v.Volumes) == 1 && slices.Equal(v.SecurityGroups, []string{"web"}) &&
				slices.Equal(addrs(v), []string{"net1 fixed 10.0.0.5 fa:16:3e:00:00:01", "net1 floating 172.24.4.10 fa:16:3e:00:00:01"})
		}},
		{"instance renamed", `UPDATE instances SET name = 'vm2' WHERE uuid = $1`, []any{id},
			func(v ServerInfo) bool { return v.Name == "vm2" }},
		{"metadata added", `INSERT INTO instance_metadata (instance_id, key, value) VALUES ($1, 'k2', 'v2')`, []any{iid},
			func(v ServerInfo) bool { return v.Metadata["k2"] == "v2" }},
		{"metadata changed", `UPDATE instance_metadata SET value = 'w' WHERE instance_id = $1 AND key = 'k'`, []any{iid},
			func(v ServerInfo) bool { return v.Metadata["k"] == "w" }},
		{"metadata deleted", `DELETE FROM instance_metadata WHERE instance_id = $1 AND key = 'k2'`, []any{iid},
			func(v ServerInfo) bool { _, ok := v.Metadata["k2"]; return !ok }},
		{"tag added", `INSERT INTO instance_tags (instance_id, tag) VALUES ($1, 't2')`, []any{iid},
			func(v ServerInfo) bool { return slices.Equal(v.Tags, []string{"t1", "t2"}) }},
		{"tag deleted", `DELETE FROM instance_tags WHERE instance_id = $1 AND tag = 't1'`, []any{iid},
			func(v ServerInfo) bool { return slices.Equal(v.Tags, []string{"t2"}) }},
		{"fault added", `INSERT INTO instance_faults (instance_id, code, message, details, created_at) VALUES ($1, 500, 'second', '', 1)`,
			[]any{iid}, func(v ServerInfo) bool { return v.Fault != nil && v.Fault.Message == "second" }},
		{"fault changed", `UPDATE instance_faults SET message = 'third' WHERE instance_id = $1 AND message = 'second'`,
			[]any{iid}, func(v ServerInfo) bool { return v.Fault != nil && v.Fault.Message == "third" }},
		{"volume's device changed", `UPDATE block_device_mappings SET device_name = '/dev/vdz' WHERE instance_uuid = $1`,
			[]any{id}, func(v ServerInfo) bool { return len(v.Volumes) == 1 && v.Volumes[0].Device == "/dev/vdz" }},
		{"volume attached", `INSERT INTO block_device_mappings (id, instance_uuid, volume_id, attachment_id, device_name,
			delete_on_termination, tag, source_type, created_at) VALUES ('bdm2-' || $1, $1, 'vol2', '', '/dev/vdb', false, '', 'volume', 2)`,
			[]any{id}, func(v ServerInfo) bool { return len(v.Volumes) == 2 }},
		{"volume detached", `DELETE FROM block_device_mappings WHERE id = 'bdm2-' || $1`, []any{id},
			func(v ServerInfo) bool { return len(v.Volumes) == 1 }},
		{"port's MAC changed", `UPDATE ports SET mac_address = 'fa:16:3e:00:00:09' WHERE id = $1`, []any{f.port},
			func(v ServerInfo) bool { return len(v.Addresses) == 2 && v.Addresses[0].MAC == "fa:16:3e:00:00:09" }},
		{"address added", `INSERT INTO ip_allocations (subnet_id, ip_address, port_id, network_id) VALUES ($1, '10.0.0.6', $2, $3)`,
			[]any{"sub-" + f.network, f.port, f.network}, func(v ServerInfo) bool { return len(v.Addresses) == 3 }},
		{"address removed", `DELETE FROM ip_allocations WHERE port_id = $1 AND ip_address = '10.0.0.6'`, []any{f.port},
			func(v ServerInfo) bool { return len(v.Addresses) == 2 }},
		{"group removed from the port", `DELETE FROM port_security_groups WHERE port_id = $1`, []any{f.port},
			func(v ServerInfo) bool { return len(v.SecurityGroups) == 0 }},
		{"group added to the port", `INSERT INTO port_security_groups (port_id, security_group_id) VALUES ($1, $2)`,
			[]any{f.port, f.group}, func(v ServerInfo) bool { return slices.Equal(v.SecurityGroups, []string{"web"}) }},
		{"group renamed", `UPDATE security_groups SET name = 'www' WHERE id = $1`, []any{f.group},
			func(v ServerInfo) bool { return slices.Equal(v.SecurityGroups, []string{"www"}) }},
		{"network renamed", `UPDATE networks SET name = 'net2' WHERE id = $1`, []any{f.network},
			func(v ServerInfo) bool { return len(v.Addresses) == 2 && v.Addresses[0].Network == "net2" }},
		{"floating IP disassociated", `UPDATE floatingips SET port_id = NULL, fixed_ip_address = NULL WHERE id = $1`,
			[]any{f.float}, func(v ServerInfo) bool { return len(v.Addresses) == 1 }},
		{"floating IP associated", `UPDATE floatingips SET port_id = $2, fixed_ip_address = '10.0.0.5' WHERE id = $1`,
			[]any{f.float, f.port}, func(v ServerInfo) bool { return len(v.Addresses) == 2 }},
		{"floating IP deleted", `DELETE FROM floatingips WHERE id = $1`, []any{f.float},
			func(v ServerInfo) bool { return len(v.Addresses) == 1 }},
		{"port detached", `UPDATE ports SET device_id = '' WHERE id = $1`, []any{f.port},
			func(v ServerInfo) bool { return len(v.Addresses) == 0 && v.SecurityGroups == nil }},
		{"port attached", `UPDATE ports SET device_id = $2 WHERE id = $1`, []any{f.port, id},
			func(v ServerInfo) bool { return len(v.Addresses) == 1 }},
		{"port deleted", `DELETE FROM ports WHERE id = $1`, []any{f.port},
			func(v ServerInfo) bool { return len(v.Addresses) == 0 }},
	} {
		// Filed by a list (its columns) and by a show (every column), in
		// turn: each must be evicted.
		if c.sql != "" {
			if len(c.name)%2 == 0 {
				b.list(t, id)
			} else {
				b.read(t, member, id)
			}
			if !b.cached(id) {
				t.Fatalf("%s: the server is not cached before the change", c.name)
			}
			b.exec(t, c.sql, c.args...)
		}
		if got := b.list(t, id); !c.want(got) {
			t.Errorf("%s: listed after the change: %s", c.name, brief(got))
		}
		if got := b.read(t, member, id); !c.want(got) {
			t.Errorf("%s: view after the change: %s", c.name, brief(got))
		}
	}
}

// list is server id as ListServers lists it for member (a detailed page
// of its project, as GET /servers/detail asks).
func (b *testBundle) list(t *testing.T, id string) ServerInfo {
	t.Helper()
	live := false
	got, err := b.svc.ListServers(context.Background(), ListServersParams{ServerListParams: novalite.ServerListParams{
		ProjectID: member.ProjectID, Deleted: &live, Limit: 1000, Columns: &novalite.ServerColumns{}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		if v.ID == id {
			return *v
		}
	}
	t.Fatalf("server %s not listed", id)
	return ServerInfo{}
}

// TestListFromViewCache: pages whose servers the view cache holds in
// part, all or none are the pages read from the store alone, for each
// filter, order and marker (both engines); deleted servers (listed with
// changes-since) are not filed, and a show of a server a list filed with
// fewer columns reads it again.
func TestListFromViewCache(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var ids []string
	for i := range 8 {
		v := novalite.Server{VMState: novalite.VMActive, ProjectID: "p1", Name: fmt.Sprintf("vm-%d", i),
			CreatedAt: t0.Add(time.Duration(i) * time.Minute), UpdatedAt: t0, Metadata: map[string]string{"i": fmt.Sprint(i)},
			Tags: []string{fmt.Sprintf("t%d", i%2)}, KeyData: "ssh-ed25519 AAAA"}
		switch i {
		case 2:
			v.VMState = novalite.VMError
		case 5:
			v.Deleted, v.VMState = true, novalite.VMDeleted
		case 6:
			v.ProjectID = "p2"
		}
		ids = append(ids, storetest.Server(t, b.db, v).ID)
	}
	b.exec(t, `INSERT INTO instance_faults (instance_id, code, message, details, created_at)
		SELECT id, 500, 'boom', '', 1 FROM instances WHERE uuid = $1`, ids[2])
	live, deleted := false, true
	cols := &novalite.ServerColumns{}
	cases := []struct {
		name string
		p    novalite.ServerListParams
	}{
		{"project, default order", novalite.ServerListParams{ProjectID: "p1", Deleted: &live}},
		{"every project", novalite.ServerListParams{Deleted: &live}},
		{"limit and marker", novalite.ServerListParams{ProjectID: "p1", Deleted: &live, Limit: 2, Marker: ids[4]}},
		{"name regex", novalite.ServerListParams{ProjectID: "p1", Deleted: &live,
			Regex: []novalite.ServerMatch{{Column: "display_name", Values: []string{"vm-[1-3]"}}}}},
		{"status", novalite.ServerListParams{ProjectID: "p1", Deleted: &live,
			Exact: []novalite.ServerMatch{{Column: "vm_state", Values: []string{"error"}}}}},
		{"tags", novalite.ServerListParams{ProjectID: "p1", Deleted: &live, Tags: []string{"t1"}}},
		{"sorted by name", novalite.ServerListParams{ProjectID: "p1", Deleted: &live,
			Sort: []novalite.ServerSort{{Column: "display_name"}}}},
		{"changes-since (deleted too)", novalite.ServerListParams{ProjectID: "p1", ChangesSince: t0.Add(-time.Hour)}},
		{"deleted", novalite.ServerListParams{ProjectID: "p1", Deleted: &deleted}},
	}
	for round, cached := range []string{"none", "some", "all"} {
		switch cached {
		case "some":
			b.noWarm() // else the first miss files every server
			b.read(t, member, ids[1])
			b.read(t, member, ids[3])
		case "all":
			for _, id := range slices.Delete(slices.Clone(ids), 5, 6) {
				b.read(t, &novalite.Caller{UserID: "a", ProjectID: "admin", Roles: []novalite.Role{{Name: "admin"}}}, id)
			}
		}
		for _, c := range cases {
			p := ListServersParams{ServerListParams: c.p}
			if p.Limit == 0 {
				p.Limit = 1000
			}
			p.Columns = cols
			want, got := b.listBoth(t, p)
			if len(want) == 0 {
				t.Fatalf("%s: the case lists nothing", c.name)
			}
			if !reflect.DeepEqual(listView(got), listView(want)) {
				t.Errorf("round %d (cached: %s), %s:\n got %v\nwant %v", round, cached, c.name, names(got), names(want))
			}
		}
		if cached == "none" {
			b.emptyCache() // the next rounds fill it by shows
		}
	}
	if b.cached(ids[5]) {
		t.Error("a deleted server was filed")
	}
	b.emptyCache()
	b.list(t, ids[0])
	if !b.cached(ids[0]) {
		t.Fatal("a listed server was not filed")
	}
	if got := b.read(t, member, ids[0]); got.KeyData != "ssh-ed25519 AAAA" {
		t.Errorf("a show of a server a list filed: key data %q, want the row's", got.KeyData)
	}
}

// listView is list without what a list view with no optional column
// does not show (a server a show filed has it).
// listBoth lists p from the store alone (want) and through the view
// cache (got).
func (b *testBundle) listBoth(t *testing.T, p ListServersParams) (want, got []*ServerInfo) {
	t.Helper()
	ctx := context.Background()
	want, err := b.svc.listServers(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got, err = b.svc.ListServers(ctx, p); err != nil {
		t.Fatal(err)
	}
	return want, got
}

func listView(list []*ServerInfo) []ServerInfo {
	out := make([]ServerInfo, len(list))
	for i := range out {
		out[i] = *list[i]
		out[i].Memo = nil
		v := &out[i].Server
		v.OldFlavor, v.KeyData, v.ServerGroup, v.RequestedNetworks, v.AdminPasswordHash, v.EncryptedPassword = nil, "", "", "", "", ""
		v.UserData, v.TrustedCerts, v.ImageProperties, v.SchedulerHints = nil, nil, nil, novalite.SchedulerHints{}
		if len(v.Volumes) == 0 {
			v.Volumes = nil
		}
	}
	return out
}

func names(list []*ServerInfo) []string {
	var out []string
	for _, v := range list {
		out = append(out, v.Name)
	}
	return out
}

// TestViewCacheConcurrentWrites: readers (shows, lists with and without
// host status, which lists set on their own copies) of a server while
// writers rename it (run with -race): once the writers are done, every
// read shows the last name.
func TestViewCacheConcurrentWrites(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.host(t, "h1")
	v := storetest.Server(t, b.db, novalite.Server{VMState: novalite.VMActive, ProjectID: "p1", Host: "h1",
		CreatedAt: t0, UpdatedAt: t0})
	const writes = 30
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for reader := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := b.svc.GetServer(ctx, member, v.ID); err != nil {
					t.Error(err)
					return
				}
				got, err := b.svc.ListServers(ctx, ListServersParams{ServerListParams: novalite.ServerListParams{
					ProjectID: "p1", Limit: 10, Columns: &novalite.ServerColumns{}}, HostStatus: reader%2 == 0})
				if err != nil {
					t.Error(err)
					return
				}
				if want := map[bool]string{true: "UP"}[reader%2 == 0]; len(got) != 1 || got[0].HostStatus != want {
					t.Errorf("reader %d: %d listed, want 1 with host status %q", reader, len(got), want)
					return
				}
			}
		})
	}
	var last string
	for i := range writes {
		last = fmt.Sprintf("name-%d", i)
		if _, err := b.svc.UpdateServer(ctx, member, v.ID, UpdateServerParams{Name: &last}); err != nil {
			t.Fatal(err)
		}
		if got := b.read(t, member, v.ID); got.Name != last {
			t.Fatalf("read %q right after renaming to %q", got.Name, last)
		}
		if got := b.list(t, v.ID); got.Name != last {
			t.Fatalf("listed %q right after renaming to %q", got.Name, last)
		}
	}
	close(stop)
	wg.Wait()
	for range 3 {
		if got := b.read(t, member, v.ID); got.Name != last {
			t.Fatalf("read %q after the writers, want %q", got.Name, last)
		}
		if got := b.list(t, v.ID); got.Name != last {
			t.Fatalf("listed %q after the writers, want %q", got.Name, last)
		}
	}
}

// TestViewCacheStaleRead: a server read from the store before a read of
// the log that evicted it (or emptied the cache) is not filed; one that
// the later reads left alone is.
func TestViewCacheStaleRead(t *testing.T) {
	t.Parallel()
	server := func(id string) ServerInfo { return ServerInfo{Server: novalite.Server{ID: id, ProjectID: "p1"}} }
	var c viewCache
	c.apply(1, nil, true)
	c.apply(2, []string{"b"}, false)
	for _, id := range []string{"a", "b"} {
		c.put(1, server(id))
	}
	if _, ok := c.get("b", ""); ok {
		t.Fatal("a server read before the read of the log that evicted it was filed")
	}
	if _, ok := c.get("a", "p1"); !ok {
		t.Fatal("a server no later read of the log evicted is missing")
	}
	if _, ok := c.get("a", "p2"); ok {
		t.Fatal("served to another project")
	}
	c.apply(3, nil, true)
	c.put(2, server("c"))
	if _, ok := c.get("c", ""); ok {
		t.Fatal("a server read before the cache was emptied was filed")
	}
	for n := uint64(4); n < 4+3*evictedKeep; n++ {
		c.apply(n, []string{fmt.Sprint(n)}, false)
	}
	if len(c.evicted) > 2*evictedKeep+1 {
		t.Fatalf("%d evictions remembered", len(c.evicted))
	}
	c.put(4, server("d"))
	if _, ok := c.get("d", ""); ok {
		t.Fatal("a server read before the remembered evictions was filed")
	}
}

// TestListsShareReads: a list lacking the servers another list is reading
// (the same ones, after the same read of the log) takes that read's
// servers; when that read fails, it reads them itself.
func TestListsShareReads(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var ids []string
	for i := range 3 {
		v := storetest.Server(t, b.db, novalite.Server{VMState: novalite.VMActive, ProjectID: "p1",
			Name: fmt.Sprintf("vm-%d", i), CreatedAt: t0.Add(time.Duration(i) * time.Minute), UpdatedAt: t0})
		ids = append(ids, v.ID)
	}
	b.noWarm()
	cols := &novalite.ServerColumns{}
	sentinel := []ServerInfo{{Server: novalite.Server{ID: ids[0], Name: "from the first read"}}}
	for _, c := range []struct {
		name  string
		first func() (any, error)
		want  string // the name the second list gets for ids[0]
	}{
		{"shared", func() (any, error) { return sentinel, nil }, "from the first read"},
		{"first read failed", func() (any, error) { return nil, context.Canceled }, "vm-0"},
	} {
		joined := false
		for try := 0; try < 50 && !joined; try++ {
			b.emptyCache()
			const n = 1 << 40 // a read of the log no real one reaches
			key := listReadKey(n, columnsOf(cols), ids)
			entered, release := make(chan struct{}), make(chan struct{})
			firstDone := make(chan bool)
			go func() {
				_, _, shared := b.svc.listReads.Do(key, func() (any, error) {
					close(entered)
					<-release
					return c.first()
				})
				firstDone <- shared
			}()
			<-entered
			type result struct {
				got []ServerInfo
				err error
			}
			second := make(chan result)
			go func() {
				got, err := b.svc.readMissing(ctx, n, ids, cols, columnsOf(cols))
				second <- result{got, err}
			}()
			time.Sleep(time.Duration(try+1) * time.Millisecond) // for the second to join
			close(release)
			joined = <-firstDone
			r := <-second
			if !joined {
				continue // it read before the first began: again
			}
			if r.err != nil {
				t.Fatalf("%s: %v", c.name, r.err)
			}
			i := slices.IndexFunc(r.got, func(v ServerInfo) bool { return v.ID == ids[0] })
			if i < 0 || r.got[i].Name != c.want {
				t.Fatalf("%s: got %v, want %s named %q", c.name, r.got, ids[0], c.want)
			}
		}
		if !joined {
			t.Fatalf("%s: the second list never joined the first's read", c.name)
		}
	}
}

// TestViewCacheEvictsAllForBulk: a read of the log naming more servers
// than the cache holds empties it, remembering no eviction one by one,
// and a read from before it is still not filed.
func TestViewCacheEvictsAllForBulk(t *testing.T) {
	t.Parallel()
	server := func(id string) ServerInfo { return ServerInfo{Server: novalite.Server{ID: id, ProjectID: "p1"}} }
	var c viewCache
	c.apply(1, nil, true)
	c.put(1, server("kept-until-the-bulk"))
	bulk := make([]string, evictAllAbove+1)
	for i := range bulk {
		bulk[i] = fmt.Sprintf("s-%d", i)
	}
	c.apply(2, bulk, false)
	if len(c.evicted) != 0 || len(c.entries) != 0 {
		t.Fatalf("after a bulk of %d: %d evictions remembered, %d servers held", len(bulk), len(c.evicted), len(c.entries))
	}
	c.put(1, server("s-1"))
	if _, ok := c.get("s-1", ""); ok {
		t.Fatal("a server read before the bulk was filed")
	}
	c.put(2, server("s-2"))
	if _, ok := c.get("s-2", ""); !ok {
		t.Fatal("a server read after the bulk was not filed")
	}
}
