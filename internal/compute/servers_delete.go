package compute

import (
	"context"
	"slices"
	"time"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// invalidState is Nova's 409 for a state check that failed
// (raise_http_conflict_for_instance_invalid_state): it names the state
// unless the state is None (no task, never launched).
func invalidState(action string, v novalite.Server, attr string) error {
	state := ""
	switch attr {
	case "vm_state":
		state = string(v.VMState)
	case "task_state":
		state = string(v.TaskState)
	}
	if state == "" {
		return novalite.Errorf(novalite.Conflict, "Instance %s is in an invalid state for '%s'", v.ID, action)
	}
	return novalite.Errorf(novalite.Conflict, "Cannot '%s' instance %s while it is in %s %s", action, v.ID, attr, state)
}

// checkLock is Nova's check_instance_lock: a locked server takes no
// change but from an admin (context.is_admin, a policy rule).
func checkLock(c *novalite.Caller, v novalite.Server) error {
	if v.Locked && !policy.IsAdmin(c) {
		return novalite.Errorf(novalite.Conflict, "Instance %s is locked", v.ID)
	}
	return nil
}

// stateCheck is Nova's check_instance_state: allowed vm_states (nil =
// any), allowed task_states (nil = any; "" = none) and whether the server
// must have launched once.
type stateCheck struct {
	vm       []novalite.VMState
	task     []novalite.TaskState
	launched bool
}

// failure words the first check v fails, or nil.
func (sc stateCheck) failure(action string, v novalite.Server) error {
	switch {
	case sc.vm != nil && !slices.Contains(sc.vm, v.VMState):
		return invalidState(action, v, "vm_state")
	case sc.task != nil && !slices.Contains(sc.task, v.TaskState):
		return invalidState(action, v, "task_state")
	case sc.launched && v.LaunchedAt.IsZero():
		return invalidState(action, v, "launched_at")
	}
	return nil
}

var idle = []novalite.TaskState{novalite.TaskNone}

// recordAction writes the instance-action row of an API request.
func recordAction(ctx context.Context, tx *store.Tx, c *novalite.Caller, v novalite.Server, action string, now time.Time) (int64, error) {
	return tx.InstanceActionInsert(ctx, novalite.InstanceAction{InstanceUUID: v.ID, RequestID: c.RequestID,
		Action: action, ProjectID: c.ProjectID, UserID: c.UserID, Start: now})
}

// DeleteServer is DELETE /servers/{id}: a soft delete when the reclaim
// interval is set and the server has launched, else a hard delete —
// done at once when the server has no host (Nova's local delete), else
// left to the host's agent (task_state deleting).
func (s *Service) DeleteServer(ctx context.Context, c *novalite.Caller, id string) error {
	return s.delete(ctx, c, id, false)
}

// ForceDeleteServer is the forceDelete action: a hard delete in any
// state, soft-deleted servers included.
func (s *Service) ForceDeleteServer(ctx context.Context, c *novalite.Caller, id string) error {
	return s.delete(ctx, c, id, true)
}

// delete is DeleteServer, or ForceDeleteServer when force.
func (s *Service) delete(ctx context.Context, c *novalite.Caller, id string, force bool) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.unlockedRow(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if v.TaskState == novalite.TaskDeleting {
			return nil // accepted and ignored, as Nova does
		}
		// Nova's soft_delete takes any vm_state (it needs only a launch),
		// so deleting a SOFT_DELETED server soft-deletes it again: the
		// reclaim clock restarts, nothing is destroyed.
		soft := !force && s.reclaim > 0 && !v.LaunchedAt.IsZero()
		return s.deleteServer(ctx, tx, c, v, "delete", soft)
	})
}

