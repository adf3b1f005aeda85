package store

import (
	"context"
	"database/sql"

	"novalite"
)

const keypairCols = `id, name, user_id, type, public_key, fingerprint, created_at`

func scanKeypair(s interface{ Scan(...any) error }) (novalite.Keypair, error) {
	var k novalite.Keypair
	var created int64
	err := s.Scan(&k.ID, &k.Name, &k.UserID, &k.Type, &k.PublicKey, &k.Fingerprint, &created)
	k.CreatedAt = fromMicros(created)
	return k, err
}

// KeypairInsert adds a keypair and sets its ID; a name the user already
// has is Conflict.
func (tx *Tx) KeypairInsert(ctx context.Context, k *novalite.Keypair) error {
	return mapErr(tx.queryRow(ctx, `INSERT INTO key_pairs (name, user_id, type, public_key, fingerprint, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		k.Name, k.UserID, k.Type, k.PublicKey, k.Fingerprint, micros(k.CreatedAt)).Scan(&k.ID))
}

// KeypairGet returns a user's keypair by name.
func (tx *Tx) KeypairGet(ctx context.Context, userID, name string) (novalite.Keypair, error) {
	k, err := scanKeypair(tx.queryRow(ctx, `SELECT `+keypairCols+` FROM key_pairs WHERE user_id = $1 AND name = $2`,
		userID, name))
	return k, mapErr(err)
}

// KeypairList returns a user's keypairs by name, after the name marker
// when not empty, at most limit of them (limit < 0: all).
func (tx *Tx) KeypairList(ctx context.Context, userID, marker string, limit int) ([]novalite.Keypair, error) {
	var w where
	w.add(`user_id = ?`, userID)
	if marker != "" {
		w.add(`name > ?`, marker)
	}
	q := `SELECT ` + keypairCols + ` FROM key_pairs` + w.sql() + ` ORDER BY name`
	if limit >= 0 {
		q += ` LIMIT ` + w.arg(limit)
	}
	rows, err := tx.query(ctx, q, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.Keypair, error) { return scanKeypair(r) })
}

// KeypairCount counts a user's keypairs.
func (tx *Tx) KeypairCount(ctx context.Context, userID string) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM key_pairs WHERE user_id = $1`, userID).Scan(&n)
	return n, mapErr(err)
}

// KeypairDelete removes a user's keypair; NotFound when absent.
func (tx *Tx) KeypairDelete(ctx context.Context, userID, name string) error {
	return tx.execOne(ctx, `DELETE FROM key_pairs WHERE user_id = $1 AND name = $2`, userID, name)
}
