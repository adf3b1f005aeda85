package compute

import (
	"context"
	"net/netip"
	"sort"

	"novalite"
	"novalite/internal/network"
	"novalite/internal/store"
)

// Ports of servers come from the network service, in the server's own
// transaction: a server and its ports commit together or not at all.

// allocatePorts creates the ports of a new server inside tx.
func (s *Service) allocatePorts(ctx context.Context, tx *store.Tx, c *novalite.Caller, v *novalite.Server, req networkRequest, groups []string) error {
	if s.Network == nil || req.Mode == "none" {
		return nil
	}
	p := network.PortRequestParams{Caller: c, ServerID: v.ID, HostID: v.Host,
		AvailabilityZone: v.AvailabilityZone, SecurityGroups: groups}
	switch req.Mode {
	case "list":
		for _, it := range req.Items {
			p.Requests = append(p.Requests, network.PortRequest{NetworkID: it.UUID, FixedIP: it.FixedIP, PortID: it.Port})
		}
	default: // "auto", or networks omitted before 2.37
		n, err := s.Network.AutoNetwork(ctx, tx, c)
		if err != nil {
			if reason(err) == "MultipleNetworksFound" {
				return novalite.Errorf(novalite.Conflict, "More than one possible network found. Specify network ID(s) to select which one(s) to connect to.")
			}
			if reason(err) == "NoNetworkAvailable" && req.Mode == "" {
				return nil // no usable network: Nova boots without a NIC
			}
			return novaNetworkError(err, nil)
		}
		p.Requests = []network.PortRequest{{NetworkID: n.ID}}
	}
	_, err := s.Network.AllocatePorts(ctx, tx, p)
	return novaNetworkError(err, p.Requests)
}

func reason(err error) string {
	if e, ok := err.(*novalite.Error); ok {
		return e.Reason
	}
	return ""
}

// novaNetworkError words Neutron's refusals as Nova answers them on create.
func novaNetworkError(err error, reqs []network.PortRequest) error {
	if err == nil {
		return nil
	}
	ne, ok := err.(*novalite.Error)
	if !ok {
		return err
	}
	first := func(get func(network.PortRequest) string) string {
		for _, r := range reqs {
			if v := get(r); v != "" {
				return v
			}
		}
		return ""
	}
	switch ne.Reason {
	case "NetworkNotFound":
		return novalite.Errorf(novalite.Invalid, "Network %s could not be found.", first(func(r network.PortRequest) string { return r.NetworkID }))
	case "PortNotFound":
		return novalite.Errorf(novalite.Invalid, "Port id %s could not be found.", first(func(r network.PortRequest) string { return r.PortID }))
	case "PortInUse":
		return novalite.Errorf(novalite.Conflict, "Port %s is still in use.", first(func(r network.PortRequest) string { return r.PortID }))
	case "SecurityGroupNotFound":
		// Nova says "Security group <name> not found."; the network
		// service's error does not carry the name apart from its message,
		// so Neutron's wording ("… does not exist") is passed on as a 400.
		return &novalite.Error{Kind: novalite.Invalid, Message: ne.Message, Err: err}
	case "SecurityGroupCannotBeApplied":
		return &novalite.Error{Kind: novalite.Invalid, Message: ne.Message, Err: err}
	case "ExternalNetworkAttachForbidden":
		return &novalite.Error{Kind: novalite.Forbidden, Message: ne.Message, Err: err}
	case "IpAddressAlreadyAllocated", "InvalidIpForNetwork", "InvalidIpForSubnet":
		return &novalite.Error{Kind: novalite.Invalid, Message: ne.Message, Err: err}
	case "OverQuota":
		// nova/network/neutron.py: a port over quota is PortLimitExceeded (403).
		return &novalite.Error{Kind: novalite.Forbidden, Message: "Maximum number of ports exceeded", Err: err}
	case "IpAddressGenerationFailure":
		return &novalite.Error{Kind: novalite.Invalid, Message: "No more IP addresses available on network.", Err: err}
	}
	return err
}

// releasePorts deletes the ports made for a server and unbinds the
// others, inside tx (hard delete).
func (s *Service) releasePorts(ctx context.Context, tx *store.Tx, serverID string) error {
	if s.Network == nil {
		return nil
	}
	return s.Network.ReleaseServerPorts(ctx, tx, serverID)
}

// addPorts fills addresses and security groups of servers from their
// ports, in a fixed number of queries.
func (s *Service) addPorts(ctx context.Context, tx *store.Tx, servers []ServerInfo) error {
	if len(servers) == 0 {
		return nil
	}
	ids := make([]string, len(servers))
	for i := range servers {
		ids[i] = servers[i].ID
	}
	ports, err := network.ServerPortsTx(ctx, tx, ids)
	if err != nil {
		return err
	}
	floating, err := network.FloatingIPsByPortTx(ctx, tx, ports)
	if err != nil {
		return err
	}
	groupNames, err := network.SecurityGroupNamesTx(ctx, tx, ports)
	if err != nil {
		return err
	}
	for i := range servers {
		sv := &servers[i]
		seen := map[string]bool{}
		for _, p := range ports[sv.ID] {
			for _, ip := range p.FixedIPs {
				sv.Addresses = append(sv.Addresses, ServerAddress{Network: p.NetworkName, Version: ipVersion(ip.IPAddress),
					Addr: ip.IPAddress, Type: "fixed", MAC: p.MACAddress})
			}
			for _, f := range floating[p.ID] {
				sv.Addresses = append(sv.Addresses, ServerAddress{Network: p.NetworkName, Version: ipVersion(f),
					Addr: f, Type: "floating", MAC: p.MACAddress})
			}
			if portsPending(sv.Server) {
				continue
			}
			for _, g := range p.SecurityGroups {
				if name := groupNames[g]; name != "" && !seen[name] {
					seen[name] = true
					sv.SecurityGroups = append(sv.SecurityGroups, name)
				}
			}
		}
		sort.Strings(sv.SecurityGroups)
	}
	return nil
}

// portsPending reports whether, on Nova, v's ports would not exist yet: a
// build not past networking, whose ports Nova's compute host has still
// to make (novalite makes them in the create). Nova then shows no
// security_groups, and clients keep the groups the create answered (as
// requested): openstackclient's test_server_create_with_security_group.
func portsPending(v novalite.Server) bool {
	return v.VMState == novalite.VMBuilding &&
		(v.TaskState == "" || v.TaskState == novalite.TaskScheduling || v.TaskState == novalite.TaskNetworking)
}

func ipVersion(s string) int {
	if a, err := netip.ParseAddr(s); err == nil && a.Is6() {
		return 6
	}
	return 4
}

// serversByIP lists the servers with a fixed IP (v4, or v6) containing
// sub (Nova's ip/ip6 filters match as substrings).
func (s *Service) serversByIP(ctx context.Context, tx *store.Tx, sub string, v6 bool) ([]string, error) {
	return network.ServersByIPTx(ctx, tx, sub, v6)
}
