package compute_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"novalite/internal/app/apptest"
)

// Addresses within one network follow the order the NICs were asked for
// (Nova's network info cache), even when a port asked for later was made
// earlier; the create response echoes the groups as sent.
func TestCreateNICOrderAndGroupEcho(t *testing.T) {
	t.Parallel()
	b := setup(t)
	netw := func(method, path string, body any) map[string]any {
		t.Helper()
		resp := b.srv.Do(apptest.Request{Method: method, Path: "/network/v2.0" + path, Token: b.demo, Body: body})
		if resp.Status != http.StatusCreated {
			t.Fatalf("%s %s: %d %s", method, path, resp.Status, resp.Body)
		}
		return resp.JSON(t)
	}
	netID := netw("POST", "/networks", map[string]any{"network": map[string]any{"name": "order"}})["network"].(map[string]any)["id"]
	netw("POST", "/subnets", map[string]any{"subnet": map[string]any{"network_id": netID, "cidr": "10.66.0.0/24", "ip_version": 4}})
	web := netw("POST", "/security-groups", map[string]any{"security_group": map[string]any{"name": "web"}})["security_group"].(map[string]any)["id"].(string)
	early := netw("POST", "/ports", map[string]any{"port": map[string]any{"network_id": netID,
		"fixed_ips": []any{map[string]any{"ip_address": "10.66.0.5"}}}})["port"].(map[string]any)["id"]

	groups := []any{map[string]any{"name": web}, map[string]any{"name": "default"}, map[string]any{"name": web}}
	resp := b.do("POST", "/servers", b.demo, "2.37", map[string]any{"server": map[string]any{
		"name": "nics", "imageRef": b.image, "flavorRef": "1", "security_groups": groups,
		"networks": []any{
			map[string]any{"uuid": netID, "fixed_ip": "10.66.0.30"},
			map[string]any{"port": early},
			map[string]any{"uuid": netID, "fixed_ip": "10.66.0.20"},
		}}})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	s := resp.JSON(t)["server"].(map[string]any)
	got, _ := json.Marshal(s["security_groups"])
	want, _ := json.Marshal(groups)
	if string(got) != string(want) {
		t.Errorf("security_groups echoed %s, want %s as sent", got, want)
	}
	id := s["id"].(string)
	b.launch(t, id)
	var ips []string
	for _, a := range b.show(t, b.demo, id, "2.37")["addresses"].(map[string]any)["order"].([]any) {
		ips = append(ips, a.(map[string]any)["addr"].(string))
	}
	if w := []string{"10.66.0.30", "10.66.0.5", "10.66.0.20"}; len(ips) != 3 || ips[0] != w[0] || ips[1] != w[1] || ips[2] != w[2] {
		t.Errorf("addresses %v, want %v", ips, w)
	}
}
