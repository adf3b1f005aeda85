package storetest

import (
	"context"
	"testing"

	"novalite/internal/store"
	"novalite/internal/store/pgtest"
)

// MigratedPostgresDatabase is PostgresDatabase with this binary's schema in
// place: a copy (CREATE DATABASE … TEMPLATE) of a database migrated once
// per set of migrations. Migrating costs over a second per database, and a
// PostgreSQL run of the tests creates hundreds of them.
func MigratedPostgresDatabase(t testing.TB) string {
	t.Helper()
	tpl, err := pgtest.Template("novalite_tpl_"+store.MigrationsDigest("postgres")[:16], migrate)
	if err != nil {
		t.Fatalf("template database on %s: %v", pgtest.AdminDSN(), err)
	}
	return pgtest.Database(t, tpl)
}

// migrate brings the database at url to this binary's schema.
func migrate(ctx context.Context, url string) error {
	db, err := store.OpenPostgres(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Migrate(ctx)
	return err
}
