package agent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"sync"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// Remote consoles relayed for an API of another process (the relay's
// side is compute.HostCalls.OpenVNC; docs/host-calls.md): a vnc_open call
// connects to the guest's VNC server and answers a session id, and each
// vnc_io call writes the client's bytes to the guest and answers with
// what the guest sent since.
const (
	// consoleWait is how long an I/O call waits for guest output when
	// there is none yet: the pace of an idle session's calls.
	consoleWait = 100 * time.Millisecond
	// consoleIdle ends a session whose relay stopped calling (its API
	// process died).
	consoleIdle = 30 * time.Second
	// consoleMaxAnswer bounds the bytes one answer carries.
	consoleMaxAnswer = 1 << 20
)

// answering is the set of host calls being answered, and of those
// answered lately. A wake-up lists the open calls from a snapshot that may
// predate an answer committed since: a call whose answer was just written
// must not be taken again, or a console's bytes would be relayed twice (or
// a volume plugged twice). Answered ids are kept for callKeep, after which
// the caller has read or dropped the call.
type answering struct {
	mu   sync.Mutex
	ids  map[int64]bool
	done map[int64]time.Time
}

func (s *answering) claim(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, answered := s.done[id]; s.ids[id] || answered {
		return false
	}
	if s.ids == nil {
		s.ids = map[int64]bool{}
	}
	s.ids[id] = true
	return true
}

// release ends the answering of id, marks it answered at now when its
// answer was written, and forgets the calls answered more than callKeep
// before.
func (s *answering) release(id int64, answered bool, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, id)
	if !answered {
		return
	}
	if s.done == nil {
		s.done = map[int64]time.Time{}
	}
	s.done[id] = now
	for d, at := range s.done {
		if now.Sub(at) > callKeep {
			delete(s.done, d)
		}
	}
}

// consoleSessions are the open console sessions, by id.
type consoleSessions struct {
	mu sync.Mutex
	m  map[string]*consoleSession
}

// consoleSession is one guest connection and what it sent that the relay
// has not taken yet.
type consoleSession struct {
	conn   net.Conn
	mu     sync.Mutex
	out    []byte
	ended  bool          // the guest closed its side
	more   chan struct{} // signalled when out grows or the guest ends
	called time.Time     // last I/O call
}

func (a *Agent) openConsole(ctx context.Context, c store.HostCall) (string, string) {
	// The timeout bounds the dial only: the connection outlives it.
	conn, code := askDriver(ctx, a, c, virt.RemoteConsole.OpenVNC)
	if code != "" {
		return "", code
	}
	s := &consoleSession{conn: conn, more: make(chan struct{}, 1), called: time.Now()}
	id := uuid.NewString()
	a.consoles.mu.Lock()
	if a.consoles.m == nil {
		a.consoles.m = map[string]*consoleSession{}
	}
	a.consoles.m[id] = s
	a.consoles.mu.Unlock()
	go s.read()
	go a.expire(id, s)
	return id, ""
}

// read takes the guest's output into s.out until the guest closes.
func (s *consoleSession) read() {
	b := make([]byte, 32<<10)
	for {
		n, err := s.conn.Read(b)
		s.mu.Lock()
		s.out = append(s.out, b[:n]...)
		s.ended = err != nil
		s.mu.Unlock()
		select {
		case s.more <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// expire ends the session once no I/O call came for consoleIdle.
func (a *Agent) expire(id string, s *consoleSession) {
	for {
		s.mu.Lock()
		idle := time.Since(s.called)
		s.mu.Unlock()
		if idle >= consoleIdle {
			a.endConsole(id)
			return
		}
		time.Sleep(consoleIdle - idle)
	}
}

func (a *Agent) endConsole(id string) {
	a.consoles.mu.Lock()
	s := a.consoles.m[id]
	delete(a.consoles.m, id)
	a.consoles.mu.Unlock()
	if s != nil {
		s.conn.Close()
	}
}

// consoleIO writes the client's bytes to the guest and answers with the
// guest's output, waiting up to consoleWait for some.
func (a *Agent) consoleIO(c store.HostCall) (string, string) {
	var io novalite.VNCIO
	if err := json.Unmarshal([]byte(c.Args), &io); err != nil {
		return "", err.Error()
	}
	a.consoles.mu.Lock()
	s := a.consoles.m[io.Session]
	a.consoles.mu.Unlock()
	if s == nil {
		return "", novalite.HostCallClosed
	}
	if io.Close {
		a.endConsole(io.Session)
		return "", ""
	}
	s.mu.Lock()
	s.called = time.Now()
	s.mu.Unlock()
	if len(io.Data) > 0 {
		_ = s.conn.SetWriteDeadline(time.Now().Add(callTimeout))
		if _, err := s.conn.Write(io.Data); err != nil {
			a.endConsole(io.Session)
			return "", novalite.HostCallClosed
		}
	}
	s.mu.Lock()
	empty := len(s.out) == 0 && !s.ended
	s.mu.Unlock()
	if empty {
		t := time.NewTimer(consoleWait)
		select {
		case <-s.more:
		case <-t.C:
		}
		t.Stop()
	}
	s.mu.Lock()
	n := min(len(s.out), consoleMaxAnswer)
	out, ended := s.out[:n:n], s.ended && n == len(s.out)
	s.out = s.out[n:]
	s.mu.Unlock()
	if len(out) == 0 && ended {
		a.endConsole(io.Session)
		return "", novalite.HostCallClosed
	}
	return base64.StdEncoding.EncodeToString(out), ""
}
