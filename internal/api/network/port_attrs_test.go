package network_test

import (
	"encoding/json"
	"testing"

	"novalite/internal/app/apptest"
)

// TestPortAndSubnetAttributes: allowed_address_pairs, extra_dhcp_opts and
// a subnet's service_types are kept and shown as Neutron keeps them
// (pairs replaced, the port's MAC filled in; options merged by name and
// IP version, a null value removing one), and refused as Neutron refuses
// them.
func TestPortAndSubnetAttributes(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	netID, subnetID := netWithSubnet(t, srv, demo, "attrs", "10.72.0.0/24", 4)
	port := obj(do(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": netID,
		"mac_address":           "fa:16:3e:00:00:01",
		"allowed_address_pairs": []any{map[string]any{"ip_address": "10.72.0.100"}},
		"extra_dhcp_opts":       []any{map[string]any{"opt_name": "bootfile-name", "opt_value": "pxelinux.0"}},
	}}, 201), "port")
	portPath := "/v2.0/ports/" + port["id"].(string)
	subnetPath := "/v2.0/subnets/" + subnetID
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	for _, tc := range []struct {
		name, path, key, attr string
		body                  map[string]any
		status                int
		errType               string
		want                  string // the attribute after, as JSON
	}{
		{"created pairs", portPath, "port", "allowed_address_pairs", nil, 200, "",
			`[{"ip_address":"10.72.0.100","mac_address":"fa:16:3e:00:00:01"}]`},
		{"created options", portPath, "port", "extra_dhcp_opts", nil, 200, "",
			`[{"ip_version":4,"opt_name":"bootfile-name","opt_value":"pxelinux.0"}]`},
		{"replace pairs", portPath, "port", "allowed_address_pairs",
			map[string]any{"allowed_address_pairs": []any{map[string]any{"ip_address": "10.72.1.0/24", "mac_address": "fa:16:3e:00:00:02"}}}, 200, "",
			`[{"ip_address":"10.72.1.0/24","mac_address":"fa:16:3e:00:00:02"}]`},
		{"merge options", portPath, "port", "extra_dhcp_opts",
			map[string]any{"extra_dhcp_opts": []any{map[string]any{"opt_name": "bootfile-name", "opt_value": "grub.efi"},
				map[string]any{"opt_name": "tftp-server", "opt_value": "10.72.0.2", "ip_version": 6}}}, 200, "",
			`[{"ip_version":4,"opt_name":"bootfile-name","opt_value":"grub.efi"},{"ip_version":6,"opt_name":"tftp-server","opt_value":"10.72.0.2"}]`},
		{"remove an option", portPath, "port", "extra_dhcp_opts",
			map[string]any{"extra_dhcp_opts": []any{map[string]any{"opt_name": "bootfile-name", "opt_value": nil}}}, 200, "",
			`[{"ip_version":6,"opt_name":"tftp-server","opt_value":"10.72.0.2"}]`},
		{"option without a value", portPath, "port", "extra_dhcp_opts",
			map[string]any{"extra_dhcp_opts": []any{map[string]any{"opt_name": "x"}}}, 400, "HTTPBadRequest",
			`[{"ip_version":6,"opt_name":"tftp-server","opt_value":"10.72.0.2"}]`},
		{"option of IP version 5", portPath, "port", "extra_dhcp_opts",
			map[string]any{"extra_dhcp_opts": []any{map[string]any{"opt_name": "x", "opt_value": "y", "ip_version": 5}}}, 400, "HTTPBadRequest",
			`[{"ip_version":6,"opt_name":"tftp-server","opt_value":"10.72.0.2"}]`},
		{"pair without an address", portPath, "port", "allowed_address_pairs",
			map[string]any{"allowed_address_pairs": []any{map[string]any{"mac_address": "fa:16:3e:00:00:02"}}}, 400, "AllowedAddressPairsMissingIP",
			`[{"ip_address":"10.72.1.0/24","mac_address":"fa:16:3e:00:00:02"}]`},
		{"pairs without port security", portPath, "port", "allowed_address_pairs",
			map[string]any{"port_security_enabled": false, "security_groups": []any{}}, 409, "AddressPairAndPortSecurityRequired",
			`[{"ip_address":"10.72.1.0/24","mac_address":"fa:16:3e:00:00:02"}]`},
		{"clear pairs", portPath, "port", "allowed_address_pairs",
			map[string]any{"allowed_address_pairs": nil}, 200, "", `[]`},
		{"subnet service types", subnetPath, "subnet", "service_types",
			map[string]any{"service_types": []any{"network:floatingip_agent_gateway", "compute:nova"}}, 200, "",
			`["network:floatingip_agent_gateway","compute:nova"]`},
		{"not a device owner", subnetPath, "subnet", "service_types",
			map[string]any{"service_types": []any{"storage:x"}}, 400, "InvalidSubnetServiceType",
			`["network:floatingip_agent_gateway","compute:nova"]`},
		{"unset service types", subnetPath, "subnet", "service_types",
			map[string]any{"service_types": []any{}}, 200, "", `[]`},
	} {
		if tc.body != nil {
			body := map[string]any{tc.key: tc.body}
			if tc.errType != "" {
				neutronError(t, srv, demo, "PUT", tc.path, body, tc.status, tc.errType)
			} else {
				do(t, srv, demo, "PUT", tc.path, body, tc.status)
			}
		}
		if got := js(obj(do(t, srv, demo, "GET", tc.path, nil, 200), tc.key)[tc.attr]); got != tc.want {
			t.Errorf("%s: %s = %s, want %s", tc.name, tc.attr, got, tc.want)
		}
	}
}

