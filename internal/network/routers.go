package network

import (
	"context"
	"slices"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

func routerNotFound(id string) error {
	return nerr(novalite.NotFound, "RouterNotFound", "Router %s could not be found", id)
}

func getRouter(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.Router, error) {
	r, err := tx.RouterGet(ctx, id)
	if novalite.IsKind(err, novalite.NotFound) || (err == nil && !policy.AllowedOwned(c, "get_router", r.ProjectID)) {
		return novalite.Router{}, routerNotFound(id)
	}
	if err != nil {
		return r, err
	}
	rs := []novalite.Router{r}
	err = fillGateways(ctx, tx, rs)
	return rs[0], err
}

// fillGateways loads the addresses of the routers' gateway ports.
func fillGateways(ctx context.Context, tx *store.Tx, rs []novalite.Router) error {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	ports, err := tx.PortListByDevices(ctx, ids)
	for _, p := range ports {
		for i := range rs {
			if rs[i].ID == p.DeviceID && p.ID == rs[i].GatewayPortID {
				rs[i].GatewayIPs = p.FixedIPs
			}
		}
	}
	return err
}

// GetRouter returns a router of the caller's project (any, for admins).
func (s *Service) GetRouter(ctx context.Context, c *novalite.Caller, id string) (novalite.Router, error) {
	return view(ctx, s.db, func(tx *store.Tx) (novalite.Router, error) { return getRouter(ctx, tx, c, id) })
}

// ListRouters lists the caller's routers.
func (s *Service) ListRouters(ctx context.Context, c *novalite.Caller, p ListParams) ([]novalite.Router, error) {
	var out []novalite.Router
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = tx.RouterList(ctx, p.filter(c)); err != nil {
			return err
		}
		return fillGateways(ctx, tx, out)
	})
	return out, err
}

// Gateway is a router's external_gateway_info.
type Gateway struct {
	NetworkID  string
	EnableSNAT *bool
	FixedIPs   []FixedIPRequest
}

// RouterParams are the writable fields of a router (nil: not given). A
// Null Gateway removes the gateway.
type RouterParams struct {
	Name, Description, ProjectID *string
	AdminStateUp                 *bool
	Gateway                      novalite.Nullable[Gateway]
}

// CreateRouter creates a router, with its gateway port when asked.
func (s *Service) CreateRouter(ctx context.Context, c *novalite.Caller, p RouterParams) (novalite.Router, error) {
	now := s.stamp()
	r := novalite.Router{ID: newID(), ProjectID: c.ProjectID, Status: "ACTIVE", AdminStateUp: true, EnableSNAT: true,
		CreatedAt: now, UpdatedAt: now}
	set(&r.Name, p.Name)
	set(&r.Description, p.Description)
	set(&r.ProjectID, p.ProjectID)
	set(&r.AdminStateUp, p.AdminStateUp)
	if !policy.AllowedOwned(c, "create_router", r.ProjectID) {
		return r, policyDenied("create_router")
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := checkQuota(ctx, tx, r.ProjectID, "router"); err != nil {
			return err
		}
		if err := tx.RouterInsert(ctx, r); err != nil {
			return err
		}
		if g := p.Gateway.Ptr(); g != nil {
			return s.setGateway(ctx, tx, c, &r, g)
		}
		return nil
	})
	return r, err
}

