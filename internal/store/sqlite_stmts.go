package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// The read pool's driver keeps each connection's prepared statements by
// SQL text: every GET runs the same few queries, and parsing them again
// was a quarter of a read's CPU in the transpiled SQLite. (database/sql's
// own Stmt cannot be shared by the read pool's transactions without
// taking a second connection per prepare, which can starve the pool.)
func init() {
	// modernc's registered driver: the one its package-level functions
	// (regexp, see instances_list.go) are registered on.
	db, _ := sql.Open("sqlite", "")
	sql.Register(cachingDriverName, cachingDriver{base: db.Driver()})
	db.Close()
}

const (
	cachingDriverName = "novalite-sqlite"
	maxCachedStmts    = 256 // per connection; beyond, queries are parsed each time
)

type cachingDriver struct{ base driver.Driver }

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
}

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
