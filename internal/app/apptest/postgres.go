package apptest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL through database/sql
)

// Engine is the database the apps of a test run use: SQLite (the default,
// as `novalite serve`) or, with NOVALITE_TEST_ENGINE=postgres, a fresh
// database on the PostgreSQL server of NOVALITE_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/postgres), as replicas use.
func Engine() string {
	if os.Getenv("NOVALITE_TEST_ENGINE") == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

func postgresAdminDSN() string {
	if dsn := os.Getenv("NOVALITE_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// PostgresDatabase is a fresh, empty PostgreSQL database for one test,
// whatever NOVALITE_TEST_ENGINE says: for tests of the roles that only
// run on PostgreSQL. It is dropped when the test ends.
func PostgresDatabase(t testing.TB) string { return postgresDatabase(t) }

// postgresDatabase creates an empty database for one test and drops it
// when the test ends; it returns its URL.
func postgresDatabase(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", postgresAdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "novalite_app_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create test database on %s: %v", postgresAdminDSN(), err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	return strings.Replace(postgresAdminDSN(), "/postgres?", "/"+name+"?", 1)
}
