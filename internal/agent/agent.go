// Package agent runs one compute host: it registers the host, heartbeats,
// and reconciles the servers placed on it — every live server of the host
// with a task_state is work to finish. It drives the virt driver
// idempotently, each call on its own (a hung guest stalls nothing else),
// and writes each outcome guarded by the task it started from, so an
// intent that arrives meanwhile (a delete during a spawn) wins and is
// handled at once. It imports the store, virt and the vocabulary; never
// the API.
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// PortReleaser deletes the ports made for a server and unbinds the others
// (the network service), inside the outcome's transaction.
type PortReleaser interface {
	ReleaseServerPorts(ctx context.Context, tx *store.Tx, serverID string) error
}

// VolumeReleaser detaches a deleted server's volumes (and deletes those
// marked delete_on_termination) inside the outcome's transaction.
type VolumeReleaser interface {
	ReleaseServerVolumes(ctx context.Context, tx *store.Tx, serverID string) error
}

// Options configure an Agent.
type Options struct {
	Host       string             // e.g. novalite-compute-1
	Zone       string             // availability zone (default "nova")
	DriverName string             // as registered, e.g. "fake"
	Driver     virt.Driver        // required
	Resources  novalite.Resources // capacity of the host
	Ports      PortReleaser       // nil: servers have no ports to release
	Volumes    VolumeReleaser     // nil: servers have no volumes to release
	Images     ImageFinisher      // nil: snapshots have no images to finish
	// VolumeDir is where this host finds the volumes' files (the block
	// storage service's directory, shared by every role).
	VolumeDir string
	// Scratch is where a snapshot's bytes wait for the outcome that
	// makes them an image's (default: the system's temp dir).
	Scratch string
	// ShelvedOffloadTime is Nova's shelved_offload_time: 0 offloads a
	// shelved server at once, negative never (the controller offloads
	// after a positive one).
	ShelvedOffloadTime time.Duration
	Now                func() time.Time
	Wake               <-chan struct{} // work may be waiting (nil: poll only)
	Poll               time.Duration   // safety-net poll (default 1 s)
	Heartbeat          time.Duration   // Nova's report_interval (default 10 s)
	// PowerSync > 0 runs SyncPower that often (drivers of real guests,
	// which can stop on their own); 0 never.
	PowerSync time.Duration
	Timeout   time.Duration // per driver call (default 5 min)
	Batch     int           // servers per pass (default 256)
	Parallel  int           // driver calls at once (default 32)
	Log       *slog.Logger
	// Observe, when set, is told of each finished driver call: how long
	// the task waited for this agent since it was set (the reconcile
	// lag) and how long the driver took.
	Observe func(action string, waited, took time.Duration)
	// AnswerCalls makes Run answer the host calls of the API (console
	// output) on each wake-up and poll: for an agent in a process of its
	// own (in serve, the API reads the drivers directly).
	AnswerCalls bool
	// Networking is the least time a build stays in task networking
	// after the scheduler gave it to this host (zero: none). Nova's
	// compute host spends seconds there making the ports with Neutron,
	// and the API shows no security groups until it has: a client that
	// shows the server right after the create sees it so (novalite makes
	// the ports in the create, and simulated builds end in milliseconds).
	Networking time.Duration
}

// Agent is one compute host's loop.
type Agent struct {
	db *store.DB
	o  Options
	// sem bounds the driver calls running at once (Parallel).
	sem chan struct{}
	// inflight are the tasks whose driver call runs, by server and task:
	// a pass does not start them again, but a newer task of the same
	// server (a delete during a hung spawn) starts at once.
	mu       sync.Mutex
	inflight map[taskKey]bool
	// results carries finished driver calls to Run, which writes them.
	results chan result
	// calls are the host calls being answered (Run waits for them).
	calls sync.WaitGroup
	// answering are the host calls being answered, and consoles the
	// remote console sessions this host relays (consoles.go).
	answering answering
	consoles  consoleSessions
	// held is when the earliest build kept in networking (Networking)
	// may step on; zero when none is. Run's goroutine only.
	held time.Time
	// down and knobs are the control API's marks read at each heartbeat:
	// a host marked down neither heartbeats nor works, as a crashed
	// nova-compute; knobs are fake:* metadata for every server here.
	down  bool
	knobs map[string]string
}

