package compute

import (
	"context"
	"testing"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
)

// cached reports how many servers the view cache holds.
func (b *testBundle) cached() int {
	b.svc.views.mu.Lock()
	defer b.svc.views.mu.Unlock()
	return len(b.svc.views.entries)
}

// TestViewCacheUntilCommit: a server read twice with nothing written in
// between is read once from the store (SQLite); any commit — here a rename
// in a transaction of its own — is seen by the very next read; a
// heartbeat-like bookkeeping commit keeps the cache; on PostgreSQL nothing
// is cached (other processes commit).
func TestViewCacheUntilCommit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	v := storetest.Server(t, b.db, novalite.Server{VMState: novalite.VMActive, ProjectID: "p1",
		Name: "before", CreatedAt: t0, UpdatedAt: t0, Metadata: map[string]string{"k": "v"}})
	_, exact := b.db.Generation()
	read := func(c *novalite.Caller) ServerInfo {
		t.Helper()
		got, err := b.svc.GetServer(ctx, c, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	first := read(member)
	first.Metadata["k"] = "changed by the caller"
	first.Tags = append(first.Tags, "x")
	if got := read(member); got.Metadata["k"] != "v" || len(got.Tags) != 0 {
		t.Fatalf("a caller's change reached the cache: %v %v", got.Metadata, got.Tags)
	}
	want := 0
	if exact {
		want = 1
	}
	if n := b.cached(); n != want {
		t.Fatalf("%d servers cached, want %d", n, want)
	}
	if err := b.db.Tx(ctx, func(tx *store.Tx) error {
		tx.Bookkeeping()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := b.cached(); n != want {
		t.Fatalf("after a bookkeeping commit: %d servers cached, want %d", n, want)
	}
	name := "after"
	if _, err := b.svc.UpdateServer(ctx, member, v.ID, UpdateServerParams{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if got := read(member); got.Name != "after" {
		t.Fatalf("name %q after the rename committed, want after", got.Name)
	}
	other := &novalite.Caller{UserID: "u2", ProjectID: "p2", Roles: member.Roles}
	if _, err := b.svc.GetServer(ctx, other, v.ID); !novalite.IsKind(err, novalite.NotFound) {
		t.Fatalf("another project's read of a cached server: %v, want NotFound", err)
	}
}

// TestViewCacheStaleRead: a value read before a commit the cache has
// already seen is not filed.
func TestViewCacheStaleRead(t *testing.T) {
	t.Parallel()
	var c viewCache
	k := viewKey{id: "a"}
	c.put(5, k, ServerInfo{})
	c.put(4, viewKey{id: "b"}, ServerInfo{})
	if _, ok := c.get(5, viewKey{id: "b"}); ok {
		t.Fatal("a read from generation 4 was filed at 5")
	}
	if _, ok := c.get(5, k); !ok {
		t.Fatal("the read from generation 5 is missing")
	}
	if _, ok := c.get(6, k); ok {
		t.Fatal("served at generation 6 a read of generation 5")
	}
}
