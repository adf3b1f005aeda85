package store

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
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
