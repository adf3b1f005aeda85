package identity_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"novalite"
	"novalite/internal/identity"
	"novalite/internal/store"
)

// Passwords are hashed at the configured cost (--password-hash-rounds):
// bootstrap's users and those made through the API alike.
func TestPasswordCost(t *testing.T) {
	ctx := context.Background()
	svc, _, db := newServiceOn(t, identity.Options{PasswordCost: 5})
	if _, err := svc.CreateUser(ctx, novalite.User{Name: "u", DomainID: "default", Enabled: true}, "secret"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"admin", "demo", "u"} {
		var u novalite.User
		if err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			u, err = tx.UserGetByName(ctx, "default", name)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if cost, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil || cost != 5 {
			t.Errorf("%s: bcrypt cost %d (%v), want 5", name, cost, err)
		}
	}
}
