package agent

import (
	"context"
	"slices"

	"novalite"
	"novalite/internal/virt"
)

// outcome is what finishing (or failing) a task writes.
type outcome struct {
	vm    novalite.VMState     // "" keeps the server's vm_state
	power *novalite.PowerState // nil keeps power_state
	// launched stamps launched_at; delete marks the row deleted;
	// clearDeleted undoes a soft delete's deleted_at; clearHost forgets
	// host and node (a failed build, as Nova nils them).
	launched, delete, clearDeleted, clearHost bool
	release                                   bool // give the host's resource claim back
	ports                                     bool // release the server's ports
	fault                                     bool // record the error as the server's fault
}

// action is one row of the outcome table: the driver call that performs
// the task the API asked for, and the outcome of success and of failure.
type action struct {
	name   string // the API's instance action (os-instance-actions)
	event  string // Nova's event name for the compute step
	drive  func(ctx context.Context, d virt.Driver, inst virt.Instance) error
	done   outcome
	failed outcome
}

func power(p novalite.PowerState) *novalite.PowerState { return &p }

// actions maps the task_state an intent sets to the work that finishes it
// (nova/compute/manager.py does the same work per RPC method). Adding an
// action is adding a row: e.g. stop is
//
//	novalite.TaskPoweringOff: {name: "stop", event: "compute_stop_instance", drive: powerOff,
//		done: outcome{vm: novalite.VMStopped, power: power(novalite.PowerShutdown)}},
//
// with a zero failed outcome (Nova leaves the vm_state, clears the task).
var actions = map[novalite.TaskState]action{
	novalite.TaskSpawning: {name: "create", event: "compute__do_build_and_run_instance", drive: spawn,
		done:   outcome{vm: novalite.VMActive, power: power(novalite.PowerRunning), launched: true},
		failed: outcome{vm: novalite.VMError, power: power(novalite.PowerNoState), clearHost: true, release: true, fault: true}},
	novalite.TaskDeleting: {name: "delete", event: "compute_terminate_instance", drive: destroy,
		done:   outcome{vm: novalite.VMDeleted, delete: true, release: true, ports: true},
		failed: outcome{vm: novalite.VMError, fault: true}},
	novalite.TaskSoftDeleting: {name: "delete", event: "compute_soft_delete_instance", drive: powerOff,
		done:   outcome{vm: novalite.VMSoftDeleted, power: power(novalite.PowerShutdown)},
		failed: outcome{clearDeleted: true, fault: true}},
	novalite.TaskRestoring: {name: "restore", event: "compute_restore_instance", drive: powerOn,
		done:   outcome{vm: novalite.VMActive, power: power(novalite.PowerRunning), clearDeleted: true},
		failed: outcome{fault: true}},
}

// tasks lists the task states of the table, for the work query.
var tasks = func() []novalite.TaskState {
	out := make([]novalite.TaskState, 0, len(actions))
	for t := range actions {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}()

func spawn(ctx context.Context, d virt.Driver, i virt.Instance) error    { return d.Spawn(ctx, i) }
func destroy(ctx context.Context, d virt.Driver, i virt.Instance) error  { return d.Destroy(ctx, i) }
func powerOff(ctx context.Context, d virt.Driver, i virt.Instance) error { return d.PowerOff(ctx, i) }
func powerOn(ctx context.Context, d virt.Driver, i virt.Instance) error  { return d.PowerOn(ctx, i) }
