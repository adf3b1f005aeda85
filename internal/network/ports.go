package network

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// portVisible: the port's project, the network's owner, or admins.
func portVisible(ctx context.Context, tx *store.Tx, c *novalite.Caller, p novalite.Port) bool {
	if policy.AllowedOwned(c, "get_port", p.ProjectID) {
		return true
	}
	n, err := tx.NetworkGet(ctx, p.NetworkID)
	return err == nil && n.ProjectID == c.ProjectID
}

func getPort(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.Port, error) {
	p, err := tx.PortGet(ctx, id)
	if novalite.IsKind(err, novalite.NotFound) || (err == nil && !portVisible(ctx, tx, c, p)) {
		return novalite.Port{}, portNotFound(id)
	}
	return p, err
}

// GetPort returns a port c may see.
func (s *Service) GetPort(ctx context.Context, c *novalite.Caller, id string) (novalite.Port, error) {
	return view(ctx, s.db, func(tx *store.Tx) (novalite.Port, error) { return getPort(ctx, tx, c, id) })
}

// PortListParams add the fixed_ips filters to ListParams.
type PortListParams struct {
	ListParams
	IPAddresses, SubnetIDs []string
}

// ListPorts lists the ports c may see.
func (s *Service) ListPorts(ctx context.Context, c *novalite.Caller, p PortListParams) ([]novalite.Port, error) {
	return view(ctx, s.db, func(tx *store.Tx) ([]novalite.Port, error) {
		return tx.PortList(ctx, store.PortListParams{NetFilter: p.filter(c), IPAddresses: p.IPAddresses, SubnetIDs: p.SubnetIDs})
	})
}

// PortParams are the writable fields of a port; nil = not given.
type PortParams struct {
	NetworkID, Name, Description, ProjectID, MACAddress *string
	DeviceID, DeviceOwner, HostID                       *string
	AdminStateUp, PortSecurityEnabled                   *bool
	FixedIPs                                            *[]FixedIPRequest
	SecurityGroups                                      *[]string
	AllowedAddressPairs                                 *[]novalite.AddressPair // replace; [] clears
	ExtraDHCPOpts                                       []DHCPOptRequest        // merged by name and IP version
	BindingProfile                                      *map[string]any         // replace; {} clears
}

// DHCPOptRequest is one extra DHCP option of a create or update; a nil
// Value removes the option of that name and IP version.
type DHCPOptRequest struct {
	Name      string
	Value     *string
	IPVersion int
}

// randomMAC is a MAC in Neutron's default base_mac fa:16:3e:00:00:00.
func randomMAC() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", b[0], b[1], b[2])
}

// CreatePort creates a port and allocates its addresses in one
// transaction.
func (s *Service) CreatePort(ctx context.Context, c *novalite.Caller, p PortParams) (novalite.Port, error) {
	var port novalite.Port
	if p.NetworkID == nil {
		return port, badRequest("Failed to parse request. Required attribute 'network_id' not specified")
	}
	if p.HostID != nil && !permits(c, "create_port:binding:host_id") {
		return port, policyDenied("create_port:binding:host_id")
	}
	if p.BindingProfile != nil && !permits(c, "create_port:binding:profile") {
		return port, policyDenied("create_port:binding:profile")
	}
	if p.ProjectID != nil && *p.ProjectID != c.ProjectID && !permits(c, "create_port:tenant_id") {
		return port, policyDenied("create_port:tenant_id")
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		port, err = s.createPort(ctx, tx, c, p, false)
		return err
	})
	return port, err
}

// createPort is CreatePort inside tx; serverOwned marks ports made for a
// server by AllocatePorts.
func (s *Service) createPort(ctx context.Context, tx *store.Tx, c *novalite.Caller, p PortParams, serverOwned bool) (novalite.Port, error) {
	n, err := getNetwork(ctx, tx, c, *p.NetworkID)
	if err != nil {
		return novalite.Port{}, err
	}
	if !n.Shared && !policy.AllowedOwned(c, "create_port", n.ProjectID) {
		return novalite.Port{}, policyDenied("create_port")
	}
	now := s.stamp()
	// A port's port security defaults to its network's (Neutron's
	// port_security extension driver).
	port := novalite.Port{ID: newID(), NetworkID: n.ID, NetworkName: n.Name, ProjectID: c.ProjectID, AdminStateUp: true,
		PortSecurityEnabled: n.PortSecurityEnabled, MACAddress: randomMAC(), ServerOwned: serverOwned, CreatedAt: now, UpdatedAt: now}
	applyPort(&port, p)
	port.MACAddress = strings.ToLower(port.MACAddress)
	if err := checkPairsNeedSecurity(port); err != nil {
		return port, err
	}
	if err := checkQuota(ctx, tx, port.ProjectID, "port"); err != nil {
		return port, err
	}
	if port.SecurityGroups, err = s.portGroups(ctx, tx, port, p.SecurityGroups); err != nil {
		return port, err
	}
	var reqs []FixedIPRequest
	if p.FixedIPs != nil {
		reqs = *p.FixedIPs
		if reqs == nil {
			reqs = []FixedIPRequest{}
		}
	}
	if err := checkFixedSubnets(ctx, tx, c, port.NetworkID, reqs); err != nil {
		return port, err
	}
	return port, insertPort(ctx, tx, &port, reqs)
}

