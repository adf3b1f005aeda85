package identity_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"novalite"
	"novalite/internal/identity"
	"novalite/internal/store"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// setup opens a migrated SQLite store in a temp dir and bootstraps it.
func setup(t *testing.T, ttl time.Duration) (*identity.Service, *clock, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "novalite.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 22, 10, 42, 15, 123456789, time.UTC)}
	svc := identity.New(db, identity.Options{TokenTTL: ttl, Now: clk.now})
	if _, err := svc.Bootstrap(ctx, identity.BootstrapParams{AdminPassword: "a", DemoPassword: "d"}); err != nil {
		t.Fatal(err)
	}
	return svc, clk, db
}

func demoAuth() identity.AuthRequest {
	return identity.AuthRequest{Methods: []string{"password"}, UserName: "demo", UserDomainID: "default",
		Password: "d", ProjectName: "demo", ProjectDomainName: "Default"}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := setup(t, time.Hour)
	tok, err := svc.Authenticate(ctx, demoAuth())
	if err != nil {
		t.Fatal(err)
	}
	// Times are kept to the microsecond, as Keystone shows them.
	if want := clk.now().Truncate(time.Microsecond); !tok.Caller.IssuedAt.Equal(want) {
		t.Errorf("issued %s, want %s", tok.Caller.IssuedAt, want)
	}
	if d := tok.Caller.ExpiresAt.Sub(tok.Caller.IssuedAt); d != time.Hour {
		t.Errorf("lifetime %s", d)
	}
	steps := []struct {
		name  string
		after time.Duration
		valid bool
	}{
		{"at once", 0, true},
		{"validated again from the cache", 10 * time.Second, true},
		{"a second before expiry", time.Hour - 10*time.Second - time.Second, true},
		{"at expiry", time.Second, false},
		{"later", time.Hour, false},
	}
	for _, s := range steps {
		clk.add(s.after)
		c, err := svc.Validate(ctx, tok.ID)
		if s.valid != (err == nil) {
			t.Fatalf("%s: %v, %v", s.name, c, err)
		}
		if !s.valid && !novalite.IsKind(err, novalite.Unauthorized) {
			t.Errorf("%s: kind %v", s.name, novalite.KindOf(err))
		}
		if _, err := svc.ValidateSubject(ctx, tok.ID); s.valid != (err == nil) || (!s.valid && !novalite.IsKind(err, novalite.NotFound)) {
			t.Errorf("%s: subject %v", s.name, err)
		}
	}
	// An expired token can neither be exchanged nor revoked.
	if _, err := svc.Authenticate(ctx, identity.AuthRequest{Methods: []string{"token"}, Token: tok.ID}); !novalite.IsKind(err, novalite.Unauthorized) {
		t.Errorf("exchange expired: %v", err)
	}
	if err := svc.Revoke(ctx, tok.ID); !novalite.IsKind(err, novalite.NotFound) {
		t.Errorf("revoke expired: %v", err)
	}
}

// TestExchangedTokenKeepsExpiry: a token got with the token method ends
// when the original does, and carries the original audit id.
func TestExchangedTokenKeepsExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := setup(t, time.Hour)
	first, err := svc.Authenticate(ctx, demoAuth())
	if err != nil {
		t.Fatal(err)
	}
	clk.add(20 * time.Minute)
	second, err := svc.Authenticate(ctx, identity.AuthRequest{Methods: []string{"token"}, Token: first.ID})
	if err != nil {
		t.Fatal(err)
	}
	clk.add(20 * time.Minute)
	third, err := svc.Authenticate(ctx, identity.AuthRequest{Methods: []string{"token"}, Token: second.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []*identity.Token{second, third} {
		if !tok.Caller.ExpiresAt.Equal(first.Caller.ExpiresAt) {
			t.Errorf("expires %s, want %s", tok.Caller.ExpiresAt, first.Caller.ExpiresAt)
		}
		if a := tok.Caller.AuditIDs; len(a) != 2 || a[1] != first.Caller.AuditIDs[0] || a[0] == a[1] {
			t.Errorf("audit ids %v, first %v", a, first.Caller.AuditIDs)
		}
		if tok.Caller.ProjectName != "demo" {
			t.Errorf("exchanged token scoped to %q (the default project expected)", tok.Caller.ProjectName)
		}
	}
	clk.add(20 * time.Minute)
	if _, err := svc.Validate(ctx, third.ID); !novalite.IsKind(err, novalite.Unauthorized) {
		t.Errorf("third after the first's expiry: %v", err)
	}
}

// TestKeysSurviveRestart: a second service over the same store validates
// the first one's tokens (the Fernet keys are in the database).
func TestKeysSurviveRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, db := setup(t, time.Hour)
	tok, err := svc.Authenticate(ctx, demoAuth())
	if err != nil {
		t.Fatal(err)
	}
	again := identity.New(db, identity.Options{Now: clk.now})
	if c, err := again.Validate(ctx, tok.ID); err != nil || c.UserName != "demo" {
		t.Fatalf("validate on a second service: %v %v", c, err)
	}
	if err := again.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	// The first service, which has the token cached, sees the revocation
	// once its cache entry ends (30 s).
	clk.add(31 * time.Second)
	if _, err := svc.Validate(ctx, tok.ID); !novalite.IsKind(err, novalite.Unauthorized) {
		t.Errorf("revoked elsewhere: %v", err)
	}
}

// TestBootstrapIsIdempotent: a second bootstrap finds everything, keeps the
// ids and the passwords, and reports that it created nothing.
func TestBootstrapIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := setup(t, time.Hour)
	before, _ := svc.Users(ctx, identity.UserFilter{})
	res, err := svc.Bootstrap(ctx, identity.BootstrapParams{AdminPassword: "other", DemoPassword: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created {
		t.Error("second bootstrap says it created")
	}
	after, _ := svc.Users(ctx, identity.UserFilter{})
	if len(before) != 2 || len(after) != 2 || before[0] != after[0] || before[1] != after[1] {
		t.Errorf("users changed: %v → %v", before, after)
	}
	if _, err := svc.Authenticate(ctx, demoAuth()); err != nil {
		t.Errorf("the first password no longer works: %v", err)
	}
	roles, _ := svc.Roles(ctx, nil)
	implied, _ := svc.ImpliedRoles(ctx)
	if len(roles) != 4 || len(implied) != 3 {
		t.Errorf("%d roles, %d implications", len(roles), len(implied))
	}
}
