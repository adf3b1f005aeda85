package store

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// SchemaVersion is the highest migration recorded in db (0 when none,
// or when the database was never migrated).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if db.engine == Postgres {
		exists = `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'`
	}
	var n, v int
	if err := db.read.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return 0, unavailable(err)
	}
	if n == 0 {
		return 0, nil
	}
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, unavailable(err)
	}
	return v, nil
}

// KnownSchemaVersion is the highest migration this binary embeds for
// db's engine.
func (db *DB) KnownSchemaVersion() int {
	entries, _ := fs.ReadDir(migrationFS, "migrations/"+string(db.engine))
	top := 0
	for _, e := range entries {
		if v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0]); err == nil && strings.HasSuffix(e.Name(), ".sql") {
			top = max(top, v)
		}
	}
	return top
}

// CheckSchema fails unless db's schema is exactly the one this binary
// knows: the roles that share a database (api, agent, controller) never
// migrate it themselves, so that an upgrade is "migrate first, then roll
// the roles" and an old binary never writes to a newer schema.
func (db *DB) CheckSchema(ctx context.Context) error {
	have, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	want := db.KnownSchemaVersion()
	switch {
	case have == 0:
		return fmt.Errorf("the database has no novalite schema: run `novalite migrate --database …` (and `novalite bootstrap`) first")
	case have < want:
		return fmt.Errorf("the database schema is at version %d, this binary needs %d: run `novalite migrate --database …` first", have, want)
	case have > want:
		return fmt.Errorf("the database schema is at version %d, newer than this binary knows (%d): upgrade this binary", have, want)
	}
	return nil
}
