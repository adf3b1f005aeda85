package network

import (
	"context"
	"net/netip"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

func fipNotFound(id string) error {
	return nerr(novalite.NotFound, "FloatingIPNotFound", "Floating IP %s could not be found", id)
}

func getFIP(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.FloatingIP, error) {
	f, err := tx.FloatingIPGet(ctx, id)
	if novalite.IsKind(err, novalite.NotFound) || (err == nil && !policy.AllowedOwned(c, "get_floatingip", f.ProjectID)) {
		return novalite.FloatingIP{}, fipNotFound(id)
	}
	return f, err
}

// GetFloatingIP returns a floating IP of the caller's project.
func (s *Service) GetFloatingIP(ctx context.Context, c *novalite.Caller, id string) (novalite.FloatingIP, error) {
	return view(ctx, s.db, func(tx *store.Tx) (novalite.FloatingIP, error) { return getFIP(ctx, tx, c, id) })
}

// ListFloatingIPs lists the caller's floating IPs.
func (s *Service) ListFloatingIPs(ctx context.Context, c *novalite.Caller, p ListParams) ([]novalite.FloatingIP, error) {
	return view(ctx, s.db, func(tx *store.Tx) ([]novalite.FloatingIP, error) { return tx.FloatingIPList(ctx, p.filter(c)) })
}

// FloatingIPParams are the fields of a floating IP request. PortID nil =
// not given, "" = disassociate.
type FloatingIPParams struct {
	FloatingNetworkID, FloatingIPAddress, SubnetID, ProjectID *string
	PortID, FixedIPAddress, Description                       *string
}

// CreateFloatingIP allocates an address of an external network and
// maybe associates it with a port.
func (s *Service) CreateFloatingIP(ctx context.Context, c *novalite.Caller, p FloatingIPParams) (novalite.FloatingIP, error) {
	var f novalite.FloatingIP
	if p.FloatingNetworkID == nil {
		return f, badRequest("Failed to parse request. Required attribute 'floating_network_id' not specified")
	}
	now := s.stamp()
	f = novalite.FloatingIP{ID: newID(), ProjectID: c.ProjectID, FloatingNetworkID: *p.FloatingNetworkID,
		Status: "DOWN", CreatedAt: now, UpdatedAt: now}
	set(&f.ProjectID, p.ProjectID)
	set(&f.Description, p.Description)
	if !policy.AllowedOwned(c, "create_floatingip", f.ProjectID) {
		return f, policyDenied("create_floatingip")
	}
	if p.FloatingIPAddress != nil && !permits(c, "create_floatingip:floating_ip_address") {
		return f, policyDenied("create_floatingip:floating_ip_address")
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		n, err := getNetwork(ctx, tx, c, f.FloatingNetworkID)
		if err != nil {
			return err
		}
		if !n.External {
			return badRequest("Bad floatingip request: Network %s is not a valid external network.", n.ID)
		}
		if err := checkQuota(ctx, tx, f.ProjectID, "floatingip"); err != nil {
			return err
		}
		var reqs []FixedIPRequest
		if p.FloatingIPAddress != nil || p.SubnetID != nil {
			r := FixedIPRequest{}
			set(&r.IPAddress, p.FloatingIPAddress)
			set(&r.SubnetID, p.SubnetID)
			reqs = []FixedIPRequest{r}
		}
		port, err := s.systemPort(ctx, tx, n.ID, "", novalite.DeviceOwnerFloatingIP, f.ID, reqs)
		if err != nil {
			return err
		}
		for _, ip := range port.FixedIPs {
			if a, err := netip.ParseAddr(ip.IPAddress); err == nil && a.Is4() || f.FloatingIPAddress == "" {
				f.FloatingIPAddress = ip.IPAddress
			}
		}
		if f.FloatingIPAddress == "" {
			return ipGenerationFailure(n.ID)
		}
		f.FloatingPortID = port.ID
		if p.PortID != nil && *p.PortID != "" {
			if err := s.associate(ctx, tx, c, &f, *p.PortID, p.FixedIPAddress); err != nil {
				return err
			}
		}
		return tx.FloatingIPInsert(ctx, f)
	})
	return f, err
}

