package compute_test

import (
	"net/http"
	"testing"
)

// Found by Tempest (docs/compatibility.md): behaviour its tests check.

// test_create_server.ServersTestJSON.test_verify_server_details: Nova keeps
// access IPs as address objects, so they come back in canonical form.
func TestAccessIPsCanonical(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "acc", map[string]any{
		"accessIPv4": "1.1.1.1", "accessIPv6": "0000:0000:0000:0000:0000:babe:220.12.22.2"})
	s := b.show(t, b.demo, id, "2.1")
	if s["accessIPv4"] != "1.1.1.1" || s["accessIPv6"] != "::babe:dc0c:1602" {
		t.Fatalf("after create: accessIPv4 %v accessIPv6 %v", s["accessIPv4"], s["accessIPv6"])
	}
	resp := b.do("PUT", "/servers/"+id, b.demo, "2.1",
		map[string]any{"server": map[string]any{"accessIPv6": "2001:DB8:0:0:0:0:0:1"}})
	if resp.Status != http.StatusOK {
		t.Fatalf("update: %d %s", resp.Status, resp.Body)
	}
	if got := resp.JSON(t)["server"].(map[string]any)["accessIPv6"]; got != "2001:db8::1" {
		t.Fatalf("after update: accessIPv6 %v", got)
	}
}
