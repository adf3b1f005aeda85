package identity_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"novalite"
	"novalite/internal/identity"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
)

// clock is a settable time source for identity.Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newService returns an identity service over a fresh, bootstrapped
// database of the test run's engine with a clock the test controls.
func newService(t *testing.T, ttl time.Duration) (*identity.Service, *clock) {
	t.Helper()
	svc, c, _ := newServiceOn(t, identity.Options{TokenTTL: ttl})
	return svc, c
}

// newServiceOn is newService with options, also returning the database
// (for a second service over it: another replica).
func newServiceOn(t *testing.T, o identity.Options) (*identity.Service, *clock, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	c := &clock{t: time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.UTC)}
	o.Now = c.Now
	svc := identity.New(db, o)
	if _, err := svc.Bootstrap(ctx, identity.BootstrapParams{AdminPassword: "a", DemoPassword: "d"}); err != nil {
		t.Fatal(err)
	}
	return svc, c, db
}

func issue(t *testing.T, svc *identity.Service, req identity.AuthRequest) *identity.Token {
	t.Helper()
	tok, err := svc.Authenticate(context.Background(), req)
	if err != nil {
		t.Fatalf("authenticate %+v: %v", req, err)
	}
	return tok
}

var demoAuth = identity.AuthRequest{Methods: []string{"password"}, UserName: "demo",
	UserDomainID: "default", Password: "d", ProjectName: "demo", ProjectDomainID: "default"}

func TestTokenExpiry(t *testing.T) {
	ctx := context.Background()
	svc, clk := newService(t, 10*time.Minute)
	tok := issue(t, svc, demoAuth)
	if got, want := tok.Caller.ExpiresAt.Sub(tok.Caller.IssuedAt), 10*time.Minute; got != want {
		t.Errorf("lifetime %v, want %v", got, want)
	}
	if tok.Caller.IssuedAt.Nanosecond()%1000 != 0 {
		t.Errorf("issued_at %v has sub-microsecond digits", tok.Caller.IssuedAt)
	}

	clk.Advance(10*time.Minute - time.Microsecond)
	if _, err := svc.Validate(ctx, tok.ID); err != nil {
		t.Fatalf("just before expiry: %v", err)
	}
	clk.Advance(time.Microsecond)
	if _, err := svc.Validate(ctx, tok.ID); !novalite.IsKind(err, novalite.Unauthorized) {
		t.Errorf("Validate at expiry: %v, want Unauthorized", err)
	}
	if _, err := svc.ValidateSubject(ctx, tok.ID); !novalite.IsKind(err, novalite.NotFound) {
		t.Errorf("ValidateSubject at expiry: %v, want NotFound", err)
	}
	// A token exchanged for another keeps the first one's expiry.
	clk.Advance(-5 * time.Minute)
	next := issue(t, svc, identity.AuthRequest{Methods: []string{"token"}, Token: tok.ID})
	if !next.Caller.ExpiresAt.Equal(tok.Caller.ExpiresAt) {
		t.Errorf("exchanged token expires %v, want %v", next.Caller.ExpiresAt, tok.Caller.ExpiresAt)
	}
}

// The validation cache never outlives the token.
func TestTokenExpiryCached(t *testing.T) {
	ctx := context.Background()
	svc, clk := newService(t, time.Second)
	tok := issue(t, svc, demoAuth)
	if _, err := svc.Validate(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if _, err := svc.Validate(ctx, tok.ID); !novalite.IsKind(err, novalite.Unauthorized) {
		t.Errorf("cached token after expiry: %v, want Unauthorized", err)
	}
}

func TestTokenRevoke(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, time.Hour)
	tok := issue(t, svc, demoAuth)
	derived := issue(t, svc, identity.AuthRequest{Methods: []string{"token"}, Token: tok.ID})
	other := issue(t, svc, demoAuth)
	if _, err := svc.Validate(ctx, tok.ID); err != nil { // fills the cache
		t.Fatal(err)
	}
	if err := svc.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	for name, id := range map[string]string{"revoked": tok.ID, "derived from revoked": derived.ID} {
		if _, err := svc.Validate(ctx, id); !novalite.IsKind(err, novalite.Unauthorized) {
			t.Errorf("%s token: %v, want Unauthorized", name, err)
		}
	}
	if _, err := svc.Validate(ctx, other.ID); err != nil {
		t.Errorf("another token of the same user: %v", err)
	}
	if err := svc.Revoke(ctx, tok.ID); !novalite.IsKind(err, novalite.NotFound) {
		t.Errorf("revoking twice: %v, want NotFound", err)
	}
}

func TestTokenInvalid(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, time.Hour)
	for _, tok := range []string{"", "garbage", "gAAAAABgarbage"} {
		if _, err := svc.Validate(ctx, tok); !novalite.IsKind(err, novalite.Unauthorized) {
			t.Errorf("Validate(%q): %v, want Unauthorized", tok, err)
		}
	}
	// A token signed by another key ring does not validate here.
	other, _ := newService(t, time.Hour)
	foreign := issue(t, other, demoAuth)
	if _, err := svc.Validate(ctx, foreign.ID); !novalite.IsKind(err, novalite.Unauthorized) {
		t.Errorf("foreign token: %v, want Unauthorized", err)
	}
}

// Disabling the user or deleting its role ends its tokens at once.
func TestTokenUserChanges(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, time.Hour)
	tok := issue(t, svc, demoAuth)
	if _, err := svc.Validate(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	id := tok.Caller.UserID
	if _, err := svc.UpdateUser(ctx, id, nil, func(u *novalite.User) { u.Enabled = false }); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Validate(ctx, tok.ID); !novalite.IsKind(err, novalite.Unauthorized) {
		t.Errorf("token of a disabled user: %v, want Unauthorized", err)
	}
	if _, err := svc.Authenticate(ctx, demoAuth); !novalite.IsKind(err, novalite.Unauthorized) {
		t.Errorf("authenticate a disabled user: %v, want Unauthorized", err)
	}
}
