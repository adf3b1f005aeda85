package volume

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
)

// SnapshotParams is a validated snapshot create.
type SnapshotParams struct {
	VolumeID          string
	Name, Description *string
	Force             bool // an in-use volume too
	Metadata          map[string]string
}

// CreateSnapshot copies a volume's data into a snapshot, counted against
// the project's snapshots and gigabytes; the answer is the snapshot as
// first recorded ("creating").
func (s *Service) CreateSnapshot(ctx context.Context, c *novalite.Caller, p SnapshotParams) (novalite.VolumeSnapshot, error) {
	now := s.stamp()
	sn := novalite.VolumeSnapshot{ID: uuid.NewString(), ProjectID: c.ProjectID, UserID: c.UserID, VolumeID: p.VolumeID,
		Name: p.Name, Description: p.Description, Status: novalite.VolumeCreating, Metadata: p.Metadata,
		CreatedAt: now, UpdatedAt: now}
	if sn.Metadata == nil {
		sn.Metadata = map[string]string{}
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := tx.VolumeGetForUpdate(ctx, p.VolumeID, scope(c))
		if err != nil {
			return notFoundAs(err, volumeNotFound(p.VolumeID))
		}
		if !(v.Status == novalite.VolumeAvailable || (p.Force && v.Status == novalite.VolumeInUse)) {
			return invalidVolume("Volume %s status must be available, but current status is: %s.", v.ID, v.Status)
		}
		sn.Size, sn.ProjectID = v.Size, v.ProjectID
		if err := s.checkQuota(ctx, tx, v.ProjectID, 0, 1, v.Size); err != nil {
			return err
		}
		return tx.VolumeSnapshotInsert(ctx, sn)
	})
	if err != nil {
		return sn, err
	}
	status := novalite.VolumeAvailable
	ferr := s.files.snapshot(sn.VolumeID, sn.ID, sn.Size)
	if ferr != nil {
		status = novalite.VolumeError
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		cur, err := tx.VolumeSnapshotGet(ctx, sn.ID, "")
		if err != nil {
			return err
		}
		cur.Status, cur.UpdatedAt = status, s.stamp()
		return tx.VolumeSnapshotUpdate(ctx, cur)
	})
	return sn, wrap("snapshot created", errorsJoin(ferr, err))
}

// Snapshot returns a snapshot of the caller's project (any, for admins).
func (s *Service) Snapshot(ctx context.Context, c *novalite.Caller, id string) (sn novalite.VolumeSnapshot, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		sn, err = tx.VolumeSnapshotGet(ctx, id, scope(c))
		return notFoundAs(err, snapshotNotFound(id))
	})
	return sn, err
}

// Snapshots lists snapshots as List lists volumes.
func (s *Service) Snapshots(ctx context.Context, c *novalite.Caller, p ListParams) (out []novalite.VolumeSnapshot, err error) {
	q := store.VolumeSnapshotListParams{ProjectID: listProject(c, p), VolumeID: p.VolumeID, Name: p.Name,
		Status: p.Status, Marker: p.Marker, Limit: p.Limit, Sort: p.Sort}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = tx.VolumeSnapshotList(ctx, q)
		return err
	})
	return out, err
}

// UpdateSnapshot changes a snapshot's name, description or metadata.
func (s *Service) UpdateSnapshot(ctx context.Context, c *novalite.Caller, id string, p UpdateParams) (novalite.VolumeSnapshot, error) {
	return s.changeSnapshot(ctx, c, id, func(sn *novalite.VolumeSnapshot) error {
		p.apply(&sn.Name, &sn.Description, &sn.Metadata)
		return nil
	})
}

// changeSnapshot reads snapshot id in a transaction, lets change change
// it and writes it back stamped; an error from change writes nothing.
func (s *Service) changeSnapshot(ctx context.Context, c *novalite.Caller, id string, change func(*novalite.VolumeSnapshot) error) (sn novalite.VolumeSnapshot, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if sn, err = tx.VolumeSnapshotGet(ctx, id, scope(c)); err != nil {
			return notFoundAs(err, snapshotNotFound(id))
		}
		if err := change(&sn); err != nil {
			return err
		}
		sn.UpdatedAt = s.stamp()
		return tx.VolumeSnapshotUpdate(ctx, sn)
	})
	return sn, err
}

