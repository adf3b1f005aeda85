package network_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

func TestSecurityGroups(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	other, _ := srv.NewMember("other")
	gs := list(do(t, srv, demo, "GET", "/v2.0/security-groups", nil, 200), "security_groups")
	if len(gs) != 1 {
		t.Fatalf("groups: %v", gs)
	}
	def := gs[0].(map[string]any)
	if def["name"] != "default" || len(def["security_group_rules"].([]any)) != 4 {
		t.Errorf("default group: %v", def)
	}
	defID := def["id"].(string)
	g := obj(do(t, srv, demo, "POST", "/v2.0/security-groups", map[string]any{"security_group": map[string]any{"name": "web", "description": "w"}}, 201), "security_group")
	gid := g["id"].(string)
	if rules := g["security_group_rules"].([]any); len(rules) != 2 || rules[0].(map[string]any)["direction"] != "egress" {
		t.Errorf("new group rules: %v", rules)
	}
	rule := obj(do(t, srv, demo, "POST", "/v2.0/security-group-rules", map[string]any{"security_group_rule": map[string]any{
		"security_group_id": gid, "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22,
		"remote_ip_prefix": "10.1.2.3/8"}}, 201), "security_group_rule")
	// Neutron keeps the prefix as given; normalized_cidr clears the host bits.
	if rule["remote_ip_prefix"] != "10.1.2.3/8" || rule["normalized_cidr"] != "10.0.0.0/8" || rule["ethertype"] != "IPv4" || rule["port_range_min"] != float64(22) {
		t.Errorf("rule: %v", rule)
	}
	do(t, srv, demo, "POST", "/v2.0/security-group-rules", map[string]any{"security_group_rule": map[string]any{
		"security_group_id": gid, "direction": "ingress", "protocol": 1}}, 201)
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		typ    string
	}{
		{"duplicate", map[string]any{"security_group_id": gid, "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "10.0.0.0/8"}, 409, "SecurityGroupRuleExists"},
		{"bad direction", map[string]any{"security_group_id": gid, "direction": "sideways"}, 400, "HTTPBadRequest"},
		{"bad protocol", map[string]any{"security_group_id": gid, "direction": "ingress", "protocol": "carrier-pigeon"}, 400, "SecurityGroupRuleInvalidProtocol"},
		{"ports without protocol", map[string]any{"security_group_id": gid, "direction": "ingress", "port_range_min": 1}, 400, "SecurityGroupProtocolRequiredWithPorts"},
		{"inverted range", map[string]any{"security_group_id": gid, "direction": "ingress", "protocol": "udp", "port_range_min": 9, "port_range_max": 1}, 400, "SecurityGroupInvalidPortRange"},
		{"both remotes", map[string]any{"security_group_id": gid, "direction": "ingress", "remote_ip_prefix": "0.0.0.0/0", "remote_group_id": defID}, 400, "SecurityGroupRemoteGroupAndRemoteIpPrefix"},
		{"ethertype conflict", map[string]any{"security_group_id": gid, "direction": "ingress", "remote_ip_prefix": "::/0"}, 400, "SecurityGroupRuleParameterConflict"},
		{"unknown group", map[string]any{"security_group_id": "nope", "direction": "ingress"}, 404, "SecurityGroupNotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			neutronError(t, srv, demo, "POST", "/v2.0/security-group-rules", map[string]any{"security_group_rule": tc.body}, tc.status, tc.typ)
		})
	}
	if got := len(list(do(t, srv, demo, "GET", "/v2.0/security-group-rules?security_group_id="+gid, nil, 200), "security_group_rules")); got != 4 {
		t.Errorf("rules of web: %d", got)
	}
	do(t, srv, demo, "GET", "/v2.0/security-group-rules/"+rule["id"].(string), nil, 200)
	// Isolation: other project has its own default group and cannot see ours.
	neutronError(t, srv, other, "GET", "/v2.0/security-groups/"+gid, nil, 404, "SecurityGroupNotFound")
	neutronError(t, srv, other, "GET", "/v2.0/security-group-rules/"+rule["id"].(string), nil, 404, "SecurityGroupRuleNotFound")
	og := list(do(t, srv, other, "GET", "/v2.0/security-groups", nil, 200), "security_groups")
	if len(og) != 1 || og[0].(map[string]any)["id"] == defID {
		t.Errorf("other's groups: %v", og)
	}
	// Names, updates, deletes.
	neutronError(t, srv, demo, "POST", "/v2.0/security-groups", map[string]any{"security_group": map[string]any{"name": "default"}}, 409, "SecurityGroupDefaultAlreadyExists")
	neutronError(t, srv, demo, "PUT", "/v2.0/security-groups/"+defID, map[string]any{"security_group": map[string]any{"name": "x"}}, 409, "SecurityGroupCannotUpdateDefault")
	if got := obj(do(t, srv, demo, "PUT", "/v2.0/security-groups/"+gid, map[string]any{"security_group": map[string]any{"name": "www"}}, 200), "security_group"); got["name"] != "www" {
		t.Errorf("rename: %v", got)
	}
	neutronError(t, srv, demo, "DELETE", "/v2.0/security-groups/"+defID, nil, 409, "SecurityGroupCannotRemoveDefault")
	privID := list(do(t, srv, demo, "GET", "/v2.0/networks?name=private", nil, 200), "networks")[0].(map[string]any)["id"]
	port := obj(do(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": privID, "security_groups": []string{gid}}}, 201), "port")
	if sgs := port["security_groups"].([]any); len(sgs) != 1 || sgs[0] != gid {
		t.Errorf("port groups: %v", sgs)
	}
	neutronError(t, srv, demo, "DELETE", "/v2.0/security-groups/"+gid, nil, 409, "SecurityGroupInUse")
	do(t, srv, demo, "DELETE", "/v2.0/ports/"+port["id"].(string), nil, 204)
	do(t, srv, demo, "DELETE", "/v2.0/security-group-rules/"+rule["id"].(string), nil, 204)
	do(t, srv, demo, "DELETE", "/v2.0/security-groups/"+gid, nil, 204)
	neutronError(t, srv, demo, "GET", "/v2.0/security-groups/"+gid, nil, 404, "SecurityGroupNotFound")
}

func TestQuotas(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	other, otherProject := srv.NewMember("other")
	q := obj(do(t, srv, other, "GET", "/v2.0/quotas/"+otherProject, nil, 200), "quota")
	if q["network"] != float64(100) || q["port"] != float64(500) || q["security_group"] != float64(10) {
		t.Errorf("quota: %v", q)
	}
	netWithSubnet(t, srv, other, "q", "10.30.0.0/24", 4)
	d := obj(do(t, srv, other, "GET", "/v2.0/quotas/"+otherProject+"/details", nil, 200), "quota")
	if n := d["network"].(map[string]any); n["used"] != float64(1) || n["limit"] != float64(100) {
		t.Errorf("details: %v", d)
	}
	do(t, srv, other, "GET", "/v2.0/quotas/"+otherProject+"/default", nil, 200)
	neutronError(t, srv, demo, "GET", "/v2.0/quotas/"+otherProject, nil, 403, "HTTPForbidden")
	neutronError(t, srv, demo, "GET", "/v2.0/quotas", nil, 403, "HTTPForbidden")
	do(t, srv, srv.AdminToken(), "GET", "/v2.0/quotas", nil, 200)
	do(t, srv, srv.AdminToken(), "GET", "/v2.0/quotas/"+otherProject, nil, 200)
}
