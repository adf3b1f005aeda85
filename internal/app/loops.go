package app

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"novalite/internal/agent"
	"novalite/internal/compute"
	"novalite/internal/controller"
	"novalite/internal/scheduler"
	"novalite/internal/store"
	"novalite/internal/virt"
	"novalite/internal/virt/catalog"
	"novalite/internal/virt/fake"
)

// HostName is the name of the i-th simulated compute host (from 1).
func HostName(i int) string { return fmt.Sprintf("novalite-compute-%d", i) }

// newAgent builds the agent of host with the driver named driver (its
// files under the data dir) and registers the host.
func (a *App) newAgent(ctx context.Context, host, driver string, answerCalls bool) (*agent.Agent, virt.Driver, error) {
	var ports agent.PortReleaser
	if a.Compute.Network != nil {
		ports = a.Compute.Network
	}
	delays, err := a.Config.OpDelays()
	if err != nil {
		return nil, nil, err
	}
	instances := a.Config.InstancesPath
	if instances == "" {
		instances = filepath.Join(a.Config.DataDir, "instances")
	}
	d, err := catalog.New(driver, catalog.Params{Host: host, Dir: filepath.Join(instances, host),
		Fake: fake.Config{Delay: a.Config.FakeDelay, Delays: delays, Transition: a.Config.TransitionTime,
			Host: host, Peers: a.fakes},
		Images: imageReader{a.Image}, ShutdownTimeout: a.Config.ShutdownTimeout, ForceConfigDrive: a.Config.ForceConfigDrive,
		RemoveUnusedBaseAge: a.Config.RemoveUnusedBaseAge})
	if err != nil {
		return nil, nil, err
	}
	res, err := a.hostResources(d)
	if err != nil {
		return nil, nil, fmt.Errorf("host %s: %w", host, err)
	}
	o := agent.Options{Host: host, DriverName: driver, Driver: d, Ports: ports, Volumes: a.Compute, Images: a.Image,
		Scratch: filepath.Join(a.Config.DataDir, "images"), VolumeDir: a.Config.VolumePath(),
		ShelvedOffloadTime: a.Config.ShelvedOffloadTime, Heartbeat: a.Config.ReportInterval, Resources: res, Wake: a.Compute.Waker.Subscribe(store.AgentChannels(host)...), Log: a.Log, Now: a.Clock.Now,
		AnswerCalls: answerCalls, Observe: a.metrics.agentObserver(host)}
	if _, real := d.(virt.HostInfo); real {
		o.PowerSync = powerSyncInterval
	} else {
		o.Networking = a.Config.TransitionTime // a simulated build's ports take no time
	}
	ag := agent.New(a.DB, o)
	if err := ag.Register(ctx); err != nil {
		return nil, nil, fmt.Errorf("register %s: %w", host, err)
	}
	ag.SweepScratch()
	if _, err := ag.DestroyEvacuated(ctx); err != nil {
		return nil, nil, fmt.Errorf("evacuated guests of %s: %w", host, err)
	}
	return ag, d, nil
}

// agents builds and registers the compute hosts of serve.
func (a *App) agents(ctx context.Context) ([]*agent.Agent, error) {
	out := make([]*agent.Agent, 0, a.Config.Hosts)
	consoles := compute.LocalConsoles{}
	a.Compute.Consoles = consoles
	a.Compute.VolumeHosts = consoles
	a.Compute.Diagnosers = consoles
	a.Compute.Drivers = map[string]virt.Capabilities{}
	for i := 1; i <= a.Config.Hosts; i++ {
		host := HostName(i)
		ag, d, err := a.newAgent(ctx, host, a.Config.Driver, false)
		if err != nil {
			return nil, err
		}
		a.Compute.Drivers[host] = d.Capabilities()
		consoles[host] = d
		out = append(out, ag)
	}
	return out, nil
}

func (a *App) newScheduler() *scheduler.Scheduler {
	return scheduler.New(a.DB, scheduler.Options{Wake: a.Compute.Waker.Subscribe(store.WorkChannel), Log: a.Log, Now: a.Clock.Now,
		DownAfter: a.Config.ServiceDownTime})
}

func (a *App) newController() *controller.Controller {
	return controller.New(a.DB, controller.Options{Now: a.Clock.Now, Reclaim: a.Compute.ReclaimInterval(),
		ResizeConfirmWindow: a.Config.ResizeConfirmWindow, ShelvedOffloadTime: a.Config.ShelvedOffloadTime,
		Reclaimed: a.Compute.Waker.Wake, Log: a.Log, Jobs: a.controllerJobs()})
}

// controllerJobs are the leading controller's periodic jobs besides its
// own.
func (a *App) controllerJobs() []controller.Job {
	jobs := append(a.identityJobs(), a.changeLogJob())
	if a.DB.Engine() == store.Postgres {
		jobs = append(jobs, a.statisticsJob())
	}
	return jobs
}

// statisticsEvery is how often the leading controller looks for tables
// whose planner statistics are stale (PostgreSQL; store.DB.Optimize).
const statisticsEvery = 5 * time.Second

// statisticsJob refreshes PostgreSQL's planner statistics where tables
// changed much since (SQLite's writer refreshes its own). Upkeep of the
// kind autovacuum does unlogged, so it reports no count.
func (a *App) statisticsJob() controller.Job {
	return controller.Job{Name: "refreshed planner statistics", Every: statisticsEvery,
		Run: func(ctx context.Context) (int64, error) { return 0, a.DB.Optimize(ctx) }}
}

// changeLogKeep is how many entries of the server change log pruning
// leaves: the view caches of every process read the log on each read (or
// on each commit, serve on SQLite), so they stand near its end; one that
// fell further behind empties itself.
const changeLogKeep = 10000

// changeLogJob prunes the server change log the view caches read.
func (a *App) changeLogJob() controller.Job {
	return controller.Job{Name: "pruned the server change log", Every: time.Minute,
		Run: func(ctx context.Context) (int64, error) { return a.DB.PruneServerChanges(ctx, changeLogKeep) }}
}

// identityJobs are the periodic jobs of identity, run by the leading
// controller: the Fernet key rotation (RotateKeys rotates only when due,
// so it is asked often) and the purge of revocation events.
func (a *App) identityJobs() []controller.Job {
	return []controller.Job{
		{Name: "rotated the Fernet keys", Every: time.Minute, Run: func(ctx context.Context) (int64, error) {
			ok, err := a.Identity.RotateKeys(ctx)
			if ok {
				return 1, err
			}
			return 0, err
		}},
		{Name: "purged token revocation events", Every: time.Hour, Run: a.Identity.PurgeRevocations},
	}
}

// startLoops registers the hosts and starts the scheduler and one agent
// per host (unless Config.NoLoops; nothing at all for `novalite api`).
// The returned stop cancels them and waits until they have returned.
func (a *App) startLoops(ctx context.Context) (stop func(), err error) {
	if a.apiOnly {
		return func() {}, nil
	}
	agents, err := a.agents(ctx)
	if err != nil || a.Config.NoLoops {
		return func() {}, err
	}
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { a.followClock(lctx) })
	sched := a.newScheduler()
	wg.Go(func() { sched.Run(lctx) })
	ctrl := a.newController()
	wg.Go(func() { ctrl.Run(lctx) })
	for _, ag := range agents {
		wg.Go(func() { ag.Run(lctx) })
	}
	return func() { cancel(); wg.Wait() }, nil
}