// associate points f at a fixed IPv4 address of port portID, through a
// router between the port's subnet and f's external network.
func (s *Service) associate(ctx context.Context, tx *store.Tx, c *novalite.Caller, f *novalite.FloatingIP, portID string, fixed *string) error {
	port, err := getPort(ctx, tx, c, portID)
	if err != nil {
		return err
	}
	var chosen *novalite.FixedIP
	for i, ip := range port.FixedIPs {
		a, err := netip.ParseAddr(ip.IPAddress)
		if err != nil || !a.Is4() {
			continue
		}
		if fixed == nil || *fixed == "" || *fixed == ip.IPAddress {
			chosen = &port.FixedIPs[i]
			break
		}
	}
	if chosen == nil {
		if fixed != nil && *fixed != "" {
			return badRequest("Bad floatingip request: Port %s does not have fixed ip %s.", portID, *fixed)
		}
		return badRequest("Bad floatingip request: Port %s does not have any IPv4 address assigned to it.", portID)
	}
	others, err := tx.FloatingIPList(ctx, store.NetFilter{Admin: true, Eq: map[string][]string{
		"port_id": {portID}, "fixed_ip_address": {chosen.IPAddress}, "floating_network_id": {f.FloatingNetworkID}}})
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != f.ID {
			return nerr(novalite.Conflict, "FloatingIPPortAlreadyAssociated",
				"Cannot associate floating IP %s (%s) with port %s using fixed IP %s, as that fixed IP already has a floating IP on external network %s.",
				f.FloatingIPAddress, f.ID, portID, chosen.IPAddress, f.FloatingNetworkID)
		}
	}
	routerID, err := tx.RouterForSubnets(ctx, []string{chosen.SubnetID}, f.FloatingNetworkID)
	if novalite.IsKind(err, novalite.NotFound) {
		return nerr(novalite.NotFound, "ExternalGatewayForFloatingIPNotFound",
			"External network %s is not reachable from subnet %s.  Therefore, cannot associate Port %s with a Floating IP.",
			f.FloatingNetworkID, chosen.SubnetID, portID)
	}
	if err != nil {
		return err
	}
	f.PortID, f.FixedIPAddress, f.RouterID, f.Status = port.ID, chosen.IPAddress, routerID, "ACTIVE"
	return nil
}

// UpdateFloatingIP associates (port_id) or disassociates (port_id null)
// a floating IP, or changes its description.
func (s *Service) UpdateFloatingIP(ctx context.Context, c *novalite.Caller, id string, p FloatingIPParams) (novalite.FloatingIP, error) {
	var f novalite.FloatingIP
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if f, err = getFIP(ctx, tx, c, id); err != nil {
			return err
		}
		if err := authorize(c, "update_floatingip", f.ProjectID); err != nil {
			return err
		}
		set(&f.Description, p.Description)
		if p.PortID != nil {
			if *p.PortID == "" {
				f.PortID, f.FixedIPAddress, f.RouterID, f.Status = "", "", "", "DOWN"
			} else if err := s.associate(ctx, tx, c, &f, *p.PortID, p.FixedIPAddress); err != nil {
				return err
			}
		}
		f.UpdatedAt = s.stamp()
		return tx.FloatingIPUpdate(ctx, f)
	})
	return f, err
}

// DeleteFloatingIP releases a floating IP and its address.
func (s *Service) DeleteFloatingIP(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		f, err := getFIP(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := authorize(c, "delete_floatingip", f.ProjectID); err != nil {
			return err
		}
		if err := tx.FloatingIPDelete(ctx, id); err != nil {
			return err
		}
		return tx.PortDelete(ctx, f.FloatingPortID)
	})
}
