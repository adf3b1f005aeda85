package compute

import (
	"context"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/scheduler"
	"novalite/internal/store"
)

// Moves: resize (and its confirm and revert), cold and live migration,
// evacuation. The API places the server synchronously (claiming on the
// destination in its own transaction) and records the migration; the
// agent of the server's host does the move and its outcome.

// move is a server's move to place: the flavor it moves with (a
// resize's new one), the requested host ("" any), the host it leaves
// (exclude, "" none) and whether it may stay there when no other fits.
type move struct {
	server     novalite.Server
	flavor     novalite.FlavorSnapshot
	host       string
	exclude    string
	sameHostOK bool
	now        time.Time
}

// claimFor places m on a host other than m.exclude (any host, exclude
// included, when sameHostOK and no other fits) and returns it.
func (s *Service) claimFor(ctx context.Context, tx *store.Tx, m move) (scheduler.Host, string, error) {
	r := scheduler.Request{Zone: m.server.PinnedAZ, Host: m.host, Want: store.Demand(m.flavor)}
	if err := scheduler.Constrain(ctx, tx, m.server, &r); err != nil {
		return scheduler.Host{}, "", err
	}
	p := scheduler.ClaimParams{Request: r, Exclude: m.exclude, Now: m.now, DownAfter: s.downTime}
	h, reason, err := scheduler.Claim(ctx, tx, p)
	if err == nil && reason != "" && m.sameHostOK {
		p.Exclude = ""
		h, reason, err = scheduler.Claim(ctx, tx, p)
	}
	return h, reason, err
}

// ResizeParams is a validated resize action.
type ResizeParams struct {
	FlavorRef      string
	AutoDiskConfig *bool // nil: keep the server's
}

// ResizeServer is the resize action: a new flavor, placed preferably on
// another host (DevStack's allow_resize_to_same_host lets it stay).
func (s *Service) ResizeServer(ctx context.Context, c *novalite.Caller, id string, p ResizeParams) error {
	return s.startTask(ctx, c, id, novalite.ActionResize, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		// Nova checks the image the server was built from first.
		if err := checkAutoDiskConfig(v.ImageProperties, v.ImageRef, p.AutoDiskConfig); err != nil {
			return false, err
		}
		nf, err := s.flavorForCreate(ctx, tx, c, p.FlavorRef)
		if novalite.IsKind(err, novalite.Invalid) {
			return false, novalite.Errorf(novalite.Invalid, "Unable to locate requested flavor.")
		}
		if err != nil {
			return false, err
		}
		if nf.ID == v.Flavor.ID {
			return false, novalite.Errorf(novalite.Invalid, "When resizing, instances must change flavor!")
		}
		// Nova's API refuses a zero-disk flavor for an image-backed
		// server (CannotResizeDisk) before its driver would refuse to
		// shrink the disk.
		if nf.RootGB == 0 && v.Flavor.RootGB != 0 && v.ImageRef != "" {
			return false, novalite.Errorf(novalite.Invalid,
				"Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.")
		}
		if nf.RootGB < v.Flavor.RootGB && v.ImageRef != "" {
			return false, novalite.Errorf(novalite.Invalid, "Resize error: Unable to resize disk down.")
		}
		if err := s.checkResizeQuota(ctx, tx, v, nf); err != nil {
			return false, err
		}
		if p.AutoDiskConfig != nil {
			if err := tx.InstanceUpdate(ctx, store.InstanceUpdateParams{InternalID: v.InternalID, AutoDiskConfig: p.AutoDiskConfig, Now: now}); err != nil {
				return false, err
			}
		}
		return false, s.startMove(ctx, tx, "resize", move{server: v, flavor: nf, exclude: v.Host, sameHostOK: true, now: now})
	})
}

// checkResizeQuota checks the cores and RAM a bigger flavor adds.
func (s *Service) checkResizeQuota(ctx context.Context, tx *store.Tx, v novalite.Server, nf novalite.FlavorSnapshot) error {
	delta := novalite.FlavorSnapshot{VCPUs: max(nf.VCPUs-v.Flavor.VCPUs, 0), MemoryMB: max(nf.MemoryMB-v.Flavor.MemoryMB, 0)}
	if delta.VCPUs == 0 && delta.MemoryMB == 0 {
		return nil
	}
	sets, err := quotaSetsOf(ctx, tx, v.ProjectID, v.UserID)
	if err != nil {
		return err
	}
	overs, err := s.serverQuotaOvers(ctx, tx, serverQuota{projectID: v.ProjectID, userID: v.UserID, flavor: delta, sets: sets}, 1)
	if err != nil {
		return err
	}
	// The instance itself is already counted.
	kept := overs[:0]
	for _, o := range overs {
		if o.resource != novalite.QuotaInstances {
			kept = append(kept, o)
		}
	}
	return quotaError(kept)
}

