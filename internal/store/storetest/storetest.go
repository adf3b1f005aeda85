// Package storetest opens a real, migrated store for the tests of the
// packages above it (agent, controller, compute): SQLite in the test's
// temp dir, or with NOVALITE_TEST_ENGINE=postgres a fresh database on the
// PostgreSQL server of NOVALITE_TEST_POSTGRES (default: trust auth on
// 127.0.0.1:5432, as scripts/install-deps.sh sets up), dropped when the
// test ends. It is for tests only.
package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/pgtest"
)

// Engine names the engine the tests of this run use.
func Engine() string {
	if os.Getenv("NOVALITE_TEST_ENGINE") == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

// PostgresPass skips t outside the PostgreSQL pass of the tests
// (NOVALITE_TEST_ENGINE=postgres, make unit-postgres): for tests that
// choose their databases themselves, whatever the variable says, which the
// SQLite pass would only run a second time.
func PostgresPass(t testing.TB) {
	t.Helper()
	if Engine() != "postgres" {
		t.Skip("chooses its databases itself: runs in the PostgreSQL pass (NOVALITE_TEST_ENGINE=postgres, make unit-postgres)")
	}
}

// Engines are the engines OpenEngine opens.
var Engines = []string{"sqlite", "postgres"}

// Open returns a migrated store of Engine(), closed when t ends.
func Open(t testing.TB) *store.DB {
	t.Helper()
	return OpenEngine(t, Engine())
}

// OpenEngine returns a migrated store of engine ("sqlite" or "postgres")
// whatever NOVALITE_TEST_ENGINE says, closed when t ends: for tests that
// cover both engines in every run.
func OpenEngine(t testing.TB, engine string) *store.DB {
	t.Helper()
	ctx := context.Background()
	var db *store.DB
	var err error
	if engine == "postgres" {
		db, err = store.OpenPostgres(ctx, MigratedPostgresDatabase(t))
	} else {
		db, err = store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "test.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresDatabase creates an empty database for t and returns its URL;
// it is dropped (connections and all) when t ends.
func PostgresDatabase(t testing.TB) string {
	t.Helper()
	return pgtest.Database(t, "")
}

// Flavor is the flavor of the servers Server makes (m1.tiny's sizes).
var Flavor = novalite.FlavorSnapshot{ID: "1", Name: "m1.tiny", VCPUs: 1, MemoryMB: 512, RootGB: 1}

// Server inserts v with what it leaves empty filled in (id, names, owner,
// Flavor, zone) and returns it with its internal id.
func Server(t testing.TB, db *store.DB, v novalite.Server) novalite.Server {
	t.Helper()
	if v.ID == "" {
		v.ID = uuid.NewString()
	}
	if v.Name == "" {
		v.Name, v.Hostname = "vm", "vm"
	}
	if v.ProjectID == "" {
		v.ProjectID, v.UserID = "p1", "u1"
	}
	if v.Flavor.ID == "" {
		v.Flavor = Flavor
	}
	if v.AvailabilityZone == "" {
		v.AvailabilityZone = "nova"
	}
	ctx := context.Background()
	if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.InstanceInsert(ctx, &v) }); err != nil {
		t.Fatal(err)
	}
	return v
}

// Get reads server id back, deleted or not.
func Get(t testing.TB, db *store.DB, id string) novalite.Server {
	t.Helper()
	ctx := context.Background()
	var v novalite.Server
	err := db.View(ctx, func(tx *store.Tx) (err error) {
		v, err = tx.InstanceGet(ctx, id, "", true)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}
