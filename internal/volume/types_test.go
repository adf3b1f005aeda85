package volume

import (
	"context"
	"testing"

	"novalite/internal/store/storetest"
)

// A type's name for an answer: "" for a type that is gone, and an error,
// not "", when the database cannot be read (the answer is then a 503,
// not a volume shown without its type).
func TestTypeName(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	s, err := New(db, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	name := "gold"
	typ, err := s.CreateType(ctx, TypeParams{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	names := s.TypeNamer(ctx)
	for _, c := range []struct{ id, want string }{{typ.ID, "gold"}, {"no-such-type", ""}} {
		if got, err := s.TypeName(ctx, c.id); got != c.want || err != nil {
			t.Errorf("TypeName(%s) = %q, %v; want %q", c.id, got, err, c.want)
		}
		if got, err := names(c.id); got != c.want || err != nil {
			t.Errorf("TypeNamer(%s) = %q, %v; want %q", c.id, got, err, c.want)
		}
	}
	// A read that fails: its request has ended (the store answers
	// "unavailable", as for a database that does not answer).
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if got, err := s.TypeName(gone, typ.ID); err == nil {
		t.Errorf("TypeName of a failed read = %q, nil; want an error", got)
	}
	if got, err := s.TypeNamer(gone)(typ.ID); err == nil {
		t.Errorf("TypeNamer of a failed read = %q, nil; want an error", got)
	}
}
