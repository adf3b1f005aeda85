package qemu

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// qmpRun runs one QMP command on the guest and decodes its "return"
// into out (if not nil). QEMU takes one QMP client at a time; the
// driver holds the guest's lock, so each call has the socket to itself.
//
// The protocol is JSON lines (a greeting, then per command its reply,
// with events in between), read here rather than through go-qemu's
// SocketMonitor: that one hands a command its reply as the scanner's
// own buffer, which the next line (an event such as DEVICE_DELETED
// during a detach) can overwrite before the reply is decoded ("cannot
// unmarshal object into []struct", TestContract in make test).
func (g *guest) qmpRun(ctx context.Context, command string, args any, out any) error {
	if err := QMP(ctx, g.qmpSocket(), command, args, out); err != nil {
		return fmt.Errorf("qmp %s: %w", command, err)
	}
	return nil
}

// qmpMessage is any line QEMU writes on the socket.
type qmpMessage struct {
	Greeting json.RawMessage `json:"QMP"`
	Return   json.RawMessage `json:"return"`
	Error    *struct {
		Class string `json:"class"`
		Desc  string `json:"desc"`
	} `json:"error"`
	Event string `json:"event"`
}

// QMP runs one command on the QMP socket at socket (a session of its
// own: greeting, capabilities, the command) and decodes its "return"
// into out (if not nil). The real-guest tests query their guests with it.
func QMP(ctx context.Context, socket, command string, args, out any) error {
	d := net.Dialer{Timeout: 5 * time.Second}
	c, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return err
	}
	defer c.Close()
	// A cancelled call unblocks its read or write at once.
	defer context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })()
	r := bufio.NewReader(c)
	if m, err := qmpRead(r); err != nil {
		return err
	} else if m.Greeting == nil {
		return errors.New("no QMP greeting")
	}
	if _, err := qmpExecute(c, r, "qmp_capabilities", nil); err != nil {
		return err
	}
	ret, err := qmpExecute(c, r, command, args)
	if err != nil || out == nil {
		return err
	}
	return json.Unmarshal(ret, out)
}

// qmpExecute sends one command and returns its reply's "return", passing
// over the events QEMU writes meanwhile.
func qmpExecute(w io.Writer, r *bufio.Reader, command string, args any) (json.RawMessage, error) {
	b, err := json.Marshal(struct {
		Execute   string `json:"execute"`
		Arguments any    `json:"arguments,omitempty"`
	}{command, args})
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return nil, err
	}
	for {
		m, err := qmpRead(r)
		switch {
		case err != nil:
			return nil, err
		case m.Event != "":
			continue
		case m.Error != nil:
			return nil, errors.New(m.Error.Desc)
		}
		return m.Return, nil
	}
}

// qmpRead reads one line into a message of its own (json.RawMessage
// copies what it keeps, so no later read changes it).
func qmpRead(r *bufio.Reader) (qmpMessage, error) {
	var m qmpMessage
	line, err := r.ReadBytes('\n')
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(line, &m)
}

// status is QMP query-status's run state ("running", "paused", …).
func (g *guest) status(ctx context.Context) (string, error) {
	var st struct {
		Status string `json:"status"`
	}
	err := g.qmpRun(ctx, "query-status", nil, &st)
	return st.Status, err
}
