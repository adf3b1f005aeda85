package novalitetest_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"novalite/novalitetest"
)

// newCloud starts a cloud on the engine of this test run: SQLite, or with
// NOVALITE_TEST_ENGINE=postgres a fresh database on the server of
// NOVALITE_TEST_POSTGRES (default: the local one), as make unit-postgres runs.
func newCloud(t *testing.T, opts ...novalitetest.Option) *novalitetest.Cloud {
	t.Helper()
	if os.Getenv("NOVALITE_TEST_ENGINE") != "postgres" {
		return novalitetest.New(t, opts...)
	}
	admin := os.Getenv("NOVALITE_TEST_POSTGRES")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "novalitetest_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	// Registered before New's cleanup, so it runs after the cloud stopped.
	t.Cleanup(func() {
		_, _ = db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		db.Close()
	})
	url := strings.Replace(admin, "/postgres?", "/"+name+"?", 1)
	return novalitetest.New(t, append([]novalitetest.Option{novalitetest.WithPostgres(url)}, opts...)...)
}
