package store

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// lockHolderEnv makes the test binary a process that holds a SQLite
// file's lock (TestMain): "owner:path" or "role:path".
const lockHolderEnv = "NOVALITE_TEST_LOCK_HOLDER"

func TestMain(m *testing.M) {
	if v := os.Getenv(lockHolderEnv); v != "" {
		holdLock(v)
		return
	}
	os.Exit(m.Run())
}

// holdLock takes the lock v names, says "locked" and keeps it until its
// standard input ends.
func holdLock(v string) {
	kind, path, _ := strings.Cut(v, ":")
	l, err := LockSQLite(path, kind == "owner")
	if err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	l.Release()
	os.Exit(0)
}

// holder starts another process holding the lock of dsn; it lets go
// when the test ends.
func holder(t *testing.T, dsn string, owner bool) int {
	t.Helper()
	pid, _ := startHolder(t, dsn, owner)
	return pid
}

// startHolder is holder, and a function that makes it let go at once.
func startHolder(t *testing.T, dsn string, owner bool) (int, func()) {
	t.Helper()
	kind := "role"
	if owner {
		kind = "owner"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), lockHolderEnv+"="+kind+":"+dsn)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { in.Close(); _ = cmd.Wait() }) }
	t.Cleanup(stop)
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("the holder: %q", line)
	}
	return cmd.Process.Pid, stop
}

// TestLockSQLite: an owner (serve, migrate, bootstrap) holds the file
// alone; the roles share it with each other, never with an owner; once
// the other process has let go, an owner takes it. Within one process
// the handles share the lock.
func TestLockSQLite(t *testing.T) {
	cases := []struct {
		name          string
		first, second bool // owner?
		refused       bool
		says          string // the pid is added for an owner's
	}{
		{"two owners", true, true, true, "in use by novalite process "},
		{"an owner, then a role", true, false, true, "in use by novalite process "},
		{"a role, then an owner", false, true, true, "in use by novalite api, agent or controller"},
		{"two roles", false, false, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "data", "novalite.db")
			pid := holder(t, dsn, c.first)
			says := c.says
			if c.first {
				says += strconv.Itoa(pid)
			}
			l, err := LockSQLite("sqlite://"+dsn, c.second)
			switch {
			case c.refused && err == nil:
				t.Fatal("second lock taken")
			case c.refused && !strings.Contains(err.Error(), says):
				t.Errorf("error %q lacks %q", err, says)
			case !c.refused && err != nil:
				t.Fatal(err)
			}
			l.Release()
		})
	}
	t.Run("let go", func(t *testing.T) {
		dsn := filepath.Join(t.TempDir(), "novalite.db")
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), lockHolderEnv+"=owner:"+dsn)
		if out, err := cmd.Output(); err != nil || string(out) != "locked\n" {
			t.Fatalf("the holder: %v %q", err, out)
		}
		l, err := LockSQLite(dsn, true)
		if err != nil {
			t.Fatalf("after the holder ended: %v", err)
		}
		l.Release()
	})
	t.Run("one process", func(t *testing.T) {
		dsn := filepath.Join(t.TempDir(), "novalite.db")
		a, err := LockSQLite(dsn, false)
		if err != nil {
			t.Fatal(err)
		}
		b, err := LockSQLite(dsn, true) // a role's lock becomes an owner's
		if err != nil {
			t.Fatal(err)
		}
		a.Release()
		holderRefused(t, dsn) // b still holds it
		b.Release()
		holder(t, dsn, true) // all let go
	})
	t.Run("one process beside a role", func(t *testing.T) {
		dsn := filepath.Join(t.TempDir(), "novalite.db")
		a, err := LockSQLite(dsn, false)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Release()
		_, stop := startHolder(t, dsn, false)
		if b, err := LockSQLite(dsn, true); err == nil || !strings.Contains(err.Error(), "api, agent or controller") {
			b.Release()
			t.Fatalf("an owner beside another process's role: %v", err)
		}
		// This process's role lock is still there: another owner is
		// refused for it once the other role has gone.
		stop()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), lockHolderEnv+"=owner:"+dsn)
		if out, err := cmd.Output(); err == nil || !strings.Contains(string(out), "api, agent or controller") {
			t.Errorf("an owner in another process: %v %q", err, out)
		}
	})
	if l, err := LockSQLite("postgres://u@127.0.0.1:5432/db", true); l != nil || err != nil {
		t.Errorf("PostgreSQL: %v, %v; want no lock", l, err)
	}
}

// holderRefused checks that another process cannot take dsn's lock.
func holderRefused(t *testing.T, dsn string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), lockHolderEnv+"=role:"+dsn)
	out, err := cmd.Output()
	if err == nil || !strings.Contains(string(out), "in use by novalite process "+strconv.Itoa(os.Getpid())) {
		t.Errorf("another process while this one holds the lock: %v %q", err, out)
	}
}
