package compute

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// A remote console across processes (docs/host-calls.md): the agent that
// owns the guest connects to its VNC server when asked (HostCallVNCOpen,
// answered with a session id), and from then on the API's relay carries
// the bytes both ways in host calls (HostCallVNCIO): each call takes what
// the client sent since the last one and brings back what the guest sent,
// the agent waiting a little for output when it has none so that an idle
// console costs a few calls a second. The calls are made one at a time,
// which keeps the bytes of each direction in order.
// OpenVNC asks host's agent to connect to inst's VNC server and returns
// the client's end of a relay to it.
func (h *HostCalls) OpenVNC(ctx context.Context, host string, inst virt.Instance) (net.Conn, error) {
	c, err := h.call(ctx, store.HostCall{Host: host, Kind: novalite.HostCallVNCOpen, InstanceUUID: inst.ID})
	if err != nil {
		return nil, err
	}
	if err := callErr(c.Error); err != nil {
		return nil, err
	}
	client, relay := net.Pipe()
	go h.relay(host, inst.ID, c.Result, relay)
	return client, nil
}

// relay carries bytes between conn (the client's pipe) and the agent's
// session until either side ends.
func (h *HostCalls) relay(host, instance, session string, conn net.Conn) {
	defer conn.Close()
	done := make(chan struct{})
	defer close(done)
	in := make(chan []byte)
	go func() {
		defer close(in)
		for {
			b := make([]byte, 32<<10)
			n, err := conn.Read(b)
			if n > 0 {
				select {
				case in <- b[:n]:
				case <-done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	ctx := context.Background()
	for {
		io := novalite.VNCIO{Session: session}
	gather: // what the client sent meanwhile, without waiting for more
		for {
			select {
			case b, ok := <-in:
				if !ok {
					io.Close = true
					break gather
				}
				io.Data = append(io.Data, b...)
			default:
				break gather
			}
		}
		args, _ := json.Marshal(io)
		c, err := h.call(ctx, store.HostCall{Host: host, Kind: novalite.HostCallVNCIO, InstanceUUID: instance, Args: string(args)})
		if err != nil || c.Error != "" || io.Close {
			return
		}
		out, err := base64.StdEncoding.DecodeString(c.Result)
		if err != nil {
			return
		}
		if len(out) > 0 {
			if _, err := conn.Write(out); err != nil {
				// The client left: tell the agent on the next call.
				_ = h.closeSession(ctx, host, instance, session)
				return
			}
		}
	}
}

func (h *HostCalls) closeSession(ctx context.Context, host, instance, session string) error {
	args, _ := json.Marshal(novalite.VNCIO{Session: session, Close: true})
	_, err := h.call(ctx, store.HostCall{Host: host, Kind: novalite.HostCallVNCIO, InstanceUUID: instance, Args: string(args)})
	return err
}
