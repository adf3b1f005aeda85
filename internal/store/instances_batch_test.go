package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"novalite"
)

// InstanceOutcomeMany and InstancePlaceMany do for a batch what
// InstanceOutcome and InstancePlace do server by server: servers 0-3 are
// written one by one, 4-7 together, and each of the two halves has one
// server in another task and one deleted meanwhile. Three writes: placed
// on a host, a step to the next task, then ACTIVE (power state, launched,
// no task).
func TestInstanceOutcomeMany(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		insertServers(t, db, 8, func(i int, v *novalite.Server) {
			v.VMState, v.TaskState = novalite.VMBuilding, novalite.TaskScheduling
			if i%4 == 2 {
				v.TaskState = novalite.TaskSpawning
			}
		})
		id := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
		now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		var internal [8]int64
		got := map[int64]bool{}
		err := db.Tx(ctx, func(tx *Tx) error {
			for i := range internal {
				v, err := tx.InstanceGet(ctx, id(i), "p1", false)
				if err != nil {
					return err
				}
				internal[i] = v.InternalID
				if i%4 == 3 {
					if _, err := tx.InstanceOutcome(ctx, InstanceOutcomeParams{InternalID: v.InternalID,
						From: novalite.TaskScheduling, VM: novalite.VMDeleted, Delete: true, Now: now}); err != nil {
						return err
					}
				}
			}
			running := novalite.PowerRunning
			for k := range 3 {
				at := now.Add(time.Duration(k) * time.Second)
				out := InstanceOutcomeManyParams{From: novalite.TaskNetworking, VM: novalite.VMBuilding,
					Task: novalite.TaskBlockDeviceMap, Now: at}
				if k == 2 {
					out = InstanceOutcomeManyParams{From: novalite.TaskBlockDeviceMap, VM: novalite.VMActive,
						Power: &running, Launched: true, Now: at}
				}
				for i := range 4 {
					var ok bool
					var err error
					if k == 0 {
						ok, err = tx.InstancePlace(ctx, InstancePlaceParams{InternalID: internal[i], Host: "h1", Node: "n1",
							Zone: "z1", Now: at})
					} else {
						ok, err = tx.InstanceOutcome(ctx, InstanceOutcomeParams{InternalID: internal[i], From: out.From,
							VM: out.VM, Task: out.Task, Power: out.Power, Launched: out.Launched, Now: at})
					}
					if err != nil {
						return err
					}
					got[internal[i]] = ok && (k == 0 || got[internal[i]])
				}
				var done map[int64]bool
				var err error
				if k == 0 {
					done, err = tx.InstancePlaceMany(ctx, InstancePlaceManyParams{InternalIDs: internal[4:], Host: "h1",
						Node: "n1", Zone: "z1", Now: at})
				} else {
					out.InternalIDs = internal[4:]
					done, err = tx.InstanceOutcomeMany(ctx, out)
				}
				if err != nil {
					return err
				}
				for _, n := range internal[4:] {
					got[n] = done[n] && (k == 0 || got[n])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.View(ctx, func(tx *Tx) error {
			for i := range 4 {
				one, err := tx.InstanceGet(ctx, id(i), "p1", true)
				if err != nil {
					return err
				}
				many, err := tx.InstanceGet(ctx, id(i+4), "p1", true)
				if err != nil {
					return err
				}
				if got[internal[i]] != got[internal[i+4]] || got[internal[i]] != (i%4 < 2) {
					t.Errorf("server %d stepped %v one by one, %v in the batch; want %v", i, got[internal[i]],
						got[internal[i+4]], i%4 < 2)
				}
				show := func(v novalite.Server) string {
					return fmt.Sprintf("%s/%s/%d on %q %q %q, updated %v, launched %v, deleted %v", v.VMState, v.TaskState,
						v.PowerState, v.Host, v.Node, v.AvailabilityZone, v.UpdatedAt, v.LaunchedAt, v.Deleted)
				}
				if show(one) != show(many) {
					t.Errorf("server %d: one by one %s, in the batch %s", i, show(one), show(many))
				}
				if i == 0 && (one.VMState != novalite.VMActive || one.Host != "h1" || one.LaunchedAt.IsZero()) {
					t.Errorf("server 0 not built: %s", show(one))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// InstanceActionEventFinishMany records what InstanceActionEventFinish
// records for each event: on the server's latest action of the name (of
// two creates, the later one; not a reboot), with or without host and
// finish time, and nothing for a server without such an action.
func TestInstanceActionEventFinishMany(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		id := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
		// Servers 0-2 get their events one by one, 10-12 in one statement.
		events := func(base int) []InstanceActionEventParams {
			return []InstanceActionEventParams{
				{InstanceUUID: id(base), Action: "create", Event: "compute__do_build_and_run_instance", Host: "h1",
					Start: at, Finish: at.Add(time.Second)},
				{InstanceUUID: id(base + 1), Action: "create", Event: "conductor_schedule_and_build_instances", Start: at},
				{InstanceUUID: id(base + 2), Action: "create", Event: "compute__do_build_and_run_instance", Start: at, Finish: at},
			}
		}
		err := db.Tx(ctx, func(tx *Tx) error {
			for _, base := range []int{0, 10} {
				for _, a := range []struct {
					server  int
					action  string
					startAt time.Duration
				}{{base, "create", 0}, {base, "create", time.Minute}, {base, "reboot", 2 * time.Minute}, {base + 1, "create", 0}} {
					if _, err := tx.InstanceActionInsert(ctx, novalite.InstanceAction{InstanceUUID: id(a.server),
						RequestID: fmt.Sprint("req-", a.server, a.action, a.startAt), Action: a.action, ProjectID: "p1",
						UserID: "u1", Start: at.Add(-time.Hour + a.startAt)}); err != nil {
						return err
					}
				}
			}
			for _, e := range events(0) {
				if err := tx.InstanceActionEventFinish(ctx, e); err != nil {
					return err
				}
			}
			return tx.InstanceActionEventFinishMany(ctx, events(10))
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.View(ctx, func(tx *Tx) error {
			for i := range 3 {
				var evs [2][]string
				for k, base := range []int{0, 10} {
					acts, err := tx.InstanceActionList(ctx, InstanceActionListParams{InstanceUUID: id(base + i)})
					if err != nil {
						return err
					}
					for _, a := range acts {
						list, err := tx.InstanceActionEventList(ctx, a.ID)
						if err != nil {
							return err
						}
						for _, e := range list {
							evs[k] = append(evs[k], fmt.Sprintf("%s %v %s: %s %v %v %q %q", a.Action, a.Start, a.RequestID[len(fmt.Sprint("req-", base+i)):],
								e.Event, e.Start, e.Finish, e.Result, e.Host))
						}
					}
				}
				if fmt.Sprint(evs[0]) != fmt.Sprint(evs[1]) || (i < 2) != (len(evs[1]) == 1) {
					t.Errorf("server %d: one by one %q, in one statement %q", i, evs[0], evs[1])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestBatchWritePlan: with the planner's statistics, a batch's UPDATE
// looks its servers up by id; SQLite had taken the (deleted, vm_state,
// task_state) index and read every live server for each batch.
func TestBatchWritePlan(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		if db.Engine() == Postgres {
			return // its planner chose the ids without help; the plan's text is SQLite's
		}
		ctx := context.Background()
		insertServers(t, db, 3000, func(i int, v *novalite.Server) {})
		if err := db.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
		ids := []int64{1, 2, 3}
		err := db.View(ctx, func(tx *Tx) error {
			for name, qa := range map[string]func() (string, []any){
				"outcome": func() (string, []any) {
					return tx.outcomeManyQuery(InstanceOutcomeManyParams{InternalIDs: ids,
						From: novalite.TaskSpawning, VM: novalite.VMActive, Now: time.Now()})
				},
				"outcome from none": func() (string, []any) {
					return tx.outcomeManyQuery(InstanceOutcomeManyParams{InternalIDs: ids, VM: novalite.VMStopped, Now: time.Now()})
				},
				"place": func() (string, []any) {
					return tx.placeManyQuery(InstancePlaceManyParams{InternalIDs: ids, Host: "h", Node: "h", Zone: "nova", Now: time.Now()})
				},
			} {
				q, args := qa()
				plan, err := sqlitePlan(ctx, tx, q, args...)
				if err != nil {
					return err
				}
				if !strings.Contains(plan, "INTEGER PRIMARY KEY") || strings.Contains(plan, "USING INDEX") {
					t.Errorf("%s: the batch is not looked up by id:\n%s", name, plan)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
