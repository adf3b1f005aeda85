package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// owned holds the resources of project demo that another project's
// requests name by id.
type owned struct {
	image, flavor, network, subnet, port, group, serverGroup, keypair, router, floatingIP string
}

func (b *bundle) mustCreate(t *testing.T, method, path, token string, body any, want int, keys ...string) string {
	t.Helper()
	resp := b.srv.Do(apptest.Request{Method: method, Path: path, Token: token, Body: body, Headers: map[string]string{"OpenStack-API-Version": "compute 2.100"}})
	if resp.Status != want {
		t.Fatalf("%s %s: %d %s", method, path, resp.Status, resp.Body)
	}
	if len(keys) == 0 {
		return ""
	}
	var v any = resp.JSON(t)
	for _, k := range keys {
		v = v.(map[string]any)[k]
	}
	return v.(string)
}

func (b *bundle) demoResources(t *testing.T) owned {
	t.Helper()
	var o owned
	o.image = b.mustCreate(t, "POST", "/image/v2/images", b.demo, map[string]any{"name": "mine", "visibility": "private",
		"disk_format": "qcow2", "container_format": "bare"}, 201, "id")
	if r := b.srv.Do(apptest.Request{Method: "PUT", Path: "/image/v2/images/" + o.image + "/file", Token: b.demo, Body: "data",
		Headers: map[string]string{"Content-Type": "application/octet-stream"}}); r.Status != http.StatusNoContent {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	o.flavor = b.mustCreate(t, "POST", "/compute/v2.1/flavors", b.admin, map[string]any{"flavor": map[string]any{
		"name": "private", "ram": 512, "vcpus": 1, "disk": 1, "os-flavor-access:is_public": false}}, 200, "flavor", "id")
	demoProject := b.srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/projects?name=demo", Token: b.admin}).JSON(t)["projects"].([]any)[0].(map[string]any)["id"].(string)
	b.mustCreate(t, "POST", "/compute/v2.1/flavors/"+o.flavor+"/action", b.admin,
		map[string]any{"addTenantAccess": map[string]any{"tenant": demoProject}}, 200)
	o.network = b.mustCreate(t, "POST", "/network/v2.0/networks", b.demo, map[string]any{"network": map[string]any{"name": "mine"}},
		201, "network", "id")
	o.subnet = b.mustCreate(t, "POST", "/network/v2.0/subnets", b.demo, map[string]any{"subnet": map[string]any{
		"network_id": o.network, "ip_version": 4, "cidr": "10.77.0.0/24"}}, 201, "subnet", "id")
	o.port = b.mustCreate(t, "POST", "/network/v2.0/ports", b.demo, map[string]any{"port": map[string]any{"network_id": o.network}},
		201, "port", "id")
	o.group = b.mustCreate(t, "POST", "/network/v2.0/security-groups", b.demo,
		map[string]any{"security_group": map[string]any{"name": "mine"}}, 201, "security_group", "id")
	o.serverGroup = b.mustCreate(t, "POST", "/compute/v2.1/os-server-groups", b.demo,
		map[string]any{"server_group": map[string]any{"name": "mine", "policy": "affinity"}}, 200, "server_group", "id")
	o.keypair = "mine"
	b.mustCreate(t, "POST", "/compute/v2.1/os-keypairs", b.demo, map[string]any{"keypair": map[string]any{"name": "mine", "public_key": publicKey(t)}}, 201,
		"keypair", "name")
	o.router = b.mustCreate(t, "POST", "/network/v2.0/routers", b.demo, map[string]any{"router": map[string]any{"name": "mine"}},
		201, "router", "id")
	fip := b.srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/floatingips", Token: b.demo, Body: map[string]any{"floatingip": map[string]any{
		"floating_network_id": b.publicNet(t, b.demo)}}})
	if fip.Status != http.StatusCreated {
		t.Fatalf("floating ip: %d %s", fip.Status, fip.Body)
	}
	o.floatingIP = fip.JSON(t)["floatingip"].(map[string]any)["floating_ip_address"].(string)
	return o
}

