package agent

import (
	"context"
	"fmt"
	"os"
	"slices"

	"novalite"
	"novalite/internal/store"
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
	// poweredVM: the vm_state follows the power state the server had
	// before the task (stopped stays stopped: rebuild, resize confirm).
	poweredVM bool
}

// job is one server with a task, and what its driver call needs beyond
// the row (the migration of a resize or move).
type job struct {
	v       novalite.Server
	mig     *novalite.Migration
	offload bool   // shelve offloads at once (shelved_offload_time 0)
	scratch string // Options.Scratch
	// image is the image an offloaded server's unshelve boots, or the
	// rescue image a rescue asked for ("": the server's own).
	image string
	// nics are the server's ports, for the tasks that create a guest.
	nics []virt.NIC
	// volumes are the server's volumes, for the same tasks.
	volumes []virt.Volume
	// out is what the driver call hands on to the outcome's hook.
	out *driveOut
}

// driveOut is what a driver call made for the outcome to keep: the
// snapshot a createImage, createBackup or shelve wrote (a file in
// Options.Scratch) and that file staged by the image service (copied
// and hashed before the outcome's transaction), both removed once the
// outcome is written.
type driveOut struct {
	snapshot, diskFormat string
	staged               store.StagedImage
}

// drop removes what the outcome did not keep.
func (o *driveOut) drop() {
	if o == nil {
		return
	}
	for _, f := range []*string{&o.snapshot, &o.staged.File} {
		if *f != "" {
			_ = os.Remove(*f)
			*f = ""
		}
	}
}

