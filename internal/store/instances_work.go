package store

// Queries of the background loops: the scheduler's queue, an agent's
// work, outcomes guarded by the task they finish, reclaim.

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"novalite"
)

// InstanceListUnscheduled returns up to limit live servers waiting for a
// host, oldest first.
func (tx *Tx) InstanceListUnscheduled(ctx context.Context, limit int) ([]novalite.Server, error) {
	rows, err := tx.query(ctx, unscheduledQuery, limit)
	return collect(rows, err, func(r *sql.Rows) (novalite.Server, error) { return scanInstance(r) })
}

// unscheduledQuery names its constants rather than binding them: SQLite
// checks a bound value against the WHERE of the partial index
// instances_unscheduled and then prepares the statement again on every
// run, 44 columns parsed anew on each wake-up of the scheduler.
const unscheduledQuery = `SELECT ` + instanceCols + ` FROM instances
	WHERE host IS NULL AND task_state = '` + string(novalite.TaskScheduling) + `' AND deleted = FALSE
	ORDER BY id LIMIT $1`

// InstanceClaimUnscheduled is InstanceListUnscheduled for a read-write
// transaction that will place them: on PostgreSQL the rows are locked
// (FOR UPDATE SKIP LOCKED), so that schedulers running side by side take
// disjoint batches instead of racing for the same servers. SQLite has one
// writer at a time anyway.
func (tx *Tx) InstanceClaimUnscheduled(ctx context.Context, limit int) ([]novalite.Server, error) {
	lock := ""
	if tx.engine == Postgres {
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	rows, err := tx.query(ctx, unscheduledQuery+lock, limit)
	return collect(rows, err, func(r *sql.Rows) (novalite.Server, error) { return scanInstance(r) })
}

// InstancePlaceParams put a server on a host.
type InstancePlaceParams struct {
	InternalID       int64
	Host, Node, Zone string
	Now              time.Time
}

// InstancePlace records the scheduler's choice and hands the server to
// the host's agent (task networking) — only if it is still live, unplaced
// and scheduling; false otherwise (deleted meanwhile), and the caller
// gives back what it claimed. The commit notifies the host's agent.
func (tx *Tx) InstancePlace(ctx context.Context, p InstancePlaceParams) (bool, error) {
	n, err := tx.Exec(ctx, `UPDATE instances SET host = $1, node = $2, availability_zone = $3, task_state = $4,
		updated_at = $5 WHERE id = $6 AND deleted = $7 AND host IS NULL AND task_state = $8`,
		p.Host, p.Node, p.Zone, string(novalite.TaskNetworking), micros(p.Now), p.InternalID, false,
		string(novalite.TaskScheduling))
	if n > 0 {
		tx.NotifyHostOnCommit(p.Host) // the build is the host's agent's now
	}
	return n > 0, err
}

// WorkQuery asks for up to Limit live servers of Host whose task is one
// of Tasks, leaving out the tasks in Skip, as "<internal id>:<task_state>"
// (their calls are still running: were they listed, a batch of hung ones
// would hide the rest; a new task of the same server is listed).
type WorkQuery struct {
	Host  string
	Tasks []novalite.TaskState
	Skip  []string
	Limit int
}

// InstanceListWork returns the servers q asks for, with their metadata
// (drivers read knobs from it).
func (tx *Tx) InstanceListWork(ctx context.Context, q WorkQuery) ([]novalite.Server, error) {
	host, tasks, skip, limit := q.Host, q.Tasks, q.Skip, q.Limit
	var w where
	w.add(`host = ?`, host)
	if len(skip) > 0 {
		w.conds = append(w.conds, "NOT "+tx.inJSON("(CAST(id AS TEXT) || ':' || task_state)", &w, skip, false))
	}
	ph := make([]string, len(tasks))
	for i, t := range tasks {
		ph[i] = w.arg(string(t))
	}
	w.conds = append(w.conds, "task_state IN ("+strings.Join(ph, ", ")+")")
	w.add(`deleted = ?`, false)
	rows, err := tx.query(ctx, `SELECT `+instanceCols+` FROM instances`+w.sql()+` ORDER BY id LIMIT `+w.arg(limit), w.args...)
	list, err := collect(rows, err, func(r *sql.Rows) (novalite.Server, error) { return scanInstance(r) })
	if err != nil || len(list) == 0 {
		return list, err
	}
	ptrs := make([]*novalite.Server, len(list))
	for i := range list {
		ptrs[i] = &list[i]
	}
	return list, tx.InstanceLoadExtras(ctx, ptrs)
}

// InstanceOutcomeParams are the writes that finish a task. The update
// applies only while the server is live and still in task From (and, with
// Unplaced, has no host): an intent that arrived meanwhile wins.
type InstanceOutcomeParams struct {
	InternalID int64
	From       novalite.TaskState
	Unplaced   bool
	VM         novalite.VMState
	Task       novalite.TaskState // usually none
	Power      *novalite.PowerState
	// Launched stamps launched_at; Delete marks the row deleted (deleted_at,
	// terminated_at); ClearDeleted clears a soft delete's deleted_at;
	// ClearHost forgets host and node (a build that failed).
	Launched, Delete, ClearDeleted, ClearHost bool
	// Host moves the server (with Node, and Zone when set); Flavor
	// replaces its flavor;
	// OldFlavor, with SetOldFlavor, sets (or with nil clears) the flavor
	// a resize may revert to.
	Host, Node   string
	Zone         string
	Flavor       *novalite.FlavorSnapshot
	SetOldFlavor bool
	OldFlavor    *novalite.FlavorSnapshot
	Now          time.Time
}

// outcomeStates are the SET terms of an outcome's states, one server's
// or a batch's: the vm and task states, the power state if given, the
// launch time if launched, all at now.
func outcomeStates(w *where, vm novalite.VMState, task novalite.TaskState, power *novalite.PowerState, launched bool, now int64) []string {
	set := []string{"vm_state = " + w.arg(string(vm)), "task_state = " + w.arg(emptyNull(string(task))),
		"updated_at = " + w.arg(now)}
	if power != nil {
		set = append(set, "power_state = "+w.arg(int(*power)))
	}
	if launched {
		set = append(set, "launched_at = "+w.arg(now))
	}
	return set
}

// InstanceOutcome writes an outcome and reports whether it applied.
func (tx *Tx) InstanceOutcome(ctx context.Context, p InstanceOutcomeParams) (bool, error) {
	var w where
	now := micros(p.Now)
	set := outcomeStates(&w, p.VM, p.Task, p.Power, p.Launched, now)
	if p.Delete {
		set = append(set, "deleted = "+w.arg(true), "deleted_at = "+w.arg(now), "terminated_at = "+w.arg(now))
	}
	if p.ClearDeleted {
		set = append(set, "deleted_at = NULL")
	}
	if p.ClearHost {
		set = append(set, "host = NULL", "node = NULL")
	}
	if p.Host != "" {
		set = append(set, "host = "+w.arg(p.Host), "node = "+w.arg(p.Node))
	}
	if p.Zone != "" {
		set = append(set, "availability_zone = "+w.arg(p.Zone))
	}
	if p.Flavor != nil {
		set = append(set, flavorSet(&w, *p.Flavor)...)
	}
	if p.SetOldFlavor {
		old := sql.NullString{}
		if p.OldFlavor != nil {
			old = sql.NullString{String: jsonText(p.OldFlavor), Valid: true}
		}
		set = append(set, "old_flavor = "+w.arg(old))
	}
	w.add(`id = ?`, p.InternalID)
	w.add(`deleted = ?`, false)
	if p.From == novalite.TaskNone {
		w.conds = append(w.conds, "task_state IS NULL")
	} else {
		w.add(`task_state = ?`, string(p.From))
	}
	if p.Unplaced {
		w.conds = append(w.conds, "host IS NULL")
	}
	n, err := tx.Exec(ctx, `UPDATE instances SET `+strings.Join(set, ", ")+w.sql(), w.args...)
	if err != nil || n == 0 || !p.Delete {
		return n > 0, err
	}
	// The console tokens go with the server (Nova's compute manager
	// cleans them on delete), not only when they expire.
	_, err = tx.Exec(ctx, `DELETE FROM console_tokens WHERE instance_uuid = (SELECT uuid FROM instances WHERE id = $1)`,
		p.InternalID)
	return true, err
}

// InstanceListReclaimable returns up to limit soft-deleted, idle servers
// deleted at or before cutoff.
func (tx *Tx) InstanceListReclaimable(ctx context.Context, cutoff time.Time, limit int) ([]novalite.Server, error) {
	rows, err := tx.query(ctx, `SELECT `+instanceCols+` FROM instances WHERE vm_state = $1 AND deleted = $2
		AND task_state IS NULL AND deleted_at <= $3 ORDER BY deleted_at LIMIT $4`,
		string(novalite.VMSoftDeleted), false, micros(cutoff), limit)
	return collect(rows, err, func(r *sql.Rows) (novalite.Server, error) { return scanInstance(r) })
}

// InstanceActionEventParams record a finished step of the latest action
// of a server named Action (create, delete, restore…).
type InstanceActionEventParams struct {
	InstanceUUID, Action, Event, Host string
	Start, Finish                     time.Time
	Failed                            bool // result Error, and the action's message becomes "Error"
}

// InstanceActionEventFinish records the event on the server's latest
// action of that name; it does nothing if there is none (a reclaim has no
// API action).
func (tx *Tx) InstanceActionEventFinish(ctx context.Context, p InstanceActionEventParams) error {
	result := "Success"
	if p.Failed {
		result = "Error"
	}
	// One statement finds the action and adds the event (an agent writes
	// one per build and per delete, inside the single writer).
	n, err := tx.Exec(ctx, `INSERT INTO instance_action_events (action_id, event, start_time, finish_time, result, host)
		SELECT id, CAST($3 AS TEXT), CAST($4 AS BIGINT), CAST($5 AS BIGINT), CAST($6 AS TEXT), CAST($7 AS TEXT)
		FROM instance_actions WHERE instance_uuid = $1 AND action = $2 ORDER BY start_time DESC, id DESC LIMIT 1`,
		p.InstanceUUID, p.Action, p.Event, micros(p.Start), nullMicros(p.Finish), result, emptyNull(p.Host))
	if err != nil || n == 0 || !p.Failed {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE instance_actions SET message = $1, updated_at = $2 WHERE id = (SELECT id
		FROM instance_actions WHERE instance_uuid = $3 AND action = $4 ORDER BY start_time DESC, id DESC LIMIT 1)`,
		"Error", micros(p.Finish), p.InstanceUUID, p.Action)
	return err
}

// FailedEvent is a recorded event whose step failed or was undone
// afterwards, with what went wrong (the event's traceback, which only
// those allowed to see events' details are shown, as in Nova).
type FailedEvent struct {
	ActionID  int64
	Event     string
	At        time.Time
	Traceback string
}

// InstanceActionEventFailed turns a recorded event into an Error, and
// its action's message with it (a volume the host could not plug).
func (tx *Tx) InstanceActionEventFailed(ctx context.Context, e FailedEvent) error {
	if _, err := tx.Exec(ctx, `UPDATE instance_action_events SET result = $1, finish_time = $2, traceback = $3
		WHERE action_id = $4 AND event = $5`, "Error", micros(e.At), nullStr(e.Traceback), e.ActionID, e.Event); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE instance_actions SET message = $1, updated_at = $2 WHERE id = $3`,
		"Error", micros(e.At), e.ActionID)
	return err
}

// flavorSet are the assignments that make f a server's flavor.
func flavorSet(w *where, f novalite.FlavorSnapshot) []string {
	return []string{"flavor = " + w.arg(jsonText(f)), "flavor_id = " + w.arg(f.ID), "vcpus = " + w.arg(f.VCPUs),
		"memory_mb = " + w.arg(f.MemoryMB), "root_gb = " + w.arg(f.RootGB)}
}

// InstanceListIdleSince returns up to limit live, idle servers in vm
// state vm not updated since cutoff (auto-confirm of resizes, offload of
// shelved servers).
func (tx *Tx) InstanceListIdleSince(ctx context.Context, vm novalite.VMState, cutoff time.Time, limit int) ([]novalite.Server, error) {
	rows, err := tx.query(ctx, `SELECT `+instanceCols+` FROM instances WHERE vm_state = $1 AND deleted = $2
		AND task_state IS NULL AND updated_at <= $3 ORDER BY updated_at LIMIT $4`,
		string(vm), false, micros(cutoff), limit)
	return collect(rows, err, func(r *sql.Rows) (novalite.Server, error) { return scanInstance(r) })
}

// InstanceHostsOf returns the hosts that the live servers with the given
// uuids run on (same_host / different_host hints).
func (tx *Tx) InstanceHostsOf(ctx context.Context, uuids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(uuids) == 0 {
		return out, nil
	}
	var w where
	w.conds = append(w.conds, inList("uuid", &w, uuids))
	w.add(`deleted = ?`, false)
	w.conds = append(w.conds, "host IS NOT NULL")
	rows, err := tx.query(ctx, `SELECT DISTINCT host FROM instances`+w.sql(), w.args...)
	hosts, err := collect(rows, err, func(r *sql.Rows) (string, error) {
		var h string
		return h, r.Scan(&h)
	})
	for _, h := range hosts {
		out[h] = true
	}
	return out, err
}
