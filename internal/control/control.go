// Package control is the test cloud's control service (the control API,
// docs/control-api.md): it moves the compute side's clock forward, marks
// simulated hosts down or up, changes their capacity and zone, and sets
// fault knobs per host. Everything it changes lives in the database, so
// that it works the same in `serve` and across separate roles.
package control

import (
	"context"
	"encoding/json"
	"regexp"
	"time"

	"novalite"
	"novalite/internal/clock"
	"novalite/internal/compute"
	"novalite/internal/store"
)

// Service is the control service.
type Service struct {
	db    *store.DB
	clock *clock.Clock
	// jobs runs the controller's periodic jobs once (after an advance).
	jobs func(context.Context) error
	// wake tells this process's loops that work may wait.
	wake func()
	// DownAfter is service_down_time: marking a host down backdates its
	// heartbeat past it (default compute.DefaultServiceDownTime).
	DownAfter time.Duration
}

// New returns the control service; jobs and wake may be nil.
func New(db *store.DB, c *clock.Clock, jobs func(context.Context) error, wake func()) *Service {
	if jobs == nil {
		jobs = func(context.Context) error { return nil }
	}
	if wake == nil {
		wake = func() {}
	}
	return &Service{db: db, clock: c, jobs: jobs, wake: wake, DownAfter: compute.DefaultServiceDownTime}
}

// Clock returns the compute side's time and its offset from the wall clock.
func (s *Service) Clock() (time.Time, time.Duration) { return s.clock.Now(), s.clock.Offset() }

// Advance moves the clock d forward in every process and runs the
// periodic jobs at once, as if d had passed: soft-deleted servers due
// for reclaim go, unconfirmed resizes are confirmed, shelved servers are
// offloaded. Live hosts' heartbeats move with the clock, so that no host
// looks dead for the jump.
func (s *Service) Advance(ctx context.Context, d time.Duration) (time.Time, time.Duration, error) {
	if d <= 0 || d > 100*365*24*time.Hour {
		return time.Time{}, 0, novalite.Errorf(novalite.Invalid, "Invalid advance: must be positive and at most 100 years.")
	}
	var off time.Duration
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if off, err = tx.ClockAdvance(ctx, d); err != nil {
			return err
		}
		return tx.HeartbeatsShift(ctx, d)
	})
	if err != nil {
		return time.Time{}, 0, err
	}
	s.clock.Set(off)
	if err := s.jobs(ctx); err != nil {
		return time.Time{}, 0, err
	}
	return s.clock.Now(), off, nil
}

// Host is a compute host as the control API shows it.
type Host struct {
	novalite.ComputeNode
	Up            bool // as os-services shows it
	SimulatedDown bool
	FakeKnobs     map[string]string
}

// Hosts lists the compute hosts.
func (s *Service) Hosts(ctx context.Context) ([]Host, error) { return s.hosts(ctx, "") }

// Host returns one host.
func (s *Service) Host(ctx context.Context, name string) (Host, error) {
	hosts, err := s.hosts(ctx, name)
	if err != nil {
		return Host{}, err
	}
	if len(hosts) == 0 {
		return Host{}, novalite.Errorf(novalite.NotFound, "Compute host %s could not be found.", name)
	}
	return hosts[0], nil
}

