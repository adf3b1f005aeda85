package store

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// schemaVersions lists the migrations recorded in db (none when the
// database was never migrated).
func (db *DB) schemaVersions(ctx context.Context) (map[int]bool, error) {
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if db.engine == Postgres {
		exists = `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'`
	}
	var n int
	if err := db.read.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return nil, unavailable(err)
	}
	out := map[int]bool{}
	if n == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, mapErr(err)
		}
		out[v] = true
	}
	return out, mapErr(rows.Err())
}

// knownVersions lists the migrations this binary embeds for db's engine.
func (db *DB) knownVersions() []int {
	entries, _ := fs.ReadDir(migrationFS, "migrations/"+string(db.engine))
	var out []int
	for _, e := range entries {
		if v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0]); err == nil && strings.HasSuffix(e.Name(), ".sql") {
			out = append(out, v)
		}
	}
	return out
}

// KnownSchemaVersion is the highest migration this binary embeds.
func (db *DB) KnownSchemaVersion() int {
	top := 0
	for _, v := range db.knownVersions() {
		top = max(top, v)
	}
	return top
}

// CheckSchema fails unless db holds exactly the migrations this binary
// knows: the roles that share a database (api, agent, controller) never
// migrate it themselves, so that an upgrade is "migrate first, then roll
// the roles", and an old binary never writes to a newer schema.
func (db *DB) CheckSchema(ctx context.Context) error {
	have, err := db.schemaVersions(ctx)
	if err != nil {
		return err
	}
	if len(have) == 0 {
		return fmt.Errorf("the database has no novalite schema: run `novalite migrate --database …` (and `novalite bootstrap`) first")
	}
	known := map[int]bool{}
	for _, v := range db.knownVersions() {
		known[v] = true
		if !have[v] {
			return fmt.Errorf("the database schema lacks migration %04d of this binary: run `novalite migrate --database …` first", v)
		}
	}
	for v := range have {
		if !known[v] {
			return fmt.Errorf("the database schema has migration %04d, newer than this binary knows: upgrade this binary", v)
		}
	}
	return nil
}
