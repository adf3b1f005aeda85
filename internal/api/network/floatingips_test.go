package network_test

import (
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

func TestRoutersAndFloatingIPs(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	other, _ := srv.NewMember("other")
	pubID := list(do(t, srv, demo, "GET", "/v2.0/networks?name=public", nil, 200), "networks")[0].(map[string]any)["id"].(string)
	netID, subID := netWithSubnet(t, srv, demo, "inside", "192.168.50.0/24", 4)
	port := obj(do(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": netID}}, 201), "port")
	portID := port["id"].(string)
	fixed := port["fixed_ips"].([]any)[0].(map[string]any)["ip_address"].(string)

	// Without a router the external network is not reachable.
	fip := obj(do(t, srv, demo, "POST", "/v2.0/floatingips", map[string]any{"floatingip": map[string]any{"floating_network_id": pubID}}, 201), "floatingip")
	fipID := fip["id"].(string)
	if fip["status"] != "DOWN" || fip["port_id"] != nil || !strings.HasPrefix(fip["floating_ip_address"].(string), "172.24.4.") {
		t.Errorf("fip: %v", fip)
	}
	neutronError(t, srv, demo, "PUT", "/v2.0/floatingips/"+fipID, map[string]any{"floatingip": map[string]any{"port_id": portID}}, 404, "ExternalGatewayForFloatingIPNotFound")

	r := obj(do(t, srv, demo, "POST", "/v2.0/routers", map[string]any{"router": map[string]any{"name": "r1",
		"external_gateway_info": map[string]any{"network_id": pubID}}}, 201), "router")
	rid := r["id"].(string)
	gw := obj(r, "external_gateway_info")
	if gw["network_id"] != pubID || len(gw["external_fixed_ips"].([]any)) != 1 {
		t.Errorf("gateway: %v", gw)
	}
	ri := do(t, srv, demo, "PUT", "/v2.0/routers/"+rid+"/add_router_interface", map[string]any{"subnet_id": subID}, 200)
	if ri["subnet_id"] != subID || ri["id"] != rid || ri["port_id"] == "" {
		t.Errorf("interface: %v", ri)
	}
	ifPort := obj(do(t, srv, demo, "GET", "/v2.0/ports/"+ri["port_id"].(string), nil, 200), "port")
	if ifPort["device_owner"] != "network:router_interface" || ifPort["fixed_ips"].([]any)[0].(map[string]any)["ip_address"] != "192.168.50.1" {
		t.Errorf("interface port: %v", ifPort)
	}
	neutronError(t, srv, demo, "PUT", "/v2.0/routers/"+rid+"/add_router_interface", map[string]any{"subnet_id": subID}, 400, "HTTPBadRequest")
	neutronError(t, srv, demo, "DELETE", "/v2.0/ports/"+ri["port_id"].(string), nil, 409, "L3PortInUse")

	// Associate, list by port, disassociate.
	fip = obj(do(t, srv, demo, "PUT", "/v2.0/floatingips/"+fipID, map[string]any{"floatingip": map[string]any{"port_id": portID}}, 200), "floatingip")
	if fip["port_id"] != portID || fip["fixed_ip_address"] != fixed || fip["router_id"] != rid || fip["status"] != "ACTIVE" {
		t.Errorf("associated: %v", fip)
	}
	if got := len(list(do(t, srv, demo, "GET", "/v2.0/floatingips?port_id="+portID, nil, 200), "floatingips")); got != 1 {
		t.Errorf("by port: %d", got)
	}
	second := obj(do(t, srv, demo, "POST", "/v2.0/floatingips", map[string]any{"floatingip": map[string]any{"floating_network_id": pubID}}, 201), "floatingip")
	neutronError(t, srv, demo, "PUT", "/v2.0/floatingips/"+second["id"].(string), map[string]any{"floatingip": map[string]any{"port_id": portID}}, 409, "FloatingIPPortAlreadyAssociated")
	fip = obj(do(t, srv, demo, "PUT", "/v2.0/floatingips/"+fipID, map[string]any{"floatingip": map[string]any{"port_id": nil}}, 200), "floatingip")
	if fip["port_id"] != nil || fip["status"] != "DOWN" {
		t.Errorf("disassociated: %v", fip)
	}
	// Create associated at once; deleting the port disassociates it.
	third := obj(do(t, srv, demo, "POST", "/v2.0/floatingips", map[string]any{"floatingip": map[string]any{"floating_network_id": pubID, "port_id": portID}}, 201), "floatingip")
	if third["port_id"] != portID {
		t.Errorf("created associated: %v", third)
	}
	do(t, srv, demo, "DELETE", "/v2.0/ports/"+portID, nil, 204)
	if got := obj(do(t, srv, demo, "GET", "/v2.0/floatingips/"+third["id"].(string), nil, 200), "floatingip"); got["port_id"] != nil {
		t.Errorf("after port delete: %v", got)
	}
	// Errors and isolation.
	neutronError(t, srv, demo, "POST", "/v2.0/floatingips", map[string]any{"floatingip": map[string]any{"floating_network_id": netID}}, 400, "HTTPBadRequest")
	neutronError(t, srv, demo, "POST", "/v2.0/floatingips", map[string]any{"floatingip": map[string]any{"floating_network_id": pubID, "floating_ip_address": "172.24.4.200"}}, 403, "PolicyNotAuthorized")
	neutronError(t, srv, other, "GET", "/v2.0/floatingips/"+fipID, nil, 404, "FloatingIPNotFound")
	neutronError(t, srv, other, "GET", "/v2.0/routers/"+rid, nil, 404, "RouterNotFound")
	// Teardown in Neutron's order.
	neutronError(t, srv, demo, "DELETE", "/v2.0/routers/"+rid, nil, 409, "RouterInUse")
	do(t, srv, demo, "PUT", "/v2.0/routers/"+rid+"/remove_router_interface", map[string]any{"subnet_id": subID}, 200)
	neutronError(t, srv, demo, "PUT", "/v2.0/routers/"+rid+"/remove_router_interface", map[string]any{"subnet_id": subID}, 404, "RouterInterfaceNotFoundForSubnet")
	r = obj(do(t, srv, demo, "PUT", "/v2.0/routers/"+rid, map[string]any{"router": map[string]any{"external_gateway_info": map[string]any{}}}, 200), "router")
	if r["external_gateway_info"] != nil {
		t.Errorf("gateway cleared: %v", r)
	}
	do(t, srv, demo, "DELETE", "/v2.0/routers/"+rid, nil, 204)
	for _, id := range []string{fipID, second["id"].(string), third["id"].(string)} {
		do(t, srv, demo, "DELETE", "/v2.0/floatingips/"+id, nil, 204)
	}
	if got := len(list(do(t, srv, srv.AdminToken(), "GET", "/v2.0/ports?device_owner=network:floatingip&network_id="+pubID, nil, 200), "ports")); got != 0 {
		t.Errorf("floating IP ports left: %d", got)
	}
}
