package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is cmd/novalite compiled once for these tests, which run the
// real binary with real signals.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "novalite-cli-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "novalite")
	out, err := exec.Command("go", "build", "-o", binary, "novalite/cmd/novalite").CombinedOutput()
	if err != nil {
		os.RemoveAll(dir)
		panic("go build: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func build(t *testing.T) string {
	t.Helper()
	return binary
}

func run(t testing.TB, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("novalite %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// server is a running `novalite serve`.
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *logBuffer
	done   chan error
}

// logBuffer is serve's stderr, written by exec's copier while a test
// may read it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// linesWith is the lines of the log that contain s.
func (b *logBuffer) linesWith(s string) string {
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var listening = regexp.MustCompile(`novalite listening on (http://\S+)`)

func serve(t *testing.T, bin, dir string, extra ...string) *server {
	t.Helper()
	args := append([]string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--hosts", "1",
		"--admin-password", "admin-pw", "--demo-password", "demo-pw"}, extra...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &logBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.url = <-urlc:
	case err := <-s.done:
		t.Fatalf("serve exited: %v\n%s", err, s.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start\n%s", s.stderr)
	}
	return s
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop on SIGTERM\n%s", s.stderr)
	}
}

// state is what must not change between starts.
type state struct {
	Users, Projects, Roles map[string]string // name → id
	Catalog                []string          // service ids
}

func (s *server) state(t *testing.T) state {
	t.Helper()
	body := `{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
		"password": "admin-pw", "domain": {"id": "default"}}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}`
	resp, err := http.Post(s.url+"/identity/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		Token struct {
			Catalog []struct{ ID string } `json:"catalog"`
		} `json:"token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	token := resp.Header.Get("X-Subject-Token")
	st := state{Users: map[string]string{}, Projects: map[string]string{}, Roles: map[string]string{}}
	for _, c := range tok.Token.Catalog {
		st.Catalog = append(st.Catalog, c.ID)
	}
	for coll, m := range map[string]map[string]string{"users": st.Users, "projects": st.Projects, "roles": st.Roles} {
		req, _ := http.NewRequest("GET", s.url+"/identity/v3/"+coll, nil)
		req.Header.Set("X-Auth-Token", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var list map[string][]struct{ ID, Name string }
		_ = json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		for _, x := range list[coll] {
			m[x.Name] = x.ID
		}
	}
	return st
}

func TestServeRestartAndSignals(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	clouds := filepath.Join(dir, "clouds.yaml")

	s := serve(t, bin, dir)
	first := s.state(t)
	if len(first.Users) != 3 || len(first.Projects) != 3 || len(first.Roles) != 4 || len(first.Catalog) != 6 {
		t.Fatalf("first start: %+v", first)
	}
	written, err := os.ReadFile(clouds)
	if err != nil {
		t.Fatal(err)
	}
	info1, _ := os.Stat(clouds)
	for _, want := range []string{"novalite:", "novalite-demo:", "devstack:", "devstack-admin:", "devstack-alt:", "functional_admin:", "auth_url: " + s.url + "/identity/v3",
		"region_name: RegionOne", "identity_api_version: 3"} {
		if !strings.Contains(string(written), want) {
			t.Errorf("clouds.yaml lacks %q", want)
		}
	}
	s.stop(t)

	// Second start: same ids, files untouched (even on another port).
	s = serve(t, bin, dir)
	second := s.state(t)
	if !equal(first, second) {
		t.Errorf("state changed:\n first %+v\nsecond %+v", first, second)
	}
	again, _ := os.ReadFile(clouds)
	info2, _ := os.Stat(clouds)
	if !bytes.Equal(written, again) || !info1.ModTime().Equal(info2.ModTime()) {
		t.Error("clouds.yaml rewritten on the second start")
	}

	// SIGTERM while a request is in flight: the request finishes.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", s.url+"/identity/v3/auth/tokens", pr)
	req.ContentLength = -1
	resc := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			resc <- -1
			return
		}
		resp.Body.Close()
		resc <- resp.StatusCode
	}()
	_, _ = pw.Write([]byte(`{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo", `))
	alive(t, s)
	// The write above returned once the client sent it, not once the
	// server accepted the connection: give it time to, or SIGTERM closes
	// the listener with the connection still in its backlog.
	time.Sleep(200 * time.Millisecond)
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_, _ = pw.Write([]byte(`"password": "demo-pw", "domain": {"name": "Default"}}}}}}`))
	pw.Close()
	if code := <-resc; code != http.StatusCreated {
		t.Errorf("in-flight request during shutdown: %d", code)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	if _, err := http.Get(s.url + "/healthz"); err == nil {
		t.Error("still answering after shutdown")
	}
}

// alive checks that the server answers /healthz.
func alive(t *testing.T, s *server) {
	t.Helper()
	resp, err := http.Get(s.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func equal(a, b state) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func TestMigrateAndBootstrapAlone(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	out := run(t, bin, "migrate", "--data-dir", dir)
	if !strings.Contains(out, "up to date") {
		t.Errorf("migrate: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "clouds.yaml")); !os.IsNotExist(err) {
		t.Error("migrate wrote clouds.yaml")
	}
	if out := run(t, bin, "migrate", "--data-dir", dir); !strings.Contains(out, "up to date") {
		t.Errorf("second migrate: %s", out)
	}
	out = run(t, bin, "bootstrap", "--data-dir", dir, "--admin-password", "a-pw")
	if !strings.HasPrefix(out, "bootstrapped:") {
		t.Errorf("bootstrap: %s", out)
	}
	clouds, err := os.ReadFile(filepath.Join(dir, "clouds.yaml"))
	if err != nil || !strings.Contains(string(clouds), `password: "a-pw"`) {
		t.Errorf("clouds.yaml %v:\n%s", err, clouds)
	}
	if _, err := os.Stat(filepath.Join(dir, "openrc")); err != nil {
		t.Error(err)
	}
	if out := run(t, bin, "bootstrap", "--data-dir", dir, "--admin-password", "other"); !strings.HasPrefix(out, "already bootstrapped") {
		t.Errorf("second bootstrap: %s", out)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "clouds.yaml"))
	if !bytes.Equal(clouds, again) {
		t.Error("second bootstrap rewrote clouds.yaml")
	}
	// Errors are reported with a non-zero status.
	if err := exec.Command(bin, "frobnicate").Run(); err == nil {
		t.Error("unknown command succeeded")
	}
	if err := exec.Command(bin, "serve", "--listen", "").Run(); err == nil {
		t.Error("serve with an empty listen address succeeded")
	}
}

// The version command, and options from a config file (with flags over it).
func TestVersionAndConfigFile(t *testing.T) {
	bin := build(t)
	if out := run(t, bin, "version"); !strings.HasPrefix(out, "novalite ") || !strings.Contains(out, "go1.") {
		t.Errorf("version: %q", out)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "novalite.toml")
	if err := os.WriteFile(file, []byte("data-dir = \""+filepath.Join(dir, "from-file")+"\"\nlog-format = \"json\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, bin, "migrate", "--config", file)
	if _, err := os.Stat(filepath.Join(dir, "from-file", "novalite.db")); err != nil {
		t.Errorf("the file's data dir was not used: %v", err)
	}
	run(t, bin, "migrate", "--config", file, "--data-dir", filepath.Join(dir, "from-flag"))
	if _, err := os.Stat(filepath.Join(dir, "from-flag", "novalite.db")); err != nil {
		t.Errorf("the flag did not override the file: %v", err)
	}
	if err := os.WriteFile(file, []byte("data-dri = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "migrate", "--config", file).CombinedOutput()
	if err == nil || !strings.Contains(string(out), `unknown option "data-dri"`) {
		t.Errorf("a misspelt option: %v %s", err, out)
	}
}

// TestServeOwnsItsSQLite: serve's caches assume that every commit on its
// SQLite file is its own, so a second serve, a migrate or a bootstrap on
// the data dir of a running serve is refused, saying by whom; once serve
// has stopped they run.
func TestServeOwnsItsSQLite(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	s := serve(t, bin, dir)
	pid := strconv.Itoa(s.cmd.Process.Pid)
	for _, args := range [][]string{
		{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0"},
		{"migrate", "--data-dir", dir},
		{"bootstrap", "--data-dir", dir},
	} {
		// A serve that is let start runs until killed: the context's end
		// fails the test rather than hang it.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
		cancel()
		if err == nil {
			t.Errorf("novalite %s beside a running serve succeeded:\n%s", args[0], out)
			continue
		}
		if !strings.Contains(string(out), "in use by novalite process "+pid) {
			t.Errorf("novalite %s: %s", args[0], out)
		}
	}
	s.stop(t)
	if out := run(t, bin, "bootstrap", "--data-dir", dir); !strings.HasPrefix(out, "already bootstrapped") {
		t.Errorf("bootstrap after serve stopped: %s", out)
	}
}