type taskKey struct {
	id   int64
	task novalite.TaskState
}

// New returns an agent over db.
func New(db *store.DB, o Options) *Agent {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Zone == "" {
		o.Zone = "nova"
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 10 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.Parallel <= 0 {
		o.Parallel = 32
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	o.Log = o.Log.With("host", o.Host)
	return &Agent{db: db, o: o, sem: make(chan struct{}, o.Parallel), inflight: map[taskKey]bool{},
		results: make(chan result, o.Batch)}
}

// Register creates or refreshes the host's row (idempotent), with the
// hypervisor a driver of real guests reports.
func (a *Agent) Register(ctx context.Context) error {
	n := novalite.ComputeNode{Host: a.o.Host, HypervisorName: a.o.Host, AvailabilityZone: a.o.Zone, Driver: a.o.DriverName,
		Total: a.o.Resources, UUID: uuid.NewString(), ServiceUUID: uuid.NewString()}
	if hi, ok := a.o.Driver.(virt.HostInfo); ok {
		h, err := hi.Host()
		if err != nil {
			return err
		}
		n.HypervisorType, n.HypervisorVersion = h.HypervisorType, h.HypervisorVersion
	}
	return a.db.Tx(ctx, func(tx *store.Tx) error { return tx.ComputeNodeRegister(ctx, n, a.o.Now().UTC()) })
}

// Run reconciles until ctx ends: a pass starts the driver calls of the
// host's tasks at once when woken, else on a jittered poll, and each
// outcome is written as its call ends (those ending together in one
// transaction), so that a slow or hung guest never holds up the others.
// It heartbeats every Heartbeat. The host must be registered.
func (a *Agent) Run(ctx context.Context) {
	beat := time.NewTicker(a.o.Heartbeat)
	defer beat.Stop()
	var sync <-chan time.Time
	if a.o.PowerSync > 0 {
		t := time.NewTicker(a.o.PowerSync)
		defer t.Stop()
		sync = t.C
	}
	defer a.calls.Wait()
	pass := true
	for {
		if pass && a.o.AnswerCalls && !a.marked() { // woken or polled: calls may wait
			if err := a.answerCalls(ctx); err != nil && ctx.Err() == nil {
				a.o.Log.Error("host calls failed", "err", err)
			}
		}
		for pass {
			started, err := a.startPass(ctx, passWait)
			if err != nil && ctx.Err() == nil {
				a.o.Log.Error("agent pass failed", "err", err)
			}
			pass = err == nil && started == a.o.Batch // a full batch of new work: more may wait
		}
		pass = true
		next := a.o.Poll*3/4 + rand.N(a.o.Poll/2+1)
		if !a.held.IsZero() {
			next = min(next, max(time.Until(a.held), time.Millisecond))
		}
		t := time.NewTimer(next)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case r := <-a.results:
			if err := a.write(ctx, a.gather(r)); err != nil && ctx.Err() == nil {
				a.o.Log.Error("agent outcome failed", "err", err)
			}
			// An outcome makes no new work for this host: list again on
			// the next wake-up or poll, not now.
			pass = false
		case <-a.o.Wake:
		case <-t.C:
		case <-beat.C:
			if err := a.heartbeat(ctx); err != nil && ctx.Err() == nil {
				a.o.Log.Error("heartbeat failed", "err", err)
			}
		case <-sync:
			if err := a.SyncPower(ctx); err != nil && ctx.Err() == nil {
				a.o.Log.Error("power state sync failed", "err", err)
			}
			if _, err := a.SweepMoves(ctx); err != nil && ctx.Err() == nil {
				a.o.Log.Error("sweeping settled moves failed", "err", err)
			}
			a.SweepScratch()
			if h, ok := a.o.Driver.(virt.Housekeeper); ok {
				if err := h.Housekeep(ctx); err != nil && ctx.Err() == nil {
					a.o.Log.Error("driver housekeeping failed", "err", err)
				}
			}
		}
		t.Stop()
	}
}

func (a *Agent) heartbeat(ctx context.Context) error {
	return a.db.Tx(ctx, func(tx *store.Tx) error {
		tx.Bookkeeping()
		now := a.o.Now().UTC()
		if a.o.AnswerCalls {
			if err := tx.HostCallPurge(ctx, a.o.Host, now.Add(-callKeep)); err != nil {
				return err
			}
		}
		return tx.ComputeNodeBeat(ctx, a.o.Host, now)
	})
}

func (a *Agent) setMarks(down bool, knobs map[string]string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if down != a.down {
		a.o.Log.Info("control API mark", "down", down)
	}
	a.down, a.knobs = down, knobs
}

// marked reports whether the control API marked the host down.
func (a *Agent) marked() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.down
}

