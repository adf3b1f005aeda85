package store

import (
	"context"
	"path/filepath"
	"testing"

	"novalite/internal/store/pgtest"
)

// openPostgresTest creates a fresh database on the test server, migrated,
// and drops it when the test ends: a copy of a template migrated once per
// set of migrations (storetest's, by the same name), as migrating each
// database took 2-3 s, 150 s of the package's run; the template's build
// is the migration from scratch.
func openPostgresTest(t *testing.T) *DB {
	t.Helper()
	tpl, err := pgtest.Template("novalite_tpl_"+MigrationsDigest("postgres")[:16], func(ctx context.Context, url string) error {
		db, err := OpenPostgres(ctx, url)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Migrate(ctx)
		return err
	})
	if err != nil {
		t.Fatalf("template database on %s: %v", pgtest.AdminDSN(), err)
	}
	return openTest(t, func(ctx context.Context) (*DB, error) { return OpenPostgres(ctx, pgtest.Database(t, tpl)) })
}

// openSQLiteTest is a migrated SQLite file in the test's temp dir.
func openSQLiteTest(t *testing.T) *DB {
	return openTest(t, func(ctx context.Context) (*DB, error) {
		return OpenSQLite(ctx, filepath.Join(t.TempDir(), "test.db"))
	})
}

// openTest opens a store, closed when t ends, and migrates it.
func openTest(t *testing.T, open func(context.Context) (*DB, error)) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// forEachEngine runs f against a fresh, migrated database of each engine:
// one store contract, one suite, both engines.
func forEachEngine(t *testing.T, f func(t *testing.T, db *DB)) {
	t.Run("sqlite", func(t *testing.T) { f(t, openSQLiteTest(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, openPostgresTest(t)) })
}
