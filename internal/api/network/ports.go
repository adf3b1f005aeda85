package network

import (
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/network"
)

func portView(p novalite.Port, admin bool) map[string]any {
	ips := p.FixedIPs
	if ips == nil {
		ips = []novalite.FixedIP{}
	}
	v := map[string]any{
		"id": p.ID, "name": p.Name, "network_id": p.NetworkID, "description": p.Description,
		"mac_address": p.MACAddress, "admin_state_up": p.AdminStateUp, "status": p.Status,
		"device_id": p.DeviceID, "device_owner": p.DeviceOwner, "fixed_ips": ips,
		"security_groups": orEmpty(p.SecurityGroups), "port_security_enabled": p.PortSecurityEnabled,
		"allowed_address_pairs": orEmptyList(p.AllowedAddressPairs), "extra_dhcp_opts": orEmptyList(p.ExtraDHCPOpts),
		"binding:vnic_type": "normal",
		"dns_name":          "", "dns_assignment": []any{}, "qos_policy_id": nil, "propagate_uplink_status": false,
	}
	if admin {
		v["binding:host_id"], v["binding:vif_details"] = p.HostID, map[string]any{}
		v["binding:profile"] = p.BindingProfile
		if p.BindingProfile == nil {
			v["binding:profile"] = map[string]any{}
		}
		v["binding:vif_type"] = "unbound"
		if p.HostID != "" {
			v["binding:vif_type"] = "ovs"
		}
	}
	return common(v, p.ProjectID, p.CreatedAt, p.UpdatedAt)
}

// ports are the handlers of /v2.0/ports.
func (a *API) ports() crud {
	return serve(a, "ports", resource[novalite.Port, network.PortParams]{id: func(p novalite.Port) string { return p.ID },
		view: func(p novalite.Port, c *novalite.Caller) map[string]any { return portView(p, c.IsAdmin()) },
		read: forAction(readPort), list: a.listPorts, get: a.svc.GetPort,
		create: a.svc.CreatePort, update: a.svc.UpdatePort, del: a.svc.DeletePort})
}

func orEmptyList[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

type fixedIPBody struct {
	SubnetID  string `json:"subnet_id"`
	IPAddress string `json:"ip_address"`
}

func readPort(r *http.Request) (network.PortParams, error) {
	var p network.PortParams
	var ips *[]fixedIPBody
	t := targets{"network_id": &p.NetworkID, "name": &p.Name, "description": &p.Description, "project_id": &p.ProjectID,
		"mac_address": &p.MACAddress, "device_id": &p.DeviceID, "device_owner": &p.DeviceOwner,
		"binding:host_id": &p.HostID, "admin_state_up": &p.AdminStateUp, "port_security_enabled": &p.PortSecurityEnabled,
		"fixed_ips": &ips, "security_groups": &p.SecurityGroups, "binding:vnic_type": nil, "binding:profile": &p.BindingProfile,
		"allowed_address_pairs": nil, "extra_dhcp_opts": nil, "dns_name": nil, "qos_policy_id": nil}
	attrs, err := decodeResource(r, "port", t)
	if err != nil {
		return p, err
	}
	if err := checkMAC(p.MACAddress); err != nil {
		return p, err
	}
	if err := checkAddressPairs(attrs["allowed_address_pairs"]); err != nil {
		return p, err
	}
	p.AllowedAddressPairs = readAddressPairs(attrs["allowed_address_pairs"])
	if p.ExtraDHCPOpts, err = readDHCPOpts(attrs["extra_dhcp_opts"]); err != nil {
		return p, err
	}
	if ips != nil {
		reqs := []network.FixedIPRequest{}
		for _, ip := range *ips {
			reqs = append(reqs, network.FixedIPRequest{SubnetID: ip.SubnetID, IPAddress: ip.IPAddress})
		}
		p.FixedIPs = &reqs
	}
	if isNull(attrs, "binding:profile") { // Neutron's convert_none_to_empty_dict
		p.BindingProfile = &map[string]any{}
	}
	if isNull(attrs, "security_groups") {
		none := []string{}
		p.SecurityGroups = &none
	}
	return p, nil
}

// listPorts adds the fixed_ips filters (ip_address=, subnet_id=) to the
// common list parameters.
func (a *API) listPorts(r *http.Request, c *novalite.Caller, lp network.ListParams) ([]novalite.Port, error) {
	p := network.PortListParams{ListParams: lp}
	for _, f := range r.URL.Query()["fixed_ips"] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "ip_address":
			p.IPAddresses = append(p.IPAddresses, v)
		case "subnet_id":
			p.SubnetIDs = append(p.SubnetIDs, v)
		}
	}
	return a.svc.ListPorts(r.Context(), c, p)
}
