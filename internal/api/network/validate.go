package network

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"novalite"
	"novalite/internal/network"
)

// Neutron's limits on what a request may carry (neutron-lib constants and
// neutron.conf defaults).
const (
	maxNameLen          = 255  // NAME_MAX_LEN, and DESCRIPTION_MAX_LEN
	maxDNSNameservers   = 5    // max_dns_nameservers
	maxHostRoutes       = 20   // max_subnet_host_routes
	maxAllowedAddrPairs = 10   // max_allowed_address_pair
	maxMTU              = 1450 // what VXLAN carries: every network's MTU
)

// checkLengths refuses a name or description longer than Neutron stores.
func checkLengths(attrs map[string]json.RawMessage) error {
	for _, k := range []string{"name", "description"} {
		var s string
		if raw, ok := attrs[k]; ok && json.Unmarshal(raw, &s) == nil && utf8.RuneCountInString(s) > maxNameLen {
			return badRequest("Invalid input for %s. Reason: '%s' exceeds maximum length of %d.", k, s, maxNameLen)
		}
	}
	return nil
}

// checkProvider refuses provider attributes from a non-admin, as
// Neutron's policy does (rule create_network:provider:… is admin only).
func checkProvider(c *novalite.Caller, attrs map[string]json.RawMessage, action string) error {
	if c.IsAdmin() {
		return nil
	}
	var given []string
	for k := range attrs {
		if strings.HasPrefix(k, "provider:") {
			given = append(given, k)
		}
	}
	if len(given) == 0 {
		return nil
	}
	sort.Strings(given)
	return &novalite.Error{Kind: novalite.Forbidden, Reason: "PolicyNotAuthorized",
		Message: "(rule:" + action + "_network:" + given[0] + ") is disallowed by policy"}
}

// checkMTU holds a network's MTU to what the (VXLAN) deployment carries.
func checkMTU(p network.NetworkParams) error {
	if p.MTU == nil {
		return nil
	}
	if *p.MTU < 0 {
		return badRequest("Invalid input for mtu. Reason: '%d' should be non-negative.", *p.MTU)
	}
	if *p.MTU > maxMTU {
		return &novalite.Error{Kind: novalite.Invalid, Reason: "InvalidInput",
			Message: "Invalid input for operation: Requested MTU is too big, maximum is 1450."}
	}
	return nil
}

// validMAC is neutron-lib's validate_mac_address: one 48-bit address,
// neither all zeros nor broadcast.
func validMAC(s string) bool {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 || strings.TrimSpace(s) != s {
		return false
	}
	v := hw.String()
	return v != "00:00:00:00:00:00" && v != "ff:ff:ff:ff:ff:ff"
}

func checkMAC(mac *string) error {
	if mac != nil && !validMAC(*mac) {
		return badRequest("Invalid input for mac_address. Reason: '%s' is not a valid MAC address.", *mac)
	}
	return nil
}

// checkSubnetLists applies Neutron's limits on dns_nameservers and
// host_routes; subnetID is "" on create ("new subnet" in the message).
func checkSubnetLists(p network.SubnetParams, subnetID string) error {
	if subnetID == "" {
		subnetID = "new subnet"
	}
	if p.DNSNameservers != nil {
		seen := map[string]bool{}
		for _, ns := range *p.DNSNameservers {
			if _, err := netip.ParseAddr(ns); err != nil {
				return badRequest("Invalid input for dns_nameservers. Reason: '%s' is not a valid nameserver.", ns)
			}
			if seen[ns] {
				return badRequest("Invalid input for dns_nameservers. Reason: Duplicate nameserver '%s'.", ns)
			}
			seen[ns] = true
		}
		if len(*p.DNSNameservers) > maxDNSNameservers {
			return &novalite.Error{Kind: novalite.Invalid, Reason: "DNSNameServersExhausted", Message: "Unable to complete operation for " +
				subnetID + ". The number of DNS nameservers exceeds the limit 5."}
		}
	}
	if p.HostRoutes != nil && len(*p.HostRoutes) > maxHostRoutes {
		return &novalite.Error{Kind: novalite.Invalid, Reason: "HostRoutesExhausted", Message: "Unable to complete operation for " +
			subnetID + ". The number of host routes exceeds the limit 20."}
	}
	return nil
}

