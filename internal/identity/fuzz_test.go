package identity_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"novalite"
	"novalite/internal/identity"
	"novalite/internal/store"
)

// FuzzValidateToken: any string presented as a token is a caller only
// when it is exactly a token this key ring issued; everything else is
// Unauthorized or NotFound (Keystone's 401 and 404), never another kind.
func FuzzValidateToken(f *testing.F) {
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(f.TempDir(), "identity.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	svc := identity.New(db, identity.Options{TokenTTL: time.Hour})
	if _, err := svc.Bootstrap(ctx, identity.BootstrapParams{AdminPassword: "a", DemoPassword: "d"}); err != nil {
		f.Fatal(err)
	}
	t, err := svc.Authenticate(ctx, demoAuth)
	if err != nil {
		f.Fatal(err)
	}
	tok := t.ID
	for _, s := range []string{tok, tok + "x", tok + "==", tok[:len(tok)-1], "", "gAAAAAB", "\x00", "%ff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := svc.Validate(context.Background(), s)
		switch {
		case err == nil:
			if c == nil || c.UserID == "" {
				t.Fatalf("%q: no caller", s)
			}
		case !novalite.IsKind(err, novalite.Unauthorized) && !novalite.IsKind(err, novalite.NotFound):
			t.Fatalf("%q: %v", s, err)
		}
	})
}
