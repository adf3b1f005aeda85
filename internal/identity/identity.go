// Package identity holds the Keystone v3 use cases: authentication with
// Fernet tokens, their validation and revocation, the catalog, and the
// management of domains, projects, users, roles and role assignments.
// It reads and writes through internal/store and knows nothing of HTTP.
package identity

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"novalite"
	"novalite/internal/store"
)

// defaultDomainID is the id of Keystone's default domain.
const defaultDomainID = "default"

// Service is the identity service.
type Service struct {
	db       *store.DB
	now      func() time.Time
	tokenTTL time.Duration
	catalog  func() []CatalogService
	pwCost   int

	keyRotation   time.Duration
	maxActiveKeys int

	mu    sync.Mutex
	epoch int64 // identity epoch that keys and cache belong to
	keys  *keyring
	cache map[string]cached
}

// Options configure a Service.
type Options struct {
	TokenTTL time.Duration // default 1h
	Now      func() time.Time
	// Catalog returns the service catalog put into tokens.
	Catalog func() []CatalogService
	// PasswordCost is the bcrypt cost of new password hashes (0: bcrypt's
	// default, 10). Test clouds use bcrypt's minimum to start fast.
	PasswordCost int
	// KeyRotation is how often RotateKeys rotates the Fernet keys
	// (0: never). MaxActiveKeys is Keystone's [fernet_tokens]
	// max_active_keys: staged, primary and secondary keys together; by
	// default enough that no token outlives its key (TTL/rotation + 2,
	// at least Keystone's 3).
	KeyRotation   time.Duration
	MaxActiveKeys int
}

// New returns an identity service over db.
func New(db *store.DB, o Options) *Service {
	if o.TokenTTL <= 0 {
		o.TokenTTL = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Catalog == nil {
		o.Catalog = func() []CatalogService { return nil }
	}
	if o.MaxActiveKeys <= 0 {
		o.MaxActiveKeys = defaultMaxActiveKeys(o.TokenTTL, o.KeyRotation)
	}
	s := &Service{db: db, now: o.Now, tokenTTL: o.TokenTTL, catalog: o.Catalog, pwCost: o.PasswordCost,
		keyRotation: o.KeyRotation, maxActiveKeys: max(o.MaxActiveKeys, 2),
		epoch: -1, cache: map[string]cached{}}
	db.OnChanges(s.onChanges)
	return s
}

// defaultMaxActiveKeys is the number of Fernet keys that keeps every
// token's key until the token expires when keys rotate every rotation:
// the staged and primary keys, and one secondary per rotation a token
// may live through (Keystone's sizing rule); at least 3.
func defaultMaxActiveKeys(ttl, rotation time.Duration) int {
	if rotation <= 0 {
		return 3
	}
	return max(3, int((ttl+rotation-1)/rotation)+2)
}

// Catalog returns the service catalog.
func (s *Service) Catalog() []CatalogService { return s.catalog() }

// CatalogService is one entry of the service catalog.
type CatalogService struct {
	ID, Type, Name string
	Endpoints      []Endpoint
}

// Endpoint is one URL of a catalog service.
type Endpoint struct {
	ID, Interface, Region, URL string
}

// newID returns a Keystone-style id: 32 lower-case hex digits.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func notFound(format string, args ...any) error {
	return novalite.Errorf(novalite.NotFound, format, args...)
}

func invalid(format string, args ...any) error {
	return novalite.Errorf(novalite.Invalid, format, args...)
}

func unauthorized() error {
	return novalite.Errorf(novalite.Unauthorized, "The request you have made requires authentication.")
}

// view runs fn in a read transaction.
func (s *Service) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.db.View(ctx, fn)
}
