package agent

import (
	"context"
	"fmt"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// DestroyEvacuated is Nova's _destroy_evacuated_instances, run when an
// agent starts: the servers evacuated from this host while it was down
// run elsewhere now, so whatever the driver still has of them here is
// destroyed — a host that comes back never resurrects an evacuated
// guest — and each finished evacuation is marked completed, as Nova
// does. (The work query never lists them: their row names the new host.)
// It returns how many guests it destroyed.
func (a *Agent) DestroyEvacuated(ctx context.Context) (int, error) {
	var migs []novalite.Migration
	err := a.db.View(ctx, func(tx *store.Tx) error {
		var err error
		migs, err = tx.MigrationList(ctx, novalite.MigrationFilter{Type: "evacuation", SourceCompute: a.o.Host,
			Statuses: []string{"accepted", "pre-migrating", "done"}})
		return err
	})
	if err != nil {
		return 0, err
	}
	destroyed := 0
	for _, m := range migs {
		inst := virt.Instance{ID: m.InstanceUUID}
		if _, err := a.o.Driver.State(ctx, inst); err == nil {
			if err := a.o.Driver.Destroy(ctx, inst); err != nil {
				return destroyed, fmt.Errorf("destroy evacuated %s: %w", m.InstanceUUID, err)
			}
			destroyed++
			a.o.Log.Info("destroyed a guest evacuated while the host was down", "server", m.InstanceUUID)
		}
		if m.Status != "done" {
			continue // the destination still rebuilds it; it closes the migration
		}
		err := a.db.Tx(ctx, func(tx *store.Tx) error {
			return tx.MigrationSetStatus(ctx, m.ID, "completed", a.o.Now().UTC())
		})
		if err != nil && !novalite.IsKind(err, novalite.NotFound) {
			return destroyed, err
		}
	}
	return destroyed, nil
}
