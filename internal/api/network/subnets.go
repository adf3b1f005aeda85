package network

import (
	"net/http"

	"novalite"
	"novalite/internal/network"
)

func subnetView(s novalite.Subnet) map[string]any {
	pools := s.AllocationPools
	if pools == nil {
		pools = []novalite.AllocationPool{}
	}
	return common(map[string]any{
		"id": s.ID, "name": s.Name, "network_id": s.NetworkID, "description": s.Description,
		"ip_version": s.IPVersion, "cidr": s.CIDR, "gateway_ip": nullable(s.GatewayIP), "enable_dhcp": s.EnableDHCP,
		"allocation_pools": pools, "dns_nameservers": orEmpty(s.DNSNameservers), "host_routes": routesOrEmpty(s.HostRoutes),
		"ipv6_address_mode": nullable(s.IPv6AddressMode), "ipv6_ra_mode": nullable(s.IPv6RAMode),
		"subnetpool_id": nil, "service_types": orEmpty(s.ServiceTypes), "segment_id": nil, "dns_publish_fixed_ip": false,
	}, s.ProjectID, s.CreatedAt, s.UpdatedAt)
}

// subnets are the handlers of /v2.0/subnets.
func (a *API) subnets() crud {
	return serve(a, "subnets", resource[novalite.Subnet, network.SubnetParams]{id: func(s novalite.Subnet) string { return s.ID },
		view: anyone(subnetView), read: forAction(readSubnet), list: listed(a.svc.ListSubnets), get: a.svc.GetSubnet,
		create: a.svc.CreateSubnet, update: a.svc.UpdateSubnet, del: a.svc.DeleteSubnet})
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func routesOrEmpty(s []novalite.HostRoute) []novalite.HostRoute {
	if s == nil {
		return []novalite.HostRoute{}
	}
	return s
}

func subnetTargets(p *network.SubnetParams) targets {
	return targets{"network_id": &p.NetworkID, "cidr": &p.CIDR, "name": &p.Name, "description": &p.Description,
		"project_id": &p.ProjectID, "ip_version": &p.IPVersion, "gateway_ip": &p.GatewayIP, "enable_dhcp": &p.EnableDHCP,
		"allocation_pools": &p.AllocationPools, "dns_nameservers": &p.DNSNameservers, "host_routes": &p.HostRoutes,
		"ipv6_address_mode": &p.IPv6AddressMode, "ipv6_ra_mode": &p.IPv6RAMode, "subnetpool_id": nil,
		"service_types": nil, "segment_id": nil, "prefixlen": nil, "use_default_subnetpool": nil, "dns_publish_fixed_ip": nil}
}

// readSubnet decodes a subnet body; gateway_ip null means no gateway.
func readSubnet(r *http.Request) (network.SubnetParams, error) {
	var p network.SubnetParams
	attrs, err := decodeResource(r, "subnet", subnetTargets(&p))
	if err == nil && isNull(attrs, "gateway_ip") {
		empty := ""
		p.GatewayIP = &empty
	}
	if err == nil {
		err = checkSubnetLists(p, r.PathValue("id"))
	}
	if err == nil {
		p.ServiceTypes, err = readServiceTypes(attrs["service_types"])
	}
	return p, err
}
