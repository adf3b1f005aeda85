// Package controller runs novalite's periodic jobs: it reclaims
// soft-deleted servers once Nova's reclaim_instance_interval has passed
// (handing them to their host's agent as a hard delete), confirms resizes
// left unconfirmed for resize_confirm_window and offloads servers shelved
// for shelved_offload_time — each by setting the task the host's agent
// finishes. Host liveness
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
	// ResizeConfirmWindow is resize_confirm_window; 0 disables it.
	ResizeConfirmWindow time.Duration
	// ShelvedOffloadTime is shelved_offload_time; only a positive one
	// needs this job (0 offloads at once, negative never).
	ShelvedOffloadTime time.Duration
	// Period of the jobs (default: Reclaim, at most one minute).
	Period time.Duration
	// Reclaimed is called after a commit that handed servers to agents.
	Reclaimed func()
	Batch     int // servers per pass (default 256)
	// Jobs are further periodic jobs owned by other services (Fernet key
	// rotation, revocation purge), run by the leading controller.
	Jobs []Job
	Log  *slog.Logger
}

// Job is a periodic job of another service: Run every Every, reporting
// how many things it changed (logged when not zero).
type Job struct {
	Name  string
	Every time.Duration
	Run   func(context.Context) (int64, error)
}

// Controller runs the periodic jobs.
type Controller struct {
	db      *store.DB
	o       Options
	lastRun []time.Time // of each of o.Jobs, zero until first run
}

// New returns a controller over db.
func New(db *store.DB, o Options) *Controller {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Period <= 0 {
		o.Period = time.Minute
		for _, d := range []time.Duration{o.Reclaim, o.ResizeConfirmWindow, o.ShelvedOffloadTime} {
			if d > 0 {
				o.Period = min(o.Period, max(d, time.Second))
			}
		}
		for _, j := range o.Jobs {
			o.Period = min(o.Period, max(j.Every, time.Second))
		}
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
	return &Controller{db: db, o: o, lastRun: make([]time.Time, len(o.Jobs))}
}

// Run runs the jobs every Period (jittered) until ctx ends.
func (c *Controller) Run(ctx context.Context) {
	for {
		if _, err := c.runOnce(ctx); err != nil && ctx.Err() == nil {
			c.o.Log.Error("controller pass failed", "err", err)
		}
		c.runJobs(ctx)
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

// RunJobs runs the Jobs that are due; tests call it directly.
func (c *Controller) RunJobs(ctx context.Context) { c.runJobs(ctx) }

// runJobs runs each job of Options.Jobs whose Every has passed since its
// last run (every job on the first pass). A job that fails is tried
// again on the next pass.
func (c *Controller) runJobs(ctx context.Context) {
	now := c.o.Now()
	for i, j := range c.o.Jobs {
		if !c.lastRun[i].IsZero() && now.Sub(c.lastRun[i]) < j.Every {
			continue
		}
		n, err := j.Run(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			c.o.Log.Error(j.Name+" failed", "err", err)
		case err == nil:
			c.lastRun[i] = now
			if n > 0 {
				c.o.Log.Info(j.Name, "count", n)
			}
		}
	}
}

// job hands idle servers of one vm_state, older than a cutoff, to their
// agents with a task.
type job struct {
	name  string
	after time.Duration
	vm    novalite.VMState
	to    novalite.TaskState
}

// runOnce runs every enabled job once in one transaction and reports
// how many servers it handed over.
func (c *Controller) runOnce(ctx context.Context) (int, error) {
	var jobs []job
	if c.o.Reclaim > 0 {
		jobs = append(jobs, job{"reclaiming soft-deleted servers", c.o.Reclaim, novalite.VMSoftDeleted, novalite.TaskDeleting})
	}
	if c.o.ResizeConfirmWindow > 0 {
		jobs = append(jobs, job{"confirming resizes", c.o.ResizeConfirmWindow, novalite.VMResized, novalite.TaskResizeConfirming})
	}
	if c.o.ShelvedOffloadTime > 0 {
		jobs = append(jobs, job{"offloading shelved servers", c.o.ShelvedOffloadTime, novalite.VMShelved, novalite.TaskShelvingOffload})
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	total := 0
	counts := make([]int, len(jobs))
	err := c.db.Tx(ctx, func(tx *store.Tx) error {
		total = 0
		now := c.o.Now().UTC()
		for i, j := range jobs {
			counts[i] = 0
			var list []novalite.Server
			var err error
			if j.vm == novalite.VMSoftDeleted {
				list, err = tx.InstanceListReclaimable(ctx, now.Add(-j.after), c.o.Batch)
			} else {
				list, err = tx.InstanceListIdleSince(ctx, j.vm, now.Add(-j.after), c.o.Batch)
			}
			if err != nil {
				return err
			}
			for _, v := range list {
				ok, err := tx.InstanceSetTask(ctx, store.InstanceTaskParams{InternalID: v.InternalID,
					To: j.to, FromVM: []novalite.VMState{j.vm}, FromTask: []novalite.TaskState{novalite.TaskNone},
					ResetProgress: j.to == novalite.TaskDeleting, Now: now})
				if err != nil {
					return err
				}
				if ok {
					counts[i]++
				}
			}
			total += counts[i]
		}
		if total > 0 {
			// Each intent notifies its host's agent (InstanceSetTask).
			tx.AfterCommit(c.o.Reclaimed)
		}
		return nil
	})
	for i, j := range jobs {
		if err == nil && counts[i] > 0 {
			c.o.Log.Info(j.name, "count", counts[i])
		}
	}
	return total, err
}
