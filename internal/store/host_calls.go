package store

import (
	"context"
	"database/sql"
	"time"
)

// HostCall is a question for a compute host's agent and, once answered,
// its answer.
type HostCall struct {
	ID           int64
	Host         string
	Kind         string // e.g. "console_log"
	InstanceUUID string
	Args         string // the kind's arguments, if any
	CreatedAt    time.Time
	Answered     bool
	Result       string
	Error        string // "" on success; a code the caller maps
}

// HostCallInsert records a call for host and returns its id; commit it
// with NotifyOnCommit so that the agent hears of it at once.
func (tx *Tx) HostCallInsert(ctx context.Context, c HostCall) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO host_calls (host, kind, instance_uuid, args, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.Host, c.Kind, c.InstanceUUID, c.Args, micros(c.CreatedAt)).Scan(&id)
	return id, mapErr(err)
}

// HostCallListOpen returns up to limit unanswered calls of host, oldest
// first.
func (tx *Tx) HostCallListOpen(ctx context.Context, host string, limit int) ([]HostCall, error) {
	rows, err := tx.query(ctx, `SELECT id, host, kind, instance_uuid, args, created_at FROM host_calls
		WHERE host = $1 AND answered_at IS NULL ORDER BY id LIMIT $2`, host, limit)
	return collect(rows, err, func(r *sql.Rows) (HostCall, error) {
		var c HostCall
		var created int64
		var args sql.NullString
		err := r.Scan(&c.ID, &c.Host, &c.Kind, &c.InstanceUUID, &args, &created)
		c.CreatedAt, c.Args = fromMicros(created), args.String
		return c, err
	})
}

// HostCallAnswer records c's Result and Error as the answer of the open
// call c.ID at now (a call already answered, or withdrawn by its
// caller, is left alone).
func (tx *Tx) HostCallAnswer(ctx context.Context, c HostCall, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE host_calls SET answered_at = $1, result = $2, error = $3
		WHERE id = $4 AND answered_at IS NULL`, micros(now), c.Result, c.Error, c.ID)
	return err
}

// HostCallGet returns one call.
func (tx *Tx) HostCallGet(ctx context.Context, id int64) (HostCall, error) {
	var c HostCall
	var created int64
	var answered sql.NullInt64
	var result, errCode sql.NullString
	err := tx.queryRow(ctx, `SELECT id, host, kind, instance_uuid, created_at, answered_at, result, error
		FROM host_calls WHERE id = $1`, id).Scan(&c.ID, &c.Host, &c.Kind, &c.InstanceUUID, &created, &answered, &result, &errCode)
	c.CreatedAt, c.Answered, c.Result, c.Error = fromMicros(created), answered.Valid, result.String, errCode.String
	return c, mapErr(err)
}

// HostCallDelete removes a call once its caller has read the answer or
// given up waiting.
func (tx *Tx) HostCallDelete(ctx context.Context, id int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM host_calls WHERE id = $1`, id)
	return err
}

// HostCallPurge removes host's calls made before before: answers their
// callers never read (a caller that died, or gave up).
func (tx *Tx) HostCallPurge(ctx context.Context, host string, before time.Time) error {
	_, err := tx.Exec(ctx, `DELETE FROM host_calls WHERE host = $1 AND created_at < $2`, host, micros(before))
	return err
}
