package agent

import (
	"context"
	"strings"
	"testing"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
	"novalite/internal/virt/fake"
)

// TestRunOnceOutcomes runs one pass over a server with a task and checks
// what the agent wrote: the states of the table's row, the host's claim,
// the fault of a failed call and the event on the API's action. The
// build cases start from each of the three build steps, as a restarted
// agent finds a server whose previous agent crashed between steps.
func TestRunOnceOutcomes(t *testing.T) {
	t.Parallel()
	none, paused := novalite.PowerNoState, novalite.PowerPaused
	running, shutdown := novalite.PowerRunning, novalite.PowerShutdown
	for _, c := range []struct {
		name    string
		vm      novalite.VMState
		task    novalite.TaskState
		action  string
		md      map[string]string
		wantVM  novalite.VMState
		power   novalite.PowerState
		deleted bool // the row is deleted
		release bool // the host's claim is given back
		fault   string
		event   string // "" for none
	}{
		{name: "crash after scheduling", vm: novalite.VMBuilding, task: novalite.TaskNetworking, action: "create",
			wantVM: novalite.VMActive, power: running, event: "compute__do_build_and_run_instance:Success"},
		{name: "crash after networking", vm: novalite.VMBuilding, task: novalite.TaskBlockDeviceMap,
			wantVM: novalite.VMActive, power: running},
		{name: "crash after block_device_mapping", vm: novalite.VMBuilding, task: novalite.TaskSpawning,
			wantVM: novalite.VMActive, power: running},
		{name: "spawn fails", vm: novalite.VMBuilding, task: novalite.TaskSpawning, action: "create",
			md: map[string]string{"fake:fail_spawn": "disk on fire"}, wantVM: novalite.VMError, power: none,
			release: true, fault: "disk on fire", event: "compute__do_build_and_run_instance:Error"},
		{name: "pause", vm: novalite.VMActive, task: novalite.TaskPausing, action: "pause",
			wantVM: novalite.VMPaused, power: paused, event: "compute_pause_instance:Success"},
		{name: "pause fails", vm: novalite.VMActive, task: novalite.TaskPausing, action: "pause",
			md: map[string]string{"fake:fail_pause": "no"}, wantVM: novalite.VMActive, power: running, fault: "no",
			event: "compute_pause_instance:Error"},
		{name: "stop", vm: novalite.VMActive, task: novalite.TaskPoweringOff, wantVM: novalite.VMStopped, power: shutdown},
		{name: "start", vm: novalite.VMStopped, task: novalite.TaskPoweringOn, wantVM: novalite.VMActive, power: running},
		{name: "hard reboot", vm: novalite.VMStopped, task: novalite.TaskRebootingHard, wantVM: novalite.VMActive, power: running},
		{name: "rescue fails", vm: novalite.VMActive, task: novalite.TaskRescuing, md: map[string]string{"fake:fail_rescue": "x"},
			wantVM: novalite.VMError, power: running, fault: "x"},
		{name: "delete", vm: novalite.VMActive, task: novalite.TaskDeleting, action: "delete", wantVM: novalite.VMDeleted,
			power: running, deleted: true, release: true, event: "compute_terminate_instance:Success"},
		{name: "delete fails", vm: novalite.VMActive, task: novalite.TaskDeleting, md: map[string]string{"fake:fail_destroy": "stuck"},
			wantVM: novalite.VMError, power: running, fault: "stuck"},
		{name: "offload", vm: novalite.VMShelved, task: novalite.TaskShelvingOffload, wantVM: novalite.VMShelvedOffloaded,
			power: none, release: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, fake.Config{})
			v := b.server(t, c.vm, c.task, c.action, c.md)
			if n, err := b.ag.RunOnce(context.Background()); err != nil || n != 1 {
				t.Fatalf("RunOnce = %d, %v; want 1 server", n, err)
			}
			got := b.get(t, v.ID)
			if got.VMState != c.wantVM || got.TaskState != novalite.TaskNone || got.PowerState != c.power {
				t.Errorf("after the pass: %s/%q/%d, want %s/none/%d", got.VMState, got.TaskState, got.PowerState, c.wantVM, c.power)
			}
			if got.Deleted != c.deleted {
				t.Errorf("deleted = %v, want %v", got.Deleted, c.deleted)
			}
			wantUsed := store.Demand(storetest.Flavor)
			if c.release {
				wantUsed = novalite.Resources{}
			}
			if u := b.used(t); u != wantUsed {
				t.Errorf("host claim %+v, want %+v", u, wantUsed)
			}
			// The fault recorded, whatever the state (views show it only
			// for ERROR, so the row read leaves it out otherwise).
			err := b.db.View(context.Background(), func(tx *store.Tx) (err error) {
				got.Fault, err = tx.InstanceFaultLatest(context.Background(), got.InternalID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.fault == "" && got.Fault != nil:
				t.Errorf("fault %+v, want none", got.Fault)
			case c.fault != "" && (got.Fault == nil || !strings.Contains(got.Fault.Message, c.fault)):
				t.Errorf("fault %+v, want one saying %q", got.Fault, c.fault)
			}
			if c.event != "" {
				if evs := b.events(t, v.ID, c.action); len(evs) != 1 || evs[0] != c.event {
					t.Errorf("events %v, want [%s]", evs, c.event)
				}
			}
		})
	}
}
