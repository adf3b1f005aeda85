package compute_test

import (
	"net/http"
	"testing"

	"novalite/internal/app/apptest"
)

// A network without port security takes a server whose only group is
// "default" (Nova leaves it out: _clean_security_groups) and refuses any
// other group with SecurityGroupCannotBeApplied (400).
func TestCreateOnNetworkWithoutPortSecurity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/networks", Token: b.demo, Body: map[string]any{"network": map[string]any{
		"name": "nosec", "port_security_enabled": false}}})
	if resp.Status != http.StatusCreated {
		t.Fatalf("network: %d %s", resp.Status, resp.Body)
	}
	netID := resp.JSON(t)["network"].(map[string]any)["id"].(string)
	if r := b.srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/subnets", Token: b.demo, Body: map[string]any{"subnet": map[string]any{
		"network_id": netID, "cidr": "10.77.0.0/24", "ip_version": 4}}}); r.Status != http.StatusCreated {
		t.Fatalf("subnet: %d %s", r.Status, r.Body)
	}
	if r := b.srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/security-groups", Token: b.demo, Body: map[string]any{"security_group": map[string]any{
		"name": "web"}}}); r.Status != http.StatusCreated {
		t.Fatalf("group: %d %s", r.Status, r.Body)
	}
	nets := []any{map[string]any{"uuid": netID}}
	for _, tc := range []struct {
		name   string
		groups []any
		status int
		msg    string
	}{
		{"none", nil, http.StatusAccepted, ""},
		{"default", []any{map[string]any{"name": "default"}}, http.StatusAccepted, ""},
		{"other", []any{map[string]any{"name": "web"}}, http.StatusBadRequest,
			"Network requires port_security_enabled and subnet associated in order to apply security groups."},
	} {
		s := map[string]any{"name": tc.name, "imageRef": b.image, "flavorRef": "1", "networks": nets}
		if tc.groups != nil {
			s["security_groups"] = tc.groups
		}
		st, msg := fault(t, b.do("POST", "/servers", b.demo, "2.37", map[string]any{"server": s}))
		if st != tc.status || msg != tc.msg {
			t.Errorf("%s: %d %q, want %d %q", tc.name, st, msg, tc.status, tc.msg)
		}
	}
	ports := b.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/ports?network_id=" + netID, Token: b.demo}).JSON(t)["ports"].([]any)
	if len(ports) != 2 {
		t.Fatalf("ports: %v", ports)
	}
	for _, p := range ports {
		if g := p.(map[string]any)["security_groups"].([]any); len(g) != 0 {
			t.Errorf("port without port security has groups %v", g)
		}
	}
}
