package compute

import (
	"context"
	"fmt"
	"time"

	"novalite"
	"novalite/internal/store"
)

// intent is a server action the API accepts by setting a task_state that
// the host's agent then finishes (Nova's API → compute cast): the word
// Nova names it by (instance action and the 409), the states that allow
// it (nova/compute/api.py check_instance_state) and the task it sets.
type intent struct {
	word  string
	check stateCheck
	to    novalite.TaskState
	// anyLock lets a locked server through (admin actions Nova does not
	// lock-check).
	anyLock bool
}

// idleIn is Nova's default check_instance_state: one of vms, no task,
// launched once.
func idleIn(vms ...novalite.VMState) stateCheck {
	return stateCheck{vm: vms, task: idle, launched: true}
}

// allowReboot is task_states.ALLOW_REBOOT.
var allowReboot = []novalite.TaskState{novalite.TaskNone, novalite.TaskRebooting, novalite.TaskRebootPending,
	novalite.TaskRebootStarted, novalite.TaskResuming, novalite.TaskRebootingHard, novalite.TaskUnpausing,
	novalite.TaskPausing, novalite.TaskSuspending}

const (
	active, stopped, paused     = novalite.VMActive, novalite.VMStopped, novalite.VMPaused
	suspended, rescued, errored = novalite.VMSuspended, novalite.VMRescued, novalite.VMError
)

// intents are the actions the API completes by setting a task, with the
// states nova/compute/api.py allows them in. Every task set here has a
// row in the agent's table (internal/agent, TestIntentsReachAgentRows).
var intents = map[novalite.Action]intent{
	novalite.ActionReboot:         {word: "reboot", to: novalite.TaskRebooting, check: idleIn(active)},
	novalite.ActionStop:           {word: "stop", to: novalite.TaskPoweringOff, check: idleIn(active, errored)},
	novalite.ActionStart:          {word: "start", to: novalite.TaskPoweringOn, check: idleIn(stopped)},
	novalite.ActionPause:          {word: "pause", to: novalite.TaskPausing, check: idleIn(active)},
	novalite.ActionUnpause:        {word: "unpause", to: novalite.TaskUnpausing, check: idleIn(paused)},
	novalite.ActionSuspend:        {word: "suspend", to: novalite.TaskSuspending, check: idleIn(active)},
	novalite.ActionResume:         {word: "resume", to: novalite.TaskResuming, check: idleIn(suspended)},
	novalite.ActionRescue:         {word: "rescue", to: novalite.TaskRescuing, check: idleIn(active, stopped, errored)},
	novalite.ActionUnrescue:       {word: "unrescue", to: novalite.TaskUnrescuing, check: idleIn(rescued)},
	novalite.ActionChangePassword: {word: "changePassword", to: novalite.TaskUpdatingPassword, check: idleIn(active)},
	novalite.ActionShelve:         {word: "shelve", to: novalite.TaskShelving, check: idleIn(active, stopped, paused, suspended)},
	novalite.ActionShelveOffload:  {word: "shelveOffload", to: novalite.TaskShelvingOffload, check: idleIn(novalite.VMShelved)},
	novalite.ActionUnshelve: {word: "unshelve", to: novalite.TaskUnshelving,
		check: idleIn(novalite.VMShelved, novalite.VMShelvedOffloaded)},
	novalite.ActionCreateImage:  {word: "createImage", to: novalite.TaskImageSnapshot, check: idleIn(active, stopped, paused, suspended)},
	novalite.ActionCreateBackup: {word: "createBackup", to: novalite.TaskImageBackup, check: idleIn(active, stopped)},
	novalite.ActionRebuild:      {word: "rebuild", to: novalite.TaskRebuilding, check: idleIn(active, stopped, errored)},
	novalite.ActionResize:       {word: "resize", to: novalite.TaskResizePrep, check: idleIn(active, stopped)},
	novalite.ActionMigrate:      {word: "migrate", to: novalite.TaskResizePrep, check: idleIn(active, stopped)},
	novalite.ActionRevertResize: {word: "revertResize", to: novalite.TaskResizeReverting, check: idleIn(novalite.VMResized)},
	novalite.ActionLiveMigrate:  {word: "os-migrateLive", to: novalite.TaskMigrating, check: idleIn(active, paused)},
	// Evacuate is an admin rescue of a dead host's server: no lock check.
	novalite.ActionEvacuate: {word: "evacuate", to: novalite.TaskRebuilding, anyLock: true, check: idleIn(active, stopped, errored)},
}

