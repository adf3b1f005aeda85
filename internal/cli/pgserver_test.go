package cli_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// pgServer is a PostgreSQL server of one test's own, in a temporary
// directory on a loopback port, which the test may crash and start
// again: the machine's shared server must stay up for the other tests.
type pgServer struct {
	t    testing.TB
	bin  string // directory of initdb and postgres
	dir  string // the cluster's data directory
	port int
	cred *syscall.Credential // postgres refuses to run as root
	cmd  *exec.Cmd
	done chan error
	log  *os.File
}

// pgBinDir is the newest Debian PostgreSQL server's binary directory.
func pgBinDir(t testing.TB) string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(dirs) == 0 {
		t.Fatal("no PostgreSQL server under /usr/lib/postgresql: run scripts/install-deps.sh (Debian package postgresql)")
	}
	major := func(p string) int {
		n, _ := strconv.Atoi(strings.Split(filepath.Base(filepath.Dir(filepath.Dir(p))), ".")[0])
		return n
	}
	sort.Slice(dirs, func(i, j int) bool { return major(dirs[i]) < major(dirs[j]) })
	return filepath.Dir(dirs[len(dirs)-1])
}

// newPGServer makes a fresh cluster (initdb) and starts it.
func newPGServer(t testing.TB) *pgServer {
	t.Helper()
	s := &pgServer{t: t, bin: pgBinDir(t)}
	// Outside t.TempDir(): its parents are root's 0700 directories, which
	// the postgres user cannot traverse.
	dir, err := os.MkdirTemp("", "novalite-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s.dir = filepath.Join(dir, "data")
	if s.log, err = os.Create(filepath.Join(dir, "postgres.log")); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("PostgreSQL refuses to run as root and there is no user postgres: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		for _, p := range []string{dir, s.log.Name()} {
			if err := os.Chown(p, uid, gid); err != nil {
				t.Fatal(err)
			}
		}
	}
	initdb := s.command("initdb", "-D", s.dir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	s.port = freePort(t)
	s.start()
	t.Cleanup(s.crash)
	return s
}

func (s *pgServer) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	// Pdeathsig: a test binary that dies takes its server along.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT}
	return cmd
}

// freePort is a loopback TCP port nobody listens on now.
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// dsn is the URL of the server's database postgres.
func (s *pgServer) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

// start runs the server on its port and waits until it answers.
func (s *pgServer) start() {
	s.t.Helper()
	// fsync off: a crash of the server process loses nothing with it (the
	// kernel keeps the written pages); only the machine's would.
	s.cmd = s.command("postgres", "-D", s.dir, "-p", strconv.Itoa(s.port), "-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+s.dir, "-c", "fsync=off", "-c", "shared_buffers=32MB")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.done = make(chan error, 1)
	go func() { s.done <- s.cmd.Wait() }()
	db, err := sql.Open("pgx", s.dsn())
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case werr := <-s.done:
			s.cmd = nil
			s.t.Fatalf("postgres exited: %v\n%s", werr, s.logText())
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("postgres does not answer: %v\n%s", err, s.logText())
		}
	}
}

// crash stops the server as `pg_ctl stop -m immediate` does (SIGQUIT to
// the postmaster: no checkpoint, every connection cut; the next start
// recovers from the WAL, as after a crash) and waits until it is gone.
func (s *pgServer) crash() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGQUIT)
	<-s.done
	s.cmd = nil
}

func (s *pgServer) logText() string {
	b, _ := os.ReadFile(s.log.Name())
	return string(b)
}