// MigrateServer is the admin migrate action (cold migration): the same
// flavor on another host, optionally the one named (2.56).
func (s *Service) MigrateServer(ctx context.Context, c *novalite.Caller, id, host string) error {
	return s.startTask(ctx, c, id, novalite.ActionMigrate, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		if err := s.checkDestination(ctx, tx, v, host); err != nil {
			return false, err
		}
		return false, s.startMove(ctx, tx, "migration", move{server: v, flavor: v.Flavor, host: host, exclude: v.Host, now: now})
	})
}

// checkDestination checks the host a migration asks for (if any): a
// known one, not the server's own.
func (s *Service) checkDestination(ctx context.Context, tx *store.Tx, v novalite.Server, host string) error {
	if host == "" {
		return nil
	}
	if err := s.checkHostExists(ctx, tx, host); err != nil {
		return err
	}
	if host == v.Host {
		return novalite.Errorf(novalite.Invalid, "Unable to migrate instance (%s) to current host (%s).", v.ID, host)
	}
	return nil
}

// newMigration is the record of m to h.
func newMigration(m move, kind, status string, h scheduler.Host) *novalite.Migration {
	v := m.server
	return &novalite.Migration{UUID: uuid.NewString(), InstanceUUID: v.ID, Type: kind, Status: status,
		SourceCompute: v.Host, SourceNode: v.Node, DestCompute: h.Name, DestNode: h.Node,
		OldFlavor: v.Flavor, NewFlavor: m.flavor, ProjectID: v.ProjectID, UserID: v.UserID, CreatedAt: m.now}
}

// checkHostExists is Nova's 400 for a destination host it does not know.
func (s *Service) checkHostExists(ctx context.Context, tx *store.Tx, host string) error {
	nodes, err := tx.ComputeNodeList(ctx, []string{host})
	if err != nil {
		return err
	}
	if len(nodes) == 0 {
		return novalite.Errorf(novalite.Invalid, "Compute host %s could not be found.", host)
	}
	return nil
}

// startMove claims the destination and records the migration a resize
// or cold migration works on; no host is Nova's 400 NoValidHost (the
// conductor answers these synchronously).
func (s *Service) startMove(ctx context.Context, tx *store.Tx, kind string, m move) error {
	h, reason, err := s.claimFor(ctx, tx, m)
	if err != nil {
		return err
	}
	if reason != "" {
		return novalite.Errorf(novalite.Invalid, "%s", reason)
	}
	return tx.MigrationInsert(ctx, newMigration(m, kind, "pre-migrating", h))
}

var confirmCheck = idleIn(novalite.VMResized)

// ConfirmResize is the confirmResize action: the source gives back the
// old flavor's claim and the server settles (active, or stopped if it was
// off). Done at once: there is nothing left on the simulated source.
func (s *Service) ConfirmResize(ctx context.Context, c *novalite.Caller, id string) error {
	return s.apiAction(ctx, c, id, "confirmResize", "confirmResize", confirmCheck,
		func(tx *store.Tx, v novalite.Server, actionID int64, now time.Time) error {
			m, err := tx.MigrationLatest(ctx, v.ID, "finished")
			if novalite.IsKind(err, novalite.NotFound) {
				return novalite.Errorf(novalite.Invalid, "Instance has not been resized.")
			}
			if err != nil {
				return err
			}
			return s.confirm(ctx, tx, v, m, actionID, now)
		})
}

// confirm settles a resized server (the action and auto-confirm).
func (s *Service) confirm(ctx context.Context, tx *store.Tx, v novalite.Server, m novalite.Migration, actionID int64, now time.Time) error {
	vm, pw := novalite.VMActive, novalite.PowerRunning
	if v.PowerState == novalite.PowerShutdown {
		vm, pw = novalite.VMStopped, novalite.PowerShutdown
	}
	ok, err := tx.InstanceOutcome(ctx, store.InstanceOutcomeParams{InternalID: v.InternalID, From: novalite.TaskNone,
		VM: vm, Power: &pw, SetOldFlavor: true, Now: now})
	if err != nil {
		return err
	}
	if !ok {
		return invalidState("confirmResize", v, "task_state")
	}
	if err := tx.ComputeNodeRelease(ctx, m.SourceCompute, store.Demand(m.OldFlavor)); err != nil {
		return err
	}
	if err := tx.MigrationSetStatus(ctx, m.ID, "confirmed", now); err != nil {
		return err
	}
	return finishedEvent(ctx, tx, actionID, "compute_confirm_resize", m.SourceCompute, now)
}

