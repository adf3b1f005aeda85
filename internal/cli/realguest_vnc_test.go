//go:build guests

package cli_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/remoteconsoles"

	"novalite/internal/virt/virttest"
)

// TestRealGuestVNC opens the noVNC console of a real QEMU guest as a
// client does: the URL from remote-consoles, the websocket its path
// parameter names, and an RFB 3.8 handshake with QEMU's VNC server
// through novalite's proxy, whose ServerInit gives the guest's screen
// (named by QEMU after the guest's -name, Nova's instance name).
func TestRealGuestVNC(t *testing.T) {
	t.Parallel()
	c := guestCloud(t, "--shutdown-timeout", "10s")
	id := c.boot("vnc1", "")
	c.wait(id, "ACTIVE")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c.compute.Microversion = "2.6"
	rc, err := remoteconsoles.Create(ctx, c.compute, id, remoteconsoles.CreateOpts{
		Protocol: remoteconsoles.ConsoleProtocolVNC, Type: remoteconsoles.ConsoleTypeNoVNC}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(rc.URL)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ws, _, err := websocket.Dial(ctx, "ws://"+u.Host+"/"+u.Query().Get("path"),
		&websocket.DialOptions{Subprotocols: []string{"binary"}})
	if err != nil {
		t.Fatalf("websocket of %s: %v", rc.URL, err)
	}
	defer ws.CloseNow()
	screen, err := virttest.RFBHandshake(websocket.NetConn(ctx, ws, websocket.MessageBinary))
	if err != nil {
		t.Fatalf("RFB handshake with QEMU: %v", err)
	}
	t.Logf("websocket + RFB handshake with QEMU: %v; ServerInit %+v", time.Since(start).Round(time.Millisecond), screen)
	if screen.Width == 0 || screen.Height == 0 || screen.BitsPerPixel == 0 || !strings.HasPrefix(screen.Name, "QEMU (instance-") {
		t.Errorf("ServerInit %+v: want the guest's screen, named after it", screen)
	}
}
