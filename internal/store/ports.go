package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"novalite"
)

const portCols = `p.id, p.name, p.network_id, p.project_id, p.description, p.mac_address, p.admin_state_up,
	p.status, p.device_id, p.device_owner, p.host_id, p.port_security_enabled, p.server_owned, p.created_at,
	p.updated_at, n.name, p.allowed_address_pairs, p.extra_dhcp_opts, p.binding_profile`

var portFilterCols = map[string]col{
	"id": {"p.id", 's'}, "name": {"p.name", 's'}, "network_id": {"p.network_id", 's'},
	"project_id": {"p.project_id", 's'}, "tenant_id": {"p.project_id", 's'}, "mac_address": {"p.mac_address", 's'},
	"device_id": {"p.device_id", 's'}, "device_owner": {"p.device_owner", 's'}, "status": {"p.status", 's'},
	"admin_state_up": {"p.admin_state_up", 'b'}, "binding:host_id": {"p.host_id", 's'},
	"description": {"p.description", 's'},
}

func scanPort(s interface{ Scan(...any) error }) (novalite.Port, error) {
	var p novalite.Port
	var created, updated int64
	var pairs, opts, profile string
	err := s.Scan(&p.ID, &p.Name, &p.NetworkID, &p.ProjectID, &p.Description, &p.MACAddress, &p.AdminStateUp,
		&p.Status, &p.DeviceID, &p.DeviceOwner, &p.HostID, &p.PortSecurityEnabled, &p.ServerOwned, &created,
		&updated, &p.NetworkName, &pairs, &opts, &profile)
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	_ = json.Unmarshal([]byte(pairs), &p.AllowedAddressPairs)
	_ = json.Unmarshal([]byte(opts), &p.ExtraDHCPOpts)
	_ = json.Unmarshal([]byte(profile), &p.BindingProfile)
	p.FixedIPs, p.SecurityGroups = []novalite.FixedIP{}, []string{}
	return p, err
}

// PortInsert adds a port with its addresses already recorded separately
// (IPAllocationInsert) and its security groups.
func (tx *Tx) PortInsert(ctx context.Context, p novalite.Port) error {
	_, err := tx.Exec(ctx, `INSERT INTO ports (id, name, network_id, project_id, description, mac_address,
		admin_state_up, status, device_id, device_owner, host_id, port_security_enabled, server_owned,
		created_at, updated_at, allowed_address_pairs, extra_dhcp_opts, binding_profile)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		p.ID, p.Name, p.NetworkID, p.ProjectID, p.Description, p.MACAddress, p.AdminStateUp, p.Status,
		p.DeviceID, p.DeviceOwner, p.HostID, p.PortSecurityEnabled, p.ServerOwned, micros(p.CreatedAt),
		micros(p.UpdatedAt), jsonList(p.AllowedAddressPairs), jsonList(p.ExtraDHCPOpts), jsonDict(p.BindingProfile))
	if err != nil {
		return err
	}
	return tx.PortSetSecurityGroups(ctx, p.ID, p.SecurityGroups)
}

// jsonList is a list column's text: "[]" for none.
func jsonList[T any](xs []T) string {
	if len(xs) == 0 {
		return "[]"
	}
	return jsonText(xs)
}

// jsonDict is a dict column's text: "{}" for none.
func jsonDict(m map[string]any) string {
	if len(m) == 0 {
		return "{}"
	}
	return jsonText(m)
}

// PortUpdate replaces the mutable fields of a port (not its addresses
// nor its groups).
func (tx *Tx) PortUpdate(ctx context.Context, p novalite.Port) error {
	c, err := tx.Exec(ctx, `UPDATE ports SET name = $2, description = $3, admin_state_up = $4, status = $5,
		device_id = $6, device_owner = $7, host_id = $8, port_security_enabled = $9, server_owned = $10,
		mac_address = $11, updated_at = $12, allowed_address_pairs = $13, extra_dhcp_opts = $14,
		binding_profile = $15 WHERE id = $1`,
		p.ID, p.Name, p.Description, p.AdminStateUp, p.Status, p.DeviceID, p.DeviceOwner, p.HostID,
		p.PortSecurityEnabled, p.ServerOwned, p.MACAddress, micros(p.UpdatedAt),
		jsonList(p.AllowedAddressPairs), jsonList(p.ExtraDHCPOpts), jsonDict(p.BindingProfile))
	if err == nil && c == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}

// PortSetSecurityGroups replaces the groups of a port.
func (tx *Tx) PortSetSecurityGroups(ctx context.Context, portID string, groups []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM port_security_groups WHERE port_id = $1`, portID); err != nil {
		return err
	}
	for _, g := range groups {
		if _, err := tx.Exec(ctx, `INSERT INTO port_security_groups (port_id, security_group_id) VALUES ($1, $2)`, portID, g); err != nil {
			return err
		}
	}
	return nil
}

