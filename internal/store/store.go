// Package store holds all SQL of novalite: connections, transactions,
// migrations and one file of queries per table. It speaks SQLite (embedded,
// for `novalite serve`) and PostgreSQL behind one contract. It never imports
// net/http; times and ids are arguments, never made here.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"novalite"
)

// DB is an open database: a writer pool and a reader pool. SQLite allows
// one writer at a time, so write transactions take turns in-process
// (writeMu) instead of failing with SQLITE_BUSY.
type DB struct {
	engine Engine
	lock   *FileLock // the SQLite file's, given up at Close (KeepLock)
	write  *sql.DB
	read   *sql.DB
	// Prepared statements of the writer pool (SQLite only). Reads do not
	// cache: preparing on the pool while every reader connection is held
	// by a transaction waiting to prepare would deadlock.
	writeStmts, readStmts *stmtCache
	// writeMu makes SQLite's write transactions take turns in-process:
	// the writer pool has a second connection only so that statements can
	// be prepared while a transaction holds the first.
	// It is a channel of one so that a writer waiting its turn gives up
	// at its context's deadline.
	writeMu chan struct{}
	// dsn opens the dedicated connections of LISTEN and of the leader
	// lock (PostgreSQL only).
	dsn string
	// shared: other processes' loops listen for this one's commits.
	shared bool
	// gen counts committed write transactions (Generation); shareRoles:
	// other processes write too (Share).
	gen        *generation
	shareRoles bool
	// queue: SQLite's write transactions waiting for the group commit.
	queue writeQueue
	// onNotify hears the channels of each commit (OnNotify).
	onNotify func(channels []string)
	// feed shares the reads of the changes among caches (SyncChanges).
	feed *changeFeed
	// ckpt copies SQLite's WAL back beside the writer (checkpoint.go).
	ckpt *checkpointer
	// lists: the list pages read at the current generation (serve).
	lists listMemo
	// closed: Close's work runs once, its error kept for later calls.
	closed   sync.Once
	closeErr error
}

// Engine names a database engine.
type Engine string

// The engines novalite runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Engine reports which engine db runs on.
func (db *DB) Engine() Engine { return db.engine }

// Close closes both pools. A second call returns the first's error: a
// second release of the file's generation would drop it from under
// another store still open on the file.
func (db *DB) Close() error {
	db.closed.Do(func() { db.closeErr = db.close() })
	return db.closeErr
}

func (db *DB) close() error {
	ckErr := db.stopCheckpoints()
	db.gen.release()
	db.writeStmts.close()
	db.readStmts.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return errors.Join(err, ckErr, db.lock.Release())
}

// KeepLock makes db give l up once it is closed.
func (db *DB) KeepLock(l *FileLock) { db.lock = l }

// Tx is a transaction; every query method of the store hangs off it.
type Tx struct {
	tx *sql.Tx // nil for a View on PostgreSQL (viewOnConn)
	// q runs the statements: tx, or the connection of a View on
	// PostgreSQL.
	q      querier
	engine Engine
	stmts  *stmtCache
	// after runs once the transaction has committed (wake-ups).
	after []func()
	// notify are the channels the commit tells of: NOTIFYed when
	// shared (other processes listen), and given to the DB's OnNotify.
	notify []string
	shared bool
	// bookkeeping: the commit leaves the generation alone (Bookkeeping).
	bookkeeping bool
	// noCancel: statements ignore their context's cancellation (a member
	// of a group commit, group.go).
	noCancel bool
	// memo: a read's list pages at generation memoGen, the generation
	// read before it began (list_memo.go); nil where it is not exact
	// and in write transactions.
	memo    *listMemo
	memoGen uint64
}

// querier is what runs a statement: a transaction or a connection.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ctx is the context a statement of tx runs under.
func (tx *Tx) ctx(ctx context.Context) context.Context {
	if tx.noCancel {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// AfterCommit registers f to run after a successful commit.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// Tx runs fn in a read-write transaction: committed if fn returns nil,
// rolled back on error or panic, retried a few times when the engine
// reports a serialization failure.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	if p, _ := ctx.Value(readPointKey{}).(*readPoint); p != nil {
		p.beginWrite()
		defer p.endWrite()
	}
	return db.run(ctx, db.write, db.writeStmts, false, fn)
}

// View runs fn in a read-only transaction on the reader pool.
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	return db.run(ctx, db.read, db.readStmts, true, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, stmts *stmtCache, readOnly bool, fn func(tx *Tx) error) error {
	const attempts = 5
	var err error
	for i := 0; i < attempts; i++ {
		err = db.once(ctx, pool, stmts, readOnly, fn)
		if err == nil || ctx.Err() != nil {
			return err
		}
		if !retryable(err) && !(readOnly && readAgain(ctx, i+1, err)) {
			return err
		}
		time.Sleep(time.Duration(i+1) * 5 * time.Millisecond)
	}
	return err
}

