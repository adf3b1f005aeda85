package agent

import (
	"context"

	"novalite"
	"novalite/internal/store"
)

// ImageFinisher is what snapshot tasks need of the image service: stage
// a snapshot's data (a file, "" for none) outside any transaction, make
// the queued image the API created active with the staged data in
// diskFormat ("" keeps the image's) within the outcome's, or delete it.
type ImageFinisher interface {
	StageSnapshot(data string) (store.StagedImage, error)
	FinishSnapshot(ctx context.Context, tx *store.Tx, imageID string, out store.SnapshotOutput) error
	DeleteImage(ctx context.Context, tx *store.Tx, imageID string) error
}

// The hooks of the outcome table. Each runs in the outcome's transaction
// before the guarded update of the server; what must happen only if that
// update applied comes back as after.

// migrationDone sets the status of the job's migration, if it has one.
func migrationDone(ctx context.Context, tx *store.Tx, r result, status string) func() error {
	return func() error {
		if r.mig == nil {
			return nil
		}
		return tx.MigrationSetStatus(ctx, r.mig.ID, status, r.end)
	}
}

// resized moves the server to the destination with its new flavor and
// keeps the old one for revert; a failure gives the destination's claim
// back.
func resized(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (func() error, error) {
	if r.mig == nil {
		return nil, nil
	}
	m := r.mig
	if r.err != nil {
		return func() error {
			if err := tx.ComputeNodeRelease(ctx, m.DestCompute, store.Demand(m.NewFlavor)); err != nil {
				return err
			}
			return migrationDone(ctx, tx, r, "error")()
		}, nil
	}
	p.Host, p.Node = m.DestCompute, m.DestNode
	p.Flavor = &m.NewFlavor
	p.SetOldFlavor, p.OldFlavor = true, &m.OldFlavor
	return migrationDone(ctx, tx, r, "finished"), nil
}

// reverted moves the server back to the source with its old flavor and
// gives the destination's claim back.
func reverted(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (func() error, error) {
	if r.mig == nil {
		p.SetOldFlavor = true
		return nil, nil
	}
	m := r.mig
	if r.err != nil {
		return migrationDone(ctx, tx, r, "error"), nil
	}
	p.Host, p.Node = m.SourceCompute, m.SourceNode
	p.Flavor = &m.OldFlavor
	p.SetOldFlavor = true
	return func() error {
		if err := tx.ComputeNodeRelease(ctx, m.DestCompute, store.Demand(m.NewFlavor)); err != nil {
			return err
		}
		return migrationDone(ctx, tx, r, "reverted")()
	}, nil
}

// confirmed settles a resize the controller confirmed (the window
// passed): the source gives the old flavor's claim back.
func confirmed(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (func() error, error) {
	if r.err != nil {
		return nil, nil
	}
	p.SetOldFlavor = true
	if r.mig == nil {
		return nil, nil
	}
	m := r.mig
	return func() error {
		if err := tx.ComputeNodeRelease(ctx, m.SourceCompute, store.Demand(m.OldFlavor)); err != nil {
			return err
		}
		return migrationDone(ctx, tx, r, "confirmed")()
	}, nil
}

// liveMigrated moves a running server; the side that lost it gives its
// claim back.
func liveMigrated(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (func() error, error) {
	if r.mig == nil {
		return nil, nil
	}
	m := r.mig
	release, status := m.SourceCompute, "completed"
	if r.err != nil {
		release, status = m.DestCompute, "error"
	} else {
		p.Host, p.Node = m.DestCompute, m.DestNode
	}
	return func() error {
		if err := tx.ComputeNodeRelease(ctx, release, store.Demand(m.NewFlavor)); err != nil {
			return err
		}
		return migrationDone(ctx, tx, r, status)()
	}, nil
}

// evacuated closes the evacuation a rebuild may be part of.
func evacuated(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (func() error, error) {
	if r.err != nil {
		return migrationDone(ctx, tx, r, "failed"), nil
	}
	return migrationDone(ctx, tx, r, "done"), nil
}

// snapshotted makes the snapshot's image active, or deletes it when the
// snapshot failed (as Nova does).
func snapshotted(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (func() error, error) {
	return func() error {
		id, err := takePendingImage(ctx, tx, r.v.InternalID)
		if err != nil || id == "" || a.o.Images == nil {
			return err
		}
		if r.err != nil {
			return a.o.Images.DeleteImage(ctx, tx, id)
		}
		return a.o.Images.FinishSnapshot(ctx, tx, id, r.out.snapshotOutput())
	}, nil
}

// shelved activates the shelve's image (kept until unshelve) and, with
// shelved_offload_time 0, offloads at once as Nova does.
func shelved(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (func() error, error) {
	if r.err != nil {
		return nil, nil
	}
	if a.o.ShelvedOffloadTime == 0 {
		p.VM, p.Power, p.ClearHost = novalite.VMShelvedOffloaded, power(novalite.PowerNoState), true
	}
	return func() error {
		if a.o.ShelvedOffloadTime == 0 {
			if err := tx.ComputeNodeRelease(ctx, a.o.Host, store.Demand(r.v.Flavor)); err != nil {
				return err
			}
		}
		id, err := tx.InstancePendingImage(ctx, r.v.InternalID)
		if err != nil || id == "" || a.o.Images == nil {
			return err
		}
		return a.o.Images.FinishSnapshot(ctx, tx, id, r.out.snapshotOutput())
	}, nil
}

// unshelved deletes the shelve's image; a failed unshelve of an
// offloaded server leaves it offloaded, its claim given back.
func unshelved(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (func() error, error) {
	if r.err != nil {
		if r.v.VMState != novalite.VMShelvedOffloaded {
			return nil, nil
		}
		p.ClearHost = true
		return func() error { return tx.ComputeNodeRelease(ctx, a.o.Host, store.Demand(r.v.Flavor)) }, nil
	}
	return func() error {
		id, err := takePendingImage(ctx, tx, r.v.InternalID)
		if err != nil || id == "" || a.o.Images == nil {
			return err
		}
		return a.o.Images.DeleteImage(ctx, tx, id)
	}, nil
}

// rescued forgets the rescue image the API recorded for the driver.
func rescued(ctx context.Context, a *Agent, tx *store.Tx, r result, p *store.InstanceOutcomeParams) (func() error, error) {
	return func() error {
		if r.image == "" {
			return nil
		}
		_, err := takePendingImage(ctx, tx, r.v.InternalID)
		return err
	}, nil
}

// takePendingImage returns the server's pending image ("" if none) and
// forgets it.
func takePendingImage(ctx context.Context, tx *store.Tx, internalID int64) (string, error) {
	id, err := tx.InstancePendingImage(ctx, internalID)
	if err != nil || id == "" {
		return id, err
	}
	return id, tx.InstanceSetPendingImage(ctx, internalID, "")
}

func (o *driveOut) snapshotOutput() store.SnapshotOutput {
	if o == nil {
		return store.SnapshotOutput{}
	}
	return store.SnapshotOutput{Staged: o.staged, DiskFormat: o.diskFormat}
}
