package store

import (
	"context"
	"strings"
	"testing"
	"time"
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

// TestNotifyWakesListeners: a commit that asks for it wakes the
// listeners of a shared PostgreSQL database in other processes.
func TestNotifyWakesListeners(t *testing.T) {
	db := openPostgresTest(t)
	db.Share()
	other, err := OpenPostgres(context.Background(), db.dsn) // another process
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx, cancel := context.WithCancel(context.Background())
	woken := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() {
		other.Listen(ctx, func() { woken <- struct{}{} }, func(err error) { t.Errorf("listen: %v", err) })
		close(done)
	}()
	defer func() { cancel(); <-done }()
	wait := func(what string) {
		select {
		case <-woken:
		case <-time.After(30 * time.Second): // a hang guard, not a timing goal
			t.Fatalf("no wake-up %s", what)
		}
	}
	wait("on connecting") // a listener wakes once when it (re)connects
	if err := db.Tx(ctx, func(tx *Tx) error { tx.NotifyOnCommit(); return nil }); err != nil {
		t.Fatal(err)
	}
	wait("after the commit")
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
