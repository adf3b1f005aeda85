package network_test

import (
	"fmt"
	"testing"

	"novalite/internal/app/apptest"
)

// A CIDR with host bits is taken and normalised as Neutron's netaddr does;
// the default gateway and pools follow ipam/utils.py generate_pools,
// single-address subnets included.
func TestSubnetCIDRAndDefaultPools(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	for i, tc := range []struct {
		cidr      string
		version   int
		wantCIDR  string
		gateway   string
		wantPools string
	}{
		{"10.99.99.0/16", 4, "10.99.0.0/16", "10.99.0.1", "[10.99.0.2-10.99.255.254]"},
		{"10.9.0.1/24", 4, "10.9.0.0/24", "10.9.0.1", "[10.9.0.2-10.9.0.254]"},
		{"10.8.0.7/32", 4, "10.8.0.7/32", "10.8.0.8", "[10.8.0.7-10.8.0.7]"},
		{"10.7.0.4/31", 4, "10.7.0.4/31", "10.7.0.5", "[10.7.0.4-10.7.0.4]"},
		{"10.6.0.0/30", 4, "10.6.0.0/30", "10.6.0.1", "[10.6.0.2-10.6.0.2]"},
		{"fd00:5::9/128", 6, "fd00:5::9/128", "fd00:5::a", "[fd00:5::9-fd00:5::9]"},
		{"fd00:6::1:2/64", 6, "fd00:6::/64", "fd00:6::1", "[fd00:6::2-fd00:6::ffff:ffff:ffff:ffff]"},
		{"fd00:7::/127", 6, "fd00:7::/127", "fd00:7::1", "[]"},
	} {
		t.Run(tc.cidr, func(t *testing.T) {
			netID := obj(do(t, srv, tok, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{
				"name": fmt.Sprint("n", i)}}, 201), "network")["id"]
			sn := obj(do(t, srv, tok, "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{
				"network_id": netID, "cidr": tc.cidr, "ip_version": tc.version}}, 201), "subnet")
			pools := "["
			for j, p := range sn["allocation_pools"].([]any) {
				if j > 0 {
					pools += " "
				}
				pools += fmt.Sprint(p.(map[string]any)["start"], "-", p.(map[string]any)["end"])
			}
			pools += "]"
			if sn["cidr"] != tc.wantCIDR || sn["gateway_ip"] != tc.gateway || pools != tc.wantPools {
				t.Errorf("cidr %v gateway %v pools %s, want %s %s %s", sn["cidr"], sn["gateway_ip"], pools,
					tc.wantCIDR, tc.gateway, tc.wantPools)
			}
		})
	}
	// Still refused: no prefix length, an out-of-range one.
	for _, cidr := range []string{"10.5.0.0", "10.5.0.0/33"} {
		netID := obj(do(t, srv, tok, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": cidr}}, 201), "network")["id"]
		msg := neutronError(t, srv, tok, "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{
			"network_id": netID, "cidr": cidr, "ip_version": 4}}, 400, "HTTPBadRequest")
		if want := "Invalid input for cidr. Reason: '" + cidr + "' is not a valid IP subnet."; msg != want {
			t.Errorf("%s: %q, want %q", cidr, msg, want)
		}
	}
}
