package agent

import (
	"context"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// unsettled are the statuses of a move that may still come back to its
// source (or failed there, its files kept for the operator).
var unsettled = []string{"pre-migrating", "migrating", "post-migrating", "finished", "reverting", "confirming", "error"}

// SweepMoves removes what settled resizes and cold migrations left on
// this host: the driver keeps a moved guest's files on its source until
// the move is confirmed, which the API records (confirmResize answers
// at once), so the source's own agent removes them once no move of the
// server from here is unsettled, or the server is gone — as Nova's
// source compute runs confirm_migration. It returns how many it removed.
func (a *Agent) SweepMoves(ctx context.Context) (int, error) {
	k, ok := a.o.Driver.(virt.MoveKeeper)
	if !ok {
		return 0, nil
	}
	ids, err := k.KeptMoves(ctx)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	var settled []string
	err = a.db.View(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			migs, err := tx.MigrationList(ctx, novalite.MigrationFilter{InstanceUUID: id, SourceCompute: a.o.Host,
				Statuses: unsettled})
			if err != nil {
				return err
			}
			if len(migs) > 0 {
				if _, err := tx.InstanceGet(ctx, id, "", false); err == nil {
					continue
				} else if !novalite.IsKind(err, novalite.NotFound) {
					return err
				}
			}
			settled = append(settled, id)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for i, id := range settled {
		if err := a.o.Driver.ConfirmMigration(ctx, virt.Instance{ID: id}, a.o.Host); err != nil {
			return i, err
		}
		a.o.Log.Info("removed the source's files of a settled move", "server", id)
	}
	return len(settled), nil
}
