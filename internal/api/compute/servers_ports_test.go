package compute_test

import (
	"net/http"
	"testing"

	"novalite/internal/app/apptest"
)

// networkID looks a network up by name through the Network API.
func (b *testBundle) networkID(t *testing.T, name string) string {
	t.Helper()
	resp := b.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/networks?name=" + name, Token: b.admin})
	nets, _ := resp.JSON(t)["networks"].([]any)
	if len(nets) != 1 {
		t.Fatalf("network %s: %s", name, resp.Body)
	}
	return nets[0].(map[string]any)["id"].(string)
}

func (b *testBundle) serverPorts(t *testing.T, id string) []any {
	t.Helper()
	resp := b.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/ports?device_id=" + id, Token: b.admin})
	ports, _ := resp.JSON(t)["ports"].([]any)
	return ports
}

func TestServerPortsAndAddresses(t *testing.T) {
	b := setup(t)
	private := b.networkID(t, "private")
	id := b.create(t, b.demo, "vm-net", map[string]any{"networks": []any{map[string]any{"uuid": private}}})
	ports := b.serverPorts(t, id)
	if len(ports) != 1 {
		t.Fatalf("ports of the new server = %d, want 1", len(ports))
	}
	port := ports[0].(map[string]any)
	if port["device_owner"] != "compute:nova" {
		t.Errorf("device_owner = %v", port["device_owner"])
	}
	// Addresses show once the server is no longer building.
	if got := b.show(t, b.demo, id, "2.1")["addresses"].(map[string]any); len(got) != 0 {
		t.Errorf("addresses while building = %v, want {}", got)
	}
	b.launch(t, id)
	s := b.show(t, b.demo, id, "2.1")
	addrs, _ := s["addresses"].(map[string]any)["private"].([]any)
	if len(addrs) == 0 {
		t.Fatalf("addresses = %v, want some on private", s["addresses"])
	}
	first := addrs[0].(map[string]any)
	if first["OS-EXT-IPS:type"] != "fixed" || first["OS-EXT-IPS-MAC:mac_addr"] != port["mac_address"] {
		t.Errorf("address = %v", first)
	}
	if sg, _ := s["security_groups"].([]any); len(sg) != 1 || sg[0].(map[string]any)["name"] != "default" {
		t.Errorf("security_groups = %v", s["security_groups"])
	}
	// The ip filter finds it by a substring of its address.
	ip := first["addr"].(string)
	list := b.do("GET", "/servers?ip="+ip[:len(ip)-1], b.demo, "2.1", nil)
	if got := names(t, list); len(got) != 1 || got[0] != "vm-net" {
		t.Errorf("ip filter: %v", got)
	}
}

func TestServerNetworkErrors(t *testing.T) {
	b := setup(t)
	tests := []struct {
		name     string
		networks any
		status   int
		msg      string
	}{
		{"unknown network", []any{map[string]any{"uuid": "7f0fd6ba-5fd7-4a5d-a3c5-4ba64a1ee3a3"}}, 400,
			"Network 7f0fd6ba-5fd7-4a5d-a3c5-4ba64a1ee3a3 could not be found."},
		{"unknown port", []any{map[string]any{"port": "0c1b2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3"}}, 400,
			"Port id 0c1b2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3 could not be found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := b.do("POST", "/servers", b.demo, "2.100", map[string]any{"server": map[string]any{
				"name": "x", "imageRef": b.image, "flavorRef": "1", "networks": tt.networks}})
			code, msg := fault(t, resp)
			if code != tt.status || msg != tt.msg {
				t.Errorf("got %d %q, want %d %q", code, msg, tt.status, tt.msg)
			}
		})
	}
}

func TestDeleteUnplacedServerReleasesPorts(t *testing.T) {
	b := setup(t)
	id := b.create(t, b.demo, "vm-gone", map[string]any{"networks": "auto"})
	if n := len(b.serverPorts(t, id)); n != 1 {
		t.Fatalf("ports = %d, want 1", n)
	}
	if resp := b.do("DELETE", "/servers/"+id, b.demo, "2.1", nil); resp.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", resp.Status, resp.Body)
	}
	if n := len(b.serverPorts(t, id)); n != 0 {
		t.Errorf("ports after delete = %d, want 0", n)
	}
}
