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
	"novalite/internal/store/storetest"
)

// TestChangedSetTake: a miss takes the server asked for and the newest
// others, leaves out those skip names, forgets what it took, and
// remembers at most changedKeep servers.
func TestChangedSetTake(t *testing.T) {
	t.Parallel()
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprint(i)
		}
		return out
	}
	none := func(string) bool { return false }
	for _, c := range []struct {
		name   string
		added  []string
		take   string
		skip   func(string) bool
		want   []string
		remain int
	}{
		{"not changed", []string{"a", "b"}, "c", none, nil, 2},
		{"alone", []string{"a"}, "a", none, []string{"a"}, 0},
		{"newest first", []string{"a", "b", "c"}, "a", none, []string{"a", "c", "b"}, 0},
		{"added twice counts once", []string{"a", "b", "a"}, "b", none, []string{"b", "a"}, 0},
		{"held ones left out", []string{"a", "b", "c"}, "c", func(id string) bool { return id == "b" }, []string{"c", "a"}, 1},
		{"at most refreshMax", ids(100), "0", none, append([]string{"0"}, reversed(ids(100)[100-refreshMax+1:])...), 100 - refreshMax},
		{"forgets past changedKeep", ids(changedKeep + 10), "3", none, nil, changedKeep},
	} {
		var s changedSet
		s.add(c.added)
		got := s.take(c.take, c.skip)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: took %v, want %v", c.name, got, c.want)
		}
		if len(s.order) != c.remain || len(s.in) != c.remain {
			t.Errorf("%s: %d in order and %d in the set remain, want %d", c.name, len(s.order), len(s.in), c.remain)
		}
		for _, id := range got {
			if _, ok := s.in[id]; ok || slices.Contains(s.order, id) {
				t.Errorf("%s: %s taken but still remembered", c.name, id)
			}
		}
	}
}

func reversed(s []string) []string {
	s = slices.Clone(s)
	slices.Reverse(s)
	return s
}

// TestViewCacheRefreshesChanged: a show's miss of a server that just
// changed reads the others changed with it, so that their shows hit; each
// view so read is the one a show's own read gives (ports, volumes, fault,
// metadata, tags included); the server asked for is still NotFound when
// it is another project's or deleted.
func TestViewCacheRefreshesChanged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.noWarm()
	ctx := context.Background()
	f := newViewFixture(t, b)
	server := func(project, name string) novalite.Server {
		return storetest.Server(t, b.db, novalite.Server{VMState: novalite.VMActive, ProjectID: project, Name: name,
			CreatedAt: t0, UpdatedAt: t0})
	}
	plain, other, gone := server("p1", "plain"), server("p2", "other"), server("p1", "gone")
	admin := &novalite.Caller{UserID: "a", ProjectID: "admin", Roles: []novalite.Role{{Name: "admin"}}}
	live := []string{f.server.ID, plain.ID, other.ID}
	// alone reads each server by itself: a service of its own, whose
	// cache holds nothing and has seen no change.
	alone := func(id string) ServerInfo {
		t.Helper()
		v, err := New(b.db, Options{Now: func() time.Time { return b.now }}).GetServer(ctx, admin, id)
		if err != nil {
			t.Fatal(err)
		}
		v.Memo = nil
		return v
	}
	readAll := func() {
		t.Helper()
		for _, id := range append(live, gone.ID) {
			b.read(t, admin, id)
			if !b.cached(id) {
				t.Fatalf("%s not cached after its show", id)
			}
		}
	}
	change := func() {
		t.Helper()
		b.exec(t, `UPDATE instances SET progress = progress + 1 WHERE deleted = false`)
		b.exec(t, `UPDATE instances SET deleted = true WHERE uuid = $1`, gone.ID)
	}
	refreshed := func(step string) {
		t.Helper()
		for _, id := range live {
			if !b.cached(id) {
				t.Fatalf("%s: %s not read with the server that changed with it", step, id)
			}
			got := b.read(t, admin, id)
			got.Memo = nil
			if want := alone(id); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s read with others:\n%+v\nwant, read alone:\n%+v", step, id, got, want)
			}
		}
		if b.cached(gone.ID) {
			t.Fatalf("%s: a deleted server was filed", step)
		}
	}

	if _, err := b.svc.views.sync(ctx, b.db); err != nil { // the first read of the log: everything changed
		t.Fatal(err)
	}
	readAll()
	change()
	if _, err := b.svc.GetServer(ctx, member, other.ID); !novalite.IsKind(err, novalite.NotFound) {
		t.Fatalf("another project's server that changed: %v, want NotFound", err)
	}
	refreshed("another project's server asked for")

	b.exec(t, `UPDATE instances SET deleted = false WHERE uuid = $1`, gone.ID)
	readAll()
	change()
	if _, err := b.svc.GetServer(ctx, admin, gone.ID); !novalite.IsKind(err, novalite.NotFound) {
		t.Fatalf("a deleted server that changed: %v, want NotFound", err)
	}
	refreshed("a deleted server asked for")
	if got, want := brief(b.read(t, member, f.server.ID)), brief(alone(f.server.ID)); got != want {
		t.Errorf("member's view %s, want %s", got, want)
	}
}

// TestViewCacheRefreshConcurrent: servers changed together (one
// statement, as the scheduler and the agent write) and shown by readers
// meanwhile, so that their misses read one another: a show right after a
// change committed sees it, whichever read filed the server.
func TestViewCacheRefreshConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.noWarm()
	ctx := context.Background()
	var ids []string
	for i := range 8 {
		v := storetest.Server(t, b.db, novalite.Server{VMState: novalite.VMActive, ProjectID: "p1",
			Name: fmt.Sprint("vm", i), CreatedAt: t0, UpdatedAt: t0})
		ids = append(ids, v.ID)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for reader := range 4 {
		wg.Go(func() {
			for i := reader; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := b.svc.GetServer(ctx, member, ids[i%len(ids)]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for round := range 40 {
		b.exec(t, `UPDATE instances SET name = $1 WHERE project_id = 'p1'`, fmt.Sprint("round-", round))
		for _, id := range ids {
			if got := b.read(t, member, id); got.Name != fmt.Sprint("round-", round) {
				close(stop)
				wg.Wait()
				t.Fatalf("round %d: %s shown as %q right after the change", round, id, got.Name)
			}
		}
	}
	close(stop)
	wg.Wait()
}
