package qemu

import (
	"context"
	"net"

	"novalite/internal/virt"
)

// OpenVNC connects to the guest's VNC server, QEMU's -vnc unix socket in
// the instance directory. A guest that does not run has no such server.
func (d *Driver) OpenVNC(ctx context.Context, inst virt.Instance) (net.Conn, error) {
	g, err := d.guest(inst)
	if err != nil {
		return nil, err
	}
	if g.pid() == 0 {
		return nil, virt.ErrNotFound
	}
	var dl net.Dialer
	c, err := dl.DialContext(ctx, "unix", g.vncSocket())
	if err != nil {
		return nil, virt.ErrNotFound // stopped between the check and the dial
	}
	return c, nil
}
