package network_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"novalite/internal/app/apptest"
)

func TestPorts(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo, admin := srv.DemoToken(), srv.AdminToken()
	other, _ := srv.NewMember("other")
	priv := list(do(t, srv, demo, "GET", "/v2.0/networks?name=private", nil, 200), "networks")[0].(map[string]any)
	privID := priv["id"].(string)
	// A port on the shared network gets one IPv4 and one IPv6 address and the default group.
	p := obj(do(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{
		"network_id": privID, "name": "p1", "device_id": "dev-1", "device_owner": "compute:nova"}}, 201), "port")
	ips := p["fixed_ips"].([]any)
	if len(ips) != 2 || !strings.HasPrefix(ips[0].(map[string]any)["ip_address"].(string), "10.0.0.") ||
		!strings.HasPrefix(ips[1].(map[string]any)["ip_address"].(string), "fd00:10::") {
		t.Errorf("fixed_ips: %v", ips)
	}
	if mac := p["mac_address"].(string); !strings.HasPrefix(mac, "fa:16:3e:") || len(mac) != 17 {
		t.Errorf("mac %s", mac)
	}
	if p["status"] != "ACTIVE" || len(p["security_groups"].([]any)) != 1 {
		t.Errorf("port: %v", p)
	}
	if _, ok := p["binding:host_id"]; ok {
		t.Error("binding:host_id shown to a member")
	}
	ip4 := ips[0].(map[string]any)["ip_address"].(string)
	id := p["id"].(string)
	// A chosen address; taken → 409; outside the subnets → 400.
	fixed := obj(do(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{
		"network_id": privID, "fixed_ips": []any{map[string]any{"ip_address": "10.0.0.77"}}}}, 201), "port")
	if got := fixed["fixed_ips"].([]any); len(got) != 1 || got[0].(map[string]any)["ip_address"] != "10.0.0.77" {
		t.Errorf("fixed port: %v", got)
	}
	neutronError(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{
		"network_id": privID, "fixed_ips": []any{map[string]any{"ip_address": "10.0.0.77"}}}}, 409, "IpAddressAlreadyAllocated")
	neutronError(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{
		"network_id": privID, "fixed_ips": []any{map[string]any{"ip_address": "192.168.99.1"}}}}, 400, "InvalidIpForNetwork")
	neutronError(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{
		"network_id": privID, "binding:host_id": "h"}}, 403, "PolicyNotAuthorized")
	neutronError(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": "nope"}}, 404, "NetworkNotFound")
	// Filters.
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"?device_id=dev-1", 1},
		{"?network_id=" + privID + "&device_owner=compute:nova", 1},
		{"?fixed_ips=ip_address%3D" + ip4, 1},
		{"?fixed_ips=ip_address%3D10.0.0.77", 1},
		{"?device_id=nothing", 0},
		{"?name=p1&fields=id", 1},
	} {
		if got := len(list(do(t, srv, demo, "GET", "/v2.0/ports"+tc.query, nil, 200), "ports")); got != tc.want {
			t.Errorf("%s: %d ports, want %d", tc.query, got, tc.want)
		}
	}
	// Admins see and set binding:host_id.
	ap := obj(do(t, srv, admin, "PUT", "/v2.0/ports/"+id, map[string]any{"port": map[string]any{"binding:host_id": "host1"}}, 200), "port")
	if ap["binding:host_id"] != "host1" {
		t.Errorf("admin update: %v", ap)
	}
	if got := len(list(do(t, srv, admin, "GET", "/v2.0/ports?binding:host_id=host1", nil, 200), "ports")); got != 1 {
		t.Errorf("host filter: %d", got)
	}
	// Isolation.
	neutronError(t, srv, other, "GET", "/v2.0/ports/"+id, nil, 404, "PortNotFound")
	neutronError(t, srv, other, "DELETE", "/v2.0/ports/"+id, nil, 404, "PortNotFound")
	if got := len(list(do(t, srv, other, "GET", "/v2.0/ports?device_id=dev-1", nil, 200), "ports")); got != 0 {
		t.Errorf("other sees %d ports", got)
	}
	// Update and delete.
	up := obj(do(t, srv, demo, "PUT", "/v2.0/ports/"+id, map[string]any{"port": map[string]any{"name": "p2", "device_id": "",
		"fixed_ips": []any{map[string]any{"ip_address": "10.0.0.99"}}}}, 200), "port")
	if up["name"] != "p2" || up["status"] != "DOWN" || len(up["fixed_ips"].([]any)) != 1 {
		t.Errorf("updated: %v", up)
	}
	do(t, srv, demo, "DELETE", "/v2.0/ports/"+id, nil, 204)
	neutronError(t, srv, demo, "GET", "/v2.0/ports/"+id, nil, 404, "PortNotFound")
	// The freed address is allocatable again.
	again := obj(do(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{
		"network_id": privID, "fixed_ips": []any{map[string]any{"ip_address": "10.0.0.99"}}}}, 201), "port")
	if again["fixed_ips"].([]any)[0].(map[string]any)["ip_address"] != "10.0.0.99" {
		t.Errorf("reuse: %v", again)
	}
	// Another project may use the shared network, not demo's own network.
	do(t, srv, other, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": privID}}, 201)
	ownNet, _ := netWithSubnet(t, srv, demo, "own", "172.16.0.0/24", 4)
	neutronError(t, srv, other, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": ownNet}}, 404, "NetworkNotFound")
}

// TestConcurrentPortAllocation creates 200 ports on a /24 at once: 200
// distinct addresses; then fills the subnet (253 addresses in its pool)
// and the next port gets Neutron's IpAddressGenerationFailure.
func TestConcurrentPortAllocation(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	netID, _ := netWithSubnet(t, srv, tok, "busy", "10.20.0.0/24", 4)
	const n = 200
	addrs := make([]string, n)
	errs := make(chan string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			resp := srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/ports", Token: tok, Body: map[string]any{"port": map[string]any{"network_id": netID}}})
			if resp.Status != http.StatusCreated {
				errs <- fmt.Sprintf("port %d: %d %s", i, resp.Status, resp.Body)
				return
			}
			addrs[i] = resp.JSON(t)["port"].(map[string]any)["fixed_ips"].([]any)[0].(map[string]any)["ip_address"].(string)
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		if a == "" || seen[a] {
			t.Fatalf("address %q missing or given twice", a)
		}
		seen[a] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct addresses, want %d", len(seen), n)
	}
	for i := n; i < 253; i++ {
		do(t, srv, tok, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": netID}}, 201)
	}
	msg := neutronError(t, srv, tok, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": netID}}, 409, "IpAddressGenerationFailure")
	if msg != "No more IP addresses available on network "+netID+"." {
		t.Errorf("message %q", msg)
	}
	if got := len(list(do(t, srv, tok, "GET", "/v2.0/ports?network_id="+netID, nil, 200), "ports")); got != 253 {
		t.Errorf("%d ports on the network, want 253 (the failed one left nothing behind)", got)
	}
}
