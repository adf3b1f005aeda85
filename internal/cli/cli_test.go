package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

// binary builds cmd/novalite once per test run, into a temp dir.
func binary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "novalite-cli-test")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "novalite")
		out, err := exec.Command("go", "build", "-o", binPath, "novalite/cmd/novalite").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// run runs novalite with args and returns its stdout; it fails the test
// unless the exit status is want.
func run(t *testing.T, want int, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != want {
		t.Fatalf("novalite %v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, want, &stdout, &stderr)
	}
	return stdout.String()
}

// cleanEnv is the environment without NOVALITE_* settings of the caller.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NOVALITE_") {
			env = append(env, kv)
		}
	}
	return env
}

func TestMigrateAndBootstrapAlone(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	out := run(t, 0, "migrate", "--data-dir", dir)
	if !strings.Contains(out, "up to date") {
		t.Errorf("migrate said %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "novalite.db")); err != nil {
		t.Fatalf("no database after migrate: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "clouds.yaml")); !os.IsNotExist(err) {
		t.Errorf("migrate wrote clouds.yaml: %v", err)
	}
	run(t, 0, "migrate", "--data-dir", dir) // a second migrate is a no-op

	out = run(t, 0, "bootstrap", "--data-dir", dir, "--listen", "127.0.0.1:18774", "--admin-password", "adm1n", "--demo-password", "dem0")
	if !strings.Contains(out, "bootstrapped") {
		t.Errorf("bootstrap said %q", out)
	}
	clouds := filepath.Join(dir, "clouds.yaml")
	first, err := os.ReadFile(clouds)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  novalite:", "  novalite-demo:", "  devstack:", "  devstack-admin:",
		"auth_url: http://127.0.0.1:18774/identity/v3", `password: "adm1n"`, `password: "dem0"`,
		"region_name: RegionOne", "identity_api_version: 3", "user_domain_name: Default", "project_name: admin"} {
		if !bytes.Contains(first, []byte(want)) {
			t.Errorf("clouds.yaml lacks %q:\n%s", want, first)
		}
	}
	openrc, err := os.ReadFile(filepath.Join(dir, "openrc"))
	if err != nil || !bytes.Contains(openrc, []byte("export OS_PASSWORD='adm1n'")) {
		t.Errorf("openrc: %v\n%s", err, openrc)
	}
	for _, f := range []string{"clouds.yaml", "openrc"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v (secrets must be private)", f, fi.Mode(), err)
		}
	}
	st1, _ := os.Stat(clouds)

	// A second bootstrap, even with other passwords, changes nothing.
	out = run(t, 0, "bootstrap", "--data-dir", dir, "--admin-password", "other", "--demo-password", "other")
	if !strings.Contains(out, "already bootstrapped") {
		t.Errorf("second bootstrap said %q", out)
	}
	again, _ := os.ReadFile(clouds)
	st2, _ := os.Stat(clouds)
	if !bytes.Equal(first, again) || !st1.ModTime().Equal(st2.ModTime()) {
		t.Error("the second bootstrap rewrote clouds.yaml")
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	run(t, 2)
	run(t, 2, "frobnicate")
	if out := run(t, 0, "help"); !strings.Contains(out, "serve") {
		t.Errorf("help: %q", out)
	}
	run(t, 0, "serve", "-h")
	run(t, 1, "serve", "--data-dir", t.TempDir(), "--token-ttl", "-1s")
}

// server is a `novalite serve` child process.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan error
	out  *bytes.Buffer // stdout after the listening line, and stderr
}

// serve starts `novalite serve` on a free port of loopback and waits for
// the line saying where it listens.
func serve(t testing.TB, dir string, args ...string) *server {
	t.Helper()
	args = append([]string{"serve", "--listen", "127.0.0.1:0", "--data-dir", dir, "--log-level", "warn"}, args...)
	cmd := exec.Command(binary(t), args...)
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1), out: &bytes.Buffer{}}
	cmd.Stderr = s.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "novalite listening on "); ok {
			s.url, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	go func() {
		_, _ = io.Copy(io.Discard, stdout)
		s.done <- cmd.Wait()
	}()
	if s.url == "" {
		_ = cmd.Process.Kill()
		t.Fatalf("no listening line; stderr: %s", s.out)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return s
}

// stop sends SIGTERM and returns the exit error (nil = status 0).
func (s *server) stop(t testing.TB) error {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("novalite serve ignored SIGTERM; stderr: %s", s.out)
	}
	return nil
}

// adminProject issues an admin token and returns its user and project ids.
func (s *server) adminProject(t *testing.T, pw string) (user, project string) {
	t.Helper()
	body := fmt.Sprintf(`{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
		"domain": {"id": "default"}, "password": %q}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}`, pw)
	resp, err := http.Post(s.url+"/identity/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		Token struct {
			User, Project struct{ ID string }
		}
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&tok) != nil {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	return tok.Token.User.ID, tok.Token.Project.ID
}

// TestServeRestartAndSIGTERM: serve answers, stops cleanly on SIGTERM,
// and a second start on the same data dir finds the same cloud.
func TestServeRestartAndSIGTERM(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	s := serve(t, dir, "--admin-password", "secret-1")
	for _, path := range []string{"/healthz", "/compute/", "/identity/v3"} {
		resp, err := http.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	user1, project1 := s.adminProject(t, "secret-1")
	clouds1, err := os.ReadFile(filepath.Join(dir, "clouds.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, s.out)
	}
	if _, err := http.Get(s.url + "/healthz"); err == nil {
		t.Error("still answering after SIGTERM")
	}

	s = serve(t, dir, "--admin-password", "ignored-now")
	user2, project2 := s.adminProject(t, "secret-1")
	if user1 != user2 || project1 != project2 {
		t.Errorf("second start: admin %s/%s, was %s/%s", user2, project2, user1, project1)
	}
	clouds2, _ := os.ReadFile(filepath.Join(dir, "clouds.yaml"))
	if !bytes.Equal(clouds1, clouds2) {
		t.Error("second start rewrote clouds.yaml")
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("second exit: %v", err)
	}
}

// TestSIGTERMFinishesInFlight: a request in flight when SIGTERM arrives
// still gets its answer, while new connections are refused.
func TestSIGTERMFinishesInFlight(t *testing.T) {
	t.Parallel()
	s := serve(t, filepath.Join(t.TempDir(), "data"), "--admin-password", "pw")
	// The client asks for 100-continue: the server sends it when the
	// handler starts reading the body, so the request is known to be in a
	// handler before the signal; the body follows only after it.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", s.url+"/identity/v3/auth/tokens", pr)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Expect", "100-continue")
	inHandler := make(chan struct{})
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		Got100Continue: func() { close(inHandler) },
	}))
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	type result struct {
		status int
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			res <- result{0, err}
			return
		}
		resp.Body.Close()
		res <- result{resp.StatusCode, nil}
	}()
	select {
	case <-inHandler:
	case r := <-res:
		t.Fatalf("request ended early: %v", r)
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Wait until shutdown has begun: the listener is closed.
	host := strings.TrimPrefix(s.url, "http://")
	for deadline := time.Now().Add(30 * time.Second); ; {
		c, err := net.Dial("tcp", host)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still open after SIGTERM")
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, _ = io.WriteString(pw, `{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
		"domain": {"id": "default"}, "password": "pw"}}}, "scope": "unscoped"}}`)
	pw.Close()
	if r := <-res; r.err != nil || r.status != http.StatusCreated {
		t.Errorf("in-flight request: %d %v", r.status, r.err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("exit: %v; stderr: %s", err, s.out)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}
