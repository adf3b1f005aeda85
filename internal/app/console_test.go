package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"novalite/internal/app/apptest"
	"novalite/internal/compute"
	"novalite/internal/store"
	"novalite/internal/virt/virttest"
)

// consoleURL asks for a noVNC console of server id through one of the
// two entry points and returns its URL.
func (b *bundle) consoleURL(t *testing.T, token, id string, remote bool) string {
	t.Helper()
	var resp = b.srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers/" + id + "/action", Token: token,
		Body: map[string]any{"os-getVNCConsole": map[string]any{"type": "novnc"}}})
	key := "console"
	if remote {
		resp = b.srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers/" + id + "/remote-consoles", Token: token,
			Body:    map[string]any{"remote_console": map[string]any{"protocol": "vnc", "type": "novnc"}},
			Headers: map[string]string{"OpenStack-API-Version": "compute 2.6"}})
		key = "remote_console"
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("console: %d %s", resp.Status, resp.Body)
	}
	return resp.JSON(t)[key].(map[string]any)["url"].(string)
}

// setClock moves the compute clock's offset to d where the app keeps it,
// the database: the app reloads the offset from there every second, so a
// Set on its Clock alone was undone, at random, before the next request.
func (b *bundle) setClock(t *testing.T, d time.Duration) {
	t.Helper()
	ctx := context.Background()
	if err := b.srv.App.DB.Tx(ctx, func(tx *store.Tx) error {
		cur, err := tx.ClockOffset(ctx)
		if err != nil {
			return err
		}
		_, err = tx.ClockAdvance(ctx, d-cur)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	b.srv.App.Clock.Set(d)
}

// dialConsole opens the websocket a console URL names, as Tempest and
// noVNC do: ws://<host>/<path parameter>.
func dialConsole(ctx context.Context, consoleURL string) (*websocket.Conn, *http.Response, error) {
	u, err := url.Parse(consoleURL)
	if err != nil {
		return nil, nil, err
	}
	ws := "ws://" + u.Host + "/" + u.Query().Get("path")
	return websocket.Dial(ctx, ws, &websocket.DialOptions{Subprotocols: []string{"binary"}})
}

// consoleToken is the token in a console URL.
func consoleToken(t *testing.T, consoleURL string) string {
	u, _ := url.Parse(consoleURL)
	p, err := url.Parse("/" + u.Query().Get("path"))
	if err != nil {
		t.Fatal(err)
	}
	return p.Query().Get("token")
}

// TestNoVNCConsole gets a console URL from each entry point, loads its
// page, completes an RFB handshake with the guest (the fake driver's
// stub VNC server) through the websocket, and checks the token with
// os-console-auth-tokens; then the refusals: another project's server,
// a forged token, and the token once its ten minutes are over.
func TestNoVNCConsole(t *testing.T) {
	t.Parallel()
	for _, remote := range []bool{false, true} {
		name := map[bool]string{false: "os-getVNCConsole", true: "remote-consoles"}[remote]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			id := b.create(t, nil)
			b.wait(t, id, "ACTIVE", status("ACTIVE"))
			before := time.Now()
			u := b.consoleURL(t, b.demo, id, remote)
			after := time.Now() // the token was made between the two
			if !strings.HasPrefix(u, b.srv.URL+"/novnc/vnc_auto.html?path=novnc%2Fwebsockify%3Ftoken%3D") {
				t.Fatalf("console URL %s", u)
			}
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(page), "noVNC") || !strings.Contains(string(page), "<script") {
				t.Errorf("console page: %d %s", resp.StatusCode, page)
			}

			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			ws, _, err := dialConsole(ctx, u)
			if err != nil {
				t.Fatalf("websocket: %v", err)
			}
			screen, err := virttest.RFBHandshake(websocket.NetConn(ctx, ws, websocket.MessageBinary))
			if err != nil {
				t.Fatalf("RFB handshake: %v", err)
			}
			if screen.Width != 640 || screen.Height != 480 || screen.Name != "fake-"+id {
				t.Errorf("ServerInit %+v", screen)
			}
			ws.CloseNow()

			token := consoleToken(t, u)
			check := func(tok, mv, caller string, want int) map[string]any {
				t.Helper()
				resp := b.srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/os-console-auth-tokens/" + tok, Token: caller,
					Headers: map[string]string{"OpenStack-API-Version": "compute " + mv}})
				if resp.Status != want {
					t.Fatalf("os-console-auth-tokens at %s: %d %s, want %d", mv, resp.Status, resp.Body, want)
				}
				return resp.JSON(t)
			}
			c := check(token, "2.31", b.admin, 200)["console"].(map[string]any)
			if c["instance_uuid"] != id || c["host"] != "novalite-compute-1" {
				t.Errorf("token shows %v", c)
			}
			if _, ok := check(token, "2.99", b.admin, 200)["console"].(map[string]any)["tls_port"]; !ok {
				t.Errorf("no tls_port at 2.99")
			}
			check(token, "2.30", b.admin, 401) // RDP tokens only before 2.31
			check(token, "2.31", b.demo, 403)
			check("bad"+token, "2.31", b.admin, 404)

			// Another project's server is not found, as in every server call.
			other, _ := b.srv.NewMember("console-other")
			if r := b.srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers/" + id + "/action", Token: other,
				Body: map[string]any{"os-getVNCConsole": map[string]any{"type": "novnc"}}}); r.Status != 404 {
				t.Errorf("other project's console: %d %s", r.Status, r.Body)
			}
			if _, resp, err := dialConsole(ctx, strings.Replace(u, "token%3D", "token%3Dbad", 1)); err == nil || resp == nil ||
				resp.StatusCode != http.StatusForbidden {
				t.Errorf("forged token: %v %v", resp, err)
			}

			// Nova's token_ttl: valid half a minute before ten minutes
			// (a margin for a loaded machine's slow requests), gone at them.
			b.setClock(t, before.Add(compute.ConsoleTokenTTL-30*time.Second).Sub(time.Now()))
			check(token, "2.31", b.admin, 200)
			b.setClock(t, after.Add(compute.ConsoleTokenTTL).Sub(time.Now()))
			check(token, "2.31", b.admin, 404)
			if _, resp, err := dialConsole(ctx, u); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Errorf("expired token: %v %v", resp, err)
			}
		})
	}
}

// TestConsoleTokenGoesWithTheServer: a console token of a deleted server
// is invalid at once (Nova cleans a server's console tokens when it
// deletes it), not ten minutes later.
func TestConsoleTokenGoesWithTheServer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, nil)
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
	u := b.consoleURL(t, b.demo, id, false)
	show := func() int {
		return b.srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/os-console-auth-tokens/" + consoleToken(t, u), Token: b.admin,
			Headers: map[string]string{"OpenStack-API-Version": "compute 2.31"}}).Status
	}
	if got := show(); got != http.StatusOK {
		t.Fatalf("token of a live server: %d, want 200", got)
	}
	b.deleteServer(t, id)
	if got := show(); got != http.StatusNotFound {
		t.Errorf("token of a deleted server: %d, want 404", got)
	}
}
