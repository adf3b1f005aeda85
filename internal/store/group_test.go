package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"novalite"
)

// TestWriteTransactionsIsolated: many write transactions at once (on
// SQLite they share group commits) each keep their own outcome — one
// that fails or panics leaves nothing, and its neighbours commit and run
// their AfterCommit functions and tell OnNotify of their channels — and
// one whose context ends while it waits answers Unavailable and leaves
// nothing.
func TestWriteTransactionsIsolated(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		probeTable(t, db, "group_probe")
		const n = 300
		var after atomic.Int64
		var mu sync.Mutex
		notified := map[string]int{}
		db.OnNotify(func(channels []string) {
			mu.Lock()
			defer mu.Unlock()
			for _, ch := range channels {
				notified[ch]++
			}
		})
		errFail := errors.New("refused")
		var wg sync.WaitGroup
		results := make([]error, n)
		panics := make([]any, n)
		for i := range n {
			wg.Go(func() {
				defer func() { panics[i] = recover() }()
				results[i] = db.Tx(ctx, func(tx *Tx) error {
					if _, err := tx.Exec(ctx, `INSERT INTO group_probe (k) VALUES ($1)`, fmt.Sprint(i)); err != nil {
						return err
					}
					tx.AfterCommit(func() { after.Add(1) })
					tx.NotifyHostOnCommit(fmt.Sprint("host-", i))
					tx.NotifyHostOnCommit(fmt.Sprint("host-", i)) // told once
					switch {
					case i%7 == 3:
						return errFail
					case i%13 == 5:
						panic(fmt.Sprintf("member %d", i))
					case i%17 == 9:
						// A constraint violation of its own, after its insert.
						_, err := tx.Exec(ctx, `INSERT INTO group_probe (k) VALUES ($1)`, fmt.Sprint(i))
						return err
					}
					return nil
				})
			})
		}
		wg.Wait()
		want := 0
		for i := range n {
			switch {
			case i%7 == 3:
				if !errors.Is(results[i], errFail) {
					t.Errorf("member %d: %v, want its own error", i, results[i])
				}
			case i%13 == 5:
				if panics[i] != fmt.Sprintf("member %d", i) {
					t.Errorf("member %d: panic %v reached its caller, want its own", i, panics[i])
				}
			case i%17 == 9:
				if !novalite.IsKind(results[i], novalite.Conflict) {
					t.Errorf("member %d: %v, want a conflict", i, results[i])
				}
			default:
				want++
				if results[i] != nil || panics[i] != nil {
					t.Errorf("member %d: %v / panic %v", i, results[i], panics[i])
				}
				if c := notified[HostChannel(fmt.Sprint("host-", i))]; c != 1 {
					t.Errorf("member %d: its channel notified %d times, want once", i, c)
				}
			}
		}
		if len(notified) != want {
			t.Errorf("%d channels notified, want those of the %d members committed", len(notified), want)
		}
		var got int
		if err := db.View(ctx, func(tx *Tx) error {
			return tx.queryRow(ctx, `SELECT COUNT(*) FROM group_probe`).Scan(&got)
		}); err != nil {
			t.Fatal(err)
		}
		if got != want || after.Load() != int64(want) {
			t.Fatalf("%d rows and %d after-commit calls, want %d of each", got, after.Load(), want)
		}

		// A caller whose context has ended: refused, nothing written.
		done, cancel := context.WithCancel(ctx)
		cancel()
		err := db.Tx(done, func(tx *Tx) error {
			_, err := tx.Exec(done, `INSERT INTO group_probe (k) VALUES ('late')`)
			return err
		})
		if !novalite.IsKind(err, novalite.Unavailable) && !errors.Is(err, context.Canceled) {
			t.Fatalf("ended context: %v", err)
		}
		var late int
		_ = db.View(ctx, func(tx *Tx) error {
			return tx.queryRow(ctx, `SELECT COUNT(*) FROM group_probe WHERE k = 'late'`).Scan(&late)
		})
		if late != 0 {
			t.Fatal("a transaction whose context had ended was committed")
		}
	})
}

// TestWriteTransactionAlone: a write transaction that runs alone (on
// SQLite, a group of one: no savepoint) keeps the same outcomes — its
// error or panic leaves nothing, a constraint violation it handles
// leaves its other writes (SQLite; on PostgreSQL it aborts the
// transaction), success commits.
func TestWriteTransactionAlone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		probeTable(t, db, "alone_probe")
		insert := func(tx *Tx, k string) error {
			_, err := tx.Exec(ctx, `INSERT INTO alone_probe (k) VALUES ($1)`, k)
			return err
		}
		errFail := errors.New("refused")
		tests := []struct {
			name      string
			fn        func(tx *Tx) error
			wantErr   error
			wantPanic bool
		}{
			{"commits", func(tx *Tx) error { return insert(tx, "a") }, nil, false},
			{"fails", func(tx *Tx) error {
				if err := insert(tx, "b"); err != nil {
					return err
				}
				return errFail
			}, errFail, false},
			{"panics", func(tx *Tx) error {
				if err := insert(tx, "c"); err != nil {
					return err
				}
				panic("alone")
			}, nil, true},
			{"handles its conflict", func(tx *Tx) error {
				if err := insert(tx, "d"); err != nil {
					return err
				}
				if err := insert(tx, "a"); !novalite.IsKind(err, novalite.Conflict) {
					return fmt.Errorf("duplicate insert: %v", err)
				}
				return nil
			}, nil, false},
		}
		for _, tt := range tests {
			var err error
			panicked := func() (p any) {
				defer func() { p = recover() }()
				err = db.Tx(ctx, tt.fn)
				return nil
			}()
			if db.Engine() == Postgres && tt.name == "handles its conflict" {
				// A failed statement aborts a PostgreSQL transaction.
				if err == nil {
					t.Errorf("%s: committed on PostgreSQL", tt.name)
				}
				continue
			}
			if (panicked != nil) != tt.wantPanic || !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: error %v, panic %v", tt.name, err, panicked)
			}
		}
		var got []string
		if err := db.View(ctx, func(tx *Tx) error {
			rows, err := tx.query(ctx, `SELECT k FROM alone_probe ORDER BY k`)
			got, err = collect(rows, err, func(r *sql.Rows) (string, error) {
				var k string
				return k, r.Scan(&k)
			})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		want := []string{"a", "d"}
		if db.Engine() == Postgres {
			want = want[:1]
		}
		if !slices.Equal(got, want) {
			t.Errorf("rows %v, want %v", got, want)
		}
	})
}

// probeTable creates the table name with one text key, k.
func probeTable(t *testing.T, db *DB, name string) {
	t.Helper()
	ctx := context.Background()
	if err := db.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE `+name+` (k TEXT PRIMARY KEY)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