// setGateway replaces the router's gateway port by one on g's network.
func (s *Service) setGateway(ctx context.Context, tx *store.Tx, c *novalite.Caller, r *novalite.Router, g *Gateway) error {
	if err := s.clearGateway(ctx, tx, r); err != nil {
		return err
	}
	if g == nil || g.NetworkID == "" {
		return tx.RouterUpdate(ctx, *r)
	}
	n, err := getNetwork(ctx, tx, c, g.NetworkID)
	if err != nil {
		return err
	}
	if !n.External {
		return badRequest("Bad router request: Network %s is not an external network.", n.ID)
	}
	if g.FixedIPs != nil && !permits(c, "create_router:external_gateway_info:external_fixed_ips") {
		return policyDenied("create_router:external_gateway_info:external_fixed_ips")
	}
	port, err := s.systemPort(ctx, tx, n.ID, "", novalite.DeviceOwnerRouterGateway, r.ID, g.FixedIPs)
	if err != nil {
		return err
	}
	r.GatewayNetworkID, r.GatewayPortID, r.GatewayIPs = n.ID, port.ID, port.FixedIPs
	if g.EnableSNAT != nil {
		r.EnableSNAT = *g.EnableSNAT
	}
	r.UpdatedAt = s.stamp()
	return tx.RouterUpdate(ctx, *r)
}

func (s *Service) clearGateway(ctx context.Context, tx *store.Tx, r *novalite.Router) error {
	if r.GatewayPortID == "" {
		return nil
	}
	if err := tx.PortDelete(ctx, r.GatewayPortID); err != nil && !novalite.IsKind(err, novalite.NotFound) {
		return err
	}
	r.GatewayNetworkID, r.GatewayPortID, r.GatewayIPs = "", "", nil
	return nil
}

// UpdateRouter changes a router and maybe its gateway.
func (s *Service) UpdateRouter(ctx context.Context, c *novalite.Caller, id string, p RouterParams) (novalite.Router, error) {
	var r novalite.Router
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = getRouter(ctx, tx, c, id); err != nil {
			return err
		}
		if err := authorize(c, "update_router", r.ProjectID); err != nil {
			return err
		}
		set(&r.Name, p.Name)
		set(&r.Description, p.Description)
		set(&r.AdminStateUp, p.AdminStateUp)
		r.UpdatedAt = s.stamp()
		if p.Gateway.Set {
			return s.setGateway(ctx, tx, c, &r, p.Gateway.Ptr())
		}
		return tx.RouterUpdate(ctx, r)
	})
	return r, err
}

// DeleteRouter deletes a router without interfaces, and its gateway port.
func (s *Service) DeleteRouter(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := getRouter(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := authorize(c, "delete_router", r.ProjectID); err != nil {
			return err
		}
		ports, err := tx.PortListByDevices(ctx, []string{id})
		if err != nil {
			return err
		}
		for _, p := range ports {
			if p.DeviceOwner == novalite.DeviceOwnerRouterInterface {
				return nerr(novalite.Conflict, "RouterInUse", "Router %s still has ports", id)
			}
		}
		if err := s.clearGateway(ctx, tx, &r); err != nil {
			return err
		}
		return tx.RouterDelete(ctx, id)
	})
}

// RouterInterface is what add/remove_router_interface answer.
type RouterInterface struct {
	RouterID, ProjectID, PortID, SubnetID, NetworkID string
	SubnetIDs                                        []string
}

// InterfaceRef is the body of add_router_interface and
// remove_router_interface: a subnet or a port.
type InterfaceRef struct {
	SubnetID string `json:"subnet_id"`
	PortID   string `json:"port_id"`
}

