package compute

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// ConsoleTokenTTL is Nova's [consoleauth] token_ttl default: a console
// URL works for ten minutes after it was handed out.
const ConsoleTokenTTL = 600 * time.Second

// ConsoleAuth is what a valid console token authorizes.
type ConsoleAuth struct {
	Type         string // novnc …
	InstanceUUID string
	Host         string // the server's compute host now
}

var errTokenNotFound = novalite.Errorf(novalite.NotFound, "Token not found")

// hashToken is how a console token is kept: the token is a bearer secret,
// never stored in clear.
func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateConsoleToken makes a token for a console of type kind to server v
// (on a host: CheckConsole) and returns it; only its hash is stored.
func (s *Service) CreateConsoleToken(ctx context.Context, v novalite.Server, kind string) (string, error) {
	if err := CheckConsole(v); err != nil {
		return "", err
	}
	token := uuid.NewString() // random, as Nova's (uuid4)
	now := s.now().UTC()
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		return tx.ConsoleTokenInsert(ctx, store.ConsoleToken{TokenHash: hashToken(token), ConsoleType: kind,
			InstanceUUID: v.ID, ProjectID: v.ProjectID, Host: v.Host, CreatedAt: now, ExpiresAt: now.Add(ConsoleTokenTTL)})
	})
	return token, err
}

// CheckConsoleToken returns what token authorizes: NotFound ("Token not
// found") for an unknown or expired token, or one whose server is gone
// or no longer on a host (Nova drops the tokens of a deleted server).
func (s *Service) CheckConsoleToken(ctx context.Context, token string) (ConsoleAuth, error) {
	var a ConsoleAuth
	err := s.db.View(ctx, func(tx *store.Tx) error {
		t, err := tx.ConsoleTokenGet(ctx, hashToken(token), s.now().UTC())
		if err != nil {
			return err
		}
		v, err := tx.InstanceGet(ctx, t.InstanceUUID, "", false)
		if err != nil {
			return err
		}
		if v.Host == "" {
			return errTokenNotFound
		}
		a = ConsoleAuth{Type: t.ConsoleType, InstanceUUID: v.ID, Host: v.Host}
		return nil
	})
	if novalite.IsKind(err, novalite.NotFound) {
		return a, errTokenNotFound
	}
	return a, err
}

// OpenConsole checks token and connects to the guest's VNC server through
// the driver of its host: the one in this process (serve) or the agent of
// another (HostCalls). NotFound when the token is not valid or the guest
// has no console now.
func (s *Service) OpenConsole(ctx context.Context, token string) (net.Conn, ConsoleAuth, error) {
	a, err := s.CheckConsoleToken(ctx, token)
	if err != nil {
		return nil, a, err
	}
	if s.Consoles == nil {
		return nil, a, errNoConsole
	}
	c, err := s.Consoles.OpenVNC(ctx, a.Host, virt.Instance{ID: a.InstanceUUID})
	if errors.Is(err, virt.ErrNotFound) || errors.Is(err, virt.ErrUnsupported) {
		return nil, a, errNoConsole
	}
	return c, a, err
}
