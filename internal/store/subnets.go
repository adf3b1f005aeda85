package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"novalite"
)

const subnetCols = `id, name, network_id, project_id, description, ip_version, cidr, gateway_ip, enable_dhcp,
	allocation_pools, dns_nameservers, host_routes, ipv6_address_mode, ipv6_ra_mode, created_at, updated_at, service_types`

var subnetFilterCols = map[string]col{
	"id": {"id", 's'}, "name": {"name", 's'}, "network_id": {"network_id", 's'}, "project_id": {"project_id", 's'},
	"tenant_id": {"project_id", 's'}, "ip_version": {"ip_version", 'i'}, "cidr": {"cidr", 's'},
	"gateway_ip": {"gateway_ip", 's'}, "enable_dhcp": {"enable_dhcp", 'b'}, "description": {"description", 's'},
	"ipv6_address_mode": {"ipv6_address_mode", 's'}, "ipv6_ra_mode": {"ipv6_ra_mode", 's'},
}

func scanSubnet(s interface{ Scan(...any) error }) (novalite.Subnet, error) {
	var sn novalite.Subnet
	var gw, am, rm sql.NullString
	var pools, dns, routes, types string
	var created, updated int64
	err := s.Scan(&sn.ID, &sn.Name, &sn.NetworkID, &sn.ProjectID, &sn.Description, &sn.IPVersion, &sn.CIDR, &gw,
		&sn.EnableDHCP, &pools, &dns, &routes, &am, &rm, &created, &updated, &types)
	_ = json.Unmarshal([]byte(types), &sn.ServiceTypes)
	sn.GatewayIP, sn.IPv6AddressMode, sn.IPv6RAMode = gw.String, am.String, rm.String
	_ = json.Unmarshal([]byte(pools), &sn.AllocationPools)
	_ = json.Unmarshal([]byte(dns), &sn.DNSNameservers)
	_ = json.Unmarshal([]byte(routes), &sn.HostRoutes)
	sn.CreatedAt, sn.UpdatedAt = fromMicros(created), fromMicros(updated)
	return sn, err
}

func subnetArgs(sn novalite.Subnet) []any {
	if sn.AllocationPools == nil {
		sn.AllocationPools = []novalite.AllocationPool{}
	}
	if sn.DNSNameservers == nil {
		sn.DNSNameservers = []string{}
	}
	if sn.HostRoutes == nil {
		sn.HostRoutes = []novalite.HostRoute{}
	}
	return []any{sn.ID, sn.Name, sn.NetworkID, sn.ProjectID, sn.Description, sn.IPVersion, sn.CIDR,
		nullStr(sn.GatewayIP), sn.EnableDHCP, jsonText(sn.AllocationPools), jsonText(sn.DNSNameservers),
		jsonText(sn.HostRoutes), nullStr(sn.IPv6AddressMode), nullStr(sn.IPv6RAMode), micros(sn.CreatedAt),
		micros(sn.UpdatedAt), jsonList(sn.ServiceTypes)}
}

// SubnetInsert adds a subnet.
func (tx *Tx) SubnetInsert(ctx context.Context, sn novalite.Subnet) error {
	_, err := tx.Exec(ctx, `INSERT INTO subnets (`+subnetCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
		$10, $11, $12, $13, $14, $15, $16, $17)`, subnetArgs(sn)...)
	return err
}

// SubnetUpdate replaces every column of the subnet sn.ID.
func (tx *Tx) SubnetUpdate(ctx context.Context, sn novalite.Subnet) error {
	c, err := tx.Exec(ctx, `UPDATE subnets SET name = $2, network_id = $3, project_id = $4, description = $5,
		ip_version = $6, cidr = $7, gateway_ip = $8, enable_dhcp = $9, allocation_pools = $10,
		dns_nameservers = $11, host_routes = $12, ipv6_address_mode = $13, ipv6_ra_mode = $14,
		created_at = $15, updated_at = $16, service_types = $17 WHERE id = $1`, subnetArgs(sn)...)
	if err == nil && c == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}

// SubnetDelete removes a subnet; the caller checks allocations first.
func (tx *Tx) SubnetDelete(ctx context.Context, id string) error {
	return tx.netDelete(ctx, "subnets", id)
}

// SubnetGet returns a subnet, whoever owns it.
func (tx *Tx) SubnetGet(ctx context.Context, id string) (novalite.Subnet, error) {
	return subnetTable.get(ctx, tx, id)
}

// SubnetList lists the subnets f selects, by id. A project sees its own
// subnets and those of shared and external networks.
func (tx *Tx) SubnetList(ctx context.Context, f NetFilter) ([]novalite.Subnet, error) {
	var w where
	if !f.Admin {
		w.add("(project_id = ? OR network_id IN (SELECT id FROM networks WHERE shared OR external))", f.ProjectID)
	}
	return subnetTable.list(ctx, tx, f, &w)
}

// SubnetListByNetwork lists the subnets of a network, oldest first (the
// order Neutron tries them in when allocating).
func (tx *Tx) SubnetListByNetwork(ctx context.Context, networkID string) ([]novalite.Subnet, error) {
	rows, err := tx.query(ctx, `SELECT `+subnetCols+` FROM subnets WHERE network_id = $1 ORDER BY created_at, id`, networkID)
	return collect(rows, err, func(r *sql.Rows) (novalite.Subnet, error) { return scanSubnet(r) })
}

// IPAllocation is an address of a subnet (of a network) that a port
// holds.
type IPAllocation struct {
	SubnetID, IP, PortID, NetworkID string
}

// IPAllocationInsert records an allocation; a taken address is a
// Conflict.
func (tx *Tx) IPAllocationInsert(ctx context.Context, a IPAllocation) error {
	_, err := tx.Exec(ctx, `INSERT INTO ip_allocations (subnet_id, ip_address, port_id, network_id) VALUES ($1, $2, $3, $4)`,
		a.SubnetID, a.IP, a.PortID, a.NetworkID)
	return err
}

// IPAllocationExists reports whether ip is taken in a subnet.
func (tx *Tx) IPAllocationExists(ctx context.Context, subnetID, ip string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM ip_allocations WHERE subnet_id = $1 AND ip_address = $2`, subnetID, ip).Scan(&n)
	return n > 0, mapErr(err)
}

// IPAllocationList returns the addresses taken in a subnet.
func (tx *Tx) IPAllocationList(ctx context.Context, subnetID string) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT ip_address FROM ip_allocations WHERE subnet_id = $1`, subnetID)
	return collect(rows, err, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}

// IPAllocationCount counts the addresses taken in a subnet.
func (tx *Tx) IPAllocationCount(ctx context.Context, subnetID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM ip_allocations WHERE subnet_id = $1`, subnetID).Scan(&n)
	return n, mapErr(err)
}

// IPAllocationDeleteByPort frees the addresses of a port.
func (tx *Tx) IPAllocationDeleteByPort(ctx context.Context, portID string) error {
	_, err := tx.Exec(ctx, `DELETE FROM ip_allocations WHERE port_id = $1`, portID)
	return err
}

var subnetTable = netTable[novalite.Subnet]{name: "subnets", cols: subnetCols, filterCols: subnetFilterCols, scan: scanSubnet}
