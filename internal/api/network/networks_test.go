package network_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

func TestVersionsAndExtensions(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	for _, p := range []string{"/network", "/network/"} {
		resp := srv.Do(apptest.Request{Method: "GET", Path: p})
		if resp.Status != 200 {
			t.Fatalf("GET %s: %d", p, resp.Status)
		}
		v := list(resp.JSON(t), "versions")[0].(map[string]any)
		if v["id"] != "v2.0" || v["status"] != "CURRENT" {
			t.Errorf("GET %s: %v", p, v)
		}
		if href := v["links"].([]any)[0].(map[string]any)["href"]; href != srv.URL+"/network/v2.0/" {
			t.Errorf("href %v", href)
		}
	}
	if resp := srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/networks"}); resp.Status != 401 {
		t.Errorf("no token: %d", resp.Status)
	}
	exts := list(do(t, srv, srv.DemoToken(), "GET", "/v2.0/extensions", nil, 200), "extensions")
	aliases := map[string]bool{}
	for _, e := range exts {
		aliases[e.(map[string]any)["alias"].(string)] = true
	}
	for _, a := range []string{"security-group", "router", "external-net", "quotas", "binding"} {
		if !aliases[a] {
			t.Errorf("extension %s missing", a)
		}
	}
	do(t, srv, srv.DemoToken(), "GET", "/v2.0/extensions/router", nil, 200)
	neutronError(t, srv, srv.DemoToken(), "GET", "/v2.0/extensions/nope", nil, 404, "HTTPNotFound")
	neutronError(t, srv, srv.DemoToken(), "GET", "/v2.0/bogus", nil, 404, "HTTPNotFound")
}

