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
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
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
	admin, err := adminDB()
	if err != nil {
		t.Fatal(err)
	}
	name := "novalite_unit_" + RandomHex()
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	ts := scratchTablespace(ctx, admin)
	_, err = admin.ExecContext(ctx, stmt+ts)
	if pgErr := (*pgconn.PgError)(nil); ts != "" && errors.As(err, &pgErr) && pgErr.Code == "58P01" {
		// undefined_file: the tablespace's tmpfs directory is gone (a
		// reboot since install-deps.sh made it); the default one works.
		t.Logf("tablespace %s: %v; the database goes to the default tablespace", Tablespace, err)
		tablespace.Lock()
		tablespace.clause = ""
		tablespace.Unlock()
		_, err = admin.ExecContext(ctx, stmt)
	}
	if err != nil {
		t.Fatalf("PostgreSQL at %s is needed by this test (scripts/install-deps.sh installs it): %v", AdminDSN(), err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	// A commit need not wait for its WAL flush: only the PostgreSQL server's
	// own crash could lose one, and no test crashes it; the tests' commits
	// then cost a round trip, not a disk flush.
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+name+" SET synchronous_commit = off"); err != nil {
		t.Fatal(err)
	}
	return URL(name)
}

var adminPool struct {
	sync.Mutex
	db *sql.DB
}

// adminDB is the process's pool of connections to AdminDSN, which every
// Database shares: a connection of its own for each test was a backend
// started on the server for each database made (over a quarter of the backends
// of make unit-postgres). It stays open until the process exits.
func adminDB() (*sql.DB, error) {
	adminPool.Lock()
	defer adminPool.Unlock()
	if adminPool.db == nil {
		db, err := sql.Open("pgx", AdminDSN())
		if err != nil {
			return nil, err
		}
		db.SetMaxIdleConns(4) // -parallel 8: some create while others drop
		adminPool.db = db
	}
	return adminPool.db, nil
}

// Tablespace is where Database puts the scratch databases when the server
// has it: scripts/pg-test-tablespace.sh makes it on tmpfs for a local
// server. A copy of the migrated template is some 600 files; on an ext4
// without a journal (this machine's) creating them cost the server 160-320
// ms of CPU per database, most of it ext4 passing over the inodes that the
// earlier tests' dropped databases freed (it leaves recently freed inodes
// unused), and 20-30 ms on tmpfs. The tests run hundreds a pass.
const Tablespace = "novalite_tests"

var tablespace struct {
	sync.Mutex
	looked bool
	clause string // " TABLESPACE " + Tablespace, or "" for the default
}

// scratchTablespace is the clause that puts a new database in Tablespace,
// "" when the server has no such tablespace (looked up once a process).
func scratchTablespace(ctx context.Context, admin *sql.DB) string {
	tablespace.Lock()
	defer tablespace.Unlock()
	if !tablespace.looked {
		var ok bool
		if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_tablespace WHERE spcname = $1)`, Tablespace).Scan(&ok); err == nil {
			tablespace.looked = true
			if ok {
				tablespace.clause = " TABLESPACE " + Tablespace
			}
		}
	}
	return tablespace.clause
}

// RandomHex is 12 random hex digits, for names no other test uses.
func RandomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
