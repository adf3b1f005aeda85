package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// postgresAdminDSN is the server the PostgreSQL half of the store tests
// uses (CI and scripts/install-deps.sh provide it on loopback).
func postgresAdminDSN() string {
	if dsn := os.Getenv("NOVALITE_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// openPostgresTest creates a fresh database on the test server, migrated,
// and drops it when the test ends.
func openPostgresTest(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", postgresAdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "novalite_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("PostgreSQL at %s is needed by the store tests (make deps installs it): %v", postgresAdminDSN(), err)
	}
	dsn := strings.Replace(postgresAdminDSN(), "/postgres?", "/"+name+"?", 1)
	db, err := OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func openSQLiteTest(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "test.db"))
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