// RevertResize is the revertResize action: back to the old flavor on
// the source (the agent moves it).
func (s *Service) RevertResize(ctx context.Context, c *novalite.Caller, id string) error {
	return s.startTask(ctx, c, id, novalite.ActionRevertResize, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		m, err := tx.MigrationLatest(ctx, v.ID, "finished")
		if novalite.IsKind(err, novalite.NotFound) {
			return false, novalite.Errorf(novalite.Invalid, "Instance has not been resized.")
		}
		if err != nil {
			return false, err
		}
		if err := s.checkResizeQuota(ctx, tx, novalite.Server{ProjectID: v.ProjectID, UserID: v.UserID,
			Flavor: m.NewFlavor}, m.OldFlavor); err != nil {
			return false, err
		}
		// The source still holds the old flavor's claim (released only
		// by confirm), so the revert needs none.
		return false, tx.MigrationSetStatus(ctx, m.ID, "reverting", now)
	})
}

// LiveMigrateServer is the admin os-migrateLive action. Nova schedules
// live migrations asynchronously: no host leaves the server as it was,
// with the migration in error.
func (s *Service) LiveMigrateServer(ctx context.Context, c *novalite.Caller, id, host string) error {
	return s.startTask(ctx, c, id, novalite.ActionLiveMigrate, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		if err := s.checkDestination(ctx, tx, v, host); err != nil {
			return false, err
		}
		m := move{server: v, flavor: v.Flavor, host: host, exclude: v.Host, now: now}
		h, reason, err := s.claimFor(ctx, tx, m)
		if err != nil {
			return false, err
		}
		if reason != "" {
			return true, tx.MigrationInsert(ctx, newMigration(m, "live-migration", "error", scheduler.Host{}))
		}
		return false, tx.MigrationInsert(ctx, newMigration(m, "live-migration", "running", h))
	})
}

// EvacuateParams is a validated evacuate action.
type EvacuateParams struct {
	Host      string // empty: the scheduler's choice
	AdminPass string // generated when empty
}

// EvacuateServer is the admin evacuate action: a server of a host that
// is down is rebuilt on another; it returns the new admin password.
func (s *Service) EvacuateServer(ctx context.Context, c *novalite.Caller, id string, p EvacuateParams) (string, error) {
	if p.AdminPass == "" {
		p.AdminPass = generatePassword()
	}
	err := s.startTask(ctx, c, id, novalite.ActionEvacuate, func(tx *store.Tx, v novalite.Server, now time.Time) (bool, error) {
		nodes, err := tx.ComputeNodeList(ctx, []string{v.Host})
		if err != nil {
			return false, err
		}
		if len(nodes) == 1 && hostStatus(nodes[0], now, s.downTime) == hostUp {
			return false, novalite.Errorf(novalite.Invalid, "Compute service of %s is still in use.", v.Host)
		}
		if p.Host != "" {
			if err := s.checkHostExists(ctx, tx, p.Host); err != nil {
				return false, novalite.Errorf(novalite.NotFound, "Compute host %s not found.", p.Host)
			}
			if p.Host == v.Host {
				return false, novalite.Errorf(novalite.Invalid, "The target host can't be the same one.")
			}
		}
		m := move{server: v, flavor: v.Flavor, host: p.Host, exclude: v.Host, now: now}
		h, reason, err := s.claimFor(ctx, tx, m)
		if err != nil {
			return false, err
		}
		if reason != "" {
			// Nova's conductor fails the rebuild after the API answered:
			// the server goes to ERROR with the fault, the migration too.
			if err := tx.InstanceResetState(ctx, v.InternalID, novalite.VMError, now); err != nil {
				return false, err
			}
			if err := tx.InstanceFaultInsert(ctx, v.InternalID, novalite.Fault{Code: 500, Message: reason, Created: now}); err != nil {
				return false, err
			}
			return true, tx.MigrationInsert(ctx, newMigration(m, "evacuation", "error", scheduler.Host{}))
		}
		if err := tx.ComputeNodeRelease(ctx, v.Host, store.Demand(v.Flavor)); err != nil {
			return false, err
		}
		if _, err := tx.InstanceOutcome(ctx, store.InstanceOutcomeParams{InternalID: v.InternalID, From: v.TaskState,
			VM: v.VMState, Host: h.Name, Node: h.Node, Now: now}); err != nil {
			return false, err
		}
		if err := tx.InstanceSetPasswordHash(ctx, v.InternalID, hashPassword(p.AdminPass)); err != nil {
			return false, err
		}
		return false, tx.MigrationInsert(ctx, newMigration(m, "evacuation", "accepted", h))
	})
	return p.AdminPass, err
}

