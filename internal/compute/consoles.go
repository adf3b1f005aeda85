package compute

import (
	"context"
	"errors"
	"net"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// ConsoleSource reads the console log of a guest from the driver of its
// host. It returns virt.ErrNotFound or virt.ErrUnsupported when the
// guest has no console.
type ConsoleSource interface {
	ConsoleLog(ctx context.Context, host string, inst virt.Instance) (string, error)
	// OpenVNC connects to the guest's VNC server (virt.RemoteConsole).
	OpenVNC(ctx context.Context, host string, inst virt.Instance) (net.Conn, error)
}

// LocalConsoles are the drivers of the hosts run in this process, by host
// name (serve).
type LocalConsoles map[string]virt.Driver

// ConsoleLog asks host's driver in this process.
func (l LocalConsoles) ConsoleLog(ctx context.Context, host string, inst virt.Instance) (string, error) {
	cl, ok := l[host].(virt.ConsoleLogger)
	if !ok {
		return "", virt.ErrUnsupported
	}
	return cl.ConsoleLog(ctx, inst)
}

// OpenVNC connects through host's driver in this process.
func (l LocalConsoles) OpenVNC(ctx context.Context, host string, inst virt.Instance) (net.Conn, error) {
	rc, ok := l[host].(virt.RemoteConsole)
	if !ok {
		return nil, virt.ErrUnsupported
	}
	return rc.OpenVNC(ctx, inst)
}

// errHostDown is Nova's answer when the host of a server must act and its
// compute service is down (compute/api.py check_instance_host with
// check_is_up; exception.ServiceUnavailable).
var errHostDown = novalite.Errorf(novalite.Conflict, "Service is unavailable at this time.")

// HostCalls reach the agents of other processes through the database: a
// call row the host's agent answers (docs/host-calls.md says why not an
// HTTP endpoint on each agent).
type HostCalls struct {
	DB *store.DB
	// Timeout bounds the wait for an answer (default 10 s); a host that
	// does not answer within it is unavailable.
	Timeout time.Duration
	// DownAfter is service_down_time: a host whose heartbeat is older is
	// not asked at all (default DefaultServiceDownTime).
	DownAfter time.Duration
	// Poll is how often the caller looks for the answer (default 10 ms).
	Poll time.Duration
	Now  func() time.Time
}

// ConsoleLog asks host's agent for inst's console log and waits for the
// answer.
func (h *HostCalls) ConsoleLog(ctx context.Context, host string, inst virt.Instance) (string, error) {
	c, err := h.call(ctx, store.HostCall{Host: host, Kind: novalite.HostCallConsoleLog, InstanceUUID: inst.ID})
	if err != nil {
		return "", err
	}
	return c.Result, callErr(c.Error)
}

// callErr is the error of an answer's code.
func callErr(code string) error {
	switch code {
	case "":
		return nil
	case novalite.HostCallNotFound:
		return virt.ErrNotFound
	case novalite.HostCallUnsupported:
		return virt.ErrUnsupported
	}
	return errors.New(code)
}

// call records c for its host (unless the host is down), waits for the
// agent's answer and removes the call.
func (h *HostCalls) call(ctx context.Context, c store.HostCall) (store.HostCall, error) {
	return h.callWithin(ctx, c, orDefault(h.Timeout, 10*time.Second))
}

// callWithin is call waiting up to timeout for the answer.
func (h *HostCalls) callWithin(ctx context.Context, c store.HostCall, timeout time.Duration) (store.HostCall, error) {
	now, poll, downAfter := time.Now, h.Poll, h.DownAfter
	if h.Now != nil {
		now = h.Now
	}
	poll, downAfter = orDefault(poll, 10*time.Millisecond), orDefault(downAfter, DefaultServiceDownTime)
	c.CreatedAt = now().UTC()
	var id int64
	err := h.DB.Tx(ctx, func(tx *store.Tx) error {
		n, err := tx.ComputeNodeGet(ctx, c.Host)
		if err != nil {
			return err
		}
		if n.ForcedDown || c.CreatedAt.Sub(n.HeartbeatAt) > downAfter {
			return errHostDown
		}
		tx.NotifyHostOnCommit(c.Host)
		id, err = tx.HostCallInsert(ctx, c)
		return err
	})
	if err != nil {
		return c, err
	}
	defer func() {
		dctx := context.WithoutCancel(ctx)
		_ = h.DB.Tx(dctx, func(tx *store.Tx) error { return tx.HostCallDelete(dctx, id) })
	}()
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		var got store.HostCall
		if err := h.DB.View(wctx, func(tx *store.Tx) error {
			var err error
			got, err = tx.HostCallGet(wctx, id)
			return err
		}); err == nil && got.Answered {
			return got, nil
		}
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return c, ctx.Err()
			}
			return c, errHostDown // the host did not answer in time
		case <-t.C:
		}
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
