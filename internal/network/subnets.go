package network

import (
	"context"
	"net/netip"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

func subnetVisible(ctx context.Context, tx *store.Tx, c *novalite.Caller, sn novalite.Subnet) bool {
	if policy.AllowedOwned(c, "get_subnet", sn.ProjectID) {
		return true
	}
	n, err := tx.NetworkGet(ctx, sn.NetworkID)
	return err == nil && (n.Shared || n.External)
}

func getSubnet(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.Subnet, error) {
	sn, err := tx.SubnetGet(ctx, id)
	if novalite.IsKind(err, novalite.NotFound) || (err == nil && !subnetVisible(ctx, tx, c, sn)) {
		return novalite.Subnet{}, subnetNotFound(id)
	}
	return sn, err
}

// GetSubnet returns a subnet c may see.
func (s *Service) GetSubnet(ctx context.Context, c *novalite.Caller, id string) (novalite.Subnet, error) {
	return view(ctx, s.db, func(tx *store.Tx) (novalite.Subnet, error) { return getSubnet(ctx, tx, c, id) })
}

// ListSubnets lists the subnets c may see.
func (s *Service) ListSubnets(ctx context.Context, c *novalite.Caller, p ListParams) ([]novalite.Subnet, error) {
	return view(ctx, s.db, func(tx *store.Tx) ([]novalite.Subnet, error) { return tx.SubnetList(ctx, p.filter(c)) })
}

// SubnetParams are the writable fields of a subnet; nil = not given.
// GatewayIP set to "" means no gateway (JSON null).
type SubnetParams struct {
	NetworkID, CIDR, Name, Description, ProjectID *string
	IPVersion                                     *int
	GatewayIP                                     *string
	EnableDHCP                                    *bool
	AllocationPools                               *[]novalite.AllocationPool
	DNSNameservers                                *[]string
	HostRoutes                                    *[]novalite.HostRoute
	IPv6AddressMode, IPv6RAMode                   *string
	ServiceTypes                                  *[]string
}

// CreateSubnet adds a subnet to a network the caller owns (or any, for
// admins).
func (s *Service) CreateSubnet(ctx context.Context, c *novalite.Caller, p SubnetParams) (novalite.Subnet, error) {
	var sn novalite.Subnet
	if p.NetworkID == nil {
		return sn, badRequest("Failed to parse request. Required attribute 'network_id' not specified")
	}
	if p.CIDR == nil {
		return sn, badRequest("Bad subnets request: a subnetpool must be specified in the absence of a cidr.")
	}
	if p.IPVersion == nil {
		return sn, badRequest("Failed to parse request. Required attribute 'ip_version' not specified")
	}
	prefix, err := netip.ParsePrefix(*p.CIDR)
	if err != nil {
		return sn, badRequest("Invalid input for cidr. Reason: '%s' is not a valid IP subnet.", *p.CIDR)
	}
	// Host bits are dropped, as Neutron's create_subnet turns the CIDR
	// into "network/prefixlen" with netaddr (10.99.99.0/16 → 10.99.0.0/16).
	prefix = prefix.Masked()
	if v := *p.IPVersion; (v != 4 && v != 6) || (v == 4) != prefix.Addr().Is4() {
		return sn, invalidInput("Cidr %s does not match IP version %d.", *p.CIDR, v)
	}
	now := s.stamp()
	sn = novalite.Subnet{ID: newID(), NetworkID: *p.NetworkID, ProjectID: c.ProjectID, IPVersion: *p.IPVersion,
		CIDR: prefix.String(), EnableDHCP: true, GatewayIP: prefix.Addr().Next().String(),
		DNSNameservers: []string{}, HostRoutes: []novalite.HostRoute{}, CreatedAt: now, UpdatedAt: now}
	if p.ProjectID != nil && *p.ProjectID != c.ProjectID && !permits(c, "create_subnet:tenant_id") {
		return sn, policyDenied("create_subnet:tenant_id")
	}
	applySubnet(&sn, p)
	if p.AllocationPools == nil {
		sn.AllocationPools = defaultPools(prefix, sn.GatewayIP)
	}
	if err := checkSubnet(sn, prefix); err != nil {
		return sn, err
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		n, err := getNetwork(ctx, tx, c, sn.NetworkID)
		if err != nil {
			return err
		}
		if err := authorize(c, "create_subnet", n.ProjectID); err != nil {
			return err
		}
		others, err := tx.SubnetListByNetwork(ctx, n.ID)
		if err != nil {
			return err
		}
		for _, o := range others {
			if op, err := netip.ParsePrefix(o.CIDR); err == nil && op.Overlaps(prefix) {
				return invalidInput("Requested subnet with cidr: %s for network: %s overlaps with another subnet", sn.CIDR, n.ID)
			}
		}
		if err := checkQuota(ctx, tx, sn.ProjectID, "subnet"); err != nil {
			return err
		}
		return tx.SubnetInsert(ctx, sn)
	})
	return sn, err
}

