package network

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

func networkView(n novalite.Network, admin bool) map[string]any {
	v := map[string]any{
		"id": n.ID, "name": n.Name, "description": n.Description, "admin_state_up": n.AdminStateUp,
		"status": "ACTIVE", "subnets": n.Subnets, "shared": n.Shared, "router:external": n.External,
		"mtu": n.MTU, "availability_zone_hints": []string{}, "availability_zones": []string{"nova"},
		"ipv4_address_scope": nil, "ipv6_address_scope": nil, "port_security_enabled": n.PortSecurityEnabled,
		"l2_adjacency": true, "is_default": false, "qos_policy_id": nil, "dns_domain": "",
	}
	if admin {
		v["provider:network_type"], v["provider:physical_network"], v["provider:segmentation_id"] = "vxlan", nil, 1000
		if n.External {
			v["provider:network_type"], v["provider:physical_network"], v["provider:segmentation_id"] = "flat", "public", nil
		}
	}
	return common(v, n.ProjectID, n.CreatedAt, n.UpdatedAt)
}

// networks are the handlers of /v2.0/networks.
func (a *API) networks() crud {
	return serve(a, "networks", resource[novalite.Network, network.NetworkParams]{id: func(n novalite.Network) string { return n.ID },
		view: func(n novalite.Network, c *novalite.Caller) map[string]any { return networkView(n, c.IsAdmin()) },
		read: readNetwork, list: listed(a.svc.ListNetworks), get: a.svc.GetNetwork,
		create: a.svc.CreateNetwork, update: a.svc.UpdateNetwork, del: a.svc.DeleteNetwork})
}

func networkTargets(p *network.NetworkParams) targets {
	return targets{"name": &p.Name, "description": &p.Description, "project_id": &p.ProjectID,
		"admin_state_up": &p.AdminStateUp, "shared": &p.Shared, "router:external": &p.External, "mtu": &p.MTU,
		"port_security_enabled": &p.PortSecurity, "availability_zone_hints": nil, "dns_domain": nil, "qos_policy_id": nil,
		"is_default": nil, "provider:network_type": nil, "provider:physical_network": nil, "provider:segmentation_id": nil}
}

// readNetwork decodes a network body for action (create or update):
// provider attributes are an admin's, the MTU at most the deployment's.
func readNetwork(r *http.Request, action string) (network.NetworkParams, error) {
	var p network.NetworkParams
	attrs, err := decodeResource(r, "network", networkTargets(&p))
	if err != nil {
		return p, err
	}
	if err := checkProvider(httpx.Caller(r.Context()), attrs, action); err != nil {
		return p, err
	}
	return p, checkMTU(p)
}
