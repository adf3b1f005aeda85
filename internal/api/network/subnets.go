package network

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
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

func (a *API) listSubnets(w http.ResponseWriter, r *http.Request) error {
	p, err := listParams(r)
	if err != nil {
		return err
	}
	subs, err := a.svc.ListSubnets(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	items := make([]map[string]any, len(subs))
	for i, s := range subs {
		items[i] = subnetView(s)
	}
	return a.render(w, r, "subnets", items, p, func(i int) string { return subs[i].ID })
}

func (a *API) showSubnet(w http.ResponseWriter, r *http.Request) error {
	s, err := a.svc.GetSubnet(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.showOne(w, r, "subnet", subnetView(s), http.StatusOK)
}

func (a *API) createSubnet(w http.ResponseWriter, r *http.Request) error {
	p, err := readSubnet(r)
	if err != nil {
		return err
	}
	s, err := a.svc.CreateSubnet(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	return a.showOne(w, r, "subnet", subnetView(s), http.StatusCreated)
}

func (a *API) updateSubnet(w http.ResponseWriter, r *http.Request) error {
	p, err := readSubnet(r)
	if err != nil {
		return err
	}
	s, err := a.svc.UpdateSubnet(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return a.showOne(w, r, "subnet", subnetView(s), http.StatusOK)
}

func (a *API) deleteSubnet(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteSubnet(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
