package network

import (
	"context"
	"net/netip"

	"novalite"
	"novalite/internal/store"
)

// lastAddr is the highest address of prefix p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 0x80 >> j
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// defaultPools are Neutron's pools for a CIDR (ipam/utils.py
// generate_pools): a single-address subnet (IPv4 /32, IPv6 /128) gets that
// address, gateway or not; otherwise every address but the first (and,
// for IPv4 up to /30, the broadcast address), minus the gateway.
func defaultPools(p netip.Prefix, gateway string) []novalite.AllocationPool {
	first, last := p.Masked().Addr(), lastAddr(p)
	if first == last {
		return []novalite.AllocationPool{{Start: first.String(), End: last.String()}}
	}
	if !p.Addr().Is4() || p.Bits() <= 30 {
		first = first.Next()
	}
	if p.Addr().Is4() && p.Bits() <= 30 {
		last = last.Prev()
	}
	gw, err := netip.ParseAddr(gateway)
	if err != nil || gw.Less(first) || last.Less(gw) {
		return []novalite.AllocationPool{{Start: first.String(), End: last.String()}}
	}
	var out []novalite.AllocationPool
	if first.Less(gw) {
		out = append(out, novalite.AllocationPool{Start: first.String(), End: gw.Prev().String()})
	}
	if gw.Less(last) {
		out = append(out, novalite.AllocationPool{Start: gw.Next().String(), End: last.String()})
	}
	if out == nil {
		out = []novalite.AllocationPool{}
	}
	return out
}

func ipGenerationFailure(networkID string) error {
	return nerr(novalite.Conflict, "IpAddressGenerationFailure", "No more IP addresses available on network %s.", networkID)
}

// allocateFrom records the first free address of the subnet's pools for
// port, or reports false when the pools are exhausted. It runs inside the
// caller's write transaction, whose single writer makes the read of the
// taken addresses and the insert one step; the primary key of
// ip_allocations would refuse a double allocation anyway. The first free
// address is at most len(taken) steps from a pool's start, so the scan is
// bounded by the number of allocations whatever the subnet's size.
func allocateFrom(ctx context.Context, tx *store.Tx, sn novalite.Subnet, portID string) (string, bool, error) {
	taken, err := tx.IPAllocationList(ctx, sn.ID)
	if err != nil {
		return "", false, err
	}
	used := make(map[netip.Addr]bool, len(taken)+1)
	for _, t := range taken {
		if a, err := netip.ParseAddr(t); err == nil {
			used[a] = true
		}
	}
	if gw, err := netip.ParseAddr(sn.GatewayIP); err == nil {
		used[gw] = true
	}
	for _, pool := range sn.AllocationPools {
		start, err1 := netip.ParseAddr(pool.Start)
		end, err2 := netip.ParseAddr(pool.End)
		if err1 != nil || err2 != nil {
			continue
		}
		for a, steps := start, 0; a.IsValid() && !end.Less(a) && steps <= len(used); a, steps = a.Next(), steps+1 {
			if used[a] {
				continue
			}
			ip := a.String()
			if err := tx.IPAllocationInsert(ctx, store.IPAllocation{SubnetID: sn.ID, IP: ip, PortID: portID, NetworkID: sn.NetworkID}); err != nil {
				return "", false, err
			}
			return ip, true, nil
		}
	}
	return "", false, nil
}

// FixedIPRequest asks for an address: a given one, or any from a subnet,
// or (both empty) any from the network.
type FixedIPRequest struct {
	SubnetID, IPAddress string
}

