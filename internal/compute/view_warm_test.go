package compute

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"novalite"
	"novalite/internal/store/storetest"
)

// TestViewCacheWarm (both engines): a show's miss of a server unchanged
// for a while (not of one just changed) files the other live servers too, packed, of every project; each is then served from the
// cache as a read of the store gives it (the fixture's fault, metadata,
// tag, volume, addresses and groups included), to its project only; a
// deleted server is not filed; a change to a packed server is seen by
// the next read, and the list pages made of packed servers are the
// store's.
func TestViewCacheWarm(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	f := newViewFixture(t, b)
	ids := []string{f.server.ID}
	for i := range 5 {
		v := novalite.Server{VMState: novalite.VMActive, ProjectID: "p1", Name: fmt.Sprintf("vm-%d", i),
			CreatedAt: t0.Add(time.Duration(i) * time.Minute), UpdatedAt: t0, Metadata: map[string]string{"i": fmt.Sprint(i)}}
		switch i {
		case 3:
			v.ProjectID = "p2"
		case 4:
			v.Deleted, v.VMState = true, novalite.VMDeleted
		}
		ids = append(ids, storetest.Server(t, b.db, v).ID)
	}
	b.read(t, member, ids[1]) // changed a moment ago: no read-ahead
	if b.cached(ids[2]) {
		t.Fatal("the miss of a server changed a moment ago read ahead")
	}
	b.now = t0.Add(2 * warmColdAge)
	b.read(t, member, ids[2])
	for i, id := range ids {
		if got, want := b.cached(id), i != 5; got != want {
			t.Errorf("server %d (%s) cached: %v, want %v", i, id, got, want)
		}
	}
	fresh := New(b.db, Options{Now: b.svc.now}) // an empty cache: reads from the store
	admin := &novalite.Caller{UserID: "a", ProjectID: "admin", Roles: []novalite.Role{{Name: "admin"}}}
	for _, id := range ids[:5] {
		want, err := fresh.GetServer(ctx, admin, id)
		if err != nil {
			t.Fatal(err)
		}
		got := b.read(t, admin, id)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("server %s from the packed view differs from the store's (-store +cache):\n%s", id, d)
		}
	}
	if _, err := b.svc.GetServer(ctx, member, ids[4]); !novalite.IsKind(err, novalite.NotFound) {
		t.Errorf("another project's packed server: %v, want NotFound", err)
	}
	b.exec(t, `UPDATE instances SET name = 'renamed' WHERE uuid = $1`, ids[2])
	if got := b.read(t, member, ids[2]); got.Name != "renamed" {
		t.Errorf("name %q after a rename of a packed server, want renamed", got.Name)
	}
	live := false
	p := ListServersParams{ServerListParams: novalite.ServerListParams{ProjectID: "p1", Deleted: &live, Limit: 1000}}
	want, got := b.listBoth(t, p)
	if d := cmp.Diff(listView(want), listView(got)); d != "" {
		t.Errorf("a page of packed servers differs from the store's (-store +cache):\n%s", d)
	}
}

// TestViewCachePacksOverflow: past viewCacheMax servers as read, the
// ones that make room are kept packed, each served as it was filed;
// an eviction by the change log drops a packed server too.
func TestViewCachePacksOverflow(t *testing.T) {
	t.Parallel()
	var c viewCache
	n := viewCacheMax + 100
	view := func(i int) ServerInfo {
		return ServerInfo{Server: novalite.Server{ID: fmt.Sprintf("id-%d", i), ProjectID: "p1", Name: fmt.Sprint(i),
			Metadata: map[string]string{"i": fmt.Sprint(i)}, Tags: []string{}}}
	}
	for i := range n {
		c.put(0, view(i))
	}
	if len(c.entries) != viewCacheMax || len(c.packed) != 100 {
		t.Fatalf("%d servers as read, %d packed; want %d and 100", len(c.entries), len(c.packed), viewCacheMax)
	}
	for i := range n {
		got, ok := c.get(fmt.Sprintf("id-%d", i), "p1")
		if _, packed := c.packed[got.ID]; ok && packed == (got.Memo != nil) {
			t.Fatalf("server %d: packed %v, memo %p: a memo comes with a server as read, none with a packed one", i, packed, got.Memo)
		}
		got.Memo = nil
		if d := cmp.Diff(view(i), got); !ok || d != "" {
			t.Fatalf("server %d: held %v, differs (-filed +got):\n%s", i, ok, d)
		}
	}
	var packed string
	for id := range c.packed {
		packed = id
		break
	}
	c.apply(1, []string{packed}, false)
	if _, ok := c.get(packed, "p1"); ok || c.holds(packed) {
		t.Errorf("packed server %s held after the log evicted it", packed)
	}
	if want := 99 * (len(packInfo(&ServerInfo{})) + packedOverhead); c.packedBytes < want {
		t.Errorf("packed bytes %d, want at least %d", c.packedBytes, want)
	}
}