func TestBootstrapNetworks(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	nets := list(do(t, srv, demo, "GET", "/v2.0/networks", nil, 200), "networks")
	byName := map[string]map[string]any{}
	for _, n := range nets {
		byName[n.(map[string]any)["name"].(string)] = n.(map[string]any)
	}
	priv, pub := byName["private"], byName["public"]
	if priv == nil || pub == nil {
		t.Fatalf("networks: %v", nets)
	}
	if priv["shared"] != true || priv["router:external"] != false || len(priv["subnets"].([]any)) != 2 {
		t.Errorf("private: %v", priv)
	}
	if pub["router:external"] != true || pub["shared"] != false {
		t.Errorf("public: %v", pub)
	}
	if _, ok := priv["provider:network_type"]; ok {
		t.Error("provider attributes shown to a member")
	}
	subs := list(do(t, srv, demo, "GET", "/v2.0/subnets?network_id="+priv["id"].(string)+"&ip_version=4", nil, 200), "subnets")
	if len(subs) != 1 {
		t.Fatalf("v4 subnets: %v", subs)
	}
	s := subs[0].(map[string]any)
	if s["cidr"] != "10.0.0.0/24" || s["gateway_ip"] != "10.0.0.1" {
		t.Errorf("private subnet: %v", s)
	}
	if pool := s["allocation_pools"].([]any)[0].(map[string]any); pool["start"] != "10.0.0.2" || pool["end"] != "10.0.0.254" {
		t.Errorf("pool: %v", pool)
	}
	routers := list(do(t, srv, srv.AdminToken(), "GET", "/v2.0/routers?name=router1", nil, 200), "routers")
	if len(routers) != 1 || obj(routers[0].(map[string]any), "external_gateway_info")["network_id"] != pub["id"] {
		t.Errorf("router1: %v", routers)
	}
	// A second bootstrap adds nothing.
	if _, err := srv.App.Bootstrap(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(list(do(t, srv, demo, "GET", "/v2.0/networks?name=private", nil, 200), "networks")); n != 1 {
		t.Errorf("private networks after second bootstrap: %d", n)
	}
}

func TestNetworksCRUDAndIsolation(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo, admin := srv.DemoToken(), srv.AdminToken()
	other, otherProject := srv.NewMember("other")
	n := obj(do(t, srv, demo, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": "net1", "description": "d"}}, 201), "network")
	id := n["id"].(string)
	for k, want := range map[string]any{"name": "net1", "status": "ACTIVE", "shared": false, "router:external": false,
		"admin_state_up": true, "mtu": float64(1450), "description": "d"} {
		if n[k] != want {
			t.Errorf("created %s = %v, want %v", k, n[k], want)
		}
	}
	if n["project_id"] != n["tenant_id"] || n["project_id"] == "" {
		t.Errorf("project: %v", n)
	}
	// Isolation: another project gets 404, admin sees it with provider attributes.
	neutronError(t, srv, other, "GET", "/v2.0/networks/"+id, nil, 404, "NetworkNotFound")
	neutronError(t, srv, other, "PUT", "/v2.0/networks/"+id, map[string]any{"network": map[string]any{"name": "x"}}, 404, "NetworkNotFound")
	neutronError(t, srv, other, "DELETE", "/v2.0/networks/"+id, nil, 404, "NetworkNotFound")
	if names(list(do(t, srv, other, "GET", "/v2.0/networks", nil, 200), "networks"))["net1"] {
		t.Error("other project lists net1")
	}
	if _, ok := obj(do(t, srv, admin, "GET", "/v2.0/networks/"+id, nil, 200), "network")["provider:network_type"]; !ok {
		t.Error("admin view lacks provider attributes")
	}
	// Filters and fields.
	for _, tc := range []struct {
		query string
		want  []string
		not   []string
	}{
		{"?name=net1", []string{"net1"}, []string{"private"}},
		{"?shared=true", []string{"private"}, []string{"net1"}},
		{"?router:external=true", []string{"public"}, []string{"net1", "private"}},
		{"?name=net1&name=public", []string{"net1", "public"}, []string{"private"}},
	} {
		got := names(list(do(t, srv, demo, "GET", "/v2.0/networks"+tc.query, nil, 200), "networks"))
		for _, w := range tc.want {
			if !got[w] {
				t.Errorf("%s: %s missing (%v)", tc.query, w, got)
			}
		}
		for _, w := range tc.not {
			if got[w] {
				t.Errorf("%s: %s listed", tc.query, w)
			}
		}
	}
	only := list(do(t, srv, demo, "GET", "/v2.0/networks?name=net1&fields=id&fields=name", nil, 200), "networks")[0].(map[string]any)
	if len(only) != 2 || only["id"] != id {
		t.Errorf("fields: %v", only)
	}
	// Paging with limit and marker.
	page := do(t, srv, demo, "GET", "/v2.0/networks?limit=1", nil, 200)
	if len(list(page, "networks")) != 1 || page["networks_links"] == nil {
		t.Errorf("limit=1: %v", page)
	}
	// Policy: members cannot share or make external.
	neutronError(t, srv, demo, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"shared": true}}, 403, "PolicyNotAuthorized")
	neutronError(t, srv, demo, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"router:external": true}}, 403, "PolicyNotAuthorized")
	neutronError(t, srv, demo, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"project_id": otherProject}}, 403, "PolicyNotAuthorized")
	msg := neutronError(t, srv, demo, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"bogus": 1}}, 400, "HTTPBadRequest")
	if msg != "Unrecognized attribute(s) 'bogus'" {
		t.Errorf("unknown attribute: %q", msg)
	}
	neutronError(t, srv, demo, "POST", "/v2.0/networks", map[string]any{"net": map[string]any{}}, 400, "HTTPBadRequest")
	// Visible but not ours: shared network update by a member → 403.
	privID := list(do(t, srv, demo, "GET", "/v2.0/networks?name=private", nil, 200), "networks")[0].(map[string]any)["id"].(string)
	neutronError(t, srv, demo, "PUT", "/v2.0/networks/"+privID, map[string]any{"network": map[string]any{"name": "x"}}, 403, "PolicyNotAuthorized")
	// Update, in-use delete, delete.
	if got := obj(do(t, srv, demo, "PUT", "/v2.0/networks/"+id, map[string]any{"network": map[string]any{"name": "net2"}}, 200), "network"); got["name"] != "net2" {
		t.Errorf("update: %v", got)
	}
	do(t, srv, demo, "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{"network_id": id, "cidr": "192.168.5.0/24", "ip_version": 4}}, 201)
	port := obj(do(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": id}}, 201), "port")
	neutronError(t, srv, demo, "DELETE", "/v2.0/networks/"+id, nil, 409, "NetworkInUse")
	do(t, srv, demo, "DELETE", "/v2.0/ports/"+port["id"].(string), nil, 204)
	do(t, srv, demo, "DELETE", "/v2.0/networks/"+id, nil, 204)
	neutronError(t, srv, demo, "GET", "/v2.0/networks/"+id, nil, 404, "NetworkNotFound")
}

func TestSubnets(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	other, _ := srv.NewMember("other")
	netID, subID := netWithSubnet(t, srv, demo, "n", "192.168.10.0/24", 4)
	v6 := obj(do(t, srv, demo, "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{
		"network_id": netID, "cidr": "fd00:1::/64", "ip_version": 6, "ipv6_address_mode": "dhcpv6-stateful"}}, 201), "subnet")
	if v6["gateway_ip"] != "fd00:1::1" || v6["ipv6_address_mode"] != "dhcpv6-stateful" {
		t.Errorf("v6: %v", v6)
	}
	if pool := v6["allocation_pools"].([]any)[0].(map[string]any); pool["start"] != "fd00:1::2" || pool["end"] != "fd00:1::ffff:ffff:ffff:ffff" {
		t.Errorf("v6 pool: %v", pool)
	}
	noGW := obj(do(t, srv, demo, "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{
		"network_id": netID, "cidr": "192.168.11.0/24", "ip_version": 4, "gateway_ip": nil, "enable_dhcp": false,
		"allocation_pools": []any{map[string]any{"start": "192.168.11.10", "end": "192.168.11.20"}},
		"dns_nameservers":  []string{"8.8.8.8"}}}, 201), "subnet")
	if noGW["gateway_ip"] != nil || noGW["enable_dhcp"] != false || len(noGW["allocation_pools"].([]any)) != 1 {
		t.Errorf("no gateway subnet: %v", noGW)
	}
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		typ    string
	}{
		{"overlap", map[string]any{"network_id": netID, "cidr": "192.168.10.128/25", "ip_version": 4}, 400, "InvalidInput"},
		{"bad cidr", map[string]any{"network_id": netID, "cidr": "10.0.0.0/33", "ip_version": 4}, 400, "HTTPBadRequest"},
		{"version mismatch", map[string]any{"network_id": netID, "cidr": "10.9.0.0/24", "ip_version": 6}, 400, "InvalidInput"},
		{"pool outside", map[string]any{"network_id": netID, "cidr": "10.9.0.0/24", "ip_version": 4,
			"allocation_pools": []any{map[string]any{"start": "10.9.1.1", "end": "10.9.1.5"}}}, 400, "OutOfBoundsAllocationPool"},
		{"gateway in pool", map[string]any{"network_id": netID, "cidr": "10.9.0.0/24", "ip_version": 4, "gateway_ip": "10.9.0.5",
			"allocation_pools": []any{map[string]any{"start": "10.9.0.2", "end": "10.9.0.9"}}}, 409, "GatewayConflictWithAllocationPools"},
		{"no network", map[string]any{"cidr": "10.9.0.0/24", "ip_version": 4}, 400, "HTTPBadRequest"},
		{"unknown network", map[string]any{"network_id": "nope", "cidr": "10.9.0.0/24", "ip_version": 4}, 404, "NetworkNotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			neutronError(t, srv, demo, "POST", "/v2.0/subnets", map[string]any{"subnet": tc.body}, tc.status, tc.typ)
		})
	}
	// Another project cannot see or add to our network.
	neutronError(t, srv, other, "GET", "/v2.0/subnets/"+subID, nil, 404, "SubnetNotFound")
	neutronError(t, srv, other, "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{"network_id": netID, "cidr": "10.7.0.0/24", "ip_version": 4}}, 404, "NetworkNotFound")
	// Update and delete (in use → 409).
	if got := obj(do(t, srv, demo, "PUT", "/v2.0/subnets/"+subID, map[string]any{"subnet": map[string]any{"name": "renamed"}}, 200), "subnet"); got["name"] != "renamed" {
		t.Errorf("update: %v", got)
	}
	port := obj(do(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": netID,
		"fixed_ips": []any{map[string]any{"subnet_id": subID}}}}, 201), "port")
	neutronError(t, srv, demo, "DELETE", "/v2.0/subnets/"+subID, nil, 409, "SubnetInUse")
	do(t, srv, demo, "DELETE", "/v2.0/ports/"+port["id"].(string), nil, 204)
	do(t, srv, demo, "DELETE", "/v2.0/subnets/"+subID, nil, 204)
	if got := names(list(do(t, srv, demo, "GET", "/v2.0/subnets?network_id="+netID, nil, 200), "subnets")); got["renamed"] {
		t.Errorf("deleted subnet listed: %v", got)
	}
}
