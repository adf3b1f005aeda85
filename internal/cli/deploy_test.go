package cli_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"novalite/internal/app/apptest"
)

// proc is one running novalite role process.
type proc struct {
	t      testing.TB
	args   []string
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer // stdout and stderr, interleaved
	done   chan error
	url    string // api: its base URL
	exited bool
}

// lines is what the process has written so far.
func (p *proc) lines() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

// start runs bin with args and waits until its output matches ready
// (whose first group, if any, becomes p.url).
func start(t testing.TB, bin string, ready *regexp.Regexp, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, args: args, done: make(chan error, 1)}
	p.cmd = exec.Command(bin, args...)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	readyc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			_, _ = p.Write(append(sc.Bytes(), '\n'))
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				url := ""
				if len(m) > 1 {
					url = m[1]
				}
				select {
				case readyc <- url:
				default:
				}
			}
		}
		_, _ = io.Copy(p, stdout)
	}()
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.kill() })
	select {
	case p.url = <-readyc:
	case err := <-p.done:
		p.exited = true
		t.Fatalf("novalite %s exited: %v\n%s", strings.Join(args, " "), err, p.lines())
	case <-time.After(30 * time.Second):
		t.Fatalf("novalite %s did not start\n%s", strings.Join(args, " "), p.lines())
	}
	return p
}

// running reports whether the process has not exited (by itself or
// killed).
func (p *proc) running() bool {
	if p.exited {
		return false
	}
	select {
	case err := <-p.done:
		p.exited = true
		p.done <- err // for kill and the others who wait
		return false
	default:
		return true
	}
}

// kill sends SIGKILL (kill -9) and waits for the process to be gone.
func (p *proc) kill() {
	if p.exited {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	p.exited = true
}

// deployment is PostgreSQL with api replicas, controllers and agents,
// each a separate novalite process on loopback.
type deployment struct {
	t           testing.TB
	bin, dsn    string
	apis        []*proc
	controllers []*proc
	agents      map[string]*proc
	agentArgs   []string
	apiArgs     []string
	// commonArgs go to every role (options several roles read, such as
	// --service-down-time).
	commonArgs []string
}

var (
	apiReady        = regexp.MustCompile(`novalite listening on (http://\S+)`)
	agentReady      = regexp.MustCompile(`novalite agent \S+ registered`)
	controllerReady = regexp.MustCompile(`novalite controller started`)
)

// deploy prepares a fresh database (migrate, bootstrap) and starts the
// roles. agentArgs go to every agent (resources, simulated delays).
func deploy(t testing.TB, apis, controllers, agents int, agentArgs ...string) *deployment {
	t.Helper()
	d := &deployment{t: t, bin: binary, dsn: apptest.PostgresDatabase(t), agents: map[string]*proc{}, agentArgs: agentArgs}
	d.start(apis, controllers, agents)
	return d
}

// start prepares d.dsn (migrate, bootstrap) and starts the roles.
func (d *deployment) start(apis, controllers, agents int) {
	t := d.t
	t.Helper()
	run(t, d.bin, "bootstrap", "--database", d.dsn, "--data-dir", t.TempDir(),
		"--admin-password", "admin-pw", "--demo-password", "demo-pw")
	// Few connections each (--database-max-conns 4): eight processes
	// share the test server with the other suites.
	for i := 1; i <= controllers; i++ {
		d.controllers = append(d.controllers, d.startController())
	}
	for i := 1; i <= agents; i++ {
		d.startAgent(fmt.Sprintf("deploy-host-%d", i))
	}
	for i := 1; i <= apis; i++ {
		d.apis = append(d.apis, d.startAPI("127.0.0.1:0"))
	}
}

// startController starts a controller (info logs: leader tells by them).
func (d *deployment) startController() *proc {
	d.t.Helper()
	args := slices.Concat([]string{"controller", "--data-dir", d.t.TempDir(), "--leader-check", "250ms",
		"--log-level", "info", "--database", d.dsn, "--database-max-conns", "4"}, d.commonArgs)
	return start(d.t, d.bin, controllerReady, args...)
}

// startAPI starts an api replica listening on addr.
func (d *deployment) startAPI(addr string) *proc {
	d.t.Helper()
	args := slices.Concat([]string{"api", "--listen", addr, "--data-dir", d.t.TempDir(), "--database", d.dsn,
		"--database-max-conns", "4", "--log-level", "warn"}, d.commonArgs, d.apiArgs)
	return start(d.t, d.bin, apiReady, args...)
}

// startAgent starts (or restarts) the agent of host with its own state dir.
func (d *deployment) startAgent(host string) {
	d.t.Helper()
	args := slices.Concat([]string{"agent", "--host", host, "--data-dir", d.t.TempDir(), "--database", d.dsn,
		"--database-max-conns", "4", "--log-level", "warn"}, d.commonArgs, d.agentArgs)
	d.agents[host] = start(d.t, d.bin, agentReady, args...)
}

// leader is the controller that leads now (nil if none), judged by
// the last leadership line of each.
func (d *deployment) leader() *proc {
	for _, c := range d.controllers {
		out := c.lines()
		if !c.exited && strings.LastIndex(out, "controller leads") > strings.LastIndex(out, "controller stopped leading") {
			return c
		}
	}
	return nil
}
