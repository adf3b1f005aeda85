package identity_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"novalite/internal/identity"
)

// valid reports whether svc accepts tok.
func valid(svc *identity.Service, tok string) bool {
	_, err := svc.Validate(context.Background(), tok)
	return err == nil
}

// Rotation as keystone-manage fernet_rotate: a token stays valid while
// the key that encrypted it is among the active keys, on every replica,
// and stops validating once that key is rotated out.
func TestFernetRotation(t *testing.T) {
	ctx := context.Background()
	a, c, db := newServiceOn(t, identity.Options{TokenTTL: time.Hour, MaxActiveKeys: 3})
	b := identity.New(db, identity.Options{TokenTTL: time.Hour, MaxActiveKeys: 3, Now: c.Now})

	old := issue(t, a, demoAuth).ID
	if err := a.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	// Keys now: staged, primary (the old staged one), secondary (the old primary).
	for name, svc := range map[string]*identity.Service{"rotating replica": a, "other replica": b} {
		if !valid(svc, old) {
			t.Errorf("%s: token of the old primary refused after one rotation", name)
		}
	}
	// A token minted on the other replica after the rotation is
	// encrypted with the new primary, which the rotating replica knows.
	fresh := issue(t, b, demoAuth).ID
	if !valid(a, fresh) {
		t.Error("token minted after the rotation by another replica refused")
	}
	if err := b.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	// With 3 active keys the second rotation drops the first primary.
	for name, svc := range map[string]*identity.Service{"rotating replica": b, "other replica": a} {
		if valid(svc, old) {
			t.Errorf("%s: token of a key rotated out still validates", name)
		}
		if !valid(svc, fresh) {
			t.Errorf("%s: token of a secondary key refused", name)
		}
	}
}

// RotateKeys is the controller's job: it rotates once per KeyRotation
// however many controllers call it, and never when rotation is off.
func TestRotateKeysDue(t *testing.T) {
	ctx := context.Background()
	a, c, db := newServiceOn(t, identity.Options{TokenTTL: time.Hour, KeyRotation: 24 * time.Hour})
	b := identity.New(db, identity.Options{TokenTTL: time.Hour, KeyRotation: 24 * time.Hour, Now: c.Now})
	if err := a.LoadKeys(ctx); err != nil {
		t.Fatal(err)
	}
	var tok string
	rotations := func() int {
		var mu sync.Mutex
		n := 0
		var wg sync.WaitGroup
		for _, svc := range []*identity.Service{a, b, a, b} {
			wg.Go(func() {
				ok, err := svc.RotateKeys(ctx)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					n++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return n
	}
	if n := rotations(); n != 0 {
		t.Fatalf("keys made just now rotated %d times", n)
	}
	c.Advance(25 * time.Hour)
	if n := rotations(); n != 1 {
		t.Fatalf("due rotation by four callers at once: %d rotations, want 1", n)
	}
	if n := rotations(); n != 0 {
		t.Fatalf("rotated again %d times right after a rotation", n)
	}
	// The default key count keeps a token's key for its whole life: a
	// token minted just before a rotation outlives it.
	c.Advance(25 * time.Hour)
	tok = issue(t, a, demoAuth).ID
	if n := rotations(); n != 1 {
		t.Fatalf("second due rotation: %d rotations, want 1", n)
	}
	c.Advance(59 * time.Minute)
	if !valid(a, tok) || !valid(b, tok) {
		t.Error("token refused within its lifetime after a rotation")
	}

	off, _, _ := newServiceOn(t, identity.Options{TokenTTL: time.Hour})
	if ok, err := off.RotateKeys(ctx); ok || err != nil {
		t.Errorf("RotateKeys with rotation off = %v, %v; want false, nil", ok, err)
	}
}

// PurgeRevocations keeps an event while a token it matches can still be
// unexpired (lifetime plus Keystone's expiration buffer), then drops it.
func TestPurgeRevocations(t *testing.T) {
	ctx := context.Background()
	svc, c := newService(t, time.Hour)
	tok := issue(t, svc, demoAuth).ID
	if err := svc.Revoke(ctx, tok); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Hour + 29*time.Minute)
	if n, err := svc.PurgeRevocations(ctx); err != nil || n != 0 {
		t.Fatalf("purge inside the buffer = %d, %v; want 0, nil", n, err)
	}
	c.Advance(2 * time.Minute)
	if n, err := svc.PurgeRevocations(ctx); err != nil || n != 1 {
		t.Fatalf("purge past lifetime and buffer = %d, %v; want 1, nil", n, err)
	}
	if valid(svc, tok) {
		t.Error("revoked token valid after its event was purged")
	}
}
