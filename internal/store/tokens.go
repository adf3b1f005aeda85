package store

import (
	"context"
	"database/sql"
	"time"
)

// FernetKey is one Fernet key (base64 text) and when it was made.
type FernetKey struct {
	ID        int64
	Key       string
	CreatedAt time.Time
}

// FernetKeyInsert stores a new Fernet key (base64 text).
func (tx *Tx) FernetKeyInsert(ctx context.Context, key string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO fernet_keys (key, created_at) VALUES ($1, $2)`, key, micros(now))
	return err
}

// FernetKeyList returns the keys, newest first.
func (tx *Tx) FernetKeyList(ctx context.Context) ([]FernetKey, error) {
	rows, err := tx.query(ctx, `SELECT id, key, created_at FROM fernet_keys ORDER BY id DESC`)
	return collect(rows, err, func(r *sql.Rows) (FernetKey, error) {
		var k FernetKey
		var at int64
		err := r.Scan(&k.ID, &k.Key, &at)
		k.CreatedAt = fromMicros(at)
		return k, err
	})
}

// FernetKeyDelete removes a key.
func (tx *Tx) FernetKeyDelete(ctx context.Context, id int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM fernet_keys WHERE id = $1`, id)
	return err
}

// RevocationEvent voids the tokens issued at or before IssuedBefore that
// match every field it sets (empty = any).
type RevocationEvent struct {
	UserID, ProjectID, DomainID, AuditID, RoleID string
	IssuedBefore, RevokedAt                      time.Time
}

// RevocationEventInsert records an event.
func (tx *Tx) RevocationEventInsert(ctx context.Context, e RevocationEvent) error {
	_, err := tx.Exec(ctx, `INSERT INTO revocation_events
		(user_id, project_id, domain_id, audit_id, role_id, issued_before, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		emptyNull(e.UserID), emptyNull(e.ProjectID), emptyNull(e.DomainID), emptyNull(e.AuditID),
		emptyNull(e.RoleID), micros(e.IssuedBefore), micros(e.RevokedAt))
	return err
}

// TokenFacts is what revocation events are matched against.
type TokenFacts struct {
	UserID, ProjectID string
	DomainIDs         [2]string // the user's and the project's domains
	AuditIDs          [2]string // the token's own and its chain's ("" if none)
	IssuedAt          time.Time
}

// RevocationEventMatches returns the role ids of the events that match
// the token on everything but roles ("" for an event without a role), so
// the caller can compare them with the token's roles. Only events made
// after the token was issued are read, through their index.
func (tx *Tx) RevocationEventMatches(ctx context.Context, f TokenFacts) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT COALESCE(role_id, '') FROM revocation_events
		WHERE issued_before >= $1
		  AND (user_id IS NULL OR user_id = $2)
		  AND (project_id IS NULL OR project_id = $3)
		  AND (domain_id IS NULL OR domain_id IN ($4, $5))
		  AND (audit_id IS NULL OR audit_id IN ($6, $7))`,
		micros(f.IssuedAt), f.UserID, f.ProjectID, f.DomainIDs[0], f.DomainIDs[1], f.AuditIDs[0], f.AuditIDs[1])
	return collect(rows, err, func(r *sql.Rows) (string, error) {
		var role string
		return role, r.Scan(&role)
	})
}

// RevocationEventPurge forgets the events made before cutoff and reports
// how many.
func (tx *Tx) RevocationEventPurge(ctx context.Context, cutoff time.Time) (int64, error) {
	return tx.Exec(ctx, `DELETE FROM revocation_events WHERE revoked_at < $1`, micros(cutoff))
}

// IdentityEpoch returns the identity change counter.
func (tx *Tx) IdentityEpoch(ctx context.Context) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT epoch FROM identity_epoch WHERE id = 1`).Scan(&n)
	return n, mapErr(err)
}

// IdentityEpochBump increments the identity change counter; the row stays
// locked until tx ends, so identity changes (and key rotations) take turns.
func (tx *Tx) IdentityEpochBump(ctx context.Context) error {
	_, err := tx.Exec(ctx, `UPDATE identity_epoch SET epoch = epoch + 1 WHERE id = 1`)
	return err
}
