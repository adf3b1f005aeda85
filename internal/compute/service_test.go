package compute

import (
	"context"
	"fmt"
	"testing"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

var member = &novalite.Caller{UserID: "u1", ProjectID: "p1", Roles: []novalite.Role{{Name: "member"}, {Name: "reader"}}}

// testBundle is the compute service over a real store (SQLite, or
// PostgreSQL under NOVALITE_TEST_ENGINE=postgres) whose clock the test
// sets.
type testBundle struct {
	db  *store.DB
	svc *Service
	now time.Time
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	b := &testBundle{db: storetest.Open(t), now: t0}
	b.svc = New(b.db, Options{Now: func() time.Time { return b.now }})
	return b
}

// host registers host with a heartbeat at t0.
func (b *testBundle) host(t *testing.T, host string) {
	t.Helper()
	ctx := context.Background()
	err := b.db.Tx(ctx, func(tx *store.Tx) error {
		return tx.ComputeNodeRegister(ctx, novalite.ComputeNode{Host: host, HypervisorName: host, AvailabilityZone: "nova",
			Driver: "fake", Total: novalite.Resources{VCPUs: 8, MemoryMB: 8192, DiskGB: 80}}, t0)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestHostStatusFromHeartbeat: a host is marked UNKNOWN by the passing
// of time alone once its last heartbeat is older than service_down_time
// (no job writes it), DOWN when forced, MAINTENANCE when disabled —
// Nova's 60 s or a configured service_down_time alike.
func TestHostStatusFromHeartbeat(t *testing.T) {
	t.Parallel()
	const short = 3 * time.Second
	for _, c := range []struct {
		name     string
		node     novalite.ComputeNode
		downTime time.Duration
		elapsed  time.Duration
		want     string
	}{
		{"fresh heartbeat", novalite.ComputeNode{}, DefaultServiceDownTime, 0, hostUp},
		{"at service_down_time", novalite.ComputeNode{}, DefaultServiceDownTime, DefaultServiceDownTime, hostUp},
		{"past service_down_time", novalite.ComputeNode{}, DefaultServiceDownTime, DefaultServiceDownTime + time.Second, hostUnknown},
		{"at a short service_down_time", novalite.ComputeNode{}, short, short, hostUp},
		{"past a short service_down_time", novalite.ComputeNode{}, short, short + time.Millisecond, hostUnknown},
		{"forced down", novalite.ComputeNode{ForcedDown: true}, DefaultServiceDownTime, 0, hostDown},
		{"forced down and stale", novalite.ComputeNode{ForcedDown: true, Disabled: true}, DefaultServiceDownTime, time.Hour, hostDown},
		{"disabled", novalite.ComputeNode{Disabled: true}, DefaultServiceDownTime, time.Hour, hostMaintenance},
	} {
		c.node.HeartbeatAt = t0
		if got := hostStatus(c.node, t0.Add(c.elapsed), c.downTime); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestServerHostStatusOnRead reads a server through the service as its
// host's heartbeat ages on the service's clock.
func TestServerHostStatusOnRead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.host(t, "h1")
	v := storetest.Server(t, b.db, novalite.Server{VMState: novalite.VMActive, Host: "h1", Node: "h1",
		CreatedAt: t0, UpdatedAt: t0, LaunchedAt: t0})
	admin := &novalite.Caller{UserID: "admin", ProjectID: "admin", Roles: []novalite.Role{{Name: "admin"}}}
	for _, c := range []struct {
		elapsed time.Duration
		want    string
	}{{time.Second, hostUp}, {DefaultServiceDownTime + time.Second, hostUnknown}} {
		b.now = t0.Add(c.elapsed)
		got, err := b.svc.GetServer(context.Background(), admin, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.HostStatus != "" {
			t.Errorf("GetServer read the host: host_status %q before FillHostStatus", got.HostStatus)
		}
		if err := b.svc.FillHostStatus(context.Background(), &got); err != nil {
			t.Fatal(err)
		}
		if got.HostStatus != c.want {
			t.Errorf("after %v: host_status %s, want %s", c.elapsed, got.HostStatus, c.want)
		}
	}
}

// TestSimpleActions runs the argument-less intents through the service
// over a real store: an allowed state sets the intent's task and records
// the instance action; any other state is Nova's 409, nothing written;
// another project's server is not found.
func TestSimpleActions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, c := range []struct {
		act      novalite.Action
		vm       novalite.VMState
		project  string
		wantTask novalite.TaskState
		refused  bool
		wantKind novalite.Kind
		wantMsg  string
	}{
		{act: novalite.ActionStop, vm: novalite.VMActive, wantTask: novalite.TaskPoweringOff},
		{act: novalite.ActionStart, vm: novalite.VMStopped, wantTask: novalite.TaskPoweringOn},
		{act: novalite.ActionPause, vm: novalite.VMActive, wantTask: novalite.TaskPausing},
		{act: novalite.ActionUnpause, vm: novalite.VMPaused, wantTask: novalite.TaskUnpausing},
		{act: novalite.ActionSuspend, vm: novalite.VMActive, wantTask: novalite.TaskSuspending},
		{act: novalite.ActionResume, vm: novalite.VMSuspended, wantTask: novalite.TaskResuming},
		{act: novalite.ActionUnrescue, vm: novalite.VMRescued, wantTask: novalite.TaskUnrescuing},
		{act: novalite.ActionShelveOffload, vm: novalite.VMShelved, wantTask: novalite.TaskShelvingOffload},
		{act: novalite.ActionStart, vm: novalite.VMActive, refused: true, wantKind: novalite.Conflict,
			wantMsg: "Cannot 'start' instance %s while it is in vm_state active"},
		{act: novalite.ActionPause, vm: novalite.VMStopped, refused: true, wantKind: novalite.Conflict,
			wantMsg: "Cannot 'pause' instance %s while it is in vm_state stopped"},
		{act: novalite.ActionStop, vm: novalite.VMActive, project: "p2", refused: true, wantKind: novalite.NotFound,
			wantMsg: "Instance %s could not be found."},
		{act: novalite.ActionLock, vm: novalite.VMActive, refused: true, wantKind: novalite.Internal}, // no intent
	} {
		project := c.project
		if project == "" {
			project = member.ProjectID
		}
		v := storetest.Server(t, b.db, novalite.Server{VMState: c.vm, ProjectID: project, UserID: "u", Host: "h1", Node: "h1",
			CreatedAt: t0, UpdatedAt: t0, LaunchedAt: t0})
		name := string(c.act) + " from " + string(c.vm)
		caller := *member
		caller.RequestID = "req-" + v.ID
		err := b.svc.SimpleAction(context.Background(), &caller, v.ID, c.act)
		got := storetest.Get(t, b.db, v.ID)
		if c.refused {
			if err == nil || novalite.KindOf(err) != c.wantKind || (c.wantMsg != "" && novalite.MessageOf(err) != fmtID(c.wantMsg, v.ID)) {
				t.Errorf("%s: %v, want %v %q", name, err, c.wantKind, fmtID(c.wantMsg, v.ID))
			}
			if got.TaskState != novalite.TaskNone {
				t.Errorf("%s: task %q set by a refused action", name, got.TaskState)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got.TaskState != c.wantTask {
			t.Errorf("%s: task %q, want %q", name, got.TaskState, c.wantTask)
		}
		ctx := context.Background()
		err = b.db.View(ctx, func(tx *store.Tx) error {
			a, err := tx.InstanceActionGet(ctx, v.ID, "req-"+v.ID)
			if err == nil && a.Action != intents[c.act].word {
				t.Errorf("%s: instance action %q, want %q", name, a.Action, intents[c.act].word)
			}
			return err
		})
		if err != nil {
			t.Errorf("%s: instance action: %v", name, err)
		}
	}
}

func fmtID(msg, id string) string { return fmt.Sprintf(msg, id) }
