package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
)

// batchFixture registers hosts h1 (room for three m1.tiny servers, by
// RAM) and h2 (two), and queues n servers, each with its create action.
func batchFixture(t *testing.T, db *store.DB, n int, now time.Time) []novalite.Server {
	t.Helper()
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *store.Tx) error {
		for _, h := range []struct {
			name string
			ram  int64
		}{{"h1", 3 * 512}, {"h2", 2 * 512}} {
			if err := tx.ComputeNodeRegister(ctx, novalite.ComputeNode{Host: h.name, HypervisorName: h.name,
				AvailabilityZone: "nova", UUID: uuid.NewString(), ServiceUUID: uuid.NewString(),
				Total: novalite.Resources{VCPUs: 100, MemoryMB: h.ram, DiskGB: 100}}, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var vs []novalite.Server
	for range n {
		v := storetest.Server(t, db, novalite.Server{VMState: novalite.VMBuilding, TaskState: novalite.TaskScheduling,
			CreatedAt: now, UpdatedAt: now})
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.InstanceActionInsert(ctx, novalite.InstanceAction{InstanceUUID: v.ID, RequestID: "req-" + v.ID,
				Action: "create", ProjectID: v.ProjectID, UserID: v.UserID, Start: now})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

// outcome is where each server went ("h1", "h2" or "error"), the RAM
// each host has claimed, and how many schedule events were recorded.
func outcome(t *testing.T, db *store.DB, vs []novalite.Server) (where map[string]int, used map[string]int64, events int) {
	t.Helper()
	ctx := context.Background()
	where, used = map[string]int{}, map[string]int64{}
	err := db.View(ctx, func(tx *store.Tx) error {
		for _, v := range vs {
			got, err := tx.InstanceGet(ctx, v.ID, "", true)
			if err != nil {
				return err
			}
			switch {
			case got.VMState == novalite.VMError && got.Host == "":
				where["error"]++
			case got.TaskState == novalite.TaskNetworking && got.Host != "":
				where[got.Host]++
			default:
				t.Errorf("server %s: %s/%s on %q", v.ID, got.VMState, got.TaskState, got.Host)
			}
			acts, err := tx.InstanceActionList(ctx, store.InstanceActionListParams{InstanceUUID: v.ID})
			if err != nil {
				return err
			}
			for _, a := range acts {
				evs, err := tx.InstanceActionEventList(ctx, a.ID)
				if err != nil {
					return err
				}
				events += len(evs)
			}
		}
		nodes, err := tx.ComputeNodeList(ctx, nil)
		for _, n := range nodes {
			used[n.Host] = n.Used.MemoryMB
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return where, used, events
}

// One pass places a batch host by host: six servers on room for five,
// the RAM weigher spreading them (h1, h2, h1, h2, h1), the sixth in
// ERROR; each host's claim is what it holds, and every server has its
// conductor event.
func TestRunOnceBatch(t *testing.T) {
	storetest.PostgresPass(t) // both engines in each pass
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			db := storetest.OpenEngine(t, engine)
			now := time.Now().UTC()
			vs := batchFixture(t, db, 6, now)
			s := New(db, Options{Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)})
			if n, err := s.RunOnce(context.Background()); err != nil || n != 6 {
				t.Fatalf("RunOnce: %d, %v", n, err)
			}
			where, used, events := outcome(t, db, vs)
			if fmt.Sprint(where) != "map[error:1 h1:3 h2:2]" || used["h1"] != 3*512 || used["h2"] != 2*512 || events != 6 {
				t.Errorf("placed %v, RAM claimed %v, %d events", where, used, events)
			}
		})
	}
}

// When another scheduler took a host's room between the pass's read of
// the hosts and its claim (PostgreSQL: schedulers run side by side), the
// host's share is placed one by one: h1 has room for one server left,
// so of five servers h1 takes one, h2 two, and two go to ERROR; no host
// is claimed past its room.
func TestRunOnceBatchRoomTaken(t *testing.T) {
	storetest.PostgresPass(t)
	db := storetest.OpenEngine(t, "postgres")
	ctx := context.Background()
	now := time.Now().UTC()
	vs := batchFixture(t, db, 5, now)
	taken := false
	s := New(db, Options{Now: func() time.Time {
		// Called once the pass has read the hosts, before it claims.
		if !taken {
			taken = true
			if err := db.Tx(ctx, func(tx *store.Tx) error {
				ok, err := tx.ComputeNodeClaim(ctx, "h1", novalite.Resources{MemoryMB: 2 * 512})
				if err == nil && !ok {
					err = fmt.Errorf("claim refused")
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		return now
	}, Log: slog.New(slog.DiscardHandler)})
	if n, err := s.RunOnce(ctx); err != nil || n != 5 {
		t.Fatalf("RunOnce: %d, %v", n, err)
	}
	where, used, events := outcome(t, db, vs)
	if !taken || fmt.Sprint(where) != "map[error:2 h1:1 h2:2]" || used["h1"] != 3*512 || used["h2"] != 2*512 || events != 5 {
		t.Errorf("placed %v, RAM claimed %v, %d events (room taken: %v)", where, used, events, taken)
	}
}
