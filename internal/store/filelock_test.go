package store

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLockSQLite: an owner (serve, migrate, bootstrap) holds the file
// alone; the roles share it with each other, never with an owner; a
// lock given up can be taken again. flock conflicts between two open
// files of one process as between processes, so one process can show it.
func TestLockSQLite(t *testing.T) {
	cases := []struct {
		name          string
		first, second bool // owner?
		refused       bool
		says          string
	}{
		{"two owners", true, true, true, "in use by novalite process " + strconv.Itoa(os.Getpid())},
		{"an owner, then a role", true, false, true, "(serve, migrate or bootstrap)"},
		{"a role, then an owner", false, true, true, "in use by novalite api, agent or controller"},
		{"two roles", false, false, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "data", "novalite.db")
			a, err := LockSQLite(dsn, c.first)
			if err != nil {
				t.Fatal(err)
			}
			b, err := LockSQLite("sqlite://"+dsn, c.second)
			switch {
			case c.refused && err == nil:
				b.Release()
				t.Fatal("second lock taken")
			case c.refused && !strings.Contains(err.Error(), c.says):
				t.Errorf("error %q lacks %q", err, c.says)
			case !c.refused && err != nil:
				t.Fatal(err)
			}
			b.Release()
			if err := a.Release(); err != nil {
				t.Fatal(err)
			}
			// Given up: an owner takes it now.
			again, err := LockSQLite(dsn, true)
			if err != nil {
				t.Fatalf("after release: %v", err)
			}
			again.Release()
		})
	}
	if l, err := LockSQLite("postgres://u@127.0.0.1:5432/db", true); l != nil || err != nil {
		t.Errorf("PostgreSQL: %v, %v; want no lock", l, err)
	}
}
