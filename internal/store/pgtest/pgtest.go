// Package pgtest makes scratch databases on the PostgreSQL server of the
// tests: NOVALITE_TEST_POSTGRES, by default trust auth on 127.0.0.1:5432
// as scripts/install-deps.sh sets it up. It imports nothing of ours, so
// that the store's own tests and storetest, above the store, share it.
// It is for tests only.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection, through database/sql
)

// AdminDSN is the URL of the server's postgres database, from which the
// scratch databases are made.
func AdminDSN() string {
	if dsn := os.Getenv("NOVALITE_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// URL is the URL of the database name on the same server.
func URL(name string) string {
	return strings.Replace(AdminDSN(), "/postgres?", "/"+name+"?", 1)
}

// Database creates a database for t, a copy of template if not "", and
// returns its URL; it is dropped (connections and all) when t ends.
func Database(t testing.TB, template string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", AdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	name := "novalite_unit_" + RandomHex()
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	if _, err := admin.ExecContext(ctx, stmt); err != nil {
		admin.Close()
		t.Fatalf("PostgreSQL at %s is needed by this test (scripts/install-deps.sh installs it): %v", AdminDSN(), err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	// A commit need not wait for its WAL flush: only the PostgreSQL server's
	// own crash could lose one, and no test crashes it; the tests' commits
	// then cost a round trip, not a disk flush.
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+name+" SET synchronous_commit = off"); err != nil {
		t.Fatal(err)
	}
	return URL(name)
}

// RandomHex is 12 random hex digits, for names no other test uses.
func RandomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
