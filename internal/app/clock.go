package app

import (
	"context"
	"time"

	"novalite/internal/store"
)

// clockFollow is how often a process reads the simulated clock's offset,
// which the control API of any process may move.
const clockFollow = time.Second

func (a *App) loadClock(ctx context.Context) error {
	return a.DB.View(ctx, func(tx *store.Tx) error {
		off, err := tx.ClockOffset(ctx)
		if err == nil {
			a.Clock.Set(off)
		}
		return err
	})
}

// followClock keeps the clock's offset that of the database until ctx ends.
func (a *App) followClock(ctx context.Context) {
	t := time.NewTicker(clockFollow)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.loadClock(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("read the clock offset", "err", err)
			}
		}
	}
}
