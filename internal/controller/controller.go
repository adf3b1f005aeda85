// Package controller runs novalite's periodic jobs: it reclaims
// soft-deleted servers once Nova's reclaim_instance_interval has passed
// (handing them to their host's agent as a hard delete). Host liveness
// needs no job: a host is down when its heartbeat is stale, computed on
// read. It imports the store and the vocabulary only.
package controller

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"novalite"
	"novalite/internal/store"
)

// Options configure a Controller.
type Options struct {
	Now func() time.Time
	// Reclaim is reclaim_instance_interval; 0 disables reclaim.
	Reclaim time.Duration
	// Period of the jobs (default: Reclaim, at most one minute).
	Period time.Duration
	// Reclaimed is called after a commit that handed servers to agents.
	Reclaimed func()
	Batch     int // servers per pass (default 256)
	Log       *slog.Logger
}

// Controller runs the periodic jobs.
type Controller struct {
	db *store.DB
	o  Options
}

// New returns a controller over db.
func New(db *store.DB, o Options) *Controller {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Period <= 0 {
		o.Period = min(max(o.Reclaim, time.Second), time.Minute)
	}
	if o.Reclaimed == nil {
		o.Reclaimed = func() {}
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Controller{db: db, o: o}
}

// Run runs the jobs every Period (jittered) until ctx ends.
func (c *Controller) Run(ctx context.Context) {
	for {
		if _, err := c.runOnce(ctx); err != nil && ctx.Err() == nil {
			c.o.Log.Error("controller pass failed", "err", err)
		}
		t := time.NewTimer(c.o.Period*3/4 + rand.N(c.o.Period/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// RunOnce is one pass; tests call it directly.
func (c *Controller) RunOnce(ctx context.Context) (int, error) { return c.runOnce(ctx) }

// runOnce turns soft-deleted servers older than the interval into hard
// deletes (task_state deleting, guarded: a restore that came first wins)
// and reports how many.
func (c *Controller) runOnce(ctx context.Context) (int, error) {
	if c.o.Reclaim <= 0 {
		return 0, nil
	}
	n := 0
	err := c.db.Tx(ctx, func(tx *store.Tx) error {
		n = 0
		now := c.o.Now().UTC()
		list, err := tx.InstanceListReclaimable(ctx, now.Add(-c.o.Reclaim), c.o.Batch)
		if err != nil {
			return err
		}
		for _, v := range list {
			ok, err := tx.InstanceSetTask(ctx, store.InstanceTaskParams{InternalID: v.InternalID,
				To: novalite.TaskDeleting, FromVM: []novalite.VMState{novalite.VMSoftDeleted},
				FromTask: []novalite.TaskState{novalite.TaskNone}, ResetProgress: true, Now: now})
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		if n > 0 {
			tx.AfterCommit(c.o.Reclaimed)
		}
		return nil
	})
	if n > 0 {
		c.o.Log.Info("reclaiming soft-deleted servers", "count", n)
	}
	return n, err
}