// action is one row of the outcome table: the driver call that performs
// the task the API asked for, the outcome of success and of failure, and
// for moves a hook that completes the outcome's write.
type action struct {
	name   string // the API's instance action (os-instance-actions)
	event  string // Nova's event name for the compute step
	drive  func(ctx context.Context, d virt.Driver, inst virt.Instance, j job) error
	done   outcome
	failed outcome
	// unsupported, if set, is the outcome when the driver lacks the
	// operation (virt.ErrUnsupported) instead of failed.
	unsupported *outcome
	// migration names the statuses of the migration the task works on
	// (loaded with the work); nil for tasks without one.
	migration []string
	// hook adds to the outcome's write (moves, images); it runs in the
	// outcome's transaction, before the guarded update, and may return a
	// side effect to run once the update applied.
	hook func(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (after func() error, err error)
}

func power(p novalite.PowerState) *novalite.PowerState { return &p }

var (
	running  = power(novalite.PowerRunning)
	shutdown = power(novalite.PowerShutdown)
)

// actions maps the task_state an intent sets to the work that finishes it
// (nova/compute/manager.py does the same work per RPC method). Adding an
// action is adding a row; a zero failed outcome leaves the vm_state and
// clears the task, as Nova reverts the task state of most actions.
// build is the row of the three build steps: buildSteps moves a server
// through networking and block_device_mapping to spawning (as Nova's
// compute host does), then the spawn finishes it.
var build = action{name: "create", event: "compute__do_build_and_run_instance", drive: spawn,
	done:   outcome{vm: novalite.VMActive, power: running, launched: true},
	failed: outcome{vm: novalite.VMError, power: power(novalite.PowerNoState), clearHost: true, release: true, fault: true}}

var actions = map[novalite.TaskState]action{
	novalite.TaskNetworking:     build,
	novalite.TaskBlockDeviceMap: build,
	novalite.TaskSpawning:       build,
	novalite.TaskDeleting: {name: "delete", event: "compute_terminate_instance", drive: destroy,
		done:   outcome{vm: novalite.VMDeleted, delete: true, release: true, ports: true},
		failed: outcome{vm: novalite.VMError, fault: true}},
	novalite.TaskSoftDeleting: {name: "delete", event: "compute_soft_delete_instance", drive: powerOff,
		done:   outcome{vm: novalite.VMSoftDeleted, power: shutdown},
		failed: outcome{clearDeleted: true, fault: true}},
	novalite.TaskRestoring: {name: "restore", event: "compute_restore_instance", drive: powerOn,
		done:   outcome{vm: novalite.VMActive, power: running, clearDeleted: true},
		failed: outcome{fault: true}},

	novalite.TaskRebooting: {name: "reboot", event: "compute_reboot_instance", drive: reboot(false),
		done: outcome{vm: novalite.VMActive, power: running}, failed: outcome{vm: novalite.VMError, fault: true}},
	novalite.TaskRebootingHard: {name: "reboot", event: "compute_reboot_instance", drive: reboot(true),
		done: outcome{vm: novalite.VMActive, power: running}, failed: outcome{vm: novalite.VMError, fault: true}},
	novalite.TaskPoweringOff: {name: "stop", event: "compute_stop_instance", drive: powerOff,
		done: outcome{vm: novalite.VMStopped, power: shutdown}, failed: outcome{fault: true}},
	novalite.TaskPoweringOn: {name: "start", event: "compute_start_instance", drive: powerOn,
		done: outcome{vm: novalite.VMActive, power: running}, failed: outcome{fault: true}},
	novalite.TaskPausing: {name: "pause", event: "compute_pause_instance", drive: call(virt.Driver.Pause),
		done: outcome{vm: novalite.VMPaused, power: power(novalite.PowerPaused)}, failed: outcome{fault: true}},
	novalite.TaskUnpausing: {name: "unpause", event: "compute_unpause_instance", drive: call(virt.Driver.Unpause),
		done: outcome{vm: novalite.VMActive, power: running}, failed: outcome{fault: true}},
	novalite.TaskSuspending: {name: "suspend", event: "compute_suspend_instance", drive: call(virt.Driver.Suspend),
		done: outcome{vm: novalite.VMSuspended, power: power(novalite.PowerSuspended)}, failed: outcome{fault: true}},
	novalite.TaskResuming: {name: "resume", event: "compute_resume_instance", drive: call(virt.Driver.Resume),
		done: outcome{vm: novalite.VMActive, power: running}, failed: outcome{fault: true}},
	novalite.TaskRescuing: {name: "rescue", event: "compute_rescue_instance", drive: rescue,
		done: outcome{vm: novalite.VMRescued, power: running}, failed: outcome{vm: novalite.VMError, fault: true},
		hook: rescued},
	novalite.TaskUnrescuing: {name: "unrescue", event: "compute_unrescue_instance", drive: call(virt.Driver.Unrescue),
		done: outcome{vm: novalite.VMActive, power: running}, failed: outcome{vm: novalite.VMError, fault: true}},
	novalite.TaskUpdatingPassword: {name: "changePassword", event: "compute_set_admin_password", drive: setPassword,
		done: outcome{}, failed: outcome{fault: true}},
	novalite.TaskRebuilding: {name: "rebuild", event: "compute_rebuild_instance", drive: rebuild,
		done: outcome{poweredVM: true, launched: true}, failed: outcome{vm: novalite.VMError, fault: true},
		migration: []string{"accepted", "pre-migrating"}, hook: evacuated},

	novalite.TaskImageSnapshot: {name: "createImage", event: "compute_snapshot_instance", drive: snapshot,
		hook: snapshotted, failed: outcome{fault: true}},
	novalite.TaskImageBackup: {name: "createBackup", event: "compute_backup_instance", drive: snapshot,
		hook: snapshotted, failed: outcome{fault: true}},

	novalite.TaskResizePrep: {name: "resize", event: "compute_resize_instance", drive: migrate,
		done: outcome{vm: novalite.VMResized}, failed: outcome{vm: novalite.VMError, fault: true},
		migration: []string{"pre-migrating"}, hook: resized},
	novalite.TaskResizeReverting: {name: "revertResize", event: "compute_revert_resize", drive: migrateBack,
		done: outcome{poweredVM: true}, failed: outcome{vm: novalite.VMError, fault: true},
		migration: []string{"reverting"}, hook: reverted},
	novalite.TaskResizeConfirming: {name: "confirmResize", event: "compute_confirm_resize", drive: confirmMigration,
		done: outcome{poweredVM: true}, failed: outcome{vm: novalite.VMError, fault: true},
		migration: []string{"finished"}, hook: confirmed},
	// A driver without live migration fails Nova's pre-checks with an
	// error the conductor does not expect: the server goes to ERROR (the
	// API answered 202 already, as Nova's from 2.34).
	novalite.TaskMigrating: {name: "live-migration", event: "compute_live_migration", drive: liveMigrate,
		failed: outcome{fault: true}, unsupported: &outcome{vm: novalite.VMError, fault: true},
		migration: []string{"queued", "preparing", "running"}, hook: liveMigrated},

	novalite.TaskShelving: {name: "shelve", event: "compute_shelve_instance", drive: shelve,
		done: outcome{vm: novalite.VMShelved, power: shutdown}, failed: outcome{fault: true}, hook: shelved},
	novalite.TaskShelvingOffload: {name: "shelveOffload", event: "compute_shelve_offload_instance", drive: destroy,
		done:   outcome{vm: novalite.VMShelvedOffloaded, power: power(novalite.PowerNoState), clearHost: true, release: true},
		failed: outcome{fault: true}},
	novalite.TaskUnshelving: {name: "unshelve", event: "compute_unshelve_instance", drive: unshelve,
		done: outcome{vm: novalite.VMActive, power: running, launched: true}, failed: outcome{fault: true}, hook: unshelved},
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

type driverCall func(d virt.Driver, ctx context.Context, i virt.Instance) error

// call adapts a plain driver method to a row's drive.
func call(f driverCall) func(context.Context, virt.Driver, virt.Instance, job) error {
	return func(ctx context.Context, d virt.Driver, i virt.Instance, _ job) error { return f(d, ctx, i) }
}

var (
	spawn    = call(virt.Driver.Spawn)
	destroy  = call(virt.Driver.Destroy)
	powerOff = call(virt.Driver.PowerOff)
	powerOn  = call(virt.Driver.PowerOn)
)

func reboot(hard bool) func(context.Context, virt.Driver, virt.Instance, job) error {
	return func(ctx context.Context, d virt.Driver, i virt.Instance, _ job) error { return d.Reboot(ctx, i, hard) }
}

// setPassword: the new password is not kept anywhere novalite could
// read it back (only its hash, on the row), so the driver gets none;
// the fake ignores it and the QEMU driver has no guest agent yet.
func setPassword(ctx context.Context, d virt.Driver, i virt.Instance, _ job) error {
	return d.SetAdminPassword(ctx, i, "")
}

// migrate moves the guest to the migration's destination with the new
// flavor (the row keeps the old one until the outcome).
func migrate(ctx context.Context, d virt.Driver, i virt.Instance, j job) error {
	if j.mig == nil {
		return nil // nothing to move: finish the task
	}
	return d.Migrate(ctx, withFlavor(i, j.mig.NewFlavor), j.mig.DestCompute)
}

// liveMigrate moves a running guest, if the driver can.
func liveMigrate(ctx context.Context, d virt.Driver, i virt.Instance, j job) error {
	if !d.Capabilities().LiveMigrate {
		return fmt.Errorf("live migration: %w", virt.ErrUnsupported)
	}
	return migrate(ctx, d, i, j)
}

// migrateBack reverts a resize: the guest returns to the source with
// the old flavor.
func migrateBack(ctx context.Context, d virt.Driver, i virt.Instance, j job) error {
	if j.mig == nil {
		return nil
	}
	return d.RevertMigration(ctx, withFlavor(i, j.mig.OldFlavor), j.mig.SourceCompute)
}

// confirmMigration has the source's copy of a resized guest removed.
func confirmMigration(ctx context.Context, d virt.Driver, i virt.Instance, j job) error {
	if j.mig == nil {
		return nil
	}
	return d.ConfirmMigration(ctx, i, j.mig.SourceCompute)
}

func withFlavor(i virt.Instance, f novalite.FlavorSnapshot) virt.Instance {
	if f.VCPUs == 0 && f.MemoryMB == 0 {
		return i // a migration row without its flavors
	}
	i.VCPUs, i.MemoryMB, i.RootGB, i.EphemeralGB, i.SwapMB = f.VCPUs, f.MemoryMB, f.RootGB, f.EphemeralG, f.SwapMB
	return i
}

// snapshot has the driver write the guest's root disk into a file of
// the scratch directory, which the outcome's hook makes the image's data.
func snapshot(ctx context.Context, d virt.Driver, i virt.Instance, j job) error {
	f, err := os.CreateTemp(j.scratch, "snapshot-"+i.ID+"-*")
	if err != nil {
		return fmt.Errorf("snapshot scratch file: %w", err)
	}
	format, err := d.Snapshot(ctx, i, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || format == "" || j.out == nil {
		_ = os.Remove(f.Name())
		return err
	}
	j.out.drop()
	j.out.snapshot, j.out.diskFormat = f.Name(), format
	return nil
}

// shelve stops the guest and snapshots its disk.
func shelve(ctx context.Context, d virt.Driver, i virt.Instance, j job) error {
	if err := d.PowerOff(ctx, i); err != nil {
		return err
	}
	if err := snapshot(ctx, d, i, j); err != nil || !j.offload {
		return err
	}
	return d.Destroy(ctx, i)
}

// unshelve powers a shelved guest on where it is, or spawns an
// offloaded one on the host the API placed it on.
func unshelve(ctx context.Context, d virt.Driver, i virt.Instance, j job) error {
	if j.v.VMState == novalite.VMShelved {
		return d.PowerOn(ctx, i)
	}
	if j.image != "" {
		i.ImageRef = j.image
	}
	return d.Spawn(ctx, i)
}

// rebuild re-creates the guest; a stopped server stays stopped (Nova
// powers it off again).
func rebuild(ctx context.Context, d virt.Driver, i virt.Instance, j job) error {
	if err := d.Rebuild(ctx, i); err != nil || j.v.VMState != novalite.VMStopped {
		return err
	}
	return d.PowerOff(ctx, i)
}

// rescue boots the rescue image the API recorded, if any.
func rescue(ctx context.Context, d virt.Driver, i virt.Instance, j job) error {
	i.RescueImageRef = j.image
	return d.Rescue(ctx, i)
}