// hosts lists the hosts, or the one named name.
func (s *Service) hosts(ctx context.Context, name string) ([]Host, error) {
	var list []store.HostControl
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		list, err = tx.HostControlList(ctx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := make([]Host, len(list))
	for i, h := range list {
		out[i] = Host{ComputeNode: h.Node, SimulatedDown: h.SimulatedDown, FakeKnobs: h.FakeKnobs,
			Up: !h.Node.ForcedDown && now.Sub(h.Node.HeartbeatAt) <= s.DownAfter}
	}
	return out, nil
}

// HostUpdate is a change to a host; nil fields are kept.
type HostUpdate struct {
	Down      *bool // mark down (its agent stops) or up again
	Zone      *string
	VCPUs     *int64
	MemoryMB  *int64
	DiskGB    *int64
	FakeKnobs map[string]string // replaces the host's knobs when not nil
}

// knobKey is a fake driver knob: fake:{delay,fail,hang}_<operation>.
var knobKey = regexp.MustCompile(`^fake:(delay|fail|hang)_[a-z_]+$`)

// UpdateHost applies u to the host name. Marking a host down backdates
// its heartbeat past service_down_time, so that host_status and
// os-services show it down at once; marking it up heartbeats it now.
func (s *Service) UpdateHost(ctx context.Context, name string, u HostUpdate) (Host, error) {
	for k, v := range u.FakeKnobs {
		if !knobKey.MatchString(k) {
			return Host{}, novalite.Errorf(novalite.Invalid, "Invalid fake knob %q: must be fake:delay_<op>, fake:fail_<op> or fake:hang_<op>.", k)
		}
		if m := knobKey.FindStringSubmatch(k); m[1] == "delay" {
			if d, err := time.ParseDuration(v); err != nil || d < 0 {
				return Host{}, novalite.Errorf(novalite.Invalid, "Invalid fake knob %s: %q is not a duration.", k, v)
			}
		}
	}
	for _, v := range []*int64{u.VCPUs, u.MemoryMB, u.DiskGB} {
		if v != nil && *v < 0 {
			return Host{}, novalite.Errorf(novalite.Invalid, "Invalid capacity: must not be negative.")
		}
	}
	if u.Zone != nil && *u.Zone == "" {
		return Host{}, novalite.Errorf(novalite.Invalid, "Invalid input for this request: 'zone' must not be empty.")
	}
	up := store.HostControlUpdate{SimulatedDown: u.Down, Zone: u.Zone, VCPUs: u.VCPUs, MemoryMB: u.MemoryMB,
		DiskGB: u.DiskGB, FakeKnobs: u.FakeKnobs}
	if u.Down != nil {
		up.HeartbeatAt = s.clock.Now().UTC()
		if *u.Down {
			up.HeartbeatAt = up.HeartbeatAt.Add(-s.DownAfter - time.Second)
		}
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		ok, err := tx.HostControlUpdate(ctx, name, up)
		if err != nil {
			return err
		}
		if !ok {
			return novalite.Errorf(novalite.NotFound, "Compute host %s could not be found.", name)
		}
		tx.NotifyHostOnCommit(name) // its agent may be another process
		tx.NotifyOnCommit()         // and capacity or zone change placement
		return nil
	})
	if err != nil {
		return Host{}, err
	}
	s.wake()
	return s.Host(ctx, name)
}

// bootstrapSnapshot names the state saved at bootstrap, which Reset restores.
const bootstrapSnapshot = "bootstrap"

// SaveBootstrap keeps the cloud's state as its bootstrap state (once:
// a later call keeps the first).
func SaveBootstrap(ctx context.Context, db *store.DB) error {
	return db.Tx(ctx, func(tx *store.Tx) error {
		st, err := tx.StateExport(ctx, db.KnownSchemaVersion())
		if err != nil {
			return err
		}
		return tx.SnapshotSave(ctx, bootstrapSnapshot, st, true)
	})
}

// Export dumps the cloud's state: identity, flavors, images (their
// records; the bytes stay in the data dir), networks, servers and the
// rest; not the compute hosts, tokens' keys or the clock.
func (s *Service) Export(ctx context.Context) (State, error) {
	var st store.State
	err := s.db.View(ctx, func(tx *store.Tx) (err error) {
		st, err = tx.StateExport(ctx, s.db.KnownSchemaVersion())
		return err
	})
	return State(st), err
}

// State is a dump of the cloud: the rows of each table as JSON objects,
// in the engine's own representation (so a dump imports only into a
// cloud of the same engine and schema).
type State struct {
	Engine string                       `json:"engine"`
	Schema int                          `json:"schema"`
	Tables map[string][]json.RawMessage `json:"tables"`
}

// Import replaces the cloud's state with st (a dump of Export by this
// engine and schema), in one transaction.
func (s *Service) Import(ctx context.Context, st State) error {
	return s.replace(ctx, func(tx *store.Tx) (store.State, error) { return store.State(st), nil })
}

// Reset brings the cloud back to its bootstrap state.
func (s *Service) Reset(ctx context.Context) error {
	return s.replace(ctx, func(tx *store.Tx) (store.State, error) {
		st, err := tx.Snapshot(ctx, bootstrapSnapshot)
		if novalite.IsKind(err, novalite.NotFound) {
			return st, novalite.Errorf(novalite.Conflict, "No bootstrap state was saved: this cloud was bootstrapped by an older novalite.")
		}
		return st, err
	})
}

// replace imports the state that get returns. Real guests would outlive
// their servers' rows, so a cloud with hosts of another driver than the
// simulated one is refused.
func (s *Service) replace(ctx context.Context, get func(*store.Tx) (store.State, error)) error {
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		hosts, err := tx.HostControlList(ctx, "")
		if err != nil {
			return err
		}
		for _, h := range hosts {
			if h.Node.Driver != "fake" {
				return novalite.Errorf(novalite.Conflict, "Host %s runs real guests (driver %s): its state cannot be replaced.", h.Node.Host, h.Node.Driver)
			}
		}
		st, err := get(tx)
		if err != nil {
			return err
		}
		if err := tx.StateImport(ctx, st, s.db.KnownSchemaVersion()); err != nil {
			return err
		}
		tx.NotifyOnCommit() // every loop of every process has new rows
		tx.NotifyAgentsOnCommit()
		return nil
	})
	if err == nil {
		s.wake()
	}
	return err
}
