package store

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Generation reports how many write transactions have been committed on
// db's SQLite file by this process, and whether that count is the whole
// story: true for `serve`, whose process owns the file, so that no commit
// can happen without being counted (every handle this process opens on
// the file shares one counter; no other novalite command opens it
// meanwhile, LockSQLite; `novalite bench`'s seeder, which writes beside
// serve, tells it through the API). Then a value read under generation g is
// still current while the generation is g: caches in front of the store
// know it without a query (identity), or know when to look at what
// changed (server views read the change log only when it moved). It is
// false on PostgreSQL and for the roles of a deployment (Share), where
// other processes commit.
//
// Read the generation before the transaction that reads the value: a
// commit that lands in between then moves the generation past the one
// the value is filed under, and the value is dropped, never served stale.
func (db *DB) Generation() (gen uint64, exact bool) {
	return db.gen.n.Load(), db.engine == SQLite && !db.shareRoles
}

// Bookkeeping marks tx as a host's own bookkeeping — a heartbeat, a purge
// of answered host calls — that changes no server, port, image or
// identity row, so that its commit does not move the generation and empty
// the caches keyed by it every few seconds. A transaction that changes
// anything a server's view shows must not be marked.
func (tx *Tx) Bookkeeping() { tx.bookkeeping = true }

// generation is the commit counter of one database file in this process.
type generation struct {
	n atomic.Uint64
	// stats counts the Optimize runs on the file: a read connection opened
	// before the last one plans with statistics it no longer has.
	stats atomic.Uint64
	refs  int // handles open on the file, and FileLocks (fileGens)
	path  string
	// The process's flock of the file (filelock.go), shared by its
	// FileLocks (locks); fileGens' mutex guards them.
	lock  *os.File
	owner bool
	locks int
}

// fileGens are the SQLite files open (or locked) in this process.
var fileGens = struct {
	sync.Mutex
	m map[string]*generation
}{m: map[string]*generation{}}

// fileGeneration returns the counter of the SQLite file at path, shared
// by every handle this process has open on it.
func fileGeneration(path string) *generation {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	fileGens.Lock()
	defer fileGens.Unlock()
	g := fileGens.m[path]
	if g == nil {
		g = &generation{path: path}
		fileGens.m[path] = g
	}
	g.refs++
	return g
}

// release forgets g when the last handle on its file closes.
func (g *generation) release() {
	if g.path == "" {
		return
	}
	fileGens.Lock()
	defer fileGens.Unlock()
	if g.refs--; g.refs == 0 {
		delete(fileGens.m, g.path)
	}
}
