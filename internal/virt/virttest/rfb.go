package virttest

import (
	"encoding/binary"
	"fmt"
	"io"
)

// RFBScreen is what a VNC server's ServerInit says of its screen.
type RFBScreen struct {
	Width, Height int
	BitsPerPixel  int
	Name          string
}

// RFBHandshake runs the client side of an RFB 3.8 handshake on c, as a
// VNC viewer does: ProtocolVersion, the security types (None must be
// offered, and is chosen), SecurityResult, ClientInit (shared) and the
// ServerInit it returns.
func RFBHandshake(c io.ReadWriter) (RFBScreen, error) {
	var s RFBScreen
	ver := make([]byte, 12)
	if _, err := io.ReadFull(c, ver); err != nil {
		return s, fmt.Errorf("ProtocolVersion: %w", err)
	}
	if string(ver[:4]) != "RFB " || ver[11] != '\n' {
		return s, fmt.Errorf("ProtocolVersion %q", ver)
	}
	if _, err := io.WriteString(c, "RFB 003.008\n"); err != nil {
		return s, err
	}
	n := make([]byte, 1)
	if _, err := io.ReadFull(c, n); err != nil {
		return s, fmt.Errorf("security types: %w", err)
	}
	if n[0] == 0 {
		return s, fmt.Errorf("server refused the connection: %s", readReason(c))
	}
	types := make([]byte, n[0])
	if _, err := io.ReadFull(c, types); err != nil {
		return s, fmt.Errorf("security types: %w", err)
	}
	none := false
	for _, t := range types {
		none = none || t == 1
	}
	if !none {
		return s, fmt.Errorf("security types %v lack None (1)", types)
	}
	if _, err := c.Write([]byte{1}); err != nil {
		return s, err
	}
	res := make([]byte, 4)
	if _, err := io.ReadFull(c, res); err != nil {
		return s, fmt.Errorf("SecurityResult: %w", err)
	}
	if binary.BigEndian.Uint32(res) != 0 {
		return s, fmt.Errorf("SecurityResult failed: %s", readReason(c))
	}
	if _, err := c.Write([]byte{1}); err != nil { // ClientInit, shared
		return s, err
	}
	init := make([]byte, 24)
	if _, err := io.ReadFull(c, init); err != nil {
		return s, fmt.Errorf("ServerInit: %w", err)
	}
	s.Width, s.Height = int(binary.BigEndian.Uint16(init[0:])), int(binary.BigEndian.Uint16(init[2:]))
	s.BitsPerPixel = int(init[4])
	name := make([]byte, binary.BigEndian.Uint32(init[20:]))
	if _, err := io.ReadFull(c, name); err != nil {
		return s, fmt.Errorf("ServerInit name: %w", err)
	}
	s.Name = string(name)
	return s, nil
}

func readReason(c io.Reader) string {
	l := make([]byte, 4)
	if _, err := io.ReadFull(c, l); err != nil {
		return "(no reason)"
	}
	b := make([]byte, min(binary.BigEndian.Uint32(l), 1<<10))
	_, _ = io.ReadFull(c, b)
	return string(b)
}
