package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync/atomic"
)

// The read pool's driver keeps each connection's prepared statements by
// SQL text: every GET runs the same few queries, and parsing them again
// was a quarter of a read's CPU in the transpiled SQLite. (database/sql's
// own Stmt cannot be shared by the read pool's transactions without
// taking a second connection per prepare, which can starve the pool.)
//
// sqliteDriver is modernc's registered driver: the one its package-level
// functions (regexp, see instances_list.go) are registered on.
var sqliteDriver = func() driver.Driver {
	db, _ := sql.Open("sqlite", "")
	defer db.Close()
	return db.Driver()
}()

const maxCachedStmts = 256 // per connection; beyond, queries are parsed each time

type cachingDriver struct{ base driver.Driver }

// readConnector opens the read pool's connections on one file. SQLite
// loads the planner's statistics when a connection reads the schema, and
// a read-only connection cannot reload them (ANALYZE sqlite_schema writes):
// after Optimize refreshed them on the writer, every older read
// connection would go on planning with the statistics of an emptier
// database (the reservation_id poll walked 100,000 rows that way). So a
// connection opened before the last Optimize leaves the pool the next
// time it is taken or put back, and its replacement reads the new ones.
type readConnector struct {
	dsn   string
	stats *atomic.Uint64 // generation.stats of the file
}

func (c readConnector) Connect(context.Context) (driver.Conn, error) {
	born := c.stats.Load() // before the open: a bump meanwhile retires the connection
	conn, err := cachingDriver{base: sqliteDriver}.Open(c.dsn)
	if cc, ok := conn.(*cachingConn); ok {
		cc.born, cc.stats = born, c.stats
	}
	return conn, err
}

func (c readConnector) Driver() driver.Driver { return cachingDriver{base: sqliteDriver} }

// baseConn is what modernc's connections implement and the wrapper passes on.
type baseConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.base.Open(name)
	if err != nil {
		return nil, err
	}
	bc, ok := c.(baseConn)
	if !ok {
		return c, nil // a driver without the optional methods: no cache
	}
	return &cachingConn{baseConn: bc, stmts: map[string]*cachedStmt{}}, nil
}

type cachingConn struct {
	baseConn
	stmts map[string]*cachedStmt
	// born is the file's Optimize count when the connection opened
	// (readConnector; stats nil: never retired for it).
	born  uint64
	stats *atomic.Uint64
}

// stale: the planner statistics have been refreshed since the connection
// read them.
func (c *cachingConn) stale() bool { return c.stats != nil && c.stats.Load() != c.born }

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if c.stale() {
		return driver.ErrBadConn // database/sql opens another
	}
	return c.baseConn.ResetSession(ctx)
}

func (c *cachingConn) IsValid() bool { return !c.stale() && c.baseConn.IsValid() }

// cachedStmt is a prepared statement; busy while its rows are open (a
// statement runs one query at a time, so a second use meanwhile parses
// afresh).
type cachedStmt struct {
	stmt driver.Stmt
	busy bool
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs := c.stmts[query]
	if cs == nil && len(c.stmts) < maxCachedStmts {
		st, err := c.baseConn.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		if _, ok := st.(driver.StmtQueryContext); !ok {
			st.Close()
			return c.baseConn.QueryContext(ctx, query, args)
		}
		cs = &cachedStmt{stmt: st}
		c.stmts[query] = cs
	}
	if cs == nil || cs.busy {
		return c.baseConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

func (c *cachingConn) Close() error {
	for _, cs := range c.stmts {
		cs.stmt.Close()
	}
	c.stmts = nil
	return c.baseConn.Close()
}

type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	return err
}
