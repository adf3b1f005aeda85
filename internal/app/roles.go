package app

import (
	"context"
	"sync"

	"novalite/internal/compute"
	"novalite/internal/store"
)

// The roles of a deployment on PostgreSQL (docs/deployment.md): any
// number of `api` replicas, one `agent` per compute host and one or more
// `controller`s, sharing nothing but the database. `serve` runs them all
// in one process.

// ServeAPI answers API requests until ctx ends, like Serve but with no
// background loop: placement, hosts and periodic jobs are other
// processes', woken through the database.
func (a *App) ServeAPI(ctx context.Context) error {
	a.apiOnly = true
	go a.followClock(ctx)
	calls := &compute.HostCalls{DB: a.DB, DownAfter: a.Config.ServiceDownTime}
	a.Compute.Consoles, a.Compute.VolumeHosts, a.Compute.Diagnosers = calls, calls, calls
	return a.Serve(ctx)
}

// RunAgent runs the compute host Config.Host with Config.Driver until ctx
// ends: it registers the host, heartbeats and reconciles the servers
// placed on it, woken by the other processes' commits (LISTEN) and
// polling as a backstop. ready is called once the host is registered.
func (a *App) RunAgent(ctx context.Context, ready func()) error {
	ag, _, err := a.newAgent(ctx, a.Config.Host, a.Config.Driver, true)
	if err != nil {
		return err
	}
	ready()
	var wg sync.WaitGroup
	// Its own host's channel only: work placed on other hosts does not
	// wake it.
	wg.Go(func() { a.listen(ctx, store.AgentChannels(a.Config.Host)...) })
	wg.Go(func() { a.followClock(ctx) })
	wg.Go(func() { ag.Run(ctx) })
	wg.Wait()
	return nil
}

// RunController runs the scheduler and, while this process leads, the
// periodic jobs, until ctx ends. Every controller schedules (their
// batches are disjoint row claims); exactly one runs the periodic jobs,
// the holder of the database's leader lock, and a standby takes over
// within Config.LeaderCheck of the leader's death.
func (a *App) RunController(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { a.listen(ctx, store.WorkChannel) })
	wg.Go(func() { a.followClock(ctx) })
	sched := a.newScheduler()
	wg.Go(func() { sched.Run(ctx) })
	ctrl := a.newController()
	a.DB.Lead(ctx, store.LeadParams{Check: a.Config.LeaderCheck,
		Changed: func(leading bool) {
			if leading {
				a.Log.Info("controller leads: running the periodic jobs")
			} else {
				a.Log.Info("controller stopped leading")
			}
		},
		Report: func(err error) { a.Log.Warn("leader lock", "err", err) }},
		ctrl.Run)
	wg.Wait()
	return nil
}

// listen feeds the other processes' notifications on channels to this
// one's loops.
func (a *App) listen(ctx context.Context, channels ...string) {
	a.DB.Listen(ctx, channels, func(string) { a.Compute.Waker.Wake() },
		func(err error) { a.Log.Warn("listen for work", "err", err) })
}
