package identity

import (
	"context"
	"time"

	"novalite/internal/store"
)

// revocationBuffer is how long past the token lifetime revocation events
// are kept (Keystone's [revoke] expiration_buffer), so that a lifetime
// raised on a restart does not let a purged event's tokens come back.
const revocationBuffer = 30 * time.Minute

// change runs fn in a write transaction that also increments the identity
// epoch, so that every replica drops the validations it cached before the
// change (see Validate).
func (s *Service) change(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.IdentityEpochBump(ctx)
	})
}

// revoke records a revocation event for the tokens issued until now.
func (s *Service) revoke(ctx context.Context, tx *store.Tx, e store.RevocationEvent) error {
	now := s.now().UTC()
	e.RevokedAt = now
	if e.IssuedBefore.IsZero() {
		e.IssuedBefore = now
	}
	return tx.RevocationEventInsert(ctx, e)
}

// Revoke revokes a token (by its audit id, as Keystone does), which also
// revokes the tokens obtained from it with the token method.
func (s *Service) Revoke(ctx context.Context, tok string) error {
	c, err := s.ValidateSubject(ctx, tok)
	if err != nil {
		return err
	}
	return s.change(ctx, func(tx *store.Tx) error {
		// Every token of the chain expires with the first one.
		return s.revoke(ctx, tx, store.RevocationEvent{AuditID: c.AuditIDs[0], IssuedBefore: c.ExpiresAt})
	})
}

// PurgeRevocations forgets the revocation events that can no longer match
// an unexpired token, for a periodic job to call, and reports how many.
func (s *Service) PurgeRevocations(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.RevocationEventPurge(ctx, s.now().Add(-s.tokenTTL-revocationBuffer))
		return err
	})
	return n, err
}
