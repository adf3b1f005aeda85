package network_test

import (
	"slices"
	"testing"

	"novalite/internal/app/apptest"
)

// Rules come back in the order they were created (Neutron's), in the
// group's view and in the rule list, though many share a second.
func TestSecurityGroupRulesInCreationOrder(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	g := obj(do(t, srv, tok, "POST", "/v2.0/security-groups", map[string]any{"security_group": map[string]any{"name": "ordered"}}, 201), "security_group")
	gid := g["id"].(string)
	var want []string
	for _, r := range g["security_group_rules"].([]any) {
		want = append(want, r.(map[string]any)["id"].(string))
	}
	for port := 1000; port < 1012; port++ {
		r := obj(do(t, srv, tok, "POST", "/v2.0/security-group-rules", map[string]any{"security_group_rule": map[string]any{
			"security_group_id": gid, "direction": "ingress", "protocol": "tcp",
			"port_range_min": port, "port_range_max": port}}, 201), "security_group_rule")
		want = append(want, r["id"].(string))
	}
	ids := func(items []any) []string {
		var out []string
		for _, r := range items {
			out = append(out, r.(map[string]any)["id"].(string))
		}
		return out
	}
	shown := obj(do(t, srv, tok, "GET", "/v2.0/security-groups/"+gid, nil, 200), "security_group")
	if got := ids(shown["security_group_rules"].([]any)); !slices.Equal(got, want) {
		t.Errorf("group's rules\n got %v\nwant %v", got, want)
	}
	listed := list(do(t, srv, tok, "GET", "/v2.0/security-group-rules?security_group_id="+gid, nil, 200), "security_group_rules")
	if got := ids(listed); !slices.Equal(got, want) {
		t.Errorf("rule list\n got %v\nwant %v", got, want)
	}
}
