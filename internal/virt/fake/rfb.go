package fake

import (
	"context"
	"encoding/binary"
	"io"
	"net"

	"novalite"
	"novalite/internal/virt"
)

// The fake's guests have no screen, yet clients test their console code
// against it (Tempest's test_novnc, SDKs): OpenVNC answers with a minimal
// RFB server that completes the handshake as QEMU's does — protocol 3.8
// (3.3 for a client asking for it), security type None, and a ServerInit
// for a 640x480 true-colour screen named after the guest — and then
// reads and ignores what the client sends: it never draws.

// rfbWidth and rfbHeight are the size of the stub's screen.
const rfbWidth, rfbHeight = 640, 480

var _ virt.RemoteConsole = (*Driver)(nil)

// OpenVNC connects to the stub VNC server of a running or paused guest.
func (d *Driver) OpenVNC(ctx context.Context, inst virt.Instance) (net.Conn, error) {
	d.mu.Lock()
	v, ok := d.vms[inst.ID]
	up := ok && (v.power == novalite.PowerRunning || v.power == novalite.PowerPaused)
	d.mu.Unlock()
	if !up {
		return nil, virt.ErrNotFound
	}
	client, server := net.Pipe()
	go func() {
		defer server.Close()
		_ = serveRFB(server, "fake-"+inst.ID)
	}()
	return client, nil
}

// serveRFB speaks the server side of an RFB handshake on c, then drains
// it until the client leaves.
func serveRFB(c net.Conn, name string) error {
	if _, err := io.WriteString(c, "RFB 003.008\n"); err != nil {
		return err
	}
	ver := make([]byte, 12)
	if _, err := io.ReadFull(c, ver); err != nil {
		return err
	}
	if string(ver) == "RFB 003.003\n" {
		// 3.3: the server names the security type, None.
		if _, err := c.Write([]byte{0, 0, 0, 1}); err != nil {
			return err
		}
	} else {
		if _, err := c.Write([]byte{1, 1}); err != nil { // one type: None
			return err
		}
		choice := make([]byte, 1)
		if _, err := io.ReadFull(c, choice); err != nil {
			return err
		}
		if choice[0] != 1 {
			_, err := c.Write(securityFailed("security type not offered"))
			return err
		}
		if _, err := c.Write([]byte{0, 0, 0, 0}); err != nil { // SecurityResult OK
			return err
		}
	}
	if _, err := io.ReadFull(c, make([]byte, 1)); err != nil { // ClientInit
		return err
	}
	if _, err := c.Write(serverInit(rfbWidth, rfbHeight, name)); err != nil {
		return err
	}
	_, err := io.Copy(io.Discard, c)
	return err
}

// serverInit is the ServerInit message in one buffer, so that a relay
// that frames each read as a websocket message sends it whole.
func serverInit(w, h int, name string) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(w))
	b = binary.BigEndian.AppendUint16(b, uint16(h))
	// Pixel format: 32 bits per pixel, depth 24, little-endian, true
	// colour, 8 bits per channel at shifts 16/8/0, 3 bytes of padding.
	b = append(b, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(len(name)))
	return append(b, name...)
}

func securityFailed(reason string) []byte {
	b := binary.BigEndian.AppendUint32(nil, 1)
	b = binary.BigEndian.AppendUint32(b, uint32(len(reason)))
	return append(b, reason...)
}
