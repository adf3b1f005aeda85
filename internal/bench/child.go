package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"syscall"
	"time"
)

// child is a process the harness started: serve, a role, or the trivial
// handler.
type child struct {
	cmd  *exec.Cmd
	url  string // base URL it listens on, if it listens
	proc proc
	done chan error
}

// Lines the children print once they are ready: serve, api and
// bench-trivial the URL they answer on.
var (
	listening       = regexp.MustCompile(`listening on (http://[0-9.:]+)`)
	agentReady      = regexp.MustCompile(`novalite agent \S+ registered`)
	controllerReady = regexp.MustCompile(`novalite controller started`)
)

// startChild runs exe with args and waits until it prints a line that
// ready matches (its first group, if any, is the URL it listens on); its
// stderr goes to logw.
func startChild(ctx context.Context, exe string, args []string, ready *regexp.Regexp, logw io.Writer) (*child, error) {
	cmd := exec.Command(exe, args...)
	cmd.Stderr = logw
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, proc: proc{cmd.Process.Pid}, done: make(chan error, 1)}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[len(m)-1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
		c.done <- cmd.Wait()
	}()
	select {
	case u := <-urls:
		if ready.NumSubexp() > 0 {
			c.url = u
		}
		return c, nil
	case err := <-c.done:
		return nil, fmt.Errorf("%s %v exited before it was ready: %v", exe, args[0], err)
	case <-time.After(2 * time.Minute):
	case <-ctx.Done():
	}
	c.stop()
	return nil, errors.New("child did not get ready")
}

// stop asks the process to shut down (SIGTERM), then kills it after 15 s.
func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}