// TestForeignReferences: a member of another project names project
// demo's resources by id in its own requests, and gets what Nova or
// Neutron answers for an id that does not exist, never the resource.
func TestForeignReferences(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.demoResources(t)
	other, _ := b.srv.NewMember("stranger")
	otherNet := b.mustCreate(t, "POST", "/network/v2.0/networks", other, map[string]any{"network": map[string]any{"name": "own"}},
		201, "network", "id")
	b.mustCreate(t, "POST", "/network/v2.0/subnets", other, map[string]any{"subnet": map[string]any{
		"network_id": otherNet, "ip_version": 4, "cidr": "10.78.0.0/24"}}, 201, "subnet", "id")
	otherPort := b.mustCreate(t, "POST", "/network/v2.0/ports", other, map[string]any{"port": map[string]any{"network_id": otherNet}},
		201, "port", "id")
	otherRouter := b.mustCreate(t, "POST", "/network/v2.0/routers", other, map[string]any{"router": map[string]any{"name": "own"}},
		201, "router", "id")
	otherGroup := b.mustCreate(t, "POST", "/network/v2.0/security-groups", other,
		map[string]any{"security_group": map[string]any{"name": "own"}}, 201, "security_group", "id")
	server := b.mustCreate(t, "POST", "/compute/v2.1/servers", other, map[string]any{"server": map[string]any{
		"name": "own", "imageRef": b.image, "flavorRef": "1", "networks": "none"}}, 202, "server", "id")
	b.wait(t, server, "ACTIVE", status("ACTIVE"))

	create := func(extra map[string]any) map[string]any {
		s := map[string]any{"name": "x", "imageRef": b.image, "flavorRef": "1", "networks": "none"}
		body := map[string]any{"server": s}
		for k, v := range extra {
			if k == "os:scheduler_hints" {
				body[k] = v
			} else {
				s[k] = v
			}
		}
		return body
	}
	tests := []struct {
		name, method, path string
		body               any
		status             int
		text               string // part of the error body
	}{
		{"create: private image", "POST", "/compute/v2.1/servers", create(map[string]any{"imageRef": o.image}),
			400, "Can not find requested image"},
		{"create: private flavor", "POST", "/compute/v2.1/servers", create(map[string]any{"flavorRef": o.flavor}),
			400, "Flavor " + o.flavor + " could not be found."},
		{"create: network", "POST", "/compute/v2.1/servers", create(map[string]any{"networks": []any{map[string]any{"uuid": o.network}}}),
			400, "Network " + o.network + " could not be found."},
		{"create: port", "POST", "/compute/v2.1/servers", create(map[string]any{"networks": []any{map[string]any{"port": o.port}}}),
			400, "Port id " + o.port + " could not be found."},
		{"create: security group", "POST", "/compute/v2.1/servers", create(map[string]any{
			"networks": []any{map[string]any{"uuid": otherNet}}, "security_groups": []any{map[string]any{"name": o.group}}}),
			400, o.group},
		{"create: key pair", "POST", "/compute/v2.1/servers", create(map[string]any{"key_name": o.keypair}),
			400, "Invalid key_name provided."},
		{"create: server group", "POST", "/compute/v2.1/servers", create(map[string]any{
			"os:scheduler_hints": map[string]any{"group": o.serverGroup}}), 400, "Instance group " + o.serverGroup + " could not be found."},
		{"rebuild: private image", "POST", "/compute/v2.1/servers/" + server + "/action",
			map[string]any{"rebuild": map[string]any{"imageRef": o.image}}, 400, "Cannot find image for rebuild"},
		{"resize: private flavor", "POST", "/compute/v2.1/servers/" + server + "/action",
			map[string]any{"resize": map[string]any{"flavorRef": o.flavor}}, 400, "Unable to locate requested flavor."},
		{"attach interface: network", "POST", "/compute/v2.1/servers/" + server + "/os-interface",
			map[string]any{"interfaceAttachment": map[string]any{"net_id": o.network}}, 404, "Network " + o.network + " could not be found."},
		{"attach interface: port", "POST", "/compute/v2.1/servers/" + server + "/os-interface",
			map[string]any{"interfaceAttachment": map[string]any{"port_id": o.port}}, 404, "Port id " + o.port + " could not be found."},
		{"add security group", "POST", "/compute/v2.1/servers/" + server + "/action",
			map[string]any{"addSecurityGroup": map[string]any{"name": o.group}}, 404, o.group},
		{"add floating ip action", "POST", "/compute/v2.1/servers/" + server + "/action",
			map[string]any{"addFloatingIp": map[string]any{"address": o.floatingIP}}, 404, "floating IP not found"},
		{"neutron port: network", "POST", "/network/v2.0/ports",
			map[string]any{"port": map[string]any{"network_id": o.network}}, 404, "NetworkNotFound"},
		{"neutron port: security group", "POST", "/network/v2.0/ports",
			map[string]any{"port": map[string]any{"network_id": otherNet, "security_groups": []string{o.group}}}, 404, "SecurityGroupNotFound"},
		{"neutron port: subnet", "POST", "/network/v2.0/ports",
			map[string]any{"port": map[string]any{"network_id": otherNet, "fixed_ips": []any{map[string]any{"subnet_id": o.subnet}}}},
			404, "SubnetNotFound"},
		{"neutron subnet: network", "POST", "/network/v2.0/subnets",
			map[string]any{"subnet": map[string]any{"network_id": o.network, "ip_version": 4, "cidr": "10.79.0.0/24"}}, 404, "NetworkNotFound"},
		{"neutron rule: remote group", "POST", "/network/v2.0/security-group-rules",
			map[string]any{"security_group_rule": map[string]any{"security_group_id": otherGroup, "direction": "ingress",
				"remote_group_id": o.group}}, 404, "SecurityGroupNotFound"},
		{"neutron floating ip: port", "POST", "/network/v2.0/floatingips",
			map[string]any{"floatingip": map[string]any{"floating_network_id": b.publicNet(t, other), "port_id": o.port}}, 404, "PortNotFound"},
		{"neutron router interface: subnet", "PUT", "/network/v2.0/routers/" + otherRouter + "/add_router_interface",
			map[string]any{"subnet_id": o.subnet}, 404, "SubnetNotFound"},
		{"neutron router interface: port", "PUT", "/network/v2.0/routers/" + otherRouter + "/add_router_interface",
			map[string]any{"port_id": o.port}, 404, "PortNotFound"},
		{"neutron router gateway: network", "PUT", "/network/v2.0/routers/" + otherRouter,
			map[string]any{"router": map[string]any{"external_gateway_info": map[string]any{"network_id": o.network}}}, 404, "NetworkNotFound"},
		{"neutron port update: security group", "PUT", "/network/v2.0/ports/" + otherPort,
			map[string]any{"port": map[string]any{"security_groups": []string{o.group}}}, 404, "SecurityGroupNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mv := "compute 2.100"
			if strings.Contains(tt.name, "floating ip action") {
				mv = "compute 2.43"
			}
			resp := b.srv.Do(apptest.Request{Method: tt.method, Path: tt.path, Token: other, Body: tt.body, Headers: map[string]string{"OpenStack-API-Version": mv}})
			if resp.Status != tt.status || !strings.Contains(string(resp.Body), tt.text) {
				t.Errorf("got %d %s, want %d with %q", resp.Status, resp.Body, tt.status, tt.text)
			}
			if !json.Valid(resp.Body) {
				t.Errorf("body is not JSON: %s", resp.Body)
			}
		})
	}
	// Nothing of demo's changed hands: its port is still unbound.
	port := b.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/ports/" + o.port, Token: b.demo}).JSON(t)["port"].(map[string]any)
	if port["device_id"] != "" {
		t.Errorf("demo's port bound to %v", port["device_id"])
	}
	members := b.srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/os-server-groups/" + o.serverGroup, Token: b.demo}).JSON(t)
	if m := members["server_group"].(map[string]any)["members"].([]any); len(m) != 0 {
		t.Errorf("demo's group has members %v", m)
	}
}

func (b *bundle) publicNet(t *testing.T, token string) string {
	t.Helper()
	nets := b.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/networks?name=public", Token: token}).JSON(t)["networks"].([]any)
	return nets[0].(map[string]any)["id"].(string)
}
