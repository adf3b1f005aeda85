package store

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// A new SQLite database is made from a dump of the schema its migrations
// leave (snapshot/sqlite.dump: the tables, the rows the migrations insert,
// then the indexes and triggers), in one transaction. Replaying the
// migrations cost 42-45 ms of CPU per new file (now 18-20), most of it
// SQLite parsing the whole schema again after each ALTER TABLE, and the
// commit of each migration; every first start of serve and every test's
// store paid it. The dump names the digest of the migrations it was made
// from: a binary whose migrations differ (one added without regenerating
// the dump) replays them, as before. TestSchemaSnapshot fails until the
// dump is regenerated:
//
//	go test ./internal/store -run TestSchemaSnapshot -update
//
// PostgreSQL replays its migrations; its tests clone a migrated template.

//go:embed snapshot/sqlite.dump
var sqliteSnapshot string

// snapshotDigestLine starts the dump's line that names its migrations.
const snapshotDigestLine = "-- migrations digest: "

// snapshotFresh reports whether the dump was made from this binary's
// migrations.
var snapshotFresh = sync.OnceValue(func() bool {
	_, rest, ok := strings.Cut(sqliteSnapshot, snapshotDigestLine)
	digest, _, _ := strings.Cut(rest, "\n")
	return ok && digest == MigrationsDigest(string(SQLite))
})

// fromSnapshot makes db's schema from the dump when db is a new SQLite
// database (no table, index or trigger yet). ok is false when it did
// not (not SQLite, not new, or a stale dump): then Migrate replays the
// migrations that are missing.
func (db *DB) fromSnapshot(ctx context.Context) (applied int, ok bool, err error) {
	if db.engine != SQLite {
		return 0, false, nil
	}
	// A read first: every start on a file that has its schema would
	// otherwise pay a write transaction here.
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		return 0, false, unavailable(err)
	}
	if n > 0 || !snapshotFresh() {
		return 0, false, nil
	}
	err = db.Tx(ctx, func(tx *Tx) error {
		ok = false
		var n int
		// Checked under the write lock: of processes that start on
		// one new file together, one loads the dump; the others find
		// its schema and replay nothing.
		if err := tx.queryRow(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.q.ExecContext(tx.ctx(ctx), sqliteSnapshot); err != nil {
			return fmt.Errorf("schema snapshot: %w", err)
		}
		ok = true
		return nil
	})
	if err != nil || !ok {
		return 0, false, err
	}
	return len(db.knownVersions()), true, nil
}