// TestPortBindingProfile: binding:profile is kept as given and replaced
// on update (null clears it, as Neutron's convert_none_to_empty_dict),
// shown to administrators only and set by them only, as binding:host_id.
func TestPortBindingProfile(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin, demo := srv.AdminToken(), srv.DemoToken()
	netID, _ := netWithSubnet(t, srv, admin, "binding", "10.73.0.0/24", 4)
	profile := map[string]any{"vlan_type": "allowed", "local_link_information": []any{
		map[string]any{"switch_info": "info1", "port_id": "Ethernet3/4", "switch_id": "12:34:56:78:9A:BC"}}}
	port := obj(do(t, srv, admin, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": netID,
		"binding:host_id": "localhost", "binding:profile": profile}}, 201), "port")
	path := "/v2.0/ports/" + port["id"].(string)
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	const given = `{"local_link_information":[{"port_id":"Ethernet3/4","switch_id":"12:34:56:78:9A:BC","switch_info":"info1"}],"vlan_type":"allowed"}`
	if got := js(port["binding:profile"]); got != given {
		t.Errorf("created: binding:profile = %s, want %s", got, given)
	}
	for _, tc := range []struct {
		name string
		body any // the port's binding:profile of the update; nil: no update
		want string
	}{
		{"shown", nil, given},
		{"replaced", map[string]any{"capabilities": []any{"switchdev"}}, `{"capabilities":["switchdev"]}`},
		{"cleared by {}", map[string]any{}, `{}`},
		{"set again", profile, given},
		{"cleared by null", "null", `{}`},
	} {
		if tc.body != nil {
			var v any = tc.body
			if tc.body == "null" {
				v = nil
			}
			do(t, srv, admin, "PUT", path, map[string]any{"port": map[string]any{"binding:profile": v}}, 200)
		}
		if got := js(obj(do(t, srv, admin, "GET", path, nil, 200), "port")["binding:profile"]); got != tc.want {
			t.Errorf("%s: binding:profile = %s, want %s", tc.name, got, tc.want)
		}
	}

	// A member neither sees nor sets it.
	demoNet, _ := netWithSubnet(t, srv, demo, "binding-demo", "10.74.0.0/24", 4)
	own := obj(do(t, srv, demo, "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": demoNet}}, 201), "port")
	if _, ok := own["binding:profile"]; ok {
		t.Errorf("a member sees binding:profile: %v", own)
	}
	neutronError(t, srv, demo, "PUT", "/v2.0/ports/"+own["id"].(string),
		map[string]any{"port": map[string]any{"binding:profile": profile}}, 403, "PolicyNotAuthorized")
	neutronError(t, srv, demo, "POST", "/v2.0/ports",
		map[string]any{"port": map[string]any{"network_id": own["network_id"], "binding:profile": profile}}, 403, "PolicyNotAuthorized")
	neutronError(t, srv, admin, "PUT", path, map[string]any{"port": map[string]any{"binding:profile": "x"}}, 400, "HTTPBadRequest")
}