// instance is instanceOf(v) with the host's fake knobs under the
// server's own metadata.
func (a *Agent) instance(v novalite.Server) virt.Instance {
	inst := instanceOf(v)
	a.mu.Lock()
	knobs := a.knobs
	a.mu.Unlock()
	if len(knobs) > 0 {
		md := make(map[string]string, len(knobs)+len(v.Metadata))
		maps.Copy(md, knobs)
		maps.Copy(md, v.Metadata)
		inst.Metadata = md
	}
	return inst
}

// gather makes a batch of first and the results already waiting: calls
// that ended together share one transaction, and none waits for a slow
// one.
func (a *Agent) gather(first result) []result {
	batch := []result{first}
	for len(batch) < a.o.Batch && len(a.results) > 0 {
		batch = append(batch, <-a.results)
	}
	return batch
}

// RunOnce is one pass that waits for its driver calls and writes their
// outcomes; tests call it directly (not beside Run). It returns how many
// servers it started work on.
func (a *Agent) RunOnce(ctx context.Context) (int, error) { return a.startPass(ctx, -1) }

// result is a finished driver call.
type result struct {
	job
	act        action
	err        error
	start, end time.Time
}

// startPass lists the host's tasks (up to a batch), moves builds through
// their first steps, starts the driver call of each task not already
// running and writes the outcomes of those that end within wait (all of
// them when wait < 0). It returns how many it started.
func (a *Agent) startPass(ctx context.Context, wait time.Duration) (int, error) {
	a.held = time.Time{}
	var work []job
	err := a.db.View(ctx, func(tx *store.Tx) error {
		// The control API's marks, read on each pass so that a knob set
		// just before a request applies to it.
		down, knobs, err := tx.HostMarks(ctx, a.o.Host)
		if err != nil {
			return err
		}
		a.setMarks(down, knobs)
		if down {
			return nil
		}
		list, err := tx.InstanceListWork(ctx, store.WorkQuery{Host: a.o.Host, Tasks: tasks, Skip: a.busy(), Limit: a.o.Batch})
		if err != nil {
			return err
		}
		for _, v := range list {
			j := job{v: v, offload: a.o.ShelvedOffloadTime == 0, scratch: a.o.Scratch}
			if st := actions[v.TaskState].migration; st != nil {
				m, err := tx.MigrationLatest(ctx, v.ID, st...)
				if err == nil {
					j.mig = &m
				} else if !novalite.IsKind(err, novalite.NotFound) {
					return err
				}
			}
			if v.TaskState == novalite.TaskUnshelving && v.VMState == novalite.VMShelvedOffloaded ||
				v.TaskState == novalite.TaskRescuing {
				// An offloaded server boots from its shelve image (Nova's
				// shelved_image_id), not the image it was created from; a
				// rescue from the rescue image asked for, if any.
				if j.image, err = tx.InstancePendingImage(ctx, v.InternalID); err != nil {
					return err
				}
			}
			work = append(work, j)
		}
		if err := a.loadNICs(ctx, tx, work); err != nil {
			return err
		}
		return a.loadVolumes(ctx, tx, work)
	})
	if err != nil || len(work) == 0 {
		return 0, err
	}
	if work, err = a.buildSteps(ctx, work); err != nil {
		return 0, err
	}
	for _, j := range work {
		a.start(ctx, j)
	}
	// Wait a moment for the calls to end, so that a fast driver's
	// outcomes share one transaction; later ones come through Run.
	var batch []result
	var deadline <-chan time.Time
	if wait >= 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		deadline = t.C
	}
