package network_test

import (
	"fmt"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// TestRefusedInput: what Neutron refuses is refused with its status,
// type and message, and nothing is stored.
func TestRefusedInput(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	netID, subnetID := netWithSubnet(t, srv, demo, "v", "10.40.0.0/24", 4)
	long := strings.Repeat("n", 256)
	servers := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("10.0.%d.%d", i/250, i%250+1)
		}
		return out
	}
	routes := make([]map[string]any, 21)
	for i := range routes {
		routes[i] = map[string]any{"destination": fmt.Sprintf("10.%d.0.0/16", 100+i), "nexthop": "10.40.0.9"}
	}
	pairs := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"ip_address": fmt.Sprintf("10.40.0.%d", 100+i)}
		}
		return out
	}
	port := func(attrs map[string]any) map[string]any {
		attrs["network_id"] = netID
		return map[string]any{"port": attrs}
	}
	tests := []struct {
		name, method, path string
		body               any
		status             int
		typ, message       string
	}{
		{"network name 256 characters", "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": long}},
			400, "HTTPBadRequest", "Invalid input for name. Reason: '" + long + "' exceeds maximum length of 255."},
		{"port description 256 characters", "POST", "/v2.0/ports", port(map[string]any{"description": long}),
			400, "HTTPBadRequest", "Invalid input for description. Reason: '" + long + "' exceeds maximum length of 255."},
		{"security group name 256 characters", "POST", "/v2.0/security-groups", map[string]any{"security_group": map[string]any{"name": long}},
			400, "HTTPBadRequest", "Invalid input for name. Reason: '" + long + "' exceeds maximum length of 255."},
		{"mtu 2^40", "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": "m", "mtu": int64(1) << 40}},
			400, "InvalidInput", "Invalid input for operation: Requested MTU is too big, maximum is 1450."},
		{"mtu negative", "PUT", "/v2.0/networks/" + netID, map[string]any{"network": map[string]any{"mtu": -1}},
			400, "HTTPBadRequest", "Invalid input for mtu. Reason: '-1' should be non-negative."},
		{"member sets provider", "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": "p",
			"provider:network_type": "vlan", "provider:segmentation_id": 7}},
			403, "PolicyNotAuthorized", "(rule:create_network:provider:network_type) is disallowed by policy"},
		{"member updates provider", "PUT", "/v2.0/networks/" + netID, map[string]any{"network": map[string]any{"provider:physical_network": "x"}},
			403, "PolicyNotAuthorized", "(rule:update_network:provider:physical_network) is disallowed by policy"},
		{"mac zz:zz", "POST", "/v2.0/ports", port(map[string]any{"mac_address": "zz:zz"}),
			400, "HTTPBadRequest", "Invalid input for mac_address. Reason: 'zz:zz' is not a valid MAC address."},
		{"mac broadcast", "POST", "/v2.0/ports", port(map[string]any{"mac_address": "ff:ff:ff:ff:ff:ff"}),
			400, "HTTPBadRequest", "Invalid input for mac_address. Reason: 'ff:ff:ff:ff:ff:ff' is not a valid MAC address."},
		{"1,000 dns servers", "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{"network_id": netID, "ip_version": 4,
			"cidr": "10.41.0.0/24", "dns_nameservers": servers(1000)}},
			400, "DNSNameServersExhausted", "Unable to complete operation for new subnet. The number of DNS nameservers exceeds the limit 5."},
		{"6 dns servers on update", "PUT", "/v2.0/subnets/" + subnetID, map[string]any{"subnet": map[string]any{"dns_nameservers": servers(6)}},
			400, "DNSNameServersExhausted", "Unable to complete operation for " + subnetID + ". The number of DNS nameservers exceeds the limit 5."},
		{"dns server not an address", "PUT", "/v2.0/subnets/" + subnetID, map[string]any{"subnet": map[string]any{"dns_nameservers": []string{"x"}}},
			400, "HTTPBadRequest", "Invalid input for dns_nameservers. Reason: 'x' is not a valid nameserver."},
		{"21 host routes", "PUT", "/v2.0/subnets/" + subnetID, map[string]any{"subnet": map[string]any{"host_routes": routes}},
			400, "HostRoutesExhausted", "Unable to complete operation for " + subnetID + ". The number of host routes exceeds the limit 20."},
		{"address pair without ip", "POST", "/v2.0/ports", port(map[string]any{"allowed_address_pairs": []any{map[string]any{"mac_address": "fa:16:3e:00:00:01"}}}),
			400, "AllowedAddressPairsMissingIP", "AllowedAddressPair must contain ip_address"},
		{"address pair bad ip", "POST", "/v2.0/ports", port(map[string]any{"allowed_address_pairs": []any{map[string]any{"ip_address": "300.1.1.1"}}}),
			400, "HTTPBadRequest", "'300.1.1.1' is not a valid IP address"},
		{"address pair bad cidr", "POST", "/v2.0/ports", port(map[string]any{"allowed_address_pairs": []any{map[string]any{"ip_address": "10.0.0.0/99"}}}),
			400, "HTTPBadRequest", "'10.0.0.0/99' is not a valid IP subnet"},
		{"address pair bad mac", "POST", "/v2.0/ports", port(map[string]any{"allowed_address_pairs": []any{map[string]any{"ip_address": "10.0.0.1", "mac_address": "zz"}}}),
			400, "HTTPBadRequest", "'zz' is not a valid MAC address"},
		{"address pair unknown key", "POST", "/v2.0/ports", port(map[string]any{"allowed_address_pairs": []any{map[string]any{"ip_address": "10.0.0.1", "x": 1}}}),
			400, "HTTPBadRequest", "Unrecognized attribute(s) 'x'"},
		{"address pair duplicate", "POST", "/v2.0/ports", port(map[string]any{"allowed_address_pairs": []any{
			map[string]any{"ip_address": "10.0.0.1"}, map[string]any{"ip_address": "10.0.0.1"}}}),
			400, "DuplicateAddressPairInRequest", "Request contains duplicate address pair: mac_address  ip_address 10.0.0.1."},
		{"11 address pairs", "POST", "/v2.0/ports", port(map[string]any{"allowed_address_pairs": pairs(11)}),
			400, "AllowedAddressPairExhausted", "The number of allowed address pair exceeds the maximum 10."},
		{"address pairs not a list", "POST", "/v2.0/ports", port(map[string]any{"allowed_address_pairs": "x"}),
			400, "HTTPBadRequest", "Allowed address pairs must be a list."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := neutronError(t, srv, demo, tt.method, tt.path, tt.body, tt.status, tt.typ); msg != tt.message {
				t.Errorf("message %.200q, want %.200q", msg, tt.message)
			}
		})
	}
	// Nothing of the refused requests was stored.
	if n := len(list(do(t, srv, demo, "GET", "/v2.0/ports?network_id="+netID, nil, 200), "ports")); n != 0 {
		t.Errorf("%d ports stored", n)
	}
	if n := len(list(do(t, srv, demo, "GET", "/v2.0/networks?name=m", nil, 200), "networks")); n != 0 {
		t.Errorf("%d networks stored", n)
	}
	// What Neutron accepts still is: 255 characters, 5 servers, 10 pairs,
	// the deployment's MTU, an admin's provider attributes.
	do(t, srv, demo, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": strings.Repeat("n", 255), "mtu": 1450}}, 201)
	do(t, srv, demo, "PUT", "/v2.0/subnets/"+subnetID, map[string]any{"subnet": map[string]any{"dns_nameservers": servers(5)}}, 200)
	do(t, srv, demo, "POST", "/v2.0/ports", port(map[string]any{"allowed_address_pairs": pairs(10), "mac_address": "FA:16:3E:00:00:09"}), 201)
	do(t, srv, srv.AdminToken(), "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": "p", "provider:network_type": "vxlan"}}, 201)
}