// hardReboot is the reboot action with type HARD: the same action as a
// soft reboot for Nova, with its own task and a wider state check.
var hardReboot = intent{word: "reboot", to: novalite.TaskRebootingHard,
	check: stateCheck{vm: []novalite.VMState{active, stopped, paused, suspended, errored}, task: allowReboot, launched: true}}

// IntentTasks lists the tasks each intent sets (the reboot action's soft
// and hard ones): what the agents must be able to finish.
func IntentTasks() map[novalite.Action][]novalite.TaskState {
	out := make(map[novalite.Action][]novalite.TaskState, len(intents))
	for act, in := range intents {
		out[act] = []novalite.TaskState{in.to}
	}
	out[novalite.ActionReboot] = append(out[novalite.ActionReboot], hardReboot.to)
	return out
}

// instanceActionName is the os-instance-actions name of an API action
// where it differs from the intent's word (nova/compute/instance_actions.py).
var instanceActionName = map[novalite.Action]string{novalite.ActionLiveMigrate: "live-migration"}

// conductorEvent is the event Nova's conductor records when it cannot
// place the actions that may skip their task (no host).
var conductorEvent = map[novalite.Action]string{novalite.ActionUnshelve: "conductor_unshelve_instance",
	novalite.ActionLiveMigrate: "conductor_live_migrate_instance", novalite.ActionEvacuate: "conductor_rebuild_instance"}

// prepareFunc does an action's own work in the intent's transaction,
// before the task is set; skip true records the action but sets no task
// (the work failed the way Nova reports asynchronously, as a fault).
type prepareFunc func(tx *store.Tx, v novalite.Server, now time.Time) (skip bool, err error)

// startTask runs the intent of act on server id; an action without one
// is a programming error, reported as such rather than run unguarded.
func (s *Service) startTask(ctx context.Context, c *novalite.Caller, id string, act novalite.Action, prepare prepareFunc) error {
	in, ok := intents[act]
	if !ok {
		return fmt.Errorf("compute: action %q has no intent", act)
	}
	return s.runIntent(ctx, c, id, act, in, prepare)
}

// runIntent runs intent in of action act on server id: lock and state
// checks, the driver's capability, the action's own preparation, the
// instance-action record and the guarded task update; the agents are
// woken after commit. in is act's intent or a variant of it (hard
// reboot, a volume-backed shelve), so the tables keyed by the action
// are read with act.
func (s *Service) runIntent(ctx context.Context, c *novalite.Caller, id string, act novalite.Action, in intent, prepare prepareFunc) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := checkLock(c, v); err != nil && !in.anyLock {
			return err
		}
		if err := in.check.failure(in.word, v); err != nil {
			return err
		}
		if err := s.supported(v, act); err != nil {
			return err
		}
		now := s.now().UTC()
		skip := false
		if prepare != nil {
			if skip, err = prepare(tx, v, now); err != nil {
				return err
			}
		}
		recorded := in.word
		if n, ok := instanceActionName[act]; ok {
			recorded = n
		}
		actionID, err := recordAction(ctx, tx, c, v, recorded, now)
		if err != nil {
			return err
		}
		if skip {
			return tx.InstanceActionEventInsert(ctx, novalite.InstanceActionEvent{ActionID: actionID,
				Event: conductorEvent[act], Start: now, Finish: now, Result: "Error"})
		}
		ok, err := tx.InstanceSetTask(ctx, store.InstanceTaskParams{InternalID: v.InternalID, To: in.to,
			FromVM: in.check.vm, FromTask: in.check.task, Now: now})
		if err != nil {
			return err
		}
		if !ok {
			return s.lostRace(ctx, tx, c, in.word, v.ID)
		}
		return nil
	})
}

// RebootServer is the reboot action (SOFT or HARD).
func (s *Service) RebootServer(ctx context.Context, c *novalite.Caller, id string, hard bool) error {
	if hard {
		return s.runIntent(ctx, c, id, novalite.ActionReboot, hardReboot, nil)
	}
	return s.startTask(ctx, c, id, novalite.ActionReboot, nil)
}

// SimpleAction runs one of the actions that take no arguments: stop,
// start, pause, unpause, suspend, resume, unrescue, shelveOffload.
func (s *Service) SimpleAction(ctx context.Context, c *novalite.Caller, id string, act novalite.Action) error {
	return s.startTask(ctx, c, id, act, nil)
}

// ChangePassword is the changePassword action: the hash of the new
// password replaces the old one (the password itself is kept nowhere, so
// the driver is not given it: see agent.setPassword).
func (s *Service) ChangePassword(ctx context.Context, c *novalite.Caller, id, password string) error {
	return s.startTask(ctx, c, id, novalite.ActionChangePassword, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		return false, tx.InstanceSetPasswordHash(ctx, v.InternalID, hashPassword(password))
	})
}

