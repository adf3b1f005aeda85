package compute

import (
	"context"

	"novalite"
	"novalite/internal/store"
)

// LockedBy is who a lock by c on a server of projectID counts as: the
// owner, or an admin of another project (Nova's locked_by).
func LockedBy(c *novalite.Caller, projectID string) string {
	if c.ProjectID == projectID {
		return "owner"
	}
	return "admin"
}

// LockServer locks a server (reason from 2.73, nil keeps the current
// one). The owner locking a server it already locked changes nothing.
func (s *Service) LockServer(ctx context.Context, c *novalite.Caller, v novalite.Server, reason *string) error {
	return s.setLock(ctx, c, v, true, reason)
}

// UnlockServer removes the lock and its reason; the caller has passed
// the unlock_override rule when the lock is the other party's.
func (s *Service) UnlockServer(ctx context.Context, c *novalite.Caller, v novalite.Server) error {
	return s.setLock(ctx, c, v, false, nil)
}

func (s *Service) setLock(ctx context.Context, c *novalite.Caller, v novalite.Server, lock bool, reason *string) error {
	action := map[bool]string{true: "lock", false: "unlock"}[lock]
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		now := s.now().UTC()
		actionID, err := recordAction(ctx, tx, c, v, action, now)
		if err != nil {
			return err
		}
		by := LockedBy(c, v.ProjectID)
		if !(lock && v.Locked && by == "owner") {
			err = tx.InstanceSetLock(ctx, store.InstanceLockParams{InternalID: v.InternalID, Locked: lock,
				LockedBy: by, Reason: reason, Now: now})
			if novalite.IsKind(err, novalite.NotFound) {
				return instanceNotFound(v.ID)
			}
			if err != nil {
				return err
			}
		}
		// Nova wraps lock/unlock in an "api_" instance event.
		return tx.InstanceActionEventInsert(ctx, novalite.InstanceActionEvent{ActionID: actionID,
			Event: "api_" + action, Start: now, Finish: now, Result: "Success"})
	})
}

// UpdateServerParams are the fields of PUT /servers/{id}; nil (or a
// Nullable not Set) leaves a field alone.
type UpdateServerParams struct {
	Name           *string
	Description    novalite.Nullable[string]
	Hostname       *string
	AccessIPv4     *string
	AccessIPv6     *string
	AutoDiskConfig *bool
	PinnedAZ       novalite.Nullable[string] // 2.104
}

// UpdateServer is PUT /servers/{id}: no state and no lock check. It
// returns the server as updated.
func (s *Service) UpdateServer(ctx context.Context, c *novalite.Caller, id string, p UpdateServerParams) (ServerInfo, error) {
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if p.PinnedAZ.Set {
			if err := checkPin(v, p.PinnedAZ.Ptr()); err != nil {
				return err
			}
		}
		return tx.InstanceUpdate(ctx, store.InstanceUpdateParams{InternalID: v.InternalID, Name: p.Name,
			Description: p.Description, Hostname: p.Hostname, AccessIPv4: p.AccessIPv4, AccessIPv6: p.AccessIPv6,
			AutoDiskConfig: p.AutoDiskConfig, PinnedAZ: p.PinnedAZ, Now: s.now().UTC()})
	})
	if err != nil {
		return ServerInfo{}, err
	}
	return s.GetServer(ctx, c, id)
}

// checkPin applies 2.104's rules for pinned_availability_zone.
func checkPin(v novalite.Server, want *string) error {
	if want == nil {
		return nil
	}
	if v.PinnedAZ != "" {
		if v.PinnedAZ != *want {
			return novalite.Errorf(novalite.Conflict,
				"Cannot change pinned availability zone directly. Unpin first by setting pinned_availability_zone to null.")
		}
		return nil
	}
	if *want != v.AvailabilityZone {
		return novalite.Errorf(novalite.Conflict,
			"Server can only be pinned to its current availability zone '%s', but '%s' was requested.", v.AvailabilityZone, *want)
	}
	return nil
}
