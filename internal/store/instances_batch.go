package store

// Writes of the background loops for a whole batch in one statement:
// on PostgreSQL each statement is a round trip and a parse, bind and
// execute in its backend, and the scheduler and the agent wrote one per
// server for each step of a build.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"novalite"
)

// InstanceOutcomeManyParams are an outcome that finishes the same task
// of many servers: what InstanceOutcomeParams say, for the outcomes that
// only set states (a build's steps and its end, for one).
type InstanceOutcomeManyParams struct {
	InternalIDs []int64
	From        novalite.TaskState
	VM          novalite.VMState
	Task        novalite.TaskState // usually none
	Power       *novalite.PowerState
	Launched    bool
	Now         time.Time
}

// InstanceOutcomeMany is InstanceOutcome for every server of
// p.InternalIDs in one statement: it applies to each that is still live
// and in task p.From, and returns those it applied to.
func (tx *Tx) InstanceOutcomeMany(ctx context.Context, p InstanceOutcomeManyParams) (map[int64]bool, error) {
	if len(p.InternalIDs) == 0 {
		return map[int64]bool{}, nil
	}
	q, args := tx.outcomeManyQuery(p)
	return idSet(tx.query(ctx, q, args...))
}

// outcomeManyQuery is InstanceOutcomeMany's statement.
func (tx *Tx) outcomeManyQuery(p InstanceOutcomeManyParams) (string, []any) {
	var w where
	set := outcomeStates(&w, p.VM, p.Task, p.Power, p.Launched, micros(p.Now))
	w.conds = append(w.conds, tx.inJSON("id", &w, p.InternalIDs, true))
	w.add(`deleted = ?`, false)
	if p.From == novalite.TaskNone {
		w.conds = append(w.conds, "task_state IS NULL")
	} else {
		w.add(`task_state = ?`, string(p.From))
	}
	return `UPDATE ` + tx.byID("instances") + ` SET ` + strings.Join(set, ", ") + w.sql() + ` RETURNING id`, w.args
}

// byID is table for an UPDATE of a batch's rows by id: SQLite's
// planner, with its statistics, took the (deleted, vm_state, task_state)
// index for such an UPDATE and read every live server, 100,000 of them
// for each step of a build, instead of looking the ids up (POST→ACTIVE
// at 100,000 stored: 719 → 125 ACTIVE/s). NOT INDEXED leaves it the
// rowid (the id) alone; PostgreSQL's planner needs no such help.
func (tx *Tx) byID(table string) string {
	if tx.engine == SQLite {
		return table + " NOT INDEXED"
	}
	return table
}

// idSet collects the ids an UPDATE … RETURNING id wrote.
func idSet(rows *sql.Rows, err error) (map[int64]bool, error) {
	ids, err := collect(rows, err, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, err
}

// actionEvent is one event of InstanceActionEventFinishMany as the
// statement reads it from its JSON argument.
type actionEvent struct {
	UUID   string  `json:"uuid"`
	Action string  `json:"action"`
	Event  string  `json:"event"`
	Start  int64   `json:"start"`
	Finish *int64  `json:"finish"`
	Host   *string `json:"host"`
}

// InstanceActionEventFinishMany is InstanceActionEventFinish for steps
// that succeeded, all in one statement: each event goes on its server's
// latest action of that name, and is left out when there is none.
// Failed steps go through InstanceActionEventFinish, which also marks
// the action.
func (tx *Tx) InstanceActionEventFinishMany(ctx context.Context, events []InstanceActionEventParams) error {
	if len(events) == 0 {
		return nil
	}
	rows := make([]actionEvent, len(events))
	for i, p := range events {
		if p.Failed {
			return fmt.Errorf("store: event %s of %s failed: InstanceActionEventFinish marks its action", p.Event, p.InstanceUUID)
		}
		rows[i] = actionEvent{UUID: p.InstanceUUID, Action: p.Action, Event: p.Event, Start: micros(p.Start)}
		if !p.Finish.IsZero() {
			f := micros(p.Finish)
			rows[i].Finish = &f
		}
		if p.Host != "" {
			rows[i].Host = &p.Host
		}
	}
	// The events as rows: PostgreSQL's jsonb_to_recordset, SQLite's
	// json_each with a json_extract per field.
	src := `jsonb_to_recordset($1::jsonb) AS e (uuid TEXT, action TEXT, event TEXT, start BIGINT, finish BIGINT, host TEXT)`
	if tx.engine == SQLite {
		src = `(SELECT json_extract(value, '$.uuid') AS uuid, json_extract(value, '$.action') AS action,
			json_extract(value, '$.event') AS event, json_extract(value, '$.start') AS start,
			json_extract(value, '$.finish') AS finish, json_extract(value, '$.host') AS host FROM json_each($1)) AS e`
	}
	_, err := tx.Exec(ctx, `INSERT INTO instance_action_events (action_id, event, start_time, finish_time, result, host)
		SELECT action_id, event, start, finish, 'Success', host FROM (
			SELECT (SELECT a.id FROM instance_actions a WHERE a.instance_uuid = e.uuid AND a.action = e.action
				ORDER BY a.start_time DESC, a.id DESC LIMIT 1) AS action_id, e.event, e.start, e.finish, e.host
			FROM `+src+`) s
		WHERE action_id IS NOT NULL`, jsonText(rows))
	return err
}

// InstancePlaceManyParams put servers on one host.
type InstancePlaceManyParams struct {
	InternalIDs      []int64
	Host, Node, Zone string
	Now              time.Time
}

// InstancePlaceMany is InstancePlace for every server of p.InternalIDs
// in one statement; it returns those it placed (the others were deleted
// meanwhile, and the caller gives back what it claimed for them).
func (tx *Tx) InstancePlaceMany(ctx context.Context, p InstancePlaceManyParams) (map[int64]bool, error) {
	if len(p.InternalIDs) == 0 {
		return map[int64]bool{}, nil
	}
	q, args := tx.placeManyQuery(p)
	placed, err := idSet(tx.query(ctx, q, args...))
	if len(placed) > 0 {
		tx.NotifyHostOnCommit(p.Host) // the builds are the host's agent's now
	}
	return placed, err
}

// placeManyQuery is InstancePlaceMany's statement.
func (tx *Tx) placeManyQuery(p InstancePlaceManyParams) (string, []any) {
	var w where
	set := "host = " + w.arg(p.Host) + ", node = " + w.arg(p.Node) + ", availability_zone = " + w.arg(p.Zone) +
		", task_state = " + w.arg(string(novalite.TaskNetworking)) + ", updated_at = " + w.arg(micros(p.Now))
	w.conds = append(w.conds, tx.inJSON("id", &w, p.InternalIDs, true))
	w.add(`deleted = ?`, false)
	w.conds = append(w.conds, "host IS NULL")
	w.add(`task_state = ?`, string(novalite.TaskScheduling))
	return `UPDATE ` + tx.byID("instances") + ` SET ` + set + w.sql() + ` RETURNING id`, w.args
}