func (s *Service) deleteServer(ctx context.Context, tx *store.Tx, c *novalite.Caller, v novalite.Server, action string, soft bool) error {
	now := s.now().UTC()
	if _, err := recordAction(ctx, tx, c, v, action, now); err != nil {
		return err
	}
	if err := s.settleMoves(ctx, tx, v, now); err != nil {
		return err
	}
	if v.Host == "" && !soft {
		done, err := tx.InstanceDeleteLocal(ctx, v.InternalID, now)
		if err != nil {
			return err
		}
		if done {
			if err := s.ReleaseServerVolumes(ctx, tx, v.ID); err != nil {
				return err
			}
			return s.releasePorts(ctx, tx, v.ID)
		}
		// Placed on a host meanwhile: the host's agent deletes it.
	}
	p := store.InstanceTaskParams{InternalID: v.InternalID, To: novalite.TaskDeleting, ResetProgress: true,
		Unless: novalite.TaskDeleting, Now: now}
	if soft {
		p = store.InstanceTaskParams{InternalID: v.InternalID, To: novalite.TaskSoftDeleting, StampDeleted: true, Now: now}
	}
	_, err := tx.InstanceSetTask(ctx, p) // its commit wakes the host's agent
	return err
}

var restoreCheck = idleIn(novalite.VMSoftDeleted)

// RestoreServer is the restore action: a soft-deleted server comes back
// (task_state restoring) if the quota still has room for it.
func (s *Service) RestoreServer(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if v.Locked && !policy.IsAdmin(c) {
			// Nova reports the lock as a state error here (deferred_delete.py).
			return novalite.Errorf(novalite.Conflict, "Instance %s is in an invalid state for 'restore'", v.ID)
		}
		if err := restoreCheck.failure("restore", v); err != nil {
			return err
		}
		sets, err := quotaSetsOf(ctx, tx, v.ProjectID, v.UserID)
		if err != nil {
			return err
		}
		if err := s.checkServerQuota(ctx, tx, serverQuota{projectID: v.ProjectID, userID: v.UserID, flavor: v.Flavor, sets: sets}, 1); err != nil {
			return err
		}
		now := s.now().UTC()
		if _, err := recordAction(ctx, tx, c, v, "restore", now); err != nil {
			return err
		}
		ok, err := tx.InstanceSetTask(ctx, store.InstanceTaskParams{InternalID: v.InternalID, To: novalite.TaskRestoring,
			FromVM: restoreCheck.vm, FromTask: restoreCheck.task, Now: now})
		if err != nil {
			return err
		}
		if !ok {
			return s.lostRace(ctx, tx, c, "restore", v.ID)
		}
		return nil
	})
}

// lostRace words the 409 (or 404) of an intent whose guarded update
// changed nothing because the row moved on since it was read.
func (s *Service) lostRace(ctx context.Context, tx *store.Tx, c *novalite.Caller, action, id string) error {
	v, err := s.getServer(ctx, tx, c, id)
	if err != nil {
		return err
	}
	if v.TaskState != "" {
		return invalidState(action, v, "task_state")
	}
	return invalidState(action, v, "vm_state")
}

// settleMoves gives back what a move of v in progress holds beyond the
// server's own claim, before it is deleted (Nova confirms a resize on
// delete): the source's old flavor of a finished or reverting resize, the
// destination's claim of a move that has not happened yet.
func (s *Service) settleMoves(ctx context.Context, tx *store.Tx, v novalite.Server, now time.Time) error {
	m, err := tx.MigrationLatest(ctx, v.ID, "pre-migrating", "finished", "reverting", "running", "accepted")
	if novalite.IsKind(err, novalite.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	host, flavor, status := m.SourceCompute, m.OldFlavor, "confirmed"
	switch m.Status {
	case "pre-migrating", "running":
		host, flavor, status = m.DestCompute, m.NewFlavor, "error"
	case "accepted":
		return tx.MigrationSetStatus(ctx, m.ID, "failed", now) // an evacuation: its claim is the server's
	}
	if err := tx.ComputeNodeRelease(ctx, host, store.Demand(flavor)); err != nil {
		return err
	}
	return tx.MigrationSetStatus(ctx, m.ID, status, now)
}
