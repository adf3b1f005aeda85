package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"novalite"
)

// TestInstanceActionLookups: a server's actions are found by the one
// index on (instance_uuid, start_time, id) — its list, its action of a
// request (the latest when a request id repeats, as Nova keeps no unique
// key on the pair) and the latest action of a kind that an event finishes
// — and, on SQLite, each of these reads searches that index rather than
// scanning the table (migration 0053 dropped the unique index on
// (instance_uuid, request_id), which cost every new action a second entry).
func TestInstanceActionLookups(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		base := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
		server := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
		err := db.Tx(ctx, func(tx *Tx) error {
			for i := range 20 {
				for j, act := range []string{"create", "stop", "start", "stop"} {
					_, err := tx.InstanceActionInsert(ctx, novalite.InstanceAction{InstanceUUID: server(i),
						RequestID: fmt.Sprintf("req-%d-%d", i, j%3), Action: act, ProjectID: "p1", UserID: "u1",
						Start: base.Add(time.Duration(j) * time.Second)})
					if err != nil {
						return err
					}
				}
			}
			return tx.InstanceActionEventFinish(ctx, InstanceActionEventParams{InstanceUUID: server(7), Action: "stop",
				Event: "compute_stop_instance", Start: base, Finish: base.Add(time.Minute), Host: "h1"})
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.View(ctx, func(tx *Tx) error {
			list, err := tx.InstanceActionList(ctx, InstanceActionListParams{InstanceUUID: server(7)})
			if err != nil {
				return err
			}
			var got []string
			for _, a := range list {
				got = append(got, a.Action+" "+a.RequestID)
			}
			if want := "stop req-7-0,start req-7-2,stop req-7-1,create req-7-0"; strings.Join(got, ",") != want {
				t.Errorf("actions of server 7: %s, want %s", strings.Join(got, ","), want)
			}
			// req-7-0 named the create and the last stop: the latest is shown.
			a, err := tx.InstanceActionGet(ctx, server(7), "req-7-0")
			if err != nil {
				return err
			}
			if a.Action != "stop" || !a.Start.Equal(base.Add(3*time.Second)) {
				t.Errorf("action of req-7-0: %s at %v, want the stop at +3s", a.Action, a.Start)
			}
			if _, err := tx.InstanceActionGet(ctx, server(7), "req-8-0"); !novalite.IsKind(err, novalite.NotFound) {
				t.Errorf("another server's request: %v, want NotFound", err)
			}
			events, err := tx.InstanceActionEventList(ctx, a.ID)
			if err != nil {
				return err
			}
			if len(events) != 1 || events[0].Event != "compute_stop_instance" {
				t.Errorf("events of the latest stop: %+v, want compute_stop_instance", events)
			}
			if db.Engine() == Postgres {
				return nil
			}
			for q, args := range map[string][]any{
				`SELECT ` + actionCols + ` FROM instance_actions WHERE instance_uuid = $1 AND request_id = $2 ORDER BY start_time DESC, id DESC LIMIT 1`: {server(7), "req-7-0"},
				`SELECT ` + actionCols + ` FROM instance_actions WHERE instance_uuid = $1 ORDER BY start_time DESC, id DESC`:                             {server(7)},
				`SELECT id FROM instance_actions WHERE instance_uuid = $1 AND action = $2 ORDER BY start_time DESC, id DESC LIMIT 1`:                     {server(7), "stop"},
			} {
				plan, err := sqlitePlan(ctx, tx, q, args...)
				if err != nil {
					return err
				}
				if !strings.Contains(plan, "USING INDEX instance_actions_instance") || strings.Contains(plan, "TEMP B-TREE") {
					t.Errorf("plan of %s:\n%s\nwant a search of instance_actions_instance in its order", q, plan)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
