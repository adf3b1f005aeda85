package store

import (
	"context"
	"time"
)

// ConsoleToken is a remote console's authorization, found by the hash of
// the token the client holds (the token is never stored).
type ConsoleToken struct {
	TokenHash    string
	ConsoleType  string // novnc, …
	InstanceUUID string
	ProjectID    string
	Host         string // the compute host of the guest when it was made
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// ConsoleTokenInsert records t and drops the tokens expired by t's
// creation, so that expired rows never pile up.
func (tx *Tx) ConsoleTokenInsert(ctx context.Context, t ConsoleToken) error {
	if _, err := tx.Exec(ctx, `DELETE FROM console_tokens WHERE expires_at <= $1`, micros(t.CreatedAt)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO console_tokens (token_hash, console_type, instance_uuid, project_id, host,
		created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.TokenHash, t.ConsoleType, t.InstanceUUID,
		t.ProjectID, t.Host, micros(t.CreatedAt), micros(t.ExpiresAt))
	return mapErr(err)
}

// ConsoleTokenGet returns the token of hash unexpired at now; NotFound
// for an unknown or expired one.
func (tx *Tx) ConsoleTokenGet(ctx context.Context, hash string, now time.Time) (ConsoleToken, error) {
	t := ConsoleToken{TokenHash: hash}
	var created, expires int64
	err := tx.queryRow(ctx, `SELECT console_type, instance_uuid, project_id, host, created_at, expires_at
		FROM console_tokens WHERE token_hash = $1 AND expires_at > $2`, hash, micros(now)).
		Scan(&t.ConsoleType, &t.InstanceUUID, &t.ProjectID, &t.Host, &created, &expires)
	t.CreatedAt, t.ExpiresAt = fromMicros(created), fromMicros(expires)
	return t, mapErr(err)
}
