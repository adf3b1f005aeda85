package network

import (
	"net/http"

	"novalite"
	"novalite/internal/network"
)

func fipView(f novalite.FloatingIP) map[string]any {
	return common(map[string]any{"id": f.ID, "description": f.Description, "floating_network_id": f.FloatingNetworkID,
		"floating_ip_address": f.FloatingIPAddress, "port_id": nullable(f.PortID), "fixed_ip_address": nullable(f.FixedIPAddress),
		"router_id": nullable(f.RouterID), "status": f.Status, "port_details": nil, "dns_domain": "", "dns_name": "",
		"qos_policy_id": nil, "port_forwardings": []any{}}, f.ProjectID, f.CreatedAt, f.UpdatedAt)
}

// floatingIPs are the handlers of /v2.0/floatingips.
func (a *API) floatingIPs() crud {
	return serve(a, "floatingips", resource[novalite.FloatingIP, network.FloatingIPParams]{id: func(f novalite.FloatingIP) string { return f.ID },
		view: anyone(fipView), read: forAction(readFIP), list: listed(a.svc.ListFloatingIPs), get: a.svc.GetFloatingIP,
		create: a.svc.CreateFloatingIP, update: a.svc.UpdateFloatingIP, del: a.svc.DeleteFloatingIP})
}

func readFIP(r *http.Request) (network.FloatingIPParams, error) {
	var p network.FloatingIPParams
	t := targets{"floating_network_id": &p.FloatingNetworkID, "floating_ip_address": &p.FloatingIPAddress,
		"subnet_id": &p.SubnetID, "project_id": &p.ProjectID, "port_id": &p.PortID, "fixed_ip_address": &p.FixedIPAddress,
		"description": &p.Description, "dns_domain": nil, "dns_name": nil, "qos_policy_id": nil}
	attrs, err := decodeResource(r, "floatingip", t)
	if err == nil && isNull(attrs, "port_id") {
		empty := ""
		p.PortID = &empty
	}
	return p, err
}
