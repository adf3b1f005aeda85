package store

import (
	"context"
	"database/sql"
	"time"

	"novalite"
)

// Reads of instance_actions and instance_action_events (the writes that
// record actions are in instances_intent.go).

const actionCols = `id, instance_uuid, request_id, action, project_id, user_id, start_time, finish_time, updated_at, message`

func scanAction(s interface{ Scan(...any) error }) (novalite.InstanceActionRecord, error) {
	var a novalite.InstanceActionRecord
	var start, updated int64
	var finish sql.NullInt64
	var msg sql.NullString
	err := s.Scan(&a.ID, &a.InstanceUUID, &a.RequestID, &a.Action, &a.ProjectID, &a.UserID, &start, &finish, &updated, &msg)
	a.Start, a.Finish, a.UpdatedAt, a.Message = fromMicros(start), fromNullMicros(finish), fromMicros(updated), nullable(msg)
	return a, err
}

// InstanceActionListParams selects a page of a server's actions, newest
// first. Marker is the request id of the last action seen; zero times are
// no bound.
type InstanceActionListParams struct {
	InstanceUUID                string
	Limit                       int // 0 = no limit
	Marker                      string
	ChangesSince, ChangesBefore time.Time
}

// InstanceActionList lists a server's actions newest first (start time,
// then id), after the marker. An unknown marker is NotFound.
func (tx *Tx) InstanceActionList(ctx context.Context, p InstanceActionListParams) ([]novalite.InstanceActionRecord, error) {
	var w where
	w.add(`instance_uuid = ?`, p.InstanceUUID)
	// Microseconds, unlike servers and migrations: an action is created
	// and finished within the second a client read the time in (a
	// simulated build is instant, Nova's takes seconds), and gophercloud's
	// TestInstanceActionsMicroversions expects changes-before of a time
	// taken just before the create to exclude it.
	if !p.ChangesSince.IsZero() {
		w.add(`updated_at >= ?`, micros(p.ChangesSince))
	}
	if !p.ChangesBefore.IsZero() {
		w.add(`updated_at <= ?`, micros(p.ChangesBefore))
	}
	if p.Marker != "" {
		m, err := tx.InstanceActionGet(ctx, p.InstanceUUID, p.Marker)
		if err != nil {
			return nil, err
		}
		s := micros(m.Start)
		w.add(`(start_time < ? OR (start_time = ? AND id < ?))`, s, s, m.ID)
	}
	q := `SELECT ` + actionCols + ` FROM instance_actions` + w.sql() + ` ORDER BY start_time DESC, id DESC`
	if p.Limit > 0 {
		q += ` LIMIT ` + w.arg(p.Limit)
	}
	rows, err := tx.query(ctx, q, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.InstanceActionRecord, error) { return scanAction(r) })
}

// InstanceActionGet returns the latest action of a server with a request
// id; NotFound when there is none.
func (tx *Tx) InstanceActionGet(ctx context.Context, instanceUUID, requestID string) (novalite.InstanceActionRecord, error) {
	a, err := scanAction(tx.queryRow(ctx, `SELECT `+actionCols+` FROM instance_actions
		WHERE instance_uuid = $1 AND request_id = $2 ORDER BY start_time DESC, id DESC LIMIT 1`, instanceUUID, requestID))
	return a, mapErr(err)
}

// InstanceActionEventList returns the events of an action, newest first.
func (tx *Tx) InstanceActionEventList(ctx context.Context, actionID int64) ([]novalite.InstanceActionEventRecord, error) {
	rows, err := tx.query(ctx, `SELECT id, action_id, event, start_time, finish_time, result, host, traceback, details
		FROM instance_action_events WHERE action_id = $1 ORDER BY id DESC`, actionID)
	return collect(rows, err, func(r *sql.Rows) (novalite.InstanceActionEventRecord, error) {
		var e novalite.InstanceActionEventRecord
		var start int64
		var finish sql.NullInt64
		var result, host, tb, details sql.NullString
		err := r.Scan(&e.ID, &e.ActionID, &e.Event, &start, &finish, &result, &host, &tb, &details)
		e.Start, e.Finish, e.Result, e.Host = fromMicros(start), fromNullMicros(finish), result.String, host.String
		e.Traceback, e.Details = nullable(tb), nullable(details)
		return e, err
	})
}