// ServerMigrations lists the migrations of a server that pass f (its
// instance is the server's).
func (s *Service) ServerMigrations(ctx context.Context, c *novalite.Caller, id string, f novalite.MigrationFilter) ([]novalite.Migration, error) {
	var out []novalite.Migration
	err := s.db.View(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		f.InstanceUUID = v.ID
		out, err = tx.MigrationList(ctx, f)
		return err
	})
	return out, err
}

// Migrations lists migrations for the admin os-migrations API; an
// unknown marker is 400, as Nova's MarkerNotFound.
func (s *Service) Migrations(ctx context.Context, f novalite.MigrationFilter) ([]novalite.Migration, error) {
	var out []novalite.Migration
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.MigrationList(ctx, f)
		if f.Marker != "" && novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.Invalid, "Marker %s could not be found.", f.Marker)
		}
		return err
	})
	return out, err
}

var liveCheck = stateCheck{vm: []novalite.VMState{novalite.VMActive, novalite.VMPaused},
	task: []novalite.TaskState{novalite.TaskMigrating}, launched: true}

// liveMigration finds the live migration migrationID of a migrating
// server, answering Nova's 404 and 400s.
func (s *Service) liveMigration(ctx context.Context, tx *store.Tx, v novalite.Server, migrationID int64, method string, allowed ...string) (novalite.Migration, error) {
	list, err := tx.MigrationList(ctx, novalite.MigrationFilter{InstanceUUID: v.ID, Type: "live-migration"})
	if err != nil {
		return novalite.Migration{}, err
	}
	for _, m := range list {
		if m.ID != migrationID {
			continue
		}
		for _, st := range allowed {
			if m.Status == st {
				return m, nil
			}
		}
		return m, novalite.Errorf(novalite.Invalid, "Migration %d state of instance %s is %s. Cannot %s while the migration is in this state.",
			m.ID, v.ID, m.Status, method)
	}
	return novalite.Migration{}, novalite.Errorf(novalite.NotFound, "Instance %s is not migrating: migration %d could not be found.", v.ID, migrationID)
}

// ForceCompleteLiveMigration is POST /servers/{id}/migrations/{mid}/action
// force_complete (2.22): accepted while the migration runs; the simulated
// hosts finish it at their own pace anyway.
func (s *Service) ForceCompleteLiveMigration(ctx context.Context, c *novalite.Caller, id string, migrationID int64) error {
	return s.apiAction(ctx, c, id, "force_complete", "live_migration_force_complete", liveCheck,
		func(tx *store.Tx, v novalite.Server, actionID int64, now time.Time) error {
			if _, err := s.liveMigration(ctx, tx, v, migrationID, "force complete", "running"); err != nil {
				return err
			}
			return finishedEvent(ctx, tx, actionID, "compute_live_migration_force_complete", v.Host, now)
		})
}

// AbortLiveMigration is DELETE /servers/{id}/migrations/{mid} (2.24): the
// server stays where it is, the destination gives its claim back and the
// migration is cancelled — unless the host finished it first.
func (s *Service) AbortLiveMigration(ctx context.Context, c *novalite.Caller, id string, migrationID int64) error {
	return s.apiAction(ctx, c, id, "abort live migration", "live_migration_cancel", liveCheck,
		func(tx *store.Tx, v novalite.Server, actionID int64, now time.Time) error {
			m, err := s.liveMigration(ctx, tx, v, migrationID, "abort live migration", "queued", "preparing", "running")
			if err != nil {
				return err
			}
			ok, err := tx.InstanceOutcome(ctx, store.InstanceOutcomeParams{InternalID: v.InternalID,
				From: novalite.TaskMigrating, VM: v.VMState, Now: now})
			if err != nil {
				return err
			}
			if !ok {
				return s.lostRace(ctx, tx, c, "abort live migration", v.ID)
			}
			if err := tx.ComputeNodeRelease(ctx, m.DestCompute, store.Demand(m.NewFlavor)); err != nil {
				return err
			}
			if err := tx.MigrationSetStatus(ctx, m.ID, "cancelled", now); err != nil {
				return err
			}
			return finishedEvent(ctx, tx, actionID, "compute_live_migration_abort", v.Host, now)
		})
}
