package compute

import (
	"context"
	"encoding/json"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// HostDiagnostics measure a running guest on its host (virt.Diagnoser):
// the drivers of this process (serve) or the agents of other processes
// through host calls. ErrUnsupported when the driver measures nothing.
type HostDiagnostics interface {
	Diagnostics(ctx context.Context, host string, inst virt.Instance) (virt.Diagnostics, error)
}

// Diagnostics asks host's driver in this process.
func (l LocalConsoles) Diagnostics(ctx context.Context, host string, inst virt.Instance) (virt.Diagnostics, error) {
	dg, ok := l[host].(virt.Diagnoser)
	if !ok {
		return virt.Diagnostics{}, virt.ErrUnsupported
	}
	// A driver busy with the guest (a snapshot holds it) makes the
	// request wait no longer than ctx: the answer arrives unread.
	type answer struct {
		d   virt.Diagnostics
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		d, err := dg.Diagnostics(ctx, inst)
		ch <- answer{d, err}
	}()
	select {
	case a := <-ch:
		return a.d, a.err
	case <-ctx.Done():
		return virt.Diagnostics{}, ctx.Err()
	}
}

// diagnosticsTimeout: a few QMP questions; an agent that does not answer
// meanwhile leaves the counters unknown.
const diagnosticsTimeout = 5 * time.Second

// Diagnostics asks host's agent to measure inst.
func (h *HostCalls) Diagnostics(ctx context.Context, host string, inst virt.Instance) (virt.Diagnostics, error) {
	var d virt.Diagnostics
	c, err := h.callWithin(ctx, store.HostCall{Host: host, Kind: novalite.HostCallDiagnostics, InstanceUUID: inst.ID},
		min(orDefault(h.Timeout, diagnosticsTimeout), diagnosticsTimeout))
	if err != nil {
		return d, err
	}
	if err := callErr(c.Error); err != nil {
		return d, err
	}
	return d, json.Unmarshal([]byte(c.Result), &d)
}
