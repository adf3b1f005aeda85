package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store/pgtest"
)

// TestCheckSchema: the roles start only on a schema holding exactly the
// binary's migrations.
func TestCheckSchema(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		last := db.KnownSchemaVersion()
		steps := []struct {
			name, sql string
			args      []any
			want      string // "" = accepted
		}{
			{"migrated", `SELECT 1`, nil, ""},
			{"older", `DELETE FROM schema_migrations WHERE version = $1`, []any{last}, "lacks migration"},
			{"newer", `INSERT INTO schema_migrations (version, name) VALUES ($1, 'x.sql'), ($2, 'future.sql')`,
				[]any{last, last + 1}, "newer than this binary"},
			{"unmigrated", `DROP TABLE schema_migrations`, nil, "no novalite schema"},
		}
		for _, st := range steps {
			if _, err := db.write.ExecContext(ctx, st.sql, st.args...); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			err := db.CheckSchema(ctx)
			if st.want == "" && err != nil || st.want != "" && (err == nil || !strings.Contains(err.Error(), st.want)) {
				t.Errorf("%s: CheckSchema = %v, want %q", st.name, err, st.want)
			}
		}
	})
}

// TestNotifyWakesListeners: a commit wakes, in other processes sharing
// a PostgreSQL database, the listeners of the work it leaves and no
// others — an agent hears of its own host's servers and calls, not of
// other hosts'; controllers hear of servers to place. A rollback or a
// refused intent wakes nobody. Each step is followed by a fence, a
// notification on a channel of each listener's own: notifications
// arrive in commit order, so what a listener got before its fence is
// exactly what the step woke.
func TestNotifyWakesListeners(t *testing.T) {
	db := openPostgresTest(t)
	db.Share()
	ctx := context.Background()
	listeners := []pgtest.Listener{
		{Name: "agent a", Channels: AgentChannels("a")},
		{Name: "agent b", Channels: AgentChannels("b")},
		{Name: "controller", Channels: []string{WorkChannel}},
	}
	fences := []string{"fence_0", "fence_1", "fence_2"}
	wakes := pgtest.Listen(t, listeners, fences, func(ctx context.Context, i int, channels []string, wake func(string)) {
		other, err := OpenPostgres(ctx, db.dsn) // another process
		if err != nil {
			t.Error(err)
			return
		}
		defer other.Close()
		other.Listen(ctx, channels, wake, func(err error) { t.Errorf("%s: listen: %v", listeners[i].Name, err) })
	})

	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	server := func(host string, task novalite.TaskState) int64 {
		v := novalite.Server{ID: uuid.NewString(), Name: "vm", ProjectID: "p1", UserID: "u1", Host: host,
			Flavor:  novalite.FlavorSnapshot{ID: "1", Name: "m1.tiny", VCPUs: 1, MemoryMB: 512, RootGB: 1},
			VMState: novalite.VMActive, TaskState: task, CreatedAt: now, UpdatedAt: now}
		if err := db.Tx(ctx, func(tx *Tx) error { return tx.InstanceInsert(ctx, &v) }); err != nil {
			t.Fatal(err)
		}
		return v.InternalID
	}
	onB, noHost, toPlace := server("b", novalite.TaskNone), server("", novalite.TaskNone), server("", novalite.TaskScheduling)
	reboot := func(id int64, from novalite.VMState) func(tx *Tx) error {
		return func(tx *Tx) error {
			_, err := tx.InstanceSetTask(ctx, InstanceTaskParams{InternalID: id, To: novalite.TaskRebooting,
				FromVM: []novalite.VMState{from}, Now: now})
			return err
		}
	}
	for _, step := range []struct {
		name string
		tx   func(tx *Tx) error
		want []string // the listeners woken
	}{
		{"a call for host a", func(tx *Tx) error { tx.NotifyHostOnCommit("a"); return nil }, []string{"agent a"}},
		{"a server created", func(tx *Tx) error { tx.NotifyOnCommit(); return nil }, []string{"controller"}},
		{"an intent on a server of b", reboot(onB, novalite.VMActive), []string{"agent b"}},
		{"an intent on a server of no host", reboot(noHost, novalite.VMActive), []string{"controller"}},
		{"an intent the state refuses", reboot(onB, novalite.VMStopped), nil},
		{"a server placed on a", func(tx *Tx) error {
			_, err := tx.InstancePlace(ctx, InstancePlaceParams{InternalID: toPlace, Host: "a", Node: "a", Zone: "nova", Now: now})
			return err
		}, []string{"agent a"}},
		{"the state imported", func(tx *Tx) error { tx.NotifyOnCommit(); tx.NotifyAgentsOnCommit(); return nil },
			[]string{"agent a", "agent b", "controller"}},
		{"rolled back", func(tx *Tx) error { tx.NotifyHostOnCommit("a"); tx.NotifyOnCommit(); return errors.New("no") }, nil},
	} {
		if err := db.Tx(ctx, step.tx); err != nil && step.want != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if err := db.Tx(ctx, func(tx *Tx) error {
			for _, f := range fences {
				tx.notifyOn(f)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if woken := wakes.Woken(step.name); !slices.Equal(woken, step.want) {
			t.Errorf("%s woke %v, want %v", step.name, woken, step.want)
		}
	}
}

// TestLeadOneAtATime: of two processes, one leads; when it stops, the
// other takes over.
func TestLeadOneAtATime(t *testing.T) {
	first := openPostgresTest(t)
	second, err := OpenPostgres(context.Background(), first.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	type event struct {
		who     int
		leading bool
	}
	events := make(chan event, 8)
	cancels := make([]context.CancelFunc, 2)
	dones := make([]chan struct{}, 2)
	for i, db := range []*DB{first, second} {
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i], dones[i] = cancel, make(chan struct{})
		go func() {
			defer close(dones[i])
			db.Lead(ctx, LeadParams{Check: 20 * time.Millisecond,
				Changed: func(leading bool) { events <- event{i, leading} },
				Report:  func(err error) { t.Logf("lead %d: %v", i, err) }},
				func(ctx context.Context) { <-ctx.Done() })
		}()
	}
	defer func() {
		for i := range cancels {
			cancels[i]()
			<-dones[i]
		}
	}()
	next := func() event {
		select {
		case e := <-events:
			return e
		case <-time.After(30 * time.Second): // a hang guard
			t.Fatal("no leadership change")
			return event{}
		}
	}
	leader := next()
	if !leader.leading {
		t.Fatalf("first event %+v, want someone leading", leader)
	}
	cancels[leader.who]()
	<-dones[leader.who]
	if e := next(); e != (event{leader.who, false}) {
		t.Fatalf("after stopping the leader: %+v, want it to step down", e)
	}
	if e := next(); e != (event{1 - leader.who, true}) {
		t.Fatalf("then %+v, want the other to lead", e)
	}
	select {
	case e := <-events:
		t.Errorf("unexpected leadership change %+v", e)
	default:
	}
}