// AddRouterInterface plugs the router into a subnet (a new port holding
// the subnet's gateway address) or onto an existing unbound port.
func (s *Service) AddRouterInterface(ctx context.Context, c *novalite.Caller, routerID string, ref InterfaceRef) (RouterInterface, error) {
	subnetID, portID := ref.SubnetID, ref.PortID
	var out RouterInterface
	if (subnetID == "") == (portID == "") {
		return out, badRequest("Bad router request: Either subnet_id or port_id must be specified.")
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := getRouter(ctx, tx, c, routerID)
		if err != nil {
			return err
		}
		if err := authorize(c, "add_router_interface", r.ProjectID); err != nil {
			return err
		}
		var port novalite.Port
		if portID != "" {
			if port, err = getPort(ctx, tx, c, portID); err != nil {
				return err
			}
			if port.DeviceID != "" {
				return nerr(novalite.Conflict, "PortInUse", "Unable to complete operation on port %s for network %s. Port already has an attached device %s.", port.ID, port.NetworkID, port.DeviceID)
			}
			port.DeviceID, port.DeviceOwner, port.Status, port.UpdatedAt = r.ID, novalite.DeviceOwnerRouterInterface, "ACTIVE", s.stamp()
			if err := tx.PortUpdate(ctx, port); err != nil {
				return err
			}
		} else {
			if port, err = s.subnetInterface(ctx, tx, c, r, subnetID); err != nil {
				return err
			}
		}
		out = RouterInterface{RouterID: r.ID, ProjectID: r.ProjectID, PortID: port.ID, NetworkID: port.NetworkID}
		for _, ip := range port.FixedIPs {
			out.SubnetIDs = append(out.SubnetIDs, ip.SubnetID)
		}
		if len(out.SubnetIDs) > 0 {
			out.SubnetID = out.SubnetIDs[0]
		}
		return nil
	})
	return out, err
}

func (s *Service) subnetInterface(ctx context.Context, tx *store.Tx, c *novalite.Caller, r novalite.Router, subnetID string) (novalite.Port, error) {
	sn, err := getSubnet(ctx, tx, c, subnetID)
	if err != nil {
		return novalite.Port{}, err
	}
	if sn.GatewayIP == "" {
		return novalite.Port{}, badRequest("Bad router request: Subnet for router interface must have a gateway IP.")
	}
	existing, err := tx.PortListByDevices(ctx, []string{r.ID})
	if err != nil {
		return novalite.Port{}, err
	}
	for _, p := range existing {
		for _, ip := range p.FixedIPs {
			if ip.SubnetID == sn.ID && p.DeviceOwner == novalite.DeviceOwnerRouterInterface {
				return novalite.Port{}, badRequest("Bad router request: Router already has a port on subnet %s.", sn.ID)
			}
		}
	}
	return s.systemPort(ctx, tx, sn.NetworkID, r.ProjectID, novalite.DeviceOwnerRouterInterface, r.ID,
		[]FixedIPRequest{{SubnetID: sn.ID, IPAddress: sn.GatewayIP}})
}

// RemoveRouterInterface unplugs the router from a subnet or a port.
func (s *Service) RemoveRouterInterface(ctx context.Context, c *novalite.Caller, routerID string, ref InterfaceRef) (RouterInterface, error) {
	subnetID, portID := ref.SubnetID, ref.PortID
	var out RouterInterface
	if subnetID == "" && portID == "" {
		return out, badRequest("Bad router request: Either subnet_id or port_id must be specified.")
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := getRouter(ctx, tx, c, routerID)
		if err != nil {
			return err
		}
		if err := authorize(c, "remove_router_interface", r.ProjectID); err != nil {
			return err
		}
		ports, err := tx.PortListByDevices(ctx, []string{r.ID})
		if err != nil {
			return err
		}
		for _, p := range ports {
			if p.DeviceOwner != novalite.DeviceOwnerRouterInterface {
				continue
			}
			subnets := make([]string, 0, len(p.FixedIPs))
			for _, ip := range p.FixedIPs {
				subnets = append(subnets, ip.SubnetID)
			}
			if p.ID == portID || (portID == "" && slices.Contains(subnets, subnetID)) {
				out = RouterInterface{RouterID: r.ID, ProjectID: r.ProjectID, PortID: p.ID, NetworkID: p.NetworkID, SubnetIDs: subnets}
				if len(subnets) > 0 {
					out.SubnetID = subnets[0]
				}
				return s.deletePort(ctx, tx, p.ID)
			}
		}
		if portID != "" {
			return nerr(novalite.NotFound, "RouterInterfaceNotFound", "Router %s does not have an interface with id %s", r.ID, portID)
		}
		return nerr(novalite.NotFound, "RouterInterfaceNotFoundForSubnet", "Router %s has no interface on subnet %s", r.ID, subnetID)
	})
	return out, err
}
