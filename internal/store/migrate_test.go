package store

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"novalite/internal/store/pgtest"
)

func TestMigrateTwiceChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		n, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second Migrate applied %d migrations, want 0", n)
		}
	})
}

// Each migration has a version of its own, the same set on both
// engines: two files of one version (branches landing the same number)
// would leave the second unapplied.
func TestMigrationVersionsUnique(t *testing.T) {
	t.Parallel()
	names := map[Engine][]string{}
	for _, e := range []Engine{SQLite, Postgres} {
		entries, err := fs.ReadDir(migrationFS, "migrations/"+string(e))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]string{}
		for _, f := range entries {
			v, _, _ := strings.Cut(f.Name(), "_")
			if prev, dup := seen[v]; dup {
				t.Errorf("%s: %s and %s share version %s", e, prev, f.Name(), v)
			}
			seen[v] = f.Name()
			names[e] = append(names[e], f.Name())
		}
	}
	if !slices.Equal(names[SQLite], names[Postgres]) {
		t.Errorf("migrations differ between engines:\n%v\n%v", names[SQLite], names[Postgres])
	}
}

// Processes that start together on one new database (API replicas, a
// controller and an agent, or serve and a migrate job) all migrate it:
// each must end with the whole schema and none may fail on a migration
// another applied meanwhile; every migration is applied once. Each
// process's pool holds one connection (--database-max-conns 1): the lock
// that orders them must not take the one the migrations need.
func TestMigrateConcurrently(t *testing.T) {
	const procs = 4
	engines := []struct {
		name string
		open func(t *testing.T) func(context.Context) (*DB, error)
	}{
		{"sqlite", func(t *testing.T) func(context.Context) (*DB, error) {
			path := filepath.Join(t.TempDir(), "test.db")
			return func(ctx context.Context) (*DB, error) { return OpenSQLite(ctx, path) }
		}},
		{"postgres", func(t *testing.T) func(context.Context) (*DB, error) {
			url := pgtest.Database(t, "")
			return func(ctx context.Context) (*DB, error) { return OpenPostgres(ctx, url) }
		}},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			open := e.open(t)
			dbs := make([]*DB, procs)
			for i := range dbs {
				db, err := open(ctx)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				db.SetMaxConns(1)
				dbs[i] = db
			}
			applied := make([]int, procs)
			errs := make([]error, procs)
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Go(func() { applied[i], errs[i] = db.Migrate(ctx) })
			}
			wg.Wait()
			total := 0
			for i, err := range errs {
				if err != nil {
					t.Errorf("process %d: %v", i, err)
				}
				total += applied[i]
			}
			if want := len(dbs[0].knownVersions()); total != want {
				t.Errorf("%d migrations applied in all, want %d (each once)", total, want)
			}
			for i, db := range dbs {
				if err := db.CheckSchema(ctx); err != nil {
					t.Errorf("process %d: %v", i, err)
				}
			}
		})
	}
}