// PortDelete removes a port and its addresses.
func (tx *Tx) PortDelete(ctx context.Context, id string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM ip_allocations WHERE port_id = $1`, id); err != nil {
		return err
	}
	return tx.netDelete(ctx, "ports", id)
}

// PortGet returns a port with its addresses and groups, whoever owns it.
func (tx *Tx) PortGet(ctx context.Context, id string) (novalite.Port, error) {
	p, err := scanPort(tx.queryRow(ctx, `SELECT `+portCols+` FROM ports p JOIN networks n ON n.id = p.network_id WHERE p.id = $1`, id))
	if err != nil {
		return p, mapErr(err)
	}
	ps := []novalite.Port{p}
	err = tx.fillPorts(ctx, ps)
	return ps[0], err
}

// PortListParams add to NetFilter the filters on addresses
// (fixed_ips=ip_address=… / subnet_id=…) and on several device ids.
type PortListParams struct {
	NetFilter
	IPAddresses, SubnetIDs []string
}

// PortList lists the ports f selects, by id. A project sees its own ports
// and the ports on its networks.
func (tx *Tx) PortList(ctx context.Context, f PortListParams) ([]novalite.Port, error) {
	var w where
	if !f.Admin {
		w.add("(p.project_id = ? OR n.project_id = ?)", f.ProjectID, f.ProjectID)
	}
	addEq(&w, portFilterCols, f.Eq)
	addTagFilters(&w, "p.id", f.Eq)
	if len(f.IPAddresses) > 0 {
		w.add(`p.id IN (SELECT port_id FROM ip_allocations WHERE ` + inList("ip_address", &w, f.IPAddresses) + `)`)
	}
	if len(f.SubnetIDs) > 0 {
		w.add(`p.id IN (SELECT port_id FROM ip_allocations WHERE ` + inList("subnet_id", &w, f.SubnetIDs) + `)`)
	}
	tail, err := f.page(&w, "ports p", portFilterCols)
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT `+portCols+` FROM ports p JOIN networks n ON n.id = p.network_id`+w.sql()+tail, w.args...)
	ps, err := collect(rows, err, func(r *sql.Rows) (novalite.Port, error) { return scanPort(r) })
	if err != nil {
		return nil, err
	}
	return ps, tx.fillPorts(ctx, ps)
}

// PortMarkAttached records that port id was attached to its device
// after every port attached so far, for PortListByDevices' order.
func (tx *Tx) PortMarkAttached(ctx context.Context, id string) error {
	_, err := tx.Exec(ctx, `UPDATE ports SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM ports) WHERE id = $1`, id)
	return err
}

// PortListByDevices returns the ports of the given devices (servers,
// routers), with addresses and groups, in a few queries whatever their
// number, in the order they were attached.
func (tx *Tx) PortListByDevices(ctx context.Context, deviceIDs []string) ([]novalite.Port, error) {
	if len(deviceIDs) == 0 {
		return nil, nil
	}
	var w where
	from, cond := tx.fromJSON("ports p", "p.device_id", &w, deviceIDs, false)
	rows, err := tx.query(ctx, `SELECT `+portCols+` FROM `+from+` JOIN networks n ON n.id = p.network_id WHERE `+cond+
		` ORDER BY p.seq, p.created_at, p.id`, w.args...)
	ps, err := collect(rows, err, func(r *sql.Rows) (novalite.Port, error) { return scanPort(r) })
	if err != nil {
		return nil, err
	}
	return ps, tx.fillPorts(ctx, ps)
}

// fillPorts loads the addresses and groups of ps in two queries.
func (tx *Tx) fillPorts(ctx context.Context, ps []novalite.Port) error {
	if len(ps) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(ps))
	for i, p := range ps {
		idx[p.ID], ids[i] = i, p.ID
	}
	var w where
	from, cond := tx.fromJSON("ip_allocations a", "a.port_id", &w, ids, false)
	rows, err := tx.query(ctx, `SELECT a.port_id, a.subnet_id, a.ip_address FROM `+from+`
		JOIN subnets s ON s.id = a.subnet_id WHERE `+cond+` ORDER BY s.ip_version, s.created_at, a.ip_address`, w.args...)
	ips, err := collect(rows, err, func(r *sql.Rows) ([3]string, error) {
		var v [3]string
		return v, r.Scan(&v[0], &v[1], &v[2])
	})
	if err != nil {
		return err
	}
	for _, v := range ips {
		p := &ps[idx[v[0]]]
		p.FixedIPs = append(p.FixedIPs, novalite.FixedIP{SubnetID: v[1], IPAddress: v[2]})
	}
	var w2 where
	from, cond = tx.fromJSON("port_security_groups", "port_id", &w2, ids, false)
	rows, err = tx.query(ctx, `SELECT port_id, security_group_id FROM `+from+` WHERE `+cond+
		` ORDER BY security_group_id`, w2.args...)
	sgs, err := collect(rows, err, func(r *sql.Rows) ([2]string, error) {
		var v [2]string
		return v, r.Scan(&v[0], &v[1])
	})
	for _, v := range sgs {
		p := &ps[idx[v[0]]]
		p.SecurityGroups = append(p.SecurityGroups, v[1])
	}
	return err
}

// PortCountBySecurityGroup counts the ports using a group.
func (tx *Tx) PortCountBySecurityGroup(ctx context.Context, groupID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM port_security_groups WHERE security_group_id = $1`, groupID).Scan(&n)
	return n, mapErr(err)
}
