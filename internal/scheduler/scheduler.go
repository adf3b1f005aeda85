// Package scheduler places servers on compute hosts: it claims servers
// waiting in task_state scheduling, picks a host with the pure function
// place, claims the resources on the host's row with one conditional
// update and hands the server to the host's agent (task_state networking).
// No host → vm_state error with Nova's NoValidHost fault. It imports the
// store and the vocabulary only.
package scheduler

import (
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"time"

	"novalite"
	"novalite/internal/store"
)

// Options configure a Scheduler.
type Options struct {
	Now func() time.Time
	// Wake receives when new servers may wait (nil: poll only).
	Wake <-chan struct{}
	// Poll is the period of the safety-net poll (default 1 s).
	Poll time.Duration
	// DownAfter is Nova's service_down_time: a host without heartbeat for
	// this long takes no new server (default 60 s).
	DownAfter time.Duration
	// Batch is how many servers one pass places at most (default 256).
	Batch int
	Log   *slog.Logger
}

// Scheduler is the placement loop.
type Scheduler struct {
	db *store.DB
	o  Options
}

// New returns a scheduler over db.
func New(db *store.DB, o Options) *Scheduler {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.DownAfter <= 0 {
		o.DownAfter = 60 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Scheduler{db: db, o: o}
}

// Run places servers until ctx ends: at once when woken, else on a
// jittered poll.
func (s *Scheduler) Run(ctx context.Context) {
	for {
		for {
			n, err := s.runOnce(ctx)
			if err != nil && ctx.Err() == nil {
				s.o.Log.Error("scheduler pass failed", "err", err)
			}
			if err != nil || n < s.o.Batch {
				break // a full batch means more may wait
			}
		}
		t := time.NewTimer(jitter(s.o.Poll))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.o.Wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// jitter spreads d over [0.75d, 1.25d) so that loops do not poll in step.
func jitter(d time.Duration) time.Duration {
	return d*3/4 + rand.N(d/2+1)
}

// RunOnce is one pass; tests call it directly.
func (s *Scheduler) RunOnce(ctx context.Context) (int, error) { return s.runOnce(ctx) }

// runOnce places (or fails) up to a batch of waiting servers in one
// transaction and returns how many it handled.
func (s *Scheduler) runOnce(ctx context.Context) (int, error) {
	// Most wake-ups find nothing to do: look first without taking the
	// (single, on SQLite) writer.
	var waiting bool
	err := s.db.View(ctx, func(tx *store.Tx) error {
		q, err := tx.InstanceListUnscheduled(ctx, 1)
		waiting = len(q) > 0
		return err
	})
	if err != nil || !waiting {
		return 0, err
	}
	var handled int
	// Each placement's commit wakes its host's agent (InstancePlace).
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		handled = 0
		queue, err := tx.InstanceClaimUnscheduled(ctx, s.o.Batch)
		if err != nil || len(queue) == 0 {
			return err
		}
		nodes, err := tx.ComputeNodeList(ctx, nil)
		if err != nil {
			return err
		}
		now := s.o.Now().UTC()
		hosts := candidates(nodes, now, s.o.DownAfter)
		b := batch{hosts: hosts, now: now}
		for _, v := range queue {
			if err := s.scheduleInBatch(ctx, tx, &b, v); err != nil {
				return err
			}
			handled++
		}
		if err := s.flush(ctx, tx, &b); err != nil {
			return err
		}
		// The placements' events in one statement, not one per server.
		return tx.InstanceActionEventFinishMany(ctx, b.events)
	})
	return handled, err
}

// candidates turns host rows into placement's view of them.
func candidates(nodes []novalite.ComputeNode, now time.Time, downAfter time.Duration) []Host {
	hosts := make([]Host, len(nodes))
	for i, n := range nodes {
		hosts[i] = Host{Name: n.Host, Node: n.HypervisorName, Zone: n.AvailabilityZone, Enabled: !n.Disabled,
			Up: !n.ForcedDown && now.Sub(n.HeartbeatAt) <= downAfter,
			Free: novalite.Resources{VCPUs: n.Total.VCPUs*store.CPUAllocationRatio - n.Used.VCPUs, MemoryMB: n.Total.MemoryMB - n.Used.MemoryMB,
				DiskGB: n.Total.DiskGB - n.Used.DiskGB}}
	}
	return hosts
}

// batch is a pass's placements: servers placed on hosts but not yet
// written (pending, whose requests are already taken off the hosts'
// free resources), and the events of those written.
type batch struct {
	hosts   []Host
	now     time.Time
	pending []pendingPlace
	events  []store.InstanceActionEventParams
}

type pendingPlace struct {
	v    novalite.Server
	host int
	want novalite.Resources
}

// scheduleInBatch places v. A server without group or hints is placed
// among the hosts at once and written with the others on its host by
// flush: one claim and one update per host instead of one each per
// server. A server with either reads where others are (Constrain), so
// the batch is written first and the server is placed alone.
func (s *Scheduler) scheduleInBatch(ctx context.Context, tx *store.Tx, b *batch, v novalite.Server) error {
	if v.ServerGroup != "" || len(v.SchedulerHints.SameHost) > 0 || len(v.SchedulerHints.DifferentHost) > 0 {
		if err := s.flush(ctx, tx, b); err != nil {
			return err
		}
		placed, err := s.schedule(ctx, tx, b.hosts, v, b.now)
		if placed {
			b.events = append(b.events, scheduled(v, b.now))
		}
		return err
	}
	r := requestOf(v)
	i, reason := place(b.hosts, r)
	if i < 0 {
		return s.noValidHost(ctx, tx, v, reason, b.now)
	}
	b.hosts[i].Free = minus(b.hosts[i].Free, r.Want)
	b.pending = append(b.pending, pendingPlace{v: v, host: i, want: r.Want})
	return nil
}

// flush writes the pending placements: for each host, one claim of
// their sum, then one update that places them; what a server deleted
// meanwhile claimed is given back. When the host no longer has the room
// (another scheduler took it), its servers are placed one by one as
// schedule does, the host's room given back to the batch first.
func (s *Scheduler) flush(ctx context.Context, tx *store.Tx, b *batch) error {
	var order []int
	byHost := map[int][]pendingPlace{}
	for _, p := range b.pending {
		if _, seen := byHost[p.host]; !seen {
			order = append(order, p.host)
		}
		byHost[p.host] = append(byHost[p.host], p)
	}
	b.pending = b.pending[:0]
	for _, i := range order {
		ps := byHost[i]
		h := &b.hosts[i]
		var sum novalite.Resources
		ids := make([]int64, len(ps))
		for k, p := range ps {
			sum = plus(sum, p.want)
			ids[k] = p.v.InternalID
		}
		ok, err := tx.ComputeNodeClaim(ctx, h.Name, sum)
		if err != nil {
			return err
		}
		if !ok {
			h.Free = plus(h.Free, sum)
			for _, p := range ps {
				placed, err := s.schedule(ctx, tx, b.hosts, p.v, b.now)
				if err != nil {
					return err
				}
				if placed {
					b.events = append(b.events, scheduled(p.v, b.now))
				}
			}
			continue
		}
		placed, err := tx.InstancePlaceMany(ctx, store.InstancePlaceManyParams{InternalIDs: ids, Host: h.Name,
			Node: h.Node, Zone: h.Zone, Now: b.now})
		if err != nil {
			return err
		}
		var back novalite.Resources
		for _, p := range ps {
			if placed[p.v.InternalID] {
				b.events = append(b.events, scheduled(p.v, b.now))
			} else {
				back = plus(back, p.want)
			}
		}
		if back != (novalite.Resources{}) {
			if err := tx.ComputeNodeRelease(ctx, h.Name, back); err != nil {
				return err
			}
		}
	}
	return nil
}

func plus(a, b novalite.Resources) novalite.Resources {
	return novalite.Resources{VCPUs: a.VCPUs + b.VCPUs, MemoryMB: a.MemoryMB + b.MemoryMB, DiskGB: a.DiskGB + b.DiskGB}
}

func minus(a, b novalite.Resources) novalite.Resources {
	return novalite.Resources{VCPUs: a.VCPUs - b.VCPUs, MemoryMB: a.MemoryMB - b.MemoryMB, DiskGB: a.DiskGB - b.DiskGB}
}

// requested is the destination a create asked for (2.74 host and
// hypervisor_hostname, or availability_zone "az:host:node").
type requested struct {
	Host string `json:"host"`
	Node string `json:"node"`
}

func requestOf(v novalite.Server) Request {
	var dest requested
	_ = json.Unmarshal([]byte(v.RequestedNetworks), &dest)
	return Request{Zone: v.AvailabilityZone, Host: dest.Host, Node: dest.Node, Want: store.Demand(v.Flavor)}
}

// schedule places one server: claim on the chosen host, then the guarded
// placement write; a server deleted meanwhile gives its claim back. It
// reports whether the server was placed, whose event (scheduled) the
// caller records.
func (s *Scheduler) schedule(ctx context.Context, tx *store.Tx, hosts []Host, v novalite.Server, now time.Time) (bool, error) {
	r := requestOf(v)
	if err := Constrain(ctx, tx, v, &r); err != nil {
		return false, err
	}
	for {
		i, reason := place(hosts, r)
		if i < 0 {
			return false, s.noValidHost(ctx, tx, v, reason, now)
		}
		h := &hosts[i]
		ok, err := tx.ComputeNodeClaim(ctx, h.Name, r.Want)
		if err != nil {
			return false, err
		}
		if !ok {
			// Another scheduler took the room: leave this host out.
			h.Enabled = false
			continue
		}
		placed, err := tx.InstancePlace(ctx, store.InstancePlaceParams{InternalID: v.InternalID, Host: h.Name,
			Node: h.Node, Zone: h.Zone, Now: now})
		if err != nil {
			return false, err
		}
		if !placed {
			return false, tx.ComputeNodeRelease(ctx, h.Name, r.Want)
		}
		h.Free = minus(h.Free, r.Want)
		return true, nil
	}
}

// noValidHost puts the server in ERROR with Nova's fault.
func (s *Scheduler) noValidHost(ctx context.Context, tx *store.Tx, v novalite.Server, reason string, now time.Time) error {
	ok, err := tx.InstanceOutcome(ctx, store.InstanceOutcomeParams{InternalID: v.InternalID,
		From: novalite.TaskScheduling, Unplaced: true, VM: novalite.VMError, Now: now})
	if err != nil || !ok {
		return err
	}
	s.o.Log.Info("no valid host", "server", v.ID, "reason", reason)
	if err := tx.InstanceFaultInsert(ctx, v.InternalID, novalite.Fault{Code: 500, Message: reason, Created: now}); err != nil {
		return err
	}
	e := scheduled(v, now)
	e.Failed = true
	return tx.InstanceActionEventFinish(ctx, e)
}

// Constrain adds to r what placing v must honour besides resources:
// its server group's policy and the same_host / different_host hints
// (for builds and for moves alike).
func Constrain(ctx context.Context, tx *store.Tx, v novalite.Server, r *Request) error {
	for _, h := range []struct {
		ids []string
		dst *map[string]bool
	}{{v.SchedulerHints.SameHost, &r.SameHost}, {v.SchedulerHints.DifferentHost, &r.DifferentHost}} {
		if len(h.ids) > 0 {
			on, err := tx.InstanceHostsOf(ctx, h.ids)
			if err != nil {
				return err
			}
			*h.dst = on
		}
	}
	if v.ServerGroup == "" {
		return nil
	}
	g, ok, err := tx.ServerGroupPlacementOf(ctx, v.ID)
	if ok {
		r.Group = &g
	}
	return err
}

// scheduled is Nova's conductor event on the create action.
func scheduled(v novalite.Server, now time.Time) store.InstanceActionEventParams {
	return store.InstanceActionEventParams{InstanceUUID: v.ID, Action: "create",
		Event: "conductor_schedule_and_build_instances", Start: now, Finish: now}
}
