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
// commits, share it with each other and never with serve.
//
// The lock is flock(2) on the file's ".lock" neighbour, not a lock of
// the database file itself (SQLite's own are fcntl locks on it). The
// kernel drops it when the process dies, so a crash never leaves it
// taken; it is not inherited by the processes serve starts (QEMU).
type FileLock struct{ f *os.File }

// LockSQLite takes the lock of the SQLite file dsn names: alone when
// owner (serve, migrate, bootstrap), shared otherwise. It fails at once,
// saying who holds it, rather than wait. A PostgreSQL dsn needs no lock:
// nil, nil.
func LockSQLite(dsn string, owner bool) (*FileLock, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return nil, nil
	}
	path := strings.TrimPrefix(dsn, "sqlite://") + ".lock"
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
		return nil, inUse(f, path, owner)
	}
	if owner {
		// The holder's pid, for the message of whoever is refused.
		if err := f.Truncate(0); err == nil {
			_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
	}
	return &FileLock{f: f}, nil
}

// inUse is the error of a process refused the lock at path.
func inUse(f *os.File, path string, owner bool) error {
	db := strings.TrimSuffix(path, ".lock")
	if owner && flock(f, syscall.LOCK_SH|syscall.LOCK_NB) == nil {
		return fmt.Errorf("the SQLite database %s is in use by novalite api, agent or controller processes; "+
			"serve, migrate and bootstrap must be the file's only user: stop them first", db)
	}
	// An owner holds it: its pid is in the file.
	b, _ := os.ReadFile(path)
	return fmt.Errorf("the SQLite database %s is in use by novalite process %s (serve, migrate or bootstrap); "+
		"serve must be the file's only user: stop it first, or run a deployment's roles on PostgreSQL",
		db, strings.TrimSpace(string(b)))
}

// Release gives the lock up; call it after the store is closed.
func (l *FileLock) Release() error {
	if l == nil {
		return nil
	}
	return l.f.Close() // closing the last descriptor drops the flock
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