// RescueParams is a validated rescue action.
type RescueParams struct {
	Password string // generated when empty
	Image    string // rescue_image_ref: an image the caller can see
	// AllowVolumeBacked (2.87): a volume-backed server with a stable
	// rescue image may be rescued.
	AllowVolumeBacked bool
}

// RescueServer is the rescue action; it returns the rescue password
// (the one given, or a generated one). rescueImage, when set, must be an
// image the caller can see.
func (s *Service) RescueServer(ctx context.Context, c *novalite.Caller, id string, p RescueParams) (string, error) {
	if p.Password == "" {
		p.Password = generatePassword()
	}
	// The image service reads on its own connection: before the writer.
	var rescueProps map[string]string
	if p.Image != "" && s.Images != nil {
		im, err := s.Images.Get(ctx, c, p.Image)
		if novalite.IsKind(err, novalite.NotFound) {
			return "", novalite.Errorf(novalite.Invalid, "Image %s could not be found.", p.Image)
		} else if err != nil {
			return "", err
		}
		rescueProps = im.Properties
	}
	return p.Password, s.startTask(ctx, c, id, novalite.ActionRescue, func(tx *store.Tx, v novalite.Server, _ time.Time) (bool, error) {
		bdms, err := tx.BDMList(ctx, v.ID)
		if err != nil {
			return false, err
		}
		if !isVolumeBacked(v, bdms) {
			// The agent hands the rescue image to the driver.
			return false, tx.InstanceSetPendingImage(ctx, v.InternalID, p.Image)
		}
		// nova/compute/api.py rescue: a volume-backed server is rescued
		// only from 2.87 and with a stable rescue image (hw_rescue_bus and
		// hw_rescue_device: the given image's, else the server's).
		props := v.ImageProperties
		if p.Image != "" {
			props = rescueProps
		}
		_, bus := props["hw_rescue_bus"]
		_, dev := props["hw_rescue_device"]
		if !p.AllowVolumeBacked || !bus || !dev {
			return false, novalite.Errorf(novalite.Invalid, "Instance %s cannot be rescued: Cannot rescue a volume-backed instance", v.ID)
		}
		return false, nil
	})
}

// ResetState is the admin os-resetState action: vm_state active or
// error, no task, whatever the server was doing (no lock or state check).
func (s *Service) ResetState(ctx context.Context, c *novalite.Caller, id string, state novalite.VMState) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		// Nova records the action, finished at once, with no event.
		now := s.now().UTC()
		if _, err := tx.InstanceActionInsert(ctx, novalite.InstanceAction{InstanceUUID: v.ID, RequestID: c.RequestID,
			Action: "resetState", ProjectID: c.ProjectID, UserID: c.UserID, Start: now, Finish: now}); err != nil {
			return err
		}
		return tx.InstanceResetState(ctx, v.InternalID, state, now)
	})
}

var crashDumpCheck = idleIn(active, paused, rescued, novalite.VMResized, errored)

// TriggerCrashDump is the trigger_crash_dump action (2.17): Nova sends
// the guest an NMI without a task state; the simulated guests ignore it,
// so the action is recorded as done at once.
func (s *Service) TriggerCrashDump(ctx context.Context, c *novalite.Caller, id string) error {
	return s.apiAction(ctx, c, id, "trigger_crash_dump", "trigger_crash_dump", crashDumpCheck,
		func(tx *store.Tx, v novalite.Server, actionID int64, now time.Time) error {
			return finishedEvent(ctx, tx, actionID, "compute_trigger_crash_dump", v.Host, now)
		})
}

// apiAction runs an action the API completes by itself (no task for an
// agent): the lock and state checks (word names the action in the 409),
// the instance-action record named name, then do.
func (s *Service) apiAction(ctx context.Context, c *novalite.Caller, id, word, name string, check stateCheck,
	do func(tx *store.Tx, v novalite.Server, actionID int64, now time.Time) error) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.unlockedServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := check.failure(word, v); err != nil {
			return err
		}
		now := s.now().UTC()
		actionID, err := recordAction(ctx, tx, c, v, name, now)
		if err != nil {
			return err
		}
		return do(tx, v, actionID, now)
	})
}

// finishedEvent records a successful event of an action done at once.
func finishedEvent(ctx context.Context, tx *store.Tx, actionID int64, event, host string, now time.Time) error {
	return tx.InstanceActionEventInsert(ctx, novalite.InstanceActionEvent{ActionID: actionID, Event: event,
		Start: now, Finish: now, Result: "Success", Host: host})
}
