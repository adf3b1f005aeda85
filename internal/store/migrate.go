package store

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations
var migrationFS embed.FS

// Migrate applies, in order and each in its own transaction, the embedded
// migrations of db's engine that are not yet recorded in schema_migrations.
// Migrations are forward-only; a file is named NNNN_what.sql. A new
// SQLite database is made from their dump instead (snapshot.go).
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	if db.engine == Postgres {
		unlock, err := db.migrateLock(ctx)
		if err != nil {
			return 0, err
		}
		defer unlock()
	}
	if n, ok, err := db.fromSnapshot(ctx); err != nil || ok {
		return n, err
	}
	return db.replay(ctx)
}

// replay applies the migrations db lacks, one transaction each.
func (db *DB) replay(ctx context.Context) (applied int, err error) {
	if _, err := db.write.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return 0, unavailable(err)
	}
	dir := "migrations/" + string(db.engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return 0, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	// What is applied already, read once: every start of every process
	// otherwise paid a write transaction per migration to find nothing to
	// do. A migration missing here is still checked inside its own
	// transaction, where another process may have applied it meanwhile.
	have, err := db.schemaVersions(ctx)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return applied, fmt.Errorf("migration %s: bad name", name)
		}
		if have[version] {
			continue
		}
		body, err := migrationFS.ReadFile(dir + "/" + name)
		if err != nil {
			return applied, err
		}
		done := false
		err = db.Tx(ctx, func(tx *Tx) error {
			var n int
			if err := tx.queryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.q.ExecContext(tx.ctx(ctx), string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, version, name)
			done = true
			return err
		})
		if err != nil {
			return applied, err
		}
		if done {
			applied++
		}
	}
	return applied, nil
}

// migrateLockKey is the PostgreSQL advisory lock a process holds while it
// migrates ("migrate" in ASCII, apart from the leader's key).
const migrateLockKey int64 = 0x6d696772617465

// migrateLock takes migrateLockKey on a connection of its own until unlock:
// processes started together on one database (API replicas, a controller,
// serve beside a migrate job) migrate it one after the other. Without it
// two of them ran the same migration's DDL at once, as neither saw the
// other's uncommitted row in schema_migrations, and one failed (even
// CREATE TABLE IF NOT EXISTS collides in PostgreSQL's catalog). A session
// lock on a connection outside the pool, as the leader's: the statements
// that follow run on the pool, which --database-max-conns may cap at one.
// The server frees the lock if the process dies.
func (db *DB) migrateLock(ctx context.Context) (unlock func(), err error) {
	conn, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return nil, unavailable(err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, unavailable(err)
	}
	return func() { conn.Close(context.WithoutCancel(ctx)) }, nil // closing the session frees its lock
}

// MigrationsDigest is a digest of the migrations this binary embeds for
// engine ("sqlite" or "postgres"): two stores migrated by binaries with the
// same digest have the same schema (tests clone a migrated template by it).
func MigrationsDigest(engine string) string {
	dir := "migrations/" + engine
	entries, _ := fs.ReadDir(migrationFS, dir)
	h := sha256.New()
	for _, e := range entries { // ReadDir returns them sorted by name
		body, _ := migrationFS.ReadFile(dir + "/" + e.Name())
		fmt.Fprintf(h, "%s %d\n", e.Name(), len(body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))
}
