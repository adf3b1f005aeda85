package store

import (
	"context"
	"database/sql"
	"time"
)

// FernetKeyInsert stores a new Fernet key (base64 text).
func (tx *Tx) FernetKeyInsert(ctx context.Context, key string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO fernet_keys (key, created_at) VALUES ($1, $2)`, key, micros(now))
	return err
}

// FernetKeyList returns the keys, newest (the primary) first.
func (tx *Tx) FernetKeyList(ctx context.Context) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT key FROM fernet_keys ORDER BY id DESC`)
	return collect(rows, err, func(r *sql.Rows) (string, error) {
		var k string
		return k, r.Scan(&k)
	})
}

// TokenRevocationInsert records that the token with auditID is revoked.
func (tx *Tx) TokenRevocationInsert(ctx context.Context, auditID string, now, expires time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO token_revocations (audit_id, revoked_at, expires_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, auditID, micros(now), micros(expires))
	return err
}

// TokenRevoked reports whether the token with auditID is revoked.
func (tx *Tx) TokenRevoked(ctx context.Context, auditID string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM token_revocations WHERE audit_id = $1`, auditID).Scan(&n)
	return n > 0, mapErr(err)
}

// TokenRevocationPurge forgets revocations of tokens expired before now.
func (tx *Tx) TokenRevocationPurge(ctx context.Context, now time.Time) error {
	_, err := tx.Exec(ctx, `DELETE FROM token_revocations WHERE expires_at < $1`, micros(now))
	return err
}
