package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL through database/sql
	_ "modernc.org/sqlite"             // the pure-Go SQLite driver
)

// OpenSQLite opens (creating if needed) the SQLite database at path in WAL
// mode.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	// temp_store(MEMORY): the writer's sub-journal (a group commit's
	// savepoints) stays in memory; past 64 KiB SQLite spills it to a
	// temporary file, a write(2) per page.
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=temp_store(MEMORY)&_txlock=immediate"+
		fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", writerAutoCheckpoint))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(2) // one writes at a time (DB.writeMu); the other prepares
	w.SetMaxIdleConns(2)
	w.SetConnMaxLifetime(0)
	gen := fileGeneration(path)
	r := sql.OpenDB(readConnector{dsn: "file:" + path + "?" + pragmas + "&mode=ro", stats: &gen.stats})
	n := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db := &DB{engine: SQLite, write: w, read: r, writeStmts: newStmtCache(w),
		writeMu: make(chan struct{}, 1), gen: gen, feed: &changeFeed{}}
	if err := w.PingContext(ctx); err != nil {
		db.Close()
		return nil, unavailable(err)
	}
	if err := db.startCheckpoints(path); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Open opens the database named by dsn: a postgres:// URL, or a path to a
// SQLite file.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return OpenPostgres(ctx, dsn)
	}
	return OpenSQLite(ctx, sqlitePath(dsn))
}

// IsPostgres reports whether dsn names a PostgreSQL database (a
// postgres:// or postgresql:// URL); anything else is a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqlitePath is the file a SQLite dsn names (a path, or sqlite://path).
func sqlitePath(dsn string) string { return strings.TrimPrefix(dsn, "sqlite://") }

// OpenPostgres opens a PostgreSQL database; one pool serves reads and
// writes, and the server arbitrates concurrent writers.
func OpenPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	p.SetMaxOpenConns(max(8, runtime.GOMAXPROCS(0)*4))
	p.SetMaxIdleConns(max(8, runtime.GOMAXPROCS(0)*4))
	db := &DB{engine: Postgres, write: p, read: p, dsn: dsn, gen: &generation{}, feed: &changeFeed{}}
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, unavailable(err)
	}
	return db, nil
}

// SetMaxConns caps the PostgreSQL pool at n connections (SQLite's pools
// are sized for its one writer and are left as they are).
func (db *DB) SetMaxConns(n int) {
	if db.engine != Postgres {
		return
	}
	db.write.SetMaxOpenConns(n)
	db.write.SetMaxIdleConns(n)
}