func applySubnet(sn *novalite.Subnet, p SubnetParams) {
	set(&sn.Name, p.Name)
	set(&sn.Description, p.Description)
	set(&sn.ProjectID, p.ProjectID)
	set(&sn.GatewayIP, p.GatewayIP)
	set(&sn.EnableDHCP, p.EnableDHCP)
	set(&sn.AllocationPools, p.AllocationPools)
	set(&sn.DNSNameservers, p.DNSNameservers)
	set(&sn.HostRoutes, p.HostRoutes)
	set(&sn.IPv6AddressMode, p.IPv6AddressMode)
	set(&sn.IPv6RAMode, p.IPv6RAMode)
	set(&sn.ServiceTypes, p.ServiceTypes)
}

// checkSubnet validates the gateway and pools against the CIDR.
func checkSubnet(sn novalite.Subnet, prefix netip.Prefix) error {
	var gw netip.Addr
	if sn.GatewayIP != "" {
		var err error
		if gw, err = netip.ParseAddr(sn.GatewayIP); err != nil || gw.Is4() != prefix.Addr().Is4() {
			return badRequest("Invalid input for gateway_ip. Reason: '%s' is not a valid IP address.", sn.GatewayIP)
		}
	}
	for _, pool := range sn.AllocationPools {
		a, err1 := netip.ParseAddr(pool.Start)
		b, err2 := netip.ParseAddr(pool.End)
		if err1 != nil || err2 != nil || b.Less(a) {
			return nerr(novalite.Invalid, "InvalidAllocationPool", "The allocation pool %s-%s is not valid.", pool.Start, pool.End)
		}
		if !prefix.Contains(a) || !prefix.Contains(b) {
			return nerr(novalite.Invalid, "OutOfBoundsAllocationPool",
				"The allocation pool %s-%s spans beyond the subnet cidr %s.", pool.Start, pool.End, prefix)
		}
		if gw.IsValid() && !gw.Less(a) && !b.Less(gw) {
			return nerr(novalite.Conflict, "GatewayConflictWithAllocationPools",
				"Gateway ip %s conflicts with allocation pool %s-%s.", sn.GatewayIP, pool.Start, pool.End)
		}
	}
	return nil
}

// UpdateSubnet changes the mutable fields of a subnet.
func (s *Service) UpdateSubnet(ctx context.Context, c *novalite.Caller, id string, p SubnetParams) (novalite.Subnet, error) {
	var sn novalite.Subnet
	if p.NetworkID != nil || p.CIDR != nil || p.IPVersion != nil || p.ProjectID != nil {
		return sn, badRequest("Cannot update read-only attribute network_id, cidr, ip_version or tenant_id")
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if sn, err = getSubnet(ctx, tx, c, id); err != nil {
			return err
		}
		if err := authorize(c, "update_subnet", sn.ProjectID); err != nil {
			return err
		}
		applySubnet(&sn, p)
		prefix, _ := netip.ParsePrefix(sn.CIDR)
		if err := checkSubnet(sn, prefix); err != nil {
			return err
		}
		sn.UpdatedAt = s.stamp()
		return tx.SubnetUpdate(ctx, sn)
	})
	return sn, err
}

// DeleteSubnet deletes a subnet no port holds an address of.
func (s *Service) DeleteSubnet(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		sn, err := getSubnet(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := authorize(c, "delete_subnet", sn.ProjectID); err != nil {
			return err
		}
		n, err := tx.IPAllocationCount(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return nerr(novalite.Conflict, "SubnetInUse",
				"Unable to complete operation on subnet %s: One or more ports have an IP allocation from this subnet.", id)
		}
		return tx.SubnetDelete(ctx, id)
	})
}