// DeleteSnapshot deletes a snapshot that is available or in error.
func (s *Service) DeleteSnapshot(ctx context.Context, c *novalite.Caller, id string) error {
	_, err := s.changeSnapshot(ctx, c, id, func(sn *novalite.VolumeSnapshot) error {
		if sn.Status != novalite.VolumeAvailable && sn.Status != novalite.VolumeError {
			return novalite.Errorf(novalite.Invalid, "Invalid snapshot: Volume Snapshot status must be available or error and must not be part of a group.")
		}
		sn.Status = novalite.VolumeDeleting
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.files.removeSnapshot(id); err != nil {
		return wrap("delete snapshot data", err)
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error { return tx.VolumeSnapshotDelete(ctx, id) })
}

// SetSnapshotStatus is the snapshot's os-reset_status (admins) and
// os-update_snapshot_status.
func (s *Service) SetSnapshotStatus(ctx context.Context, c *novalite.Caller, id, status string) error {
	_, err := s.changeSnapshot(ctx, c, id, func(sn *novalite.VolumeSnapshot) error {
		sn.Status = status
		return nil
	})
	return err
}

// snapshotUpdateStatuses are the moves os-update_snapshot_status
// allows: from a snapshot's status to these (Cinder's status_map).
var snapshotUpdateStatuses = map[string][]string{
	novalite.VolumeCreating: {novalite.VolumeCreating, novalite.VolumeAvailable, novalite.VolumeError},
	novalite.VolumeDeleting: {novalite.VolumeDeleting, novalite.VolumeErrorDeleting},
}

// SnapshotStatusUpdate is what Nova reports of an assisted snapshot: its
// status, and its progress ("73%"; "" keeps the last).
type SnapshotStatusUpdate struct {
	Status, Progress string
}

// UpdateSnapshotStatus is os-update_snapshot_status, the call by which
// Nova reports an assisted snapshot's progress: a creating snapshot
// becomes available or error, a deleting one error_deleting; progress
// ("73%", "" kept) is recorded.
func (s *Service) UpdateSnapshotStatus(ctx context.Context, c *novalite.Caller, id string, u SnapshotStatusUpdate) error {
	status, progress := u.Status, u.Progress
	_, err := s.changeSnapshot(ctx, c, id, func(sn *novalite.VolumeSnapshot) error {
		allowed, ok := snapshotUpdateStatuses[sn.Status]
		if !ok {
			return novalite.Errorf(novalite.Invalid, "Snapshot status %s not allowed for update_snapshot_status", sn.Status)
		}
		if !slices.Contains(allowed, status) {
			return novalite.Errorf(novalite.Invalid, "Provided snapshot status %s not allowed for snapshot with status %s.",
				status, sn.Status)
		}
		sn.Status = status
		if progress != "" {
			sn.Progress = progress
		}
		return nil
	})
	return err
}

// ForceDeleteSnapshot deletes a snapshot whatever its status (admins).
func (s *Service) ForceDeleteSnapshot(ctx context.Context, c *novalite.Caller, id string) error {
	if err := s.SetSnapshotStatus(ctx, c, id, novalite.VolumeError); err != nil {
		return err
	}
	return s.DeleteSnapshot(ctx, c, id)
}

// SetSnapshotMetadata merges u's metadata into the snapshot's (replaces
// it with Replace) and returns the result.
func (s *Service) SetSnapshotMetadata(ctx context.Context, c *novalite.Caller, id string, u MetadataUpdate) (map[string]string, error) {
	sn, err := s.changeSnapshot(ctx, c, id, func(sn *novalite.VolumeSnapshot) error {
		sn.Metadata = u.apply(sn.Metadata)
		return nil
	})
	return sn.Metadata, err
}

// DeleteSnapshotMetadata removes one key of a snapshot's metadata.
func (s *Service) DeleteSnapshotMetadata(ctx context.Context, c *novalite.Caller, id, key string) error {
	_, err := s.changeSnapshot(ctx, c, id, func(sn *novalite.VolumeSnapshot) error {
		return deleteKey(sn.Metadata, key, SnapshotMetadataNotFound(id, key))
	})
	return err
}

// SnapshotMetadataNotFound is Cinder's 404 for a key a snapshot lacks.
func SnapshotMetadataNotFound(id, key string) error {
	return novalite.Errorf(novalite.NotFound, "Snapshot %s has no metadata with key %s.", id, key)
}
