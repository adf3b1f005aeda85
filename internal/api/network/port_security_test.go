package network_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

// port_security_enabled as Neutron's port_security extension driver and
// ml2 handle it: stored on networks (default true), the default of the
// ports made on them, and no security groups on a port without it.
func TestPortSecurity(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	body := func(kind string, attrs map[string]any) map[string]any { return map[string]any{kind: attrs} }

	on := obj(do(t, srv, tok, "POST", "/v2.0/networks", body("network", map[string]any{"name": "on"}), 201), "network")
	off := obj(do(t, srv, tok, "POST", "/v2.0/networks", body("network",
		map[string]any{"name": "off", "port_security_enabled": false}), 201), "network")
	if on["port_security_enabled"] != true || off["port_security_enabled"] != false {
		t.Fatalf("networks: on %v, off %v", on["port_security_enabled"], off["port_security_enabled"])
	}
	offID := off["id"].(string)
	if got := obj(do(t, srv, tok, "GET", "/v2.0/networks/"+offID, nil, 200), "network"); got["port_security_enabled"] != false {
		t.Errorf("stored: %v", got["port_security_enabled"])
	}
	if n := len(list(do(t, srv, tok, "GET", "/v2.0/networks?port_security_enabled=false&name=off", nil, 200), "networks")); n != 1 {
		t.Errorf("filter port_security_enabled=false: %d networks", n)
	}

	// Ports inherit the network's value; without it they get no default group.
	pOff := obj(do(t, srv, tok, "POST", "/v2.0/ports", body("port", map[string]any{"network_id": offID}), 201), "port")
	if pOff["port_security_enabled"] != false || len(pOff["security_groups"].([]any)) != 0 {
		t.Errorf("port on off network: %v, groups %v", pOff["port_security_enabled"], pOff["security_groups"])
	}
	pOn := obj(do(t, srv, tok, "POST", "/v2.0/ports", body("port", map[string]any{"network_id": on["id"]}), 201), "port")
	if pOn["port_security_enabled"] != true || len(pOn["security_groups"].([]any)) != 1 {
		t.Errorf("port on on network: %v, groups %v", pOn["port_security_enabled"], pOn["security_groups"])
	}
	group := pOn["security_groups"].([]any)[0]

	// Groups on a port without port security: InvalidInput (400); an
	// empty list is fine.
	neutronError(t, srv, tok, "POST", "/v2.0/ports", body("port", map[string]any{"network_id": offID,
		"security_groups": []any{group}}), 400, "PortSecurityAndIPRequiredForSecurityGroups")
	do(t, srv, tok, "POST", "/v2.0/ports", body("port", map[string]any{"network_id": offID, "security_groups": []any{}}), 201)
	neutronError(t, srv, tok, "PUT", "/v2.0/ports/"+pOff["id"].(string), body("port",
		map[string]any{"security_groups": []any{group}}), 400, "PortSecurityAndIPRequiredForSecurityGroups")

	// Turning it off on a port with groups: InUse (409) unless the same
	// update removes them.
	pOnID := pOn["id"].(string)
	neutronError(t, srv, tok, "PUT", "/v2.0/ports/"+pOnID, body("port",
		map[string]any{"port_security_enabled": false}), 409, "PortSecurityPortHasSecurityGroup")
	got := obj(do(t, srv, tok, "PUT", "/v2.0/ports/"+pOnID, body("port",
		map[string]any{"port_security_enabled": false, "security_groups": []any{}}), 200), "port")
	if got["port_security_enabled"] != false || len(got["security_groups"].([]any)) != 0 {
		t.Errorf("port after turning off: %v", got)
	}

	// The network's value can change; ports keep theirs.
	upd := obj(do(t, srv, tok, "PUT", "/v2.0/networks/"+offID, body("network",
		map[string]any{"port_security_enabled": true}), 200), "network")
	if upd["port_security_enabled"] != true {
		t.Errorf("network update: %v", upd["port_security_enabled"])
	}
	if p := obj(do(t, srv, tok, "GET", "/v2.0/ports/"+pOff["id"].(string), nil, 200), "port"); p["port_security_enabled"] != false {
		t.Errorf("existing port changed with its network: %v", p["port_security_enabled"])
	}
}
