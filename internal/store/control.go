package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"novalite"
)

// ClockOffset is the simulated clock's offset from the wall clock (0
// until the control API advances it).
func (tx *Tx) ClockOffset(ctx context.Context) (time.Duration, error) {
	var us int64
	err := tx.queryRow(ctx, `SELECT offset_us FROM clock_offset WHERE id = 1`).Scan(&us)
	if err != nil {
		if err = mapErr(err); novalite.IsKind(err, novalite.NotFound) {
			return 0, nil
		}
		return 0, err
	}
	return time.Duration(us) * time.Microsecond, nil
}

// ClockAdvance moves the simulated clock d forward and returns the new
// offset; concurrent advances add up.
func (tx *Tx) ClockAdvance(ctx context.Context, d time.Duration) (time.Duration, error) {
	var us int64
	err := tx.queryRow(ctx, `INSERT INTO clock_offset (id, offset_us) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET offset_us = clock_offset.offset_us + excluded.offset_us
		RETURNING offset_us`, d.Microseconds()).Scan(&us)
	return time.Duration(us) * time.Microsecond, mapErr(err)
}

// HostControl is a host as the control API shows it.
type HostControl struct {
	Node          novalite.ComputeNode
	SimulatedDown bool
	FakeKnobs     map[string]string
}

// HostControlUpdate changes a host's simulation knobs; nil fields stay.
type HostControlUpdate struct {
	SimulatedDown *bool
	Zone          *string
	VCPUs         *int64
	MemoryMB      *int64
	DiskGB        *int64
	FakeKnobs     map[string]string // replaces the knobs when not nil
	// HeartbeatAt, when set, is written as the last heartbeat: the past
	// for a host going down (down at once), now for one coming back.
	HeartbeatAt time.Time
}

// HostControlList returns the hosts with their knobs, by name: all, or
// the one named host.
func (tx *Tx) HostControlList(ctx context.Context, host string) ([]HostControl, error) {
	var w where
	if host != "" {
		w.add(`host = ?`, host)
	}
	rows, err := tx.query(ctx, `SELECT `+computeNodeCols+`, simulated_down, fake_knobs FROM compute_nodes`+w.sql()+` ORDER BY host`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HostControl
	for rows.Next() {
		var h HostControl
		var knobs string
		var ns nodeScan
		if err := rows.Scan(append(ns.dest(), &h.SimulatedDown, &knobs)...); err != nil {
			return nil, mapErr(err)
		}
		h.Node = ns.node()
		if err := json.Unmarshal([]byte(knobs), &h.FakeKnobs); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, mapErr(rows.Err())
}

// HostControlUpdate applies u to host and reports whether it exists.
func (tx *Tx) HostControlUpdate(ctx context.Context, host string, u HostControlUpdate) (bool, error) {
	var w where
	set := []string{"host = host"}
	if u.SimulatedDown != nil {
		set = append(set, "simulated_down = "+w.arg(*u.SimulatedDown))
	}
	if u.Zone != nil {
		set = append(set, "availability_zone = "+w.arg(*u.Zone))
	}
	for _, c := range []struct {
		col string
		v   *int64
	}{{"vcpus", u.VCPUs}, {"memory_mb", u.MemoryMB}, {"local_gb", u.DiskGB}} {
		if c.v != nil {
			set = append(set, c.col+" = "+w.arg(*c.v))
		}
	}
	if u.FakeKnobs != nil {
		b, err := json.Marshal(u.FakeKnobs)
		if err != nil {
			return false, err
		}
		set = append(set, "fake_knobs = "+w.arg(string(b)))
	}
	if !u.HeartbeatAt.IsZero() {
		set = append(set, "heartbeat_at = "+w.arg(micros(u.HeartbeatAt)))
	}
	n, err := tx.Exec(ctx, `UPDATE compute_nodes SET `+strings.Join(set, ", ")+` WHERE host = `+w.arg(host), w.args...)
	return n > 0, err
}

// ComputeNodeBeat records that host is alive, unless the control API
// marked it down (then its heartbeat ages, as a dead host's does).
func (tx *Tx) ComputeNodeBeat(ctx context.Context, host string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE compute_nodes SET heartbeat_at = $1 WHERE host = $2 AND NOT simulated_down`, micros(now), host)
	return err
}

// HostMarks returns the control API's marks of host: whether it is
// marked down, and its fake knobs.
func (tx *Tx) HostMarks(ctx context.Context, host string) (down bool, knobs map[string]string, err error) {
	var raw string
	err = tx.queryRow(ctx, `SELECT simulated_down, fake_knobs FROM compute_nodes WHERE host = $1`, host).Scan(&down, &raw)
	if err != nil {
		return false, nil, mapErr(err)
	}
	return down, knobs, json.Unmarshal([]byte(raw), &knobs)
}

// HeartbeatsShift moves the heartbeat of every host not marked down d
// forward, with the simulated clock.
func (tx *Tx) HeartbeatsShift(ctx context.Context, d time.Duration) error {
	_, err := tx.Exec(ctx, `UPDATE compute_nodes SET heartbeat_at = heartbeat_at + $1 WHERE NOT simulated_down`, d.Microseconds())
	return err
}