func (db *DB) once(ctx context.Context, pool *sql.DB, stmts *stmtCache, readOnly bool, fn func(tx *Tx) error) (err error) {
	if !readOnly && db.writeMu != nil {
		return db.grouped(ctx, fn)
	}
	if readOnly && db.engine == Postgres {
		return db.viewOnConn(ctx, pool, fn)
	}
	// Read before the transaction begins, so that a commit landing in
	// between moves the generation past the one its pages are filed under.
	gen, exact := db.Generation()
	stx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(err)
	}
	tx := &Tx{tx: stx, q: stx, engine: db.engine, stmts: stmts, shared: db.shared}
	if readOnly && exact {
		tx.memo, tx.memoGen = &db.lists, gen
	}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.notifyBeforeCommit(ctx); err != nil {
		return err
	}
	err = stx.Commit()
	if !readOnly && !tx.bookkeeping {
		// Counted even when Commit reports an error: it may have landed.
		if db.gen.n.Add(1)%optimizeEvery == 0 && db.engine == SQLite {
			go db.Optimize(context.WithoutCancel(ctx)) //nolint:errcheck // statistics only
		}
	}
	if err != nil {
		return mapErr(err)
	}
	db.committed(tx)
	return nil
}

// viewOnConn runs a View on PostgreSQL on one pooled connection, with no
// transaction around it: at PostgreSQL's READ COMMITTED every statement
// takes its own snapshot inside a transaction too, so BEGIN READ ONLY and
// COMMIT bought nothing but two round trips, a quarter of an API
// replica's CPU per show.
func (db *DB) viewOnConn(ctx context.Context, pool *sql.DB, fn func(tx *Tx) error) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return unavailable(err)
	}
	defer conn.Close()
	tx := &Tx{q: conn, engine: db.engine, shared: db.shared}
	if err := fn(tx); err != nil {
		return err
	}
	db.committed(tx)
	return nil
}

// readAttempts bounds the tries of a read that failed on a connection.
const readAttempts = 3

// readAgain says whether a read that failed with err on its try-th try
// goes again: a connection the pool kept across an outage fails once and
// is dropped, and the next try takes another. Only reads: a write may
// have committed.
func readAgain(ctx context.Context, try int, err error) bool {
	return err != nil && try < readAttempts && ctx.Err() == nil && isOutage(err)
}

func retryable(err error) bool {
	if errors.Is(err, errGroupAborted) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked") ||
		strings.Contains(s, "40001") || strings.Contains(s, "40P01")
}

func unavailable(err error) error {
	return &novalite.Error{Kind: novalite.Unavailable, Message: "database unavailable", Err: err}
}

// mapErr turns driver errors into the neutral kinds services understand.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &novalite.Error{Kind: novalite.NotFound, Err: err}
	}
	if isOutage(err) {
		return unavailable(err)
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "2201B"): // invalid_regular_expression: regex.go should have refused it
		return &novalite.Error{Kind: novalite.Invalid, Message: "Invalid regular expression.", Err: err}
	case strings.Contains(s, "UNIQUE constraint") || strings.Contains(s, "23505"):
		return &novalite.Error{Kind: novalite.Conflict, Err: err}
	case strings.Contains(s, "FOREIGN KEY constraint") || strings.Contains(s, "23503"):
		return &novalite.Error{Kind: novalite.Conflict, Err: err}
	}
	return fmt.Errorf("store: %w", err)
}

// Exec runs a statement and returns the number of rows it changed.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	ctx = tx.ctx(ctx)
	var res sql.Result
	var err error
	if st := tx.stmts.get(ctx, query); st != nil {
		res, err = tx.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	} else {
		res, err = tx.q.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n, mapErr(err)
}

// execOne runs a statement meant to change a row: NotFound when it
// changed none.
func (tx *Tx) execOne(ctx context.Context, query string, args ...any) error {
	n, err := tx.Exec(ctx, query, args...)
	if err == nil && n == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}

// execPairs runs an upsert of one key/value row of owner id per pair:
// query takes ($1 id, $2 key, $3 value). Metadata-like tables (a
// flavor's extra specs, a server's metadata) are written this way.
func (tx *Tx) execPairs(ctx context.Context, query string, id int64, pairs map[string]string) error {
	for k, v := range pairs {
		if _, err := tx.Exec(ctx, query, id, k, v); err != nil {
			return err
		}
	}
	return nil
}

// query and queryRow are the store's own helpers; packages outside store
// never see SQL.
func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = tx.ctx(ctx)
	if st := tx.stmts.get(ctx, query); st != nil {
		rows, err := tx.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
		return rows, mapErr(err)
	}
	rows, err := tx.q.QueryContext(ctx, query, args...)
	return rows, mapErr(err)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = tx.ctx(ctx)
	if st := tx.stmts.get(ctx, query); st != nil {
		return tx.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.q.QueryRowContext(ctx, query, args...)
}

// collect scans every row of rows with scan.
func collect[T any](rows *sql.Rows, err error, scan func(*sql.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// Ping makes one round trip to the database (health checks): beginning
// a transaction alone does not reach PostgreSQL until its first query.
func (tx *Tx) Ping(ctx context.Context) error {
	var one int
	return mapErr(tx.q.QueryRowContext(tx.ctx(ctx), `SELECT 1`).Scan(&one))
}
