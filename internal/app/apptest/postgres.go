package apptest

import (
	"database/sql"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver of OpenPostgres

	"novalite/internal/store/storetest"
)

// Engine is the database the apps of a test run use: SQLite (the default,
// as `novalite serve`) or, with NOVALITE_TEST_ENGINE=postgres, a fresh
// database on the PostgreSQL server of NOVALITE_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/postgres), as replicas use.
func Engine() string { return storetest.Engine() }

// PostgresDatabase is a fresh, empty PostgreSQL database for one test,
// whatever NOVALITE_TEST_ENGINE says: for tests of the roles that only
// run on PostgreSQL. It is dropped when the test ends.
func PostgresDatabase(t testing.TB) string { return storetest.PostgresDatabase(t) }

// PostgresPass skips t outside the PostgreSQL pass: for tests that choose
// their databases themselves (storetest.PostgresPass).
func PostgresPass(t testing.TB) {
	t.Helper()
	storetest.PostgresPass(t)
}

// postgresDatabase creates a migrated database (a copy of a template) for
// one test and drops it when the test ends; it returns its URL.
func postgresDatabase(t testing.TB) string { return storetest.MigratedPostgresDatabase(t) }

// OpenPostgres opens the PostgreSQL database at dsn for a test's own
// statements (what the apps under test left in it); it is closed when
// the test ends.
func OpenPostgres(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