collect:
	for len(batch) < len(work) {
		select {
		case r := <-a.results:
			batch = append(batch, r)
		case <-deadline:
			break collect
		case <-ctx.Done():
			break collect
		}
	}
	if len(batch) > 0 {
		if err := a.write(ctx, batch); err != nil {
			return len(work), err
		}
	}
	return len(work), nil
}

// passWait is how long a pass waits for its driver calls before leaving
// the rest to Run: long enough for the fake driver's instant calls.
const passWait = 5 * time.Millisecond

// busy lists the tasks whose driver call is running, as the work query
// leaves them out ("<internal id>:<task_state>").
func (a *Agent) busy() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.inflight))
	for k := range a.inflight {
		out = append(out, fmt.Sprintf("%d:%s", k.id, k.task))
	}
	return out
}

// start runs j's driver call in its own goroutine (at most Parallel at
// once, each under Timeout) and sends the result to a.results.
func (a *Agent) start(ctx context.Context, j job) {
	key := taskKey{j.v.InternalID, j.v.TaskState}
	a.mu.Lock()
	a.inflight[key] = true
	a.mu.Unlock()
	act := actions[j.v.TaskState]
	j.out = &driveOut{}
	go func() {
		sent := false
		defer func() {
			if !sent { // else write clears it, once the outcome is written
				j.out.drop()
				a.done(key)
			}
		}()
		select {
		case a.sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		cctx, cancel := context.WithTimeout(ctx, a.o.Timeout)
		start := a.o.Now().UTC()
		inst := a.instance(j.v)
		inst.NICs, inst.Volumes = j.nics, j.volumes
		err := act.drive(cctx, a.o.Driver, inst, j)
		if err == nil && j.out.snapshot != "" && a.o.Images != nil {
			// Copied and hashed now, not in the outcome's transaction.
			j.out.staged, err = a.o.Images.StageSnapshot(j.out.snapshot)
		}
		end := a.o.Now().UTC()
		cancel()
		<-a.sem
		if err != nil && ctx.Err() != nil {
			return // shutting down: not the guest's fault, retry after restart
		}
		if a.o.Observe != nil {
			a.o.Observe(act.name, start.Sub(j.v.UpdatedAt), end.Sub(start))
		}
		select {
		case a.results <- result{job: j, act: act, err: err, start: start, end: end}:
			sent = true
		case <-ctx.Done():
		}
	}()
}

func (a *Agent) done(k taskKey) {
	a.mu.Lock()
	delete(a.inflight, k)
	a.mu.Unlock()
}

// write records the outcomes of finished driver calls in one transaction,
// even if ctx ends now: the guests did change.
func (a *Agent) write(ctx context.Context, results []result) error {
	defer func() {
		for _, r := range results {
			r.out.drop()
			a.done(taskKey{r.v.InternalID, r.v.TaskState})
		}
	}()
	wctx := context.WithoutCancel(ctx)
	return a.db.Tx(wctx, func(tx *store.Tx) error {
		now := a.o.Now().UTC()
		var events []store.InstanceActionEventParams
		plain := map[plainKey][]result{}
		for _, r := range results {
			if p, ok := plainOutcome(r); ok {
				plain[p] = append(plain[p], r)
				continue
			}
			e, err := a.finish(wctx, tx, r, now)
			if err != nil {
				return fmt.Errorf("outcome of %s on %s: %w", r.act.name, r.v.ID, err)
			}
			if e != nil {
				events = append(events, *e)
			}
		}
		// The outcomes that only set states, one statement for each kind
		// (a batch of builds: one), and the batch's events in one more.
		for k, rs := range plain {
			p := store.InstanceOutcomeManyParams{From: k.from, VM: k.vm, Power: k.power, Launched: k.launched, Now: now}
			for _, r := range rs {
				p.InternalIDs = append(p.InternalIDs, r.v.InternalID)
			}
			applied, err := tx.InstanceOutcomeMany(wctx, p)
			if err != nil {
				return fmt.Errorf("outcomes of %d %s: %w", len(rs), rs[0].act.name, err)
			}
			for _, r := range rs {
				if applied[r.v.InternalID] { // else a newer intent won
					events = append(events, a.event(r))
				}
			}
		}
		return tx.InstanceActionEventFinishMany(wctx, events)
	})
}

// plainKey is an outcome as InstanceOutcomeMany writes it, but for its
// servers and time. The power state points to one of the action table's
// values: equal outcomes of one action are equal keys.
type plainKey struct {
	from     novalite.TaskState
	vm       novalite.VMState
	power    *novalite.PowerState
	launched bool
}

// plainOutcome is the outcome of r when r succeeded and its outcome only
// sets states: no hook, nothing released, deleted or cleared.
func plainOutcome(r result) (plainKey, bool) {
	o := r.act.done
	if r.err != nil || r.act.hook != nil || o.delete || o.clearDeleted || o.clearHost || o.release || o.ports ||
		o.poweredVM {
		return plainKey{}, false
	}
	vm := o.vm
	if vm == "" {
		vm = r.v.VMState
	}
	return plainKey{from: r.v.TaskState, vm: vm, power: o.power, launched: o.launched}, true
}

func instanceOf(v novalite.Server) virt.Instance {
	inst := virt.Instance{ID: v.ID, Name: fmt.Sprintf("instance-%08x", v.InternalID), Hostname: v.Hostname,
		VCPUs: v.Flavor.VCPUs, MemoryMB: v.Flavor.MemoryMB, RootGB: v.Flavor.RootGB, ImageRef: v.ImageRef,
		Metadata: v.Metadata, ProjectID: v.ProjectID, AvailabilityZone: v.AvailabilityZone, LaunchIndex: v.LaunchIndex,
		EphemeralGB: v.Flavor.EphemeralG, SwapMB: v.Flavor.SwapMB, KeyData: v.KeyData, ConfigDrive: v.ConfigDrive}
	if v.KeyName != nil {
		inst.KeyName = *v.KeyName
	}
	if v.UserData != nil {
		inst.UserData = *v.UserData
	}
	return inst
}

// finish writes the outcome of r, guarded by the task it started from;
// side effects (claim, ports, fault) follow only if the write applied.
// The event of a step that succeeded is returned for the caller to
// record with the batch's others (nil: none to record); a failed one is
// recorded here.
func (a *Agent) finish(ctx context.Context, tx *store.Tx, r result, now time.Time) (*store.InstanceActionEventParams, error) {
	o := r.act.done
	if r.err != nil {
		o = r.act.failed
		if r.act.unsupported != nil && errors.Is(r.err, virt.ErrUnsupported) {
			o = *r.act.unsupported
		}
		a.o.Log.Warn("task failed", "server", r.v.ID, "action", r.act.name, "err", r.err)
	}
	vm, pw := o.vm, o.power
	if vm == "" {
		vm = r.v.VMState
	}
	if o.poweredVM {
		vm, pw = novalite.VMActive, running
		if r.v.VMState == novalite.VMStopped || r.v.PowerState == novalite.PowerShutdown {
			vm, pw = novalite.VMStopped, shutdown
		}
	}
	p := store.InstanceOutcomeParams{InternalID: r.v.InternalID, From: r.v.TaskState,
		VM: vm, Power: pw, Launched: o.launched, Delete: o.delete, ClearDeleted: o.clearDeleted,
		ClearHost: o.clearHost, Now: now}
	var after func() error
	if r.act.hook != nil {
		var err error
		if after, err = r.act.hook(ctx, a, tx, r, &p); err != nil {
			return nil, err
		}
	}
	ok, err := tx.InstanceOutcome(ctx, p)
	if err != nil || !ok {
		return nil, err // !ok: a newer intent won; the next pass handles it
	}
	if after != nil {
		if err := after(); err != nil {
			return nil, err
		}
	}
	if o.release {
		if err := tx.ComputeNodeRelease(ctx, a.o.Host, store.Demand(r.v.Flavor)); err != nil {
			return nil, err
		}
	}
	if o.ports && a.o.Ports != nil {
		if err := a.o.Ports.ReleaseServerPorts(ctx, tx, r.v.ID); err != nil {
			return nil, err
		}
	}
	if o.ports && a.o.Volumes != nil {
		if err := a.o.Volumes.ReleaseServerVolumes(ctx, tx, r.v.ID); err != nil {
			return nil, err
		}
	}
	if o.fault && r.err != nil {
		if err := tx.InstanceFaultInsert(ctx, r.v.InternalID, novalite.Fault{Code: 500, Message: r.err.Error(),
			Details: fmt.Sprintf("%s on %s: %v", r.act.event, a.o.Host, r.err), Created: now}); err != nil {
			return nil, err
		}
	}
	e := a.event(r)
	if e.Failed {
		return nil, tx.InstanceActionEventFinish(ctx, e)
	}
	return &e, nil
}

// event is the instance action event of r's driver call.
func (a *Agent) event(r result) store.InstanceActionEventParams {
	return store.InstanceActionEventParams{InstanceUUID: r.v.ID, Action: r.act.name, Event: r.act.event,
		Host: a.o.Host, Start: r.start, Finish: r.end, Failed: r.err != nil}
}

// buildSteps moves the builds among work through Nova's task states on
// the host — networking, then block_device_mapping, then spawning — one
// transaction per step for the whole batch, so that each state is
// committed (and visible) before the driver spawns. A build whose step
// does not apply (deleted meanwhile) is dropped from work.
func (a *Agent) buildSteps(ctx context.Context, work []job) ([]job, error) {
	work = a.holdNetworking(work)
	steps := []novalite.TaskState{novalite.TaskNetworking, novalite.TaskBlockDeviceMap, novalite.TaskSpawning}
	for i := 0; i+1 < len(steps); i++ {
		from, to := steps[i], steps[i+1]
		if !slices.ContainsFunc(work, func(j job) bool { return j.v.TaskState == from }) {
			continue
		}
		// One statement per vm state the step's servers are in (builds:
		// all building), not one per server.
		byVM := map[novalite.VMState][]int64{}
		for _, j := range work {
			if j.v.TaskState == from {
				byVM[j.v.VMState] = append(byVM[j.v.VMState], j.v.InternalID)
			}
		}
		var dropped map[int64]bool
		err := a.db.Tx(ctx, func(tx *store.Tx) error {
			dropped = map[int64]bool{}
			now := a.o.Now().UTC()
			for vm, ids := range byVM {
				stepped, err := tx.InstanceOutcomeMany(ctx, store.InstanceOutcomeManyParams{InternalIDs: ids, From: from, Task: to,
					VM: vm, Now: now})
				if err != nil {
					return err
				}
				for _, id := range ids {
					dropped[id] = !stepped[id]
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		kept := work[:0]
		for _, j := range work {
			if d, stepped := dropped[j.v.InternalID]; stepped {
				if d {
					continue
				}
				j.v.TaskState = to
			}
			kept = append(kept, j)
		}
		work = kept
	}
	return work, nil
}

// holdNetworking leaves out of work the builds that have not been in
// networking for Options.Networking yet (a later pass steps them on) and
// notes when the first of them is due.
func (a *Agent) holdNetworking(work []job) []job {
	if a.o.Networking <= 0 {
		return work
	}
	now := a.o.Now()
	kept := work[:0]
	for _, j := range work {
		due := j.v.UpdatedAt.Add(a.o.Networking)
		if j.v.TaskState == novalite.TaskNetworking && now.Before(due) {
			if a.held.IsZero() || due.Before(a.held) {
				a.held = due
			}
			continue
		}
		kept = append(kept, j)
	}
	return kept
}
