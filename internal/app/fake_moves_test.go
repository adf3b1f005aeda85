package app_test

import (
	"net/http"
	"strings"
	"testing"

	"novalite/internal/config"
)

// TestFakeGuestFollowsMoves: with two simulated hosts in one process, a
// guest resized or migrated to the other host is that host's guest
// afterwards (its console log answers there, with the move in it), and
// a revert hands it back, as a real hypervisor's guest would be.
func TestFakeGuestFollowsMoves(t *testing.T) {
	t.Parallel()
	b, id, from := bootOnTwoHosts(t)
	console := func(want string) {
		t.Helper()
		r := b.do("POST", "/servers/"+id+"/action", b.admin, map[string]any{"os-getConsoleOutput": map[string]any{}})
		if r.Status != http.StatusOK {
			t.Fatalf("console output: %d %s", r.Status, r.Body)
		}
		if out, _ := r.JSON(t)["output"].(string); !strings.Contains(out, want) {
			t.Fatalf("console output lacks %q:\n%s", want, out)
		}
	}
	onOther := func(s map[string]any) bool { return s["OS-EXT-SRV-ATTR:host"] != from }
	for _, c := range []struct {
		name   string
		revert bool
	}{{"resize, revert", true}, {"resize, confirm", false}} {
		done := map[string]any{"confirmResize": nil}
		if c.revert {
			done = map[string]any{"revertResize": nil}
		}
		if r := b.do("POST", "/servers/"+id+"/action", b.admin, map[string]any{"resize": map[string]any{"flavorRef": "2"}}); r.Status != http.StatusAccepted {
			t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
		}
		s := b.wait(t, id, "VERIFY_RESIZE", func(s map[string]any) bool { return status("VERIFY_RESIZE")(s) && onOther(s) })
		to := s["OS-EXT-SRV-ATTR:host"].(string)
		console("migrated to " + to)
		if r := b.do("POST", "/servers/"+id+"/action", b.admin, done); r.Status != http.StatusAccepted && r.Status != http.StatusNoContent {
			t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
		}
		s = b.wait(t, id, "ACTIVE", status("ACTIVE"))
		if c.revert {
			if s["OS-EXT-SRV-ATTR:host"] != from {
				t.Fatalf("%s: on %v, want %s", c.name, s["OS-EXT-SRV-ATTR:host"], from)
			}
			console("migrated to " + from)
		} else {
			console("migrated to " + to)
		}
	}
}

// bootOnTwoHosts starts novalite with two simulated hosts and boots a
// server without networks; it returns the server's id and its host.
func bootOnTwoHosts(t *testing.T) (b *bundle, id, host string) {
	t.Helper()
	b = setup(t, func(c *config.Config) { c.Hosts = 2 })
	id = b.create(t, map[string]any{"networks": "none"})
	s := b.wait(t, id, "ACTIVE", status("ACTIVE"))
	return b, id, s["OS-EXT-SRV-ATTR:host"].(string)
}
