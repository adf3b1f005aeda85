package agent

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
	"novalite/internal/virt/fake"
)

const testHost = "compute-test"

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// testBundle is an agent over a real store (SQLite, or PostgreSQL under
// NOVALITE_TEST_ENGINE=postgres) and the real fake driver, with a fixed
// clock.
type testBundle struct {
	db *store.DB
	ag *Agent
}

func setup(t *testing.T, cfg fake.Config, opts ...func(*Options)) *testBundle {
	t.Helper()
	db := storetest.Open(t)
	o := Options{Host: testHost, DriverName: "fake", Driver: fake.New(cfg), Now: func() time.Time { return t0 },
		Log: slog.New(slog.DiscardHandler), Resources: novalite.Resources{VCPUs: 8, MemoryMB: 8192, DiskGB: 80}}
	for _, f := range opts {
		f(&o)
	}
	b := &testBundle{db: db, ag: New(db, o)}
	if err := b.ag.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	return b
}

// server inserts a server on the test host in vm state vm with task
// task, its claim on the host taken, and an API action record named
// action (when not "") for the agent's event.
func (b *testBundle) server(t *testing.T, vm novalite.VMState, task novalite.TaskState, action string, md map[string]string) novalite.Server {
	t.Helper()
	v := novalite.Server{ImageRef: uuid.NewString(), VMState: vm, TaskState: task, PowerState: novalite.PowerRunning,
		Host: testHost, Node: testHost, CreatedAt: t0, UpdatedAt: t0, LaunchedAt: t0, Metadata: md}
	switch vm {
	case novalite.VMBuilding:
		v.PowerState, v.LaunchedAt = novalite.PowerNoState, time.Time{}
	case novalite.VMStopped:
		v.PowerState = novalite.PowerShutdown
	}
	v = storetest.Server(t, b.db, v)
	ctx := context.Background()
	err := b.db.Tx(ctx, func(tx *store.Tx) error {
		if action != "" {
			if _, err := tx.InstanceActionInsert(ctx, novalite.InstanceAction{InstanceUUID: v.ID, RequestID: "req-" + v.ID,
				Action: action, ProjectID: v.ProjectID, UserID: v.UserID, Start: t0}); err != nil {
				return err
			}
		}
		_, err := tx.ComputeNodeClaim(ctx, testHost, store.Demand(v.Flavor))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// get reads a server back, deleted or not.
func (b *testBundle) get(t *testing.T, id string) novalite.Server { return storetest.Get(t, b.db, id) }

// used is what is claimed of the test host.
func (b *testBundle) used(t *testing.T) novalite.Resources {
	t.Helper()
	var n novalite.ComputeNode
	err := b.db.View(context.Background(), func(tx *store.Tx) (err error) {
		n, err = tx.ComputeNodeGet(context.Background(), testHost)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n.Used
}

// events lists the events of the server's latest action called name as
// "event:result".
func (b *testBundle) events(t *testing.T, id, name string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	err := b.db.View(ctx, func(tx *store.Tx) error {
		a, err := tx.InstanceActionGet(ctx, id, "req-"+id)
		if err != nil {
			return err
		}
		if a.Action != name {
			t.Errorf("action %q, want %q", a.Action, name)
		}
		evs, err := tx.InstanceActionEventList(ctx, a.ID)
		for _, e := range evs {
			out = append(out, e.Event+":"+e.Result)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
