package compute_test

import (
	"net/http"
	"testing"

	"novalite/internal/app/apptest"
)

// addFixedIp/removeFixedIp answer 202 up to 2.43 and 404 from 2.44;
// resetNetwork is 410 at every version, whatever the server.
func TestMultinicAndResetNetwork(t *testing.T) {
	t.Parallel()
	b := setup(t)
	nets := b.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/networks?name=private", Token: b.demo}).JSON(t)["networks"].([]any)
	netID := nets[0].(map[string]any)["id"].(string)
	id := b.create(t, b.demo, "multi", map[string]any{"networks": []any{map[string]any{"uuid": netID}}})
	b.launch(t, id)
	fixed := func() []string {
		ports := b.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/ports?device_id=" + id, Token: b.demo}).JSON(t)["ports"].([]any)
		var out []string
		for _, p := range ports {
			for _, ip := range p.(map[string]any)["fixed_ips"].([]any) {
				out = append(out, ip.(map[string]any)["ip_address"].(string))
			}
		}
		return out
	}
	before := fixed()
	act := func(tok, mv string, body map[string]any) (int, string) {
		return fault(t, b.do("POST", "/servers/"+id+"/action", tok, mv, body))
	}
	if st, msg := act(b.demo, "2.44", map[string]any{"addFixedIp": map[string]any{"networkId": netID}}); st != 404 {
		t.Errorf("addFixedIp at 2.44: %d %s", st, msg)
	}
	if st, msg := act(b.demo, "2.43", map[string]any{"addFixedIp": map[string]any{"networkId": netID}}); st != http.StatusAccepted {
		t.Fatalf("addFixedIp: %d %s", st, msg)
	}
	after := fixed()
	if len(after) != len(before)+1 {
		t.Fatalf("addresses %v after addFixedIp, were %v", after, before)
	}
	added := ""
	for _, a := range after {
		seen := false
		for _, x := range before {
			seen = seen || x == a
		}
		if !seen {
			added = a
		}
	}
	// An unknown network is the host's failure, not the API's.
	if st, msg := act(b.demo, "2.1", map[string]any{"addFixedIp": map[string]any{"networkId": "nope"}}); st != http.StatusAccepted {
		t.Errorf("addFixedIp unknown network: %d %s", st, msg)
	}
	if st, msg := act(b.demo, "2.1", map[string]any{"addFixedIp": map[string]any{}}); st != 400 ||
		msg != "Invalid input for field/attribute addFixedIp. Value: {}. 'networkId' is a required property" {
		t.Errorf("addFixedIp without networkId: %d %q", st, msg)
	}
	if st, msg := act(b.demo, "2.1", map[string]any{"removeFixedIp": map[string]any{"address": added}}); st != http.StatusAccepted {
		t.Fatalf("removeFixedIp: %d %s", st, msg)
	}
	if got := fixed(); len(got) != len(before) {
		t.Errorf("addresses %v after removeFixedIp %s", got, added)
	}
	if st, msg := act(b.demo, "2.44", map[string]any{"removeFixedIp": map[string]any{"address": added}}); st != 404 {
		t.Errorf("removeFixedIp at 2.44: %d %s", st, msg)
	}
	// A locked server: 409 for its owner.
	b.lockAs(t, b.admin, id)
	if st, msg := act(b.demo, "2.1", map[string]any{"addFixedIp": map[string]any{"networkId": netID}}); st != 409 ||
		msg != "Instance "+id+" is locked" {
		t.Errorf("locked: %d %q", st, msg)
	}
	for _, mv := range []string{"2.1", "2.100"} {
		for _, target := range []string{id, "00000000-0000-4000-8000-000000000000"} {
			resp := b.do("POST", "/servers/"+target+"/action", b.demo, mv, map[string]any{"resetNetwork": nil})
			if st, msg := fault(t, resp); st != http.StatusGone ||
				msg != "This resource is no longer available. No forwarding address is given." {
				t.Errorf("resetNetwork at %s: %d %q", mv, st, msg)
			}
		}
	}
}
