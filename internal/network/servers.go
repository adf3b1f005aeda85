package network

import (
	"context"

	"novalite"
	"novalite/internal/store"
)

// PortRequest is one entry of a server's "networks": a network to put a
// new port on (optionally with a fixed IP), or an existing port to bind.
type PortRequest struct {
	NetworkID string // create a port on this network …
	FixedIP   string // … optionally with this address
	PortID    string // or bind this existing port
}

// PortRequestParams say for which server and caller ports are made.
type PortRequestParams struct {
	Caller           *novalite.Caller
	ServerID         string
	HostID           string // binding:host_id, may be "" until scheduled
	AvailabilityZone string // device_owner becomes "compute:<az>" ("nova" when empty)
	// SecurityGroups are names or ids of the caller's project's groups;
	// empty means the project's "default" group.
	SecurityGroups []string
	Requests       []PortRequest
}

// AllocatePorts creates (or binds) the ports of a server inside the
// caller's transaction tx, so that the server row and its ports commit
// together. Errors carry Neutron's Reason for the caller to map to Nova's
// wording: NetworkNotFound, PortNotFound, PortInUse,
// ExternalNetworkAttachForbidden, SecurityGroupNotFound,
// IpAddressAlreadyAllocated, InvalidIpForNetwork,
// IpAddressGenerationFailure.
func (s *Service) AllocatePorts(ctx context.Context, tx *store.Tx, p PortRequestParams) ([]novalite.Port, error) {
	c := p.Caller
	az := p.AvailabilityZone
	if az == "" {
		az = "nova"
	}
	var groups *[]string
	// Only "default" is what Neutron gives anyway, so Nova does not send
	// it (_clean_security_groups): a network without port security takes it.
	if len(p.SecurityGroups) > 0 && !(len(p.SecurityGroups) == 1 && p.SecurityGroups[0] == "default") {
		ids, err := s.resolveGroups(ctx, tx, c.ProjectID, p.SecurityGroups)
		if err != nil {
			return nil, err
		}
		groups = &ids
	}
	o := portOwner{c: c, serverID: p.ServerID, owner: novalite.DeviceOwnerComputePrefix + az, host: p.HostID, groups: groups}
	var out []novalite.Port
	for _, r := range p.Requests {
		var port novalite.Port
		var err error
		if r.PortID != "" {
			port, err = s.bindPort(ctx, tx, o, r.PortID)
		} else {
			port, err = s.serverPort(ctx, tx, o, r)
		}
		if err != nil {
			return nil, err
		}
		// Nova shows a server's addresses in the order its NICs were
		// asked for, pre-made ports included.
		if err := tx.PortMarkAttached(ctx, port.ID); err != nil {
			return nil, err
		}
		out = append(out, port)
	}
	return out, nil
}

// portOwner is for whom AllocatePorts makes or binds ports: the caller,
// the server (device_id) with its device_owner and host, and the
// resolved security groups (nil: the network's default).
type portOwner struct {
	c                     *novalite.Caller
	serverID, owner, host string
	groups                *[]string
}

func (s *Service) serverPort(ctx context.Context, tx *store.Tx, o portOwner, r PortRequest) (novalite.Port, error) {
	c := o.c
	n, err := getNetwork(ctx, tx, c, r.NetworkID)
	if err != nil {
		return novalite.Port{}, err
	}
	if n.External && !n.Shared && !permits(c, "network:attach_external_network") {
		return novalite.Port{}, nerr(novalite.Forbidden, "ExternalNetworkAttachForbidden",
			"It is not allowed to create an interface on external network %s", n.ID)
	}
	if !n.PortSecurityEnabled && o.groups != nil {
		return novalite.Port{}, nerr(novalite.Invalid, "SecurityGroupCannotBeApplied",
			"Network requires port_security_enabled and subnet associated in order to apply security groups.")
	}
	pp := PortParams{NetworkID: &n.ID, DeviceID: &o.serverID, DeviceOwner: &o.owner, HostID: &o.host, SecurityGroups: o.groups}
	if r.FixedIP != "" {
		pp.FixedIPs = &[]FixedIPRequest{{IPAddress: r.FixedIP}}
	}
	port, err := s.createPort(ctx, tx, c, pp, true)
	if err != nil {
		return port, err
	}
	return tx.PortGet(ctx, port.ID)
}