// insertPort stores port and allocates its addresses (reqs as for
// allocateIPs).
func insertPort(ctx context.Context, tx *store.Tx, port *novalite.Port, reqs []FixedIPRequest) error {
	port.Status = portStatus(*port)
	if port.SecurityGroups == nil {
		port.SecurityGroups = []string{}
	}
	if err := tx.PortInsert(ctx, *port); err != nil {
		if novalite.IsKind(err, novalite.Conflict) {
			return nerr(novalite.Conflict, "MacAddressInUse",
				"Unable to complete operation for network %s. The mac address %s is in use.", port.NetworkID, port.MACAddress)
		}
		return err
	}
	var err error
	port.FixedIPs, err = allocateIPs(ctx, tx, port.NetworkID, port.ID, reqs)
	return err
}

// systemPort makes a port that Neutron itself owns (router gateway and
// interfaces, floating IPs) without the caller's policy checks.
func (s *Service) systemPort(ctx context.Context, tx *store.Tx, networkID, projectID, owner, deviceID string, reqs []FixedIPRequest) (novalite.Port, error) {
	now := s.stamp()
	port := novalite.Port{ID: newID(), NetworkID: networkID, ProjectID: projectID, AdminStateUp: true,
		MACAddress: randomMAC(), DeviceID: deviceID, DeviceOwner: owner, CreatedAt: now, UpdatedAt: now}
	err := insertPort(ctx, tx, &port, reqs)
	return port, err
}

func applyPort(port *novalite.Port, p PortParams) {
	set(&port.Name, p.Name)
	set(&port.Description, p.Description)
	set(&port.ProjectID, p.ProjectID)
	set(&port.MACAddress, p.MACAddress)
	set(&port.DeviceID, p.DeviceID)
	set(&port.DeviceOwner, p.DeviceOwner)
	set(&port.HostID, p.HostID)
	set(&port.AdminStateUp, p.AdminStateUp)
	set(&port.PortSecurityEnabled, p.PortSecurityEnabled)
	set(&port.BindingProfile, p.BindingProfile)
	if p.AllowedAddressPairs != nil {
		port.AllowedAddressPairs = make([]novalite.AddressPair, 0, len(*p.AllowedAddressPairs))
		for _, ap := range *p.AllowedAddressPairs {
			if ap.MACAddress == "" {
				ap.MACAddress = port.MACAddress // Neutron fills in the port's own
			}
			port.AllowedAddressPairs = append(port.AllowedAddressPairs, ap)
		}
	}
	for _, o := range p.ExtraDHCPOpts {
		i := slices.IndexFunc(port.ExtraDHCPOpts, func(x novalite.DHCPOpt) bool {
			return x.Name == o.Name && x.IPVersion == o.IPVersion
		})
		switch {
		case o.Value == nil && i >= 0:
			port.ExtraDHCPOpts = slices.Delete(port.ExtraDHCPOpts, i, i+1)
		case o.Value == nil:
		case i >= 0:
			port.ExtraDHCPOpts[i].Value = *o.Value
		default:
			port.ExtraDHCPOpts = append(port.ExtraDHCPOpts, novalite.DHCPOpt{Name: o.Name, Value: *o.Value, IPVersion: o.IPVersion})
		}
	}
}

// checkPairsNeedSecurity is Neutron's AddressPairAndPortSecurityRequired:
// allowed address pairs only mean something where port security filters.
func checkPairsNeedSecurity(port novalite.Port) error {
	if len(port.AllowedAddressPairs) > 0 && !port.PortSecurityEnabled {
		return nerr(novalite.Conflict, "AddressPairAndPortSecurityRequired",
			"Port Security must be enabled in order to have allowed address pairs on a port.")
	}
	return nil
}

// portStatus: a port bound to a device is ACTIVE (the simulated hosts
// plug at once), otherwise DOWN.
func portStatus(p novalite.Port) string {
	if p.DeviceID != "" {
		return "ACTIVE"
	}
	return "DOWN"
}

// portGroups resolves the groups of a port: the given ids (which must be
// the port project's), or the project's default group for ports with
// port security that Neutron itself does not own.
func (s *Service) portGroups(ctx context.Context, tx *store.Tx, port novalite.Port, given *[]string) ([]string, error) {
	if given == nil {
		if !port.PortSecurityEnabled || strings.HasPrefix(port.DeviceOwner, "network:") {
			return []string{}, nil
		}
		id, err := s.ensureDefaultGroup(ctx, tx, port.ProjectID)
		return []string{id}, err
	}
	out := []string{}
	for _, id := range *given {
		g, err := tx.SecurityGroupGet(ctx, id)
		if err != nil || g.ProjectID != port.ProjectID {
			return nil, sgNotFound(id)
		}
		out = append(out, g.ID)
	}
	if len(out) > 0 && !port.PortSecurityEnabled {
		return nil, errSecurityNeedsPortSecurity()
	}
	return out, nil
}

