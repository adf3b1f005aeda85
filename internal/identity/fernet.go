package identity

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fernet/fernet-go"

	"novalite/internal/store"
)

// The Fernet keys live in the database, rotated as keystone-manage
// fernet_rotate does: the newest key is the staged one (known to every
// replica before it encrypts anything), the one before it the primary
// (it encrypts), the older ones secondaries (they only decrypt) until
// more than MaxActiveKeys exist and the oldest goes.

// keyring holds the Fernet keys in use: the primary encrypts, all decrypt.
type keyring struct {
	primary *fernet.Key
	all     []*fernet.Key
}

// Token sizes: a Fernet token is version (1) + time (8) + IV (16) + at
// least one AES block (16) + HMAC (32) bytes; payloads stay far below 2 KiB.
const (
	minTokenLen = (1 + 8 + 16 + 16 + 32 + 2) / 3 * 4
	maxTokenLen = 4096
)

// parseToken decrypts tok with keys and decodes its payload. It accepts a
// token only in the exact text that encode produced — padded URL-safe
// base64 with nothing before or after — so that no two strings stand
// for one token. It checks no expiry nor revocation; it touches no
// store, so fuzz targets can call it directly.
func parseToken(tok string, keys []*fernet.Key) (payload, bool) {
	var p payload
	if len(tok) < minTokenLen || len(tok) > maxTokenLen {
		return p, false
	}
	raw, err := base64.URLEncoding.Strict().DecodeString(tok)
	if err != nil || base64.URLEncoding.EncodeToString(raw) != tok {
		return p, false
	}
	msg := fernet.VerifyAndDecrypt([]byte(tok), 0, keys)
	if msg == nil || json.Unmarshal(msg, &p) != nil {
		return p, false
	}
	if p.User == "" || len(p.Audit) == 0 || len(p.Audit) > 2 || p.Issued <= 0 || p.Expires <= p.Issued {
		return p, false
	}
	return p, true
}

// LoadKeys reads the Fernet keys, creating a primary and a staged key if
// there is none.
func (s *Service) LoadKeys(ctx context.Context) error {
	var keys []store.FernetKey
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		keys, err = tx.FernetKeyList(ctx)
		return err
	})
	if err == nil && len(keys) == 0 {
		err = s.db.Tx(ctx, func(tx *store.Tx) error { keys, err = s.createKeys(ctx, tx); return err })
	}
	if err != nil {
		return err
	}
	kr, err := newKeyring(keys)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.keys = kr
	s.mu.Unlock()
	return nil
}

// createKeys makes a primary and a staged key unless another process
// has made keys meanwhile, and returns the keys.
func (s *Service) createKeys(ctx context.Context, tx *store.Tx) ([]store.FernetKey, error) {
	// The epoch row's lock makes a concurrent first start wait here.
	if err := tx.IdentityEpochBump(ctx); err != nil {
		return nil, err
	}
	if keys, err := tx.FernetKeyList(ctx); err != nil || len(keys) > 0 {
		return keys, err
	}
	for range 2 {
		if err := insertNewKey(ctx, tx, s.now()); err != nil {
			return nil, err
		}
	}
	return tx.FernetKeyList(ctx)
}

// newKeyring orders keys (newest first) as Keystone uses them: with one
// key it is the primary; with more, the newest is staged and the next
// one the primary.
func newKeyring(keys []store.FernetKey) (*keyring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("no Fernet keys")
	}
	kr := &keyring{}
	for _, k := range keys {
		fk, err := fernet.DecodeKey(k.Key)
		if err != nil {
			return nil, fmt.Errorf("fernet key %d: %w", k.ID, err)
		}
		kr.all = append(kr.all, fk)
	}
	kr.primary = kr.all[0]
	if len(kr.all) > 1 {
		kr.primary = kr.all[1]
	}
	return kr, nil
}

func insertNewKey(ctx context.Context, tx *store.Tx, now time.Time) error {
	var k fernet.Key
	if err := k.Generate(); err != nil {
		return err
	}
	return tx.FernetKeyInsert(ctx, k.Encode(), now)
}

func (s *Service) keyring(ctx context.Context) (*keyring, error) {
	s.mu.Lock()
	kr := s.keys
	s.mu.Unlock()
	if kr != nil {
		return kr, nil
	}
	if err := s.LoadKeys(ctx); err != nil {
		return nil, err
	}
	return s.keyring(ctx)
}

// RotateKeys rotates the keys once the last rotation is
// Options.KeyRotation old, for a periodic job to call; it reports
// whether it rotated. Several callers at once rotate once.
func (s *Service) RotateKeys(ctx context.Context) (bool, error) {
	if s.keyRotation <= 0 {
		return false, nil
	}
	return s.rotate(ctx, s.now().Add(-s.keyRotation))
}

// Rotate rotates the keys now, as keystone-manage fernet_rotate: the
// staged key becomes the primary, a new key is staged, and the oldest
// keys beyond MaxActiveKeys are dropped (tokens they encrypted stop
// validating). Tokens encrypted by the other remaining keys still validate.
func (s *Service) Rotate(ctx context.Context) error {
	_, err := s.rotate(ctx, time.Time{})
	return err
}

// rotate rotates unless the newest key was made after notAfter.
func (s *Service) rotate(ctx context.Context, notAfter time.Time) (bool, error) {
	rotated := false
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		rotated = false
		if err := tx.IdentityEpochBump(ctx); err != nil { // one rotation at a time
			return err
		}
		keys, err := tx.FernetKeyList(ctx)
		if err != nil {
			return err
		}
		if len(keys) > 0 && !notAfter.IsZero() && keys[0].CreatedAt.After(notAfter) {
			return errNotDue
		}
		if err := insertNewKey(ctx, tx, s.now()); err != nil {
			return err
		}
		for i := len(keys) - 1; i >= s.maxActiveKeys-1; i-- {
			if err := tx.FernetKeyDelete(ctx, keys[i].ID); err != nil {
				return err
			}
		}
		rotated = true
		return nil
	})
	if errors.Is(err, errNotDue) {
		return false, nil
	}
	if err == nil {
		s.mu.Lock()
		s.keys = nil // reloaded on next use, as on the other replicas
		s.mu.Unlock()
	}
	return rotated, err
}

var errNotDue = errors.New("rotation not due")
