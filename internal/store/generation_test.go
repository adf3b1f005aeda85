package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestGeneration: every handle this process opens on one SQLite file
// counts the others' commits (in-process replicas); a bookkeeping commit
// and a read count for nothing; a role of a deployment, or PostgreSQL, is
// never exact (other processes commit).
func TestGeneration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gen.db")
	open := func() *DB {
		db, err := OpenSQLite(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	commit := func(db *DB, bookkeeping bool) {
		t.Helper()
		if err := db.Tx(ctx, func(tx *Tx) error {
			if bookkeeping {
				tx.Bookkeeping()
			}
			return tx.IdentityEpochBump(ctx)
		}); err != nil {
			t.Fatal(err)
		}
	}
	g0, exact := b.Generation()
	if !exact {
		t.Fatal("serve's SQLite handle is not exact")
	}
	commit(a, false)
	if g, _ := b.Generation(); g != g0+1 {
		t.Fatalf("b's generation %d after a's commit, want %d", g, g0+1)
	}
	commit(b, true)
	if err := a.View(ctx, func(tx *Tx) error { _, err := tx.IdentityEpoch(ctx); return err }); err != nil {
		t.Fatal(err)
	}
	if g, _ := a.Generation(); g != g0+1 {
		t.Fatalf("generation %d after a bookkeeping commit and a read, want %d", g, g0+1)
	}
	b.Share()
	if _, exact := b.Generation(); exact {
		t.Fatal("a role's handle (Share) is exact")
	}
	if _, exact := openPostgresTest(t).Generation(); exact {
		t.Fatal("PostgreSQL is exact")
	}
}

// Closing a store twice is harmless: the second Close does nothing, so
// the file's generation stays shared by the stores still open on it.
func TestCloseTwice(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	a, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	c, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.gen != b.gen {
		t.Error("a store opened after another's second Close does not share the file's generation with the one still open")
	}
}