// allocateIPs gives port its addresses on network. With no request it
// takes one address from the first IPv4 subnet with room and one from the
// first IPv6 subnet with room, failing with IpAddressGenerationFailure
// when a version has subnets but none has room.
func allocateIPs(ctx context.Context, tx *store.Tx, networkID, portID string, reqs []FixedIPRequest) ([]novalite.FixedIP, error) {
	// Allocation reads the taken addresses and inserts the first free one:
	// allocations on one network take turns.
	if err := tx.NetworkLockForAllocation(ctx, networkID); err != nil {
		return nil, err
	}
	subnets, err := tx.SubnetListByNetwork(ctx, networkID)
	if err != nil {
		return nil, err
	}
	if reqs == nil {
		return allocateAny(ctx, tx, networkID, portID, subnets)
	}
	var out []novalite.FixedIP
	for _, r := range reqs {
		ip, err := allocateOne(ctx, tx, networkID, portID, subnets, r)
		if err != nil {
			return nil, err
		}
		out = append(out, ip)
	}
	return out, nil
}

func allocateAny(ctx context.Context, tx *store.Tx, networkID, portID string, subnets []novalite.Subnet) ([]novalite.FixedIP, error) {
	var out []novalite.FixedIP
	for _, v := range []int{4, 6} {
		tried := false
		for _, sn := range subnets {
			if sn.IPVersion != v {
				continue
			}
			tried = true
			ip, ok, err := allocateFrom(ctx, tx, sn, portID)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, novalite.FixedIP{SubnetID: sn.ID, IPAddress: ip})
				tried = false
				break
			}
		}
		if tried {
			return nil, ipGenerationFailure(networkID)
		}
	}
	return out, nil
}

func allocateOne(ctx context.Context, tx *store.Tx, networkID, portID string, subnets []novalite.Subnet, r FixedIPRequest) (novalite.FixedIP, error) {
	var sn *novalite.Subnet
	for i := range subnets {
		if subnets[i].ID == r.SubnetID {
			sn = &subnets[i]
		}
	}
	if r.SubnetID != "" && sn == nil {
		return novalite.FixedIP{}, badRequest("Failed to create port on network %s, because fixed_ips included invalid subnet %s.", networkID, r.SubnetID)
	}
	if r.IPAddress == "" {
		if sn == nil {
			return novalite.FixedIP{}, badRequest("IP allocation requires subnet_id or ip_address")
		}
		ip, ok, err := allocateFrom(ctx, tx, *sn, portID)
		if err == nil && !ok {
			err = ipGenerationFailure(networkID)
		}
		return novalite.FixedIP{SubnetID: sn.ID, IPAddress: ip}, err
	}
	addr, err := netip.ParseAddr(r.IPAddress)
	if err != nil {
		return novalite.FixedIP{}, badRequest("Invalid input for ip_address. Reason: '%s' is not a valid IP address.", r.IPAddress)
	}
	if sn == nil {
		for i := range subnets {
			if p, err := netip.ParsePrefix(subnets[i].CIDR); err == nil && p.Contains(addr) {
				sn = &subnets[i]
				break
			}
		}
	}
	if sn == nil {
		return novalite.FixedIP{}, nerr(novalite.Invalid, "InvalidIpForNetwork",
			"IP address %s is not a valid IP for any of the subnets on the specified network.", r.IPAddress)
	}
	if p, err := netip.ParsePrefix(sn.CIDR); err != nil || !p.Contains(addr) {
		return novalite.FixedIP{}, nerr(novalite.Invalid, "InvalidIpForSubnet",
			"IP address %s is not a valid IP for the specified subnet.", r.IPAddress)
	}
	ip := addr.String()
	taken, err := tx.IPAllocationExists(ctx, sn.ID, ip)
	if err != nil {
		return novalite.FixedIP{}, err
	}
	if taken {
		return novalite.FixedIP{}, nerr(novalite.Conflict, "IpAddressAlreadyAllocated",
			"IP address %s already allocated in subnet %s", ip, sn.ID)
	}
	err = tx.IPAllocationInsert(ctx, store.IPAllocation{SubnetID: sn.ID, IP: ip, PortID: portID, NetworkID: networkID})
	return novalite.FixedIP{SubnetID: sn.ID, IPAddress: ip}, err
}