func (s *Service) bindPort(ctx context.Context, tx *store.Tx, o portOwner, id string) (novalite.Port, error) {
	port, err := getPort(ctx, tx, o.c, id)
	if err != nil {
		return port, err
	}
	if port.DeviceID != "" {
		return port, nerr(novalite.Conflict, "PortInUse", "Port %s is still in use.", id)
	}
	port.DeviceID, port.DeviceOwner, port.HostID = o.serverID, o.owner, o.host
	port.Status, port.UpdatedAt = portStatus(port), s.stamp()
	if err := tx.PortUpdate(ctx, port); err != nil {
		return port, err
	}
	return port, nil
}

// resolveGroups maps group names or ids of a project to ids, creating the
// project's default group when it is asked for by name first.
func (s *Service) resolveGroups(ctx context.Context, tx *store.Tx, projectID string, names []string) ([]string, error) {
	for _, n := range names {
		if n == "default" {
			if _, err := s.ensureDefaultGroup(ctx, tx, projectID); err != nil {
				return nil, err
			}
			break
		}
	}
	gs, err := tx.SecurityGroupListByNames(ctx, projectID, names)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		found := ""
		for _, g := range gs {
			if g.ID == n || g.Name == n {
				if found != "" && g.ID != n {
					return nil, nerr(novalite.Conflict, "DuplicateSecurityGroupName",
						"Multiple security_group matches found for name '%s', use an ID to be more specific.", n)
				}
				found = g.ID
			}
		}
		if found == "" {
			return nil, sgNotFound(n)
		}
		out = append(out, found)
	}
	return out, nil
}

// ReleaseServerPorts deletes, inside tx, the ports AllocatePorts created
// for the server and unbinds the ports the user passed in.
func (s *Service) ReleaseServerPorts(ctx context.Context, tx *store.Tx, serverID string) error {
	ports, err := tx.PortListByDevices(ctx, []string{serverID})
	if err != nil {
		return err
	}
	for _, p := range ports {
		if p.ServerOwned {
			if err := s.deletePort(ctx, tx, p.ID); err != nil {
				return err
			}
			continue
		}
		p.DeviceID, p.DeviceOwner, p.HostID = "", "", ""
		p.Status, p.UpdatedAt = portStatus(p), s.stamp()
		if err := tx.PortUpdate(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// ServerPorts returns the ports of each server (by device id), with
// addresses and network names, in a few queries for any number of
// servers (server lists use it for "addresses").
func (s *Service) ServerPorts(ctx context.Context, serverIDs []string) (map[string][]novalite.Port, error) {
	out := map[string][]novalite.Port{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = ServerPortsTx(ctx, tx, serverIDs)
		return err
	})
	return out, err
}

// ServerPortsTx is ServerPorts inside the caller's transaction.
func ServerPortsTx(ctx context.Context, tx *store.Tx, serverIDs []string) (map[string][]novalite.Port, error) {
	ports, err := tx.PortListByDevices(ctx, serverIDs)
	out := map[string][]novalite.Port{}
	for _, p := range ports {
		out[p.DeviceID] = append(out[p.DeviceID], p)
	}
	return out, err
}

// AutoNetwork picks the network for networks "auto" (Nova's
// get-me-a-network): the project's own network when it has exactly one,
// else the only shared non-external network. None or several is a
// Conflict (Reason "NoNetworkAvailable" / "MultipleNetworksFound").
func (s *Service) AutoNetwork(ctx context.Context, tx *store.Tx, c *novalite.Caller) (novalite.Network, error) {
	nets, err := tx.NetworkList(ctx, store.NetFilter{ProjectID: c.ProjectID})
	if err != nil {
		return novalite.Network{}, err
	}
	var own, shared []novalite.Network
	for _, n := range nets {
		switch {
		case n.ProjectID == c.ProjectID && !n.External:
			own = append(own, n)
		case n.Shared && !n.External:
			shared = append(shared, n)
		}
	}
	for _, set := range [][]novalite.Network{own, shared} {
		switch len(set) {
		case 0:
			continue
		case 1:
			return set[0], nil
		default:
			return novalite.Network{}, nerr(novalite.Conflict, "MultipleNetworksFound",
				"Multiple possible networks found, use a Network ID to be more specific.")
		}
	}
	return novalite.Network{}, nerr(novalite.Conflict, "NoNetworkAvailable",
		"Unable to automatically allocate a network for project %s", c.ProjectID)
}
