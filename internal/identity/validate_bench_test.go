package identity_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"novalite/internal/identity"
	"novalite/internal/store/storetest"
)

// BenchmarkValidate is what every request pays to know its caller: a
// valid token validated again (the hot path, after the first time).
func BenchmarkValidate(b *testing.B) {
	ctx := context.Background()
	svc := identity.New(storetest.Open(b), identity.Options{PasswordCost: bcrypt.MinCost})
	if _, err := svc.Bootstrap(ctx, identity.BootstrapParams{AdminPassword: "a", DemoPassword: "d"}); err != nil {
		b.Fatal(err)
	}
	if err := svc.LoadKeys(ctx); err != nil {
		b.Fatal(err)
	}
	tok, err := svc.Authenticate(ctx, demoAuth)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := svc.Validate(ctx, tok.ID); err != nil {
			b.Fatal(err)
		}
	}
}
