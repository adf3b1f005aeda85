package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"novalite"
)

// insertServers inserts n active servers of project p1, created a
// second apart, each changed by vary first.
func insertServers(t *testing.T, db *DB, n int, vary func(i int, v *novalite.Server)) {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	err := db.Tx(ctx, func(tx *Tx) error {
		for i := range n {
			v := novalite.Server{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: "vm", ProjectID: "p1",
				UserID: "u1", Flavor: novalite.FlavorSnapshot{ID: "1"}, VMState: novalite.VMActive,
				CreatedAt: base.Add(time.Duration(i) * time.Second), UpdatedAt: base}
			vary(i, &v)
			if err := tx.InstanceInsert(ctx, &v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReservationListPlan: once the planner has statistics (Optimize, on
// PostgreSQL with autovacuum off for the table), a list filtered by
// reservation_id — how clients find the servers of one max_count create,
// a regex filter as the API passes it — is planned on the reservation
// index, not as a walk of every server of the project in created_at order.
// That holds on a read connection that ran the list while the table was
// empty, too: it must not keep planning with the statistics it read then.
func TestReservationListPlan(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		live := false
		p := novalite.ServerListParams{ProjectID: "p1", Deleted: &live, Limit: 1000,
			Regex: []novalite.ServerMatch{{Column: "reservation_id", Values: []string{"r-00000042"}}},
			Exact: []novalite.ServerMatch{{Column: "vm_state", Values: []string{"active"}}}}
		err := db.View(ctx, func(tx *Tx) error {
			_, err := tx.InstanceList(ctx, p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if db.Engine() == Postgres {
			if _, err := db.write.ExecContext(ctx, `ALTER TABLE instances SET (autovacuum_enabled = false)`); err != nil {
				t.Fatal(err)
			}
		}
		insertServers(t, db, 3000, func(i int, v *novalite.Server) { v.ReservationID = fmt.Sprintf("r-%08d", i) })
		optimized(t, db, "instances", 3000)
		var plan []string
		err = db.View(ctx, func(tx *Tx) error {
			q, args, err := tx.instanceListQuery(ctx, p, tx.selectInstances(instanceListCols(p.Columns)))
			if err != nil {
				return err
			}
			plan, err = explainPlan(ctx, tx.q, db.Engine(), q, args...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(plan, "\n"); !strings.Contains(got, "instances_reservation") {
			t.Fatalf("plan of a reservation_id list does not use instances_reservation:\n%s", got)
		}
	})
}

// explainPlan is the engine's plan of query, a line per step (the last
// column of each row: SQLite's detail, PostgreSQL's text).
func explainPlan(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, engine Engine, query string, args ...any) ([]string, error) {
	explain := `EXPLAIN `
	if engine == SQLite {
		explain = `EXPLAIN QUERY PLAN `
	}
	rows, err := q.QueryContext(ctx, explain+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var plan []string
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
	}
	return plan, rows.Err()
}

// optimized runs Optimize until the planner's statistics count at least
// rows rows in table (PostgreSQL: its stale tables come from the
// statistics views, which a backend updates up to a second after its
// commit).
func optimized(t *testing.T, db *DB, table string, rows int) {
	t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := db.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Engine() == SQLite {
			return
		}
		var n float64
		if err := db.write.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = $1::regclass`, table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= float64(rows) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Optimize left the statistics of %s at %v rows, want %d", table, n, rows)
		}
	}
}

// The servers-by-status count reads the covering index instances_state,
// not the table (SQLite's plan; PostgreSQL's planner picks by size, and
// the counts are checked on both).
func TestCountByStatePlan(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		insertServers(t, db, 30, func(i int, v *novalite.Server) {
			v.Deleted = i%3 == 0
			if i%5 == 0 {
				v.VMState, v.TaskState = novalite.VMBuilding, novalite.TaskScheduling
			}
		})
		var got []StateCount
		var plan string
		err := db.View(ctx, func(tx *Tx) error {
			var err error
			if got, err = tx.InstanceCountByState(ctx); err != nil || db.Engine() == Postgres {
				return err
			}
			plan, err = sqlitePlan(ctx, tx, countByStateQuery, false)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// 30 servers, every third deleted; of the 20 live, those with i%5 == 0
		// (5, 10, 20, 25) are building.
		want := []StateCount{{novalite.VMActive, "", 16}, {novalite.VMBuilding, novalite.TaskScheduling, 4}}
		slices.SortFunc(got, func(a, b StateCount) int { return strings.Compare(string(a.VMState), string(b.VMState)) })
		if !slices.Equal(got, want) {
			t.Errorf("counts = %v, want %v", got, want)
		}
		if db.Engine() == SQLite && !strings.Contains(plan, "COVERING INDEX instances_state") {
			t.Errorf("plan of the count:\n%s\nwant the covering index instances_state", plan)
		}
	})
}

// sqlitePlan is SQLite's plan of query, one step a line.
func sqlitePlan(ctx context.Context, tx *Tx, query string, args ...any) (string, error) {
	rows, err := tx.q.QueryContext(ctx, `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var plan string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		plan += detail + "\n"
	}
	return plan, rows.Err()
}

// TestUnscheduledQueue: the scheduler's queue holds the live servers
// waiting for a host, oldest first, and SQLite reads it from an index in
// id order (no table scan, no sort) with only the limit bound: the query
// names its constants, so the statement is not prepared again per run.
func TestUnscheduledQueue(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		insertServers(t, db, 12, func(i int, v *novalite.Server) {
			if i%2 == 0 {
				v.VMState, v.TaskState = novalite.VMBuilding, novalite.TaskScheduling
			}
			v.Deleted = i == 4
			if i == 6 {
				v.Host = "h1"
			}
		})
		var listed, claimed []string
		var plan string
		err := db.Tx(ctx, func(tx *Tx) error {
			list, err := tx.InstanceListUnscheduled(ctx, 3)
			for _, v := range list {
				listed = append(listed, v.ID[len(v.ID)-2:])
			}
			if err != nil {
				return err
			}
			if list, err = tx.InstanceClaimUnscheduled(ctx, 10); err != nil {
				return err
			}
			for _, v := range list {
				claimed = append(claimed, v.ID[len(v.ID)-2:])
			}
			if db.Engine() == SQLite {
				plan, err = sqlitePlan(ctx, tx, unscheduledQuery, 10)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"00", "02", "08"}; !slices.Equal(listed, want) {
			t.Errorf("listed %v, want %v", listed, want)
		}
		if want := []string{"00", "02", "08", "10"}; !slices.Equal(claimed, want) {
			t.Errorf("claimed %v, want %v", claimed, want)
		}
		if db.Engine() == SQLite && (!strings.HasPrefix(plan, "SEARCH instances USING INDEX") || strings.Contains(plan, "TEMP B-TREE")) {
			t.Errorf("plan of the queue with only the limit bound:\n%s\nwant an index search in id order", plan)
		}
	})
}

// TestListPageFromIndex: a page of live servers in the default order
// leaves the soft-deleted ones out and, on SQLite, is read from an index
// alone (the project's, or every project's for an admin), not row by row
// from the table; PostgreSQL's planner picks by size, and the page is
// checked on both.
func TestListPageFromIndex(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		insertServers(t, db, 300, func(i int, v *novalite.Server) {
			v.Name = fmt.Sprintf("vm-%d", i%3)
			switch {
			case i%10 == 9:
				v.VMState = novalite.VMSoftDeleted
			case i%10 == 8:
				v.Deleted = true
			}
		})
		if err := db.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
		live := false
		for _, c := range []struct {
			project string
			name    string // a regex name filter ("" none): matched in the index too, not on rows
		}{{"p1", ""}, {"", ""}, {"p1", "^VM-[01]$"}, {"", "-[01]"}} {
			project := c.project
			p := novalite.ServerListParams{ProjectID: project, Deleted: &live, Limit: 50}
			if c.name != "" {
				p.Regex = []novalite.ServerMatch{{Column: "display_name", Values: []string{c.name}}}
			}
			var ids []string
			var plan string
			err := db.View(ctx, func(tx *Tx) error {
				var err error
				if ids, err = tx.InstanceListIDs(ctx, p); err != nil || db.Engine() == Postgres {
					return err
				}
				q, args, err := tx.instanceListQuery(ctx, p, `SELECT uuid`)
				if err != nil {
					return err
				}
				plan, err = sqlitePlan(ctx, tx, q, args...)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// Newest first, skipping every 9th and 8th of ten (and, with
			// the filter, every third: the servers named vm-2).
			var want []string
			for i := 299; len(want) < 50; i-- {
				if i%10 < 8 && (c.name == "" || i%3 != 2) {
					want = append(want, fmt.Sprintf("00000000-0000-4000-8000-%012d", i))
				}
			}
			if !slices.Equal(ids, want) {
				t.Errorf("project %q, name %q: page %v, want %v", project, c.name, ids, want)
			}
			// The page's index itself covering (not only the soft-deleted
			// subquery's, which a looser check matched).
			covered := strings.Contains(plan, "COVERING INDEX instances_project_created") ||
				strings.Contains(plan, "COVERING INDEX instances_created")
			if db.Engine() == SQLite && (!covered || strings.Contains(plan, "SCAN")) {
				t.Errorf("project %q, name %q: the page is not read from an index alone:\n%s", project, c.name, plan)
			}
		}
	})
}

// TestBatchUpdatePlan: with the statistics of a few thousand servers, a
// batch's state update looks its servers up by id (PostgreSQL planned the
// IN list it used to bind, estimated at 100 values, as a hash join over
// a scan of the whole table, the dead row versions of every earlier
// update with it).
func TestBatchUpdatePlan(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if db.Engine() == Postgres {
			if _, err := db.write.ExecContext(ctx, `ALTER TABLE instances SET (autovacuum_enabled = false)`); err != nil {
				t.Fatal(err)
			}
		}
		// A burst of creates: every server building.
		insertServers(t, db, 3000, func(_ int, v *novalite.Server) {
			v.VMState, v.TaskState, v.Host = novalite.VMBuilding, novalite.TaskSpawning, "h1"
		})
		optimized(t, db, "instances", 3000)
		var tx Tx
		tx.engine = db.Engine()
		q, args := tx.outcomeManyQuery(InstanceOutcomeManyParams{InternalIDs: []int64{5, 6}, From: novalite.TaskSpawning,
			Task: novalite.TaskNone, VM: novalite.VMActive, Now: time.Now()})
		plan, err := explainPlan(ctx, db.write, db.Engine(), q, args...)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(plan, "\n")
		want := "instances_pkey"
		if db.Engine() == SQLite {
			want = "INTEGER PRIMARY KEY"
		}
		if !strings.Contains(got, want) || strings.Contains(got, "Seq Scan on instances") {
			t.Errorf("plan of a batch's update by id:\n%s\nwant a lookup by %s", got, want)
		}
	})
}
