package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// FileLock is a process's hold on a SQLite file, taken before it opens
// the file and kept until it has closed it.
//
// `serve` takes it alone: its caches assume that every commit on the
// file is its own (Generation), which a second serve, or a bootstrap run
// beside it, would break without a word — stale answers, and two
// schedulers and agents working the same servers. The roles of a
// deployment on SQLite (api, agent, controller), which expect others'
// commits, share it with each other and never with serve. The handles
// of one process share its one lock (and its write generation, so that
// in-process replicas stay coherent).
//
// The lock is flock(2) on the file's ".lock" neighbour, not a lock of
// the database file itself (SQLite's own are fcntl locks on it). The
// kernel drops it when the process dies, so a crash never leaves it
// taken; it is not inherited by the processes serve starts (QEMU).
type FileLock struct{ g *generation }

// LockSQLite takes the lock of the SQLite file dsn names: alone when
// owner (serve, migrate, bootstrap), shared otherwise. It fails at once,
// saying who holds it, rather than wait. A PostgreSQL dsn needs no lock:
// nil, nil.
func LockSQLite(dsn string, owner bool) (*FileLock, error) {
	if IsPostgres(dsn) {
		return nil, nil
	}
	g := fileGeneration(sqlitePath(dsn))
	if err := g.takeLock(owner); err != nil {
		g.release()
		return nil, err
	}
	return &FileLock{g: g}, nil
}

// takeLock adds a hold on g's flock, taking it (or making a role's
// shared lock an owner's) when the process's holds need it.
func (g *generation) takeLock(owner bool) error {
	path := g.path + ".lock"
	fileGens.Lock()
	defer fileGens.Unlock()
	switch {
	case g.lock == nil:
		f, err := lockFile(path, owner)
		if err != nil {
			return err
		}
		g.lock, g.owner = f, owner
	case owner && !g.owner:
		// Linux may drop the shared lock before it fails to convert it:
		// take that again.
		if err := flock(g.lock, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			_ = flock(g.lock, syscall.LOCK_SH|syscall.LOCK_NB)
			return inUse(path, false)
		}
		g.owner = true
		writePid(g.lock)
	}
	g.locks++
	return nil
}

// lockFile opens the lock file at path and takes its flock.
func lockFile(path string, owner bool) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if owner {
		how = syscall.LOCK_EX
	}
	if err := flock(f, how|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if owner && flock(f, syscall.LOCK_SH|syscall.LOCK_NB) == nil {
			return nil, inUse(path, false)
		}
		return nil, inUse(path, true)
	}
	if owner {
		writePid(f)
	}
	return f, nil
}

// writePid writes this process's pid into the lock file of an owner,
// for the message of whoever is refused.
func writePid(f *os.File) {
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
}

// inUse is the error of a process refused the lock at path, which an
// owner holds (byOwner) or roles share.
func inUse(path string, byOwner bool) error {
	db := strings.TrimSuffix(path, ".lock")
	if !byOwner {
		return fmt.Errorf("the SQLite database %s is in use by novalite api, agent or controller processes; "+
			"serve, migrate and bootstrap must be the file's only user: stop them first", db)
	}
	b, _ := os.ReadFile(path) // the owner's pid
	return fmt.Errorf("the SQLite database %s is in use by novalite process %s (serve, migrate or bootstrap); "+
		"serve must be the file's only user: stop it first, or run a deployment's roles on PostgreSQL",
		db, strings.TrimSpace(string(b)))
}

// Release gives the lock up; call it after the store is closed. The
// process's flock goes with its last hold.
func (l *FileLock) Release() error {
	if l == nil || l.g == nil {
		return nil
	}
	g := l.g
	l.g = nil
	defer g.release()
	fileGens.Lock()
	defer fileGens.Unlock()
	if g.locks--; g.locks > 0 {
		return nil
	}
	f := g.lock
	g.lock, g.owner = nil, false
	return f.Close() // closing the last descriptor drops the flock
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
