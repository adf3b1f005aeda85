package qemu

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
)

// qmpRun runs one QMP command on the guest and decodes its "return"
// into out (if not nil). QEMU takes one QMP client at a time; the
// driver holds the guest's lock, so each call has the socket to itself.
func (g *guest) qmpRun(ctx context.Context, command string, args any, out any) error {
	mon, err := qmp.NewSocketMonitor("unix", g.qmpSocket(), 5*time.Second)
	if err != nil {
		return fmt.Errorf("qmp %s: %w", command, err)
	}
	if err := mon.Connect(); err != nil {
		return fmt.Errorf("qmp %s: %w", command, err)
	}
	defer mon.Disconnect()
	cmd := qmp.Command{Execute: command, Args: args}
	b, err := json.Marshal(cmd)
	if err != nil {
		return err
	}
	type reply struct {
		raw []byte
		err error
	}
	done := make(chan reply, 1)
	go func() {
		raw, err := mon.Run(b)
		done <- reply{raw, err}
	}()
	var r reply
	select {
	case r = <-done:
	case <-ctx.Done():
		mon.Disconnect() // unblocks Run
		return fmt.Errorf("qmp %s: %w", command, ctx.Err())
	}
	if r.err != nil {
		return fmt.Errorf("qmp %s: %w", command, r.err)
	}
	if out == nil {
		return nil
	}
	var resp struct {
		Return json.RawMessage `json:"return"`
	}
	if err := json.Unmarshal(r.raw, &resp); err != nil {
		return fmt.Errorf("qmp %s: %w", command, err)
	}
	return json.Unmarshal(resp.Return, out)
}

// status is QMP query-status's run state ("running", "paused", …).
func (g *guest) status(ctx context.Context) (string, error) {
	var st struct {
		Status string `json:"status"`
	}
	err := g.qmpRun(ctx, "query-status", nil, &st)
	return st.Status, err
}
