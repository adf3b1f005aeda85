package network_test

import (
	"fmt"
	"testing"

	"novalite/internal/app/apptest"
)

// do sends a request and checks the status; it returns the decoded body
// (nil for 204).
func do(t *testing.T, srv *apptest.Server, tok, method, path string, body any, want int) map[string]any {
	t.Helper()
	return srv.Expect(t, apptest.Request{Method: method, Path: "/network" + path, Token: tok, Body: body}, want)
}

// neutronError checks a NeutronError body of the given type.
func neutronError(t *testing.T, srv *apptest.Server, tok, method, path string, body any, status int, typ string) string {
	t.Helper()
	resp := srv.Do(apptest.Request{Method: method, Path: "/network" + path, Token: tok, Body: body})
	if resp.Status != status {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.Status, status, resp.Body)
	}
	e, ok := resp.JSON(t)["NeutronError"].(map[string]any)
	if !ok || e["type"] != typ || e["detail"] != "" {
		t.Fatalf("%s %s: error %s, want type %s", method, path, resp.Body, typ)
	}
	return e["message"].(string)
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

func list(m map[string]any, key string) []any { return m[key].([]any) }

// netWithSubnet makes a network and one subnet on cidr (version from the text).
func netWithSubnet(t *testing.T, srv *apptest.Server, tok, name, cidr string, version int) (netID, subnetID string) {
	t.Helper()
	n := obj(do(t, srv, tok, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": name}}, 201), "network")
	s := obj(do(t, srv, tok, "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{
		"network_id": n["id"], "cidr": cidr, "ip_version": version, "name": name + "-subnet"}}, 201), "subnet")
	return n["id"].(string), s["id"].(string)
}

func names(items []any) map[string]bool {
	out := map[string]bool{}
	for _, it := range items {
		out[fmt.Sprint(it.(map[string]any)["name"])] = true
	}
	return out
}
