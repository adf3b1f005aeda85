package compute

import (
	"context"
	"slices"
	"testing"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/pgtest"
	"novalite/internal/store/storetest"
)

// TestHandoverWakesDestination: with the roles in separate processes on
// PostgreSQL, work that an action hands to another host than the
// server's own — an evacuation, the unshelve of an offloaded server —
// notifies the destination host's agent in the action's own transaction
// (and no other listener), so that the destination starts at once, not
// on its next poll. A cold migration is the source's work (its agent
// moves the guest), so it wakes the source. Like the store's
// TestNotifyWakesListeners, each step ends with a fence on a channel of
// each listener's own: notifications arrive in commit order, so what a
// listener heard before its fence is what the step woke. PostgreSQL whatever
// the pass (NOTIFY is what is tested), so in the PostgreSQL pass only.
func TestHandoverWakesDestination(t *testing.T) {
	storetest.PostgresPass(t)
	t.Parallel()
	ctx := context.Background()
	dsn := storetest.MigratedPostgresDatabase(t)
	db, err := store.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Share()
	svc := New(db, Options{Now: func() time.Time { return t0 }})

	// Host a is down (its heartbeat an hour old), b and c are up.
	for host, beat := range map[string]time.Time{"a": t0.Add(-time.Hour), "b": t0, "c": t0} {
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return tx.ComputeNodeRegister(ctx, novalite.ComputeNode{Host: host, HypervisorName: host, AvailabilityZone: "nova",
				Driver: "fake", Total: novalite.Resources{VCPUs: 8, MemoryMB: 8192, DiskGB: 80}}, beat)
		}); err != nil {
			t.Fatal(err)
		}
	}

	listeners := []pgtest.Listener{
		{Name: "agent a", Channels: store.AgentChannels("a")},
		{Name: "agent b", Channels: store.AgentChannels("b")},
		{Name: "agent c", Channels: store.AgentChannels("c")},
		{Name: "controller", Channels: []string{store.WorkChannel}},
	}
	var fences []string // host channels: the tx notifies them as hosts
	for _, l := range listeners {
		fences = append(fences, store.HostChannel("fence-"+l.Name))
	}
	wakes := pgtest.Listen(t, listeners, fences, func(ctx context.Context, i int, channels []string, wake func(string)) {
		other, err := store.OpenPostgres(ctx, dsn) // another process
		if err != nil {
			t.Error(err)
			return
		}
		defer other.Close()
		other.Listen(ctx, channels, wake, func(err error) { t.Errorf("%s: listen: %v", listeners[i].Name, err) })
	})

	admin := &novalite.Caller{UserID: "admin", ProjectID: "admin", Roles: []novalite.Role{{Name: "admin"}}}
	server := func(host string, vm novalite.VMState) string {
		return storetest.Server(t, db, novalite.Server{Host: host, Node: host, VMState: vm, PowerState: novalite.PowerRunning,
			CreatedAt: t0, UpdatedAt: t0, LaunchedAt: t0}).ID
	}
	onA, offloaded, onB := server("a", novalite.VMActive), server("", novalite.VMShelvedOffloaded), server("b", novalite.VMActive)
	for _, step := range []struct {
		name   string
		do     func() error
		want   []string // the listeners woken
		onHost string   // where the server is afterwards
		id     string
	}{
		{"evacuate from a (down) to c", func() error {
			_, err := svc.EvacuateServer(ctx, admin, onA, EvacuateParams{Host: "c", AdminPass: "pw"})
			return err
		}, []string{"agent c"}, "c", onA},
		{"unshelve the offloaded server onto b", func() error {
			return svc.UnshelveServer(ctx, admin, offloaded, UnshelveParams{Host: "b"})
		}, []string{"agent b"}, "b", offloaded},
		{"cold-migrate from b to c: b moves it", func() error {
			return svc.MigrateServer(ctx, admin, onB, "c")
		}, []string{"agent b"}, "b", onB},
	} {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			for _, l := range listeners {
				tx.NotifyHostOnCommit("fence-" + l.Name)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if woken := wakes.Woken(step.name); !slices.Equal(woken, step.want) {
			t.Errorf("%s woke %v, want %v", step.name, woken, step.want)
		}
		if v := storetest.Get(t, db, step.id); v.Host != step.onHost || v.TaskState == novalite.TaskNone {
			t.Errorf("%s: server on %q with task %q, want on %s with a task", step.name, v.Host, v.TaskState, step.onHost)
		}
	}
}