// checkAddressPairs validates allowed_address_pairs as Neutron's
// extension does; valid pairs are accepted (and not applied: the
// simulated hosts filter no traffic).
func checkAddressPairs(raw json.RawMessage) error {
	if raw == nil || strings.TrimSpace(string(raw)) == "null" {
		return nil
	}
	var pairs []json.RawMessage
	if json.Unmarshal(raw, &pairs) != nil {
		return badRequest("Allowed address pairs must be a list.")
	}
	if len(pairs) > maxAllowedAddrPairs {
		return &novalite.Error{Kind: novalite.Invalid, Reason: "AllowedAddressPairExhausted",
			Message: "The number of allowed address pair exceeds the maximum 10."}
	}
	seen := map[[2]string]bool{}
	for _, rp := range pairs {
		var pair map[string]any
		if json.Unmarshal(rp, &pair) != nil || pair == nil {
			return badRequest("Invalid input for allowed_address_pairs. Reason: '%s' is not a dictionary.", strings.TrimSpace(string(rp)))
		}
		mac, hasMAC := pair["mac_address"].(string)
		if _, given := pair["mac_address"]; given && (!hasMAC || !validMAC(mac)) {
			return badRequest("'%v' is not a valid MAC address", pair["mac_address"])
		}
		ipv, given := pair["ip_address"]
		if !given {
			return &novalite.Error{Kind: novalite.Invalid, Reason: "AllowedAddressPairsMissingIP",
				Message: "AllowedAddressPair must contain ip_address"}
		}
		ip, _ := ipv.(string)
		if seen[[2]string{mac, ip}] {
			return &novalite.Error{Kind: novalite.Invalid, Reason: "DuplicateAddressPairInRequest",
				Message: "Request contains duplicate address pair: mac_address " + mac + " ip_address " + ip + "."}
		}
		seen[[2]string{mac, ip}] = true
		var unknown []string
		for k := range pair {
			if k != "mac_address" && k != "ip_address" {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return badRequest("Unrecognized attribute(s) '%s'", strings.Join(unknown, ", "))
		}
		if strings.Contains(ip, "/") {
			if _, err := netip.ParsePrefix(ip); err != nil {
				return badRequest("'%v' is not a valid IP subnet", ipv)
			}
		} else if _, err := netip.ParseAddr(ip); err != nil || !isString(ipv) {
			return badRequest("'%v' is not a valid IP address", ipv)
		}
	}
	return nil
}

func isString(v any) bool { _, ok := v.(string); return ok }

// readAddressPairs decodes allowed_address_pairs (checkAddressPairs has
// validated them); null is none, as Neutron converts it.
func readAddressPairs(raw json.RawMessage) *[]novalite.AddressPair {
	if raw == nil {
		return nil
	}
	pairs := []novalite.AddressPair{}
	_ = json.Unmarshal(raw, &pairs)
	if pairs == nil {
		pairs = []novalite.AddressPair{}
	}
	return &pairs
}

// readDHCPOpts decodes and validates extra_dhcp_opts as neutron-lib's
// list_of_any_key_specs_or_none does: each a dictionary with opt_name (a
// non-empty string) and opt_value (a non-empty string, or null to remove
// it), and an optional ip_version, 4 or 6 (default 4).
func readDHCPOpts(raw json.RawMessage) ([]network.DHCPOptRequest, error) {
	if raw == nil || strings.TrimSpace(string(raw)) == "null" {
		return nil, nil
	}
	bad := func(format string, args ...any) error {
		return badRequest("Invalid input for extra_dhcp_opts. Reason: "+format, args...)
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, bad("'%s' is not a list.", strings.TrimSpace(string(raw)))
	}
	out := []network.DHCPOptRequest{}
	for _, it := range items {
		var m map[string]any
		if json.Unmarshal(it, &m) != nil || m == nil {
			return nil, bad("'%s' is not a dictionary.", strings.TrimSpace(string(it)))
		}
		for k := range m {
			if k != "id" && k != "opt_name" && k != "opt_value" && k != "ip_version" {
				return nil, bad("Unrecognized attribute '%s'.", k)
			}
		}
		name, ok := m["opt_name"].(string)
		if !ok || name == "" {
			return nil, bad("'%v' is not a valid opt_name: a non-empty string is required.", m["opt_name"])
		}
		vraw, given := m["opt_value"]
		if !given {
			return nil, bad("opt_value is required.")
		}
		o := network.DHCPOptRequest{Name: name, IPVersion: 4}
		if vraw != nil {
			v, ok := vraw.(string)
			if !ok || v == "" {
				return nil, bad("'%v' is not a valid opt_value: a non-empty string or null is required.", vraw)
			}
			o.Value = &v
		}
		if iv, ok := m["ip_version"]; ok && iv != nil {
			n, err := strconv.Atoi(strings.Trim(fmt.Sprint(iv), `"`))
			if err != nil || (n != 4 && n != 6) {
				return nil, bad("%v is not in [4, 6].", iv)
			}
			o.IPVersion = n
		}
		out = append(out, o)
	}
	return out, nil
}

// readServiceTypes decodes a subnet's service_types as neutron-lib's
// subnet-service-types validator does: a list of strings, each a device
// owner prefix (network:…, neutron:…, compute:…); null is none.
func readServiceTypes(raw json.RawMessage) (*[]string, error) {
	if raw == nil {
		return nil, nil
	}
	var items []any
	if strings.TrimSpace(string(raw)) != "null" && json.Unmarshal(raw, &items) != nil {
		return nil, &novalite.Error{Kind: novalite.Invalid, Reason: "InvalidSubnetServiceType",
			Message: fmt.Sprintf("Subnet service type %s does not correspond to a valid device owner.", strings.Trim(string(raw), `"`))}
	}
	out := []string{}
	for _, it := range items {
		t, ok := it.(string)
		if !ok {
			return nil, &novalite.Error{Kind: novalite.Invalid, Reason: "InvalidInputSubnetServiceType",
				Message: fmt.Sprintf("Subnet service type %v is not a string.", it)}
		}
		if !strings.HasPrefix(t, "network:") && !strings.HasPrefix(t, "neutron:") && !strings.HasPrefix(t, "compute:") {
			return nil, &novalite.Error{Kind: novalite.Invalid, Reason: "InvalidSubnetServiceType",
				Message: fmt.Sprintf("Subnet service type %s does not correspond to a valid device owner.", t)}
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return &out, nil
}