// Neutron's port_security exceptions: the first an InvalidInput (400),
// the second an InUse (409).
func errSecurityNeedsPortSecurity() error {
	return nerr(novalite.Invalid, "PortSecurityAndIPRequiredForSecurityGroups",
		"Port security must be enabled and port must have an IP address in order to use security groups.")
}

func errPortHasSecurityGroup() error {
	return nerr(novalite.Conflict, "PortSecurityPortHasSecurityGroup",
		"Port has security group associated. Cannot disable port security or IP address until security group is removed.")
}

// UpdatePort changes a port; new fixed_ips replace the old addresses.
func (s *Service) UpdatePort(ctx context.Context, c *novalite.Caller, id string, p PortParams) (novalite.Port, error) {
	var port novalite.Port
	if p.NetworkID != nil || p.ProjectID != nil {
		return port, badRequest("Cannot update read-only attribute network_id or tenant_id")
	}
	if (p.HostID != nil || p.MACAddress != nil) && !permits(c, "update_port:binding:host_id") {
		return port, policyDenied("update_port:binding:host_id")
	}
	if p.BindingProfile != nil && !permits(c, "update_port:binding:profile") {
		return port, policyDenied("update_port:binding:profile")
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if port, err = getPort(ctx, tx, c, id); err != nil {
			return err
		}
		if err := authorize(c, "update_port", port.ProjectID); err != nil {
			return err
		}
		applyPort(&port, p)
		port.Status = portStatus(port)
		if err := checkPairsNeedSecurity(port); err != nil {
			return err
		}
		// Turning port security off keeps no groups unless the same
		// update removes them (ml2's _portsec_ext_port_update_processing).
		if !port.PortSecurityEnabled && p.SecurityGroups == nil && len(port.SecurityGroups) > 0 {
			return errPortHasSecurityGroup()
		}
		if p.SecurityGroups != nil {
			if port.SecurityGroups, err = s.portGroups(ctx, tx, port, p.SecurityGroups); err != nil {
				return err
			}
			if err := tx.PortSetSecurityGroups(ctx, port.ID, port.SecurityGroups); err != nil {
				return err
			}
		}
		if p.FixedIPs != nil {
			if err := tx.IPAllocationDeleteByPort(ctx, port.ID); err != nil {
				return err
			}
			reqs := *p.FixedIPs
			if reqs == nil {
				reqs = []FixedIPRequest{}
			}
			if err := checkFixedSubnets(ctx, tx, c, port.NetworkID, reqs); err != nil {
				return err
			}
			if port.FixedIPs, err = allocateIPs(ctx, tx, port.NetworkID, port.ID, reqs); err != nil {
				return err
			}
		}
		port.UpdatedAt = s.stamp()
		return tx.PortUpdate(ctx, port)
	})
	return port, err
}

// DeletePort deletes a port, disassociating its floating IPs. Router
// ports go through the router API.
func (s *Service) DeletePort(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		p, err := getPort(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := authorize(c, "delete_port", p.ProjectID); err != nil {
			return err
		}
		switch p.DeviceOwner {
		case novalite.DeviceOwnerRouterInterface, novalite.DeviceOwnerRouterGateway, novalite.DeviceOwnerFloatingIP:
			return nerr(novalite.Conflict, "L3PortInUse",
				"Port %s cannot be deleted directly via the port API: has device owner %s.", id, p.DeviceOwner)
		}
		return s.deletePort(ctx, tx, id)
	})
}

func (s *Service) deletePort(ctx context.Context, tx *store.Tx, id string) error {
	if err := tx.FloatingIPDisassociatePort(ctx, id, s.now().UnixMicro()); err != nil {
		return err
	}
	return tx.PortDelete(ctx, id)
}

// checkFixedSubnets resolves the subnets named in fixed_ips as Neutron's
// IPAM does: one the caller cannot see is SubnetNotFound (404, so that
// another project's subnet is never confirmed to exist), one of another
// network is InvalidInput naming the subnet's own network.
func checkFixedSubnets(ctx context.Context, tx *store.Tx, c *novalite.Caller, networkID string, reqs []FixedIPRequest) error {
	for _, r := range reqs {
		if r.SubnetID == "" {
			continue
		}
		sn, err := getSubnet(ctx, tx, c, r.SubnetID)
		if err != nil {
			return err
		}
		if sn.NetworkID != networkID {
			return invalidInput("Failed to create port on network %s, because fixed_ips included invalid subnet %s.",
				sn.NetworkID, sn.ID)
		}
	}
	return nil
}
