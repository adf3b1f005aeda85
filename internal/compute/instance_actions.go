package compute

import (
	"context"
	"time"

	"novalite"
	"novalite/internal/store"
)

// FindServer returns the row of a server the caller may see, without
// ports; withDeleted also finds deleted servers (os-instance-actions from
// 2.21).
func (s *Service) FindServer(ctx context.Context, c *novalite.Caller, id string, withDeleted bool) (novalite.Server, error) {
	var v novalite.Server
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		v, err = tx.InstanceGet(ctx, id, scope(c), withDeleted)
		return serverErr(id, err)
	})
	return v, err
}

// InstanceActionListParams selects a page of a server's actions.
type InstanceActionListParams struct {
	Limit                       int // 0 = none
	Marker                      string
	ChangesSince, ChangesBefore time.Time
}

// ListInstanceActions returns a server's actions newest first; an unknown
// marker is 400.
func (s *Service) ListInstanceActions(ctx context.Context, serverID string, p InstanceActionListParams) ([]novalite.InstanceActionRecord, error) {
	var out []novalite.InstanceActionRecord
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.InstanceActionList(ctx, store.InstanceActionListParams{InstanceUUID: serverID, Limit: p.Limit,
			Marker: p.Marker, ChangesSince: p.ChangesSince, ChangesBefore: p.ChangesBefore})
		if novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.Invalid, "Marker %s could not be found.", p.Marker)
		}
		return err
	})
	return out, err
}

// GetInstanceAction returns one action of a server by request id, with
// its events newest first.
func (s *Service) GetInstanceAction(ctx context.Context, serverID, requestID string) (novalite.InstanceActionRecord, []novalite.InstanceActionEventRecord, error) {
	var a novalite.InstanceActionRecord
	var events []novalite.InstanceActionEventRecord
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		a, err = tx.InstanceActionGet(ctx, serverID, requestID)
		if novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.NotFound, "Action %s not found", requestID)
		}
		if err != nil {
			return err
		}
		events, err = tx.InstanceActionEventList(ctx, a.ID)
		return err
	})
	return a, events, err
}
