package store

import (
	"context"
	"database/sql"

	"novalite"
)

const networkCols = `id, name, project_id, description, admin_state_up, shared, external, mtu, created_at, updated_at, port_security_enabled`

var networkFilterCols = map[string]col{
	"id": {"id", 's'}, "name": {"name", 's'}, "project_id": {"project_id", 's'}, "tenant_id": {"project_id", 's'},
	"description": {"description", 's'}, "admin_state_up": {"admin_state_up", 'b'}, "shared": {"shared", 'b'},
	"router:external": {"external", 'b'}, "mtu": {"mtu", 'i'},
	"port_security_enabled": {"port_security_enabled", 'b'},
}

func scanNetwork(s interface{ Scan(...any) error }) (novalite.Network, error) {
	var n novalite.Network
	var created, updated int64
	err := s.Scan(&n.ID, &n.Name, &n.ProjectID, &n.Description, &n.AdminStateUp, &n.Shared, &n.External,
		&n.MTU, &created, &updated, &n.PortSecurityEnabled)
	n.CreatedAt, n.UpdatedAt = fromMicros(created), fromMicros(updated)
	n.Subnets = []string{}
	return n, err
}

// NetworkInsert adds a network.
func (tx *Tx) NetworkInsert(ctx context.Context, n novalite.Network) error {
	_, err := tx.Exec(ctx, `INSERT INTO networks (`+networkCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		n.ID, n.Name, n.ProjectID, n.Description, n.AdminStateUp, n.Shared, n.External, n.MTU,
		micros(n.CreatedAt), micros(n.UpdatedAt), n.PortSecurityEnabled)
	return err
}

// NetworkUpdate replaces the mutable fields of a network.
func (tx *Tx) NetworkUpdate(ctx context.Context, n novalite.Network) error {
	c, err := tx.Exec(ctx, `UPDATE networks SET name = $2, description = $3, admin_state_up = $4, shared = $5,
		external = $6, mtu = $7, updated_at = $8, port_security_enabled = $9 WHERE id = $1`,
		n.ID, n.Name, n.Description, n.AdminStateUp, n.Shared, n.External, n.MTU, micros(n.UpdatedAt),
		n.PortSecurityEnabled)
	if err == nil && c == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}

// NetworkDelete removes a network and its subnets; the caller checks
// that no port is left.
func (tx *Tx) NetworkDelete(ctx context.Context, id string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM network_tags WHERE resource_id IN (SELECT id FROM subnets WHERE network_id = $1)`, id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM subnets WHERE network_id = $1`, id); err != nil {
		return err
	}
	return tx.netDelete(ctx, "networks", id)
}

// NetworkGet returns a network with its subnet ids, whoever owns it.
func (tx *Tx) NetworkGet(ctx context.Context, id string) (novalite.Network, error) {
	n, err := networkTable.get(ctx, tx, id)
	if err != nil {
		return n, err
	}
	nets := []novalite.Network{n}
	err = tx.fillSubnetIDs(ctx, nets)
	return nets[0], err
}

// networkScope: a project sees its own, shared and external networks.
func networkScope(w *where, f NetFilter) {
	if !f.Admin {
		w.add("(project_id = ? OR shared OR external)", f.ProjectID)
	}
}

// NetworkList lists the networks f selects, by id.
func (tx *Tx) NetworkList(ctx context.Context, f NetFilter) ([]novalite.Network, error) {
	var w where
	networkScope(&w, f)
	nets, err := networkTable.list(ctx, tx, f, &w)
	if err != nil {
		return nil, err
	}
	return nets, tx.fillSubnetIDs(ctx, nets)
}

// fillSubnetIDs loads the subnet ids of nets in one query.
func (tx *Tx) fillSubnetIDs(ctx context.Context, nets []novalite.Network) error {
	if len(nets) == 0 {
		return nil
	}
	var w where
	idx := map[string]int{}
	ids := make([]string, len(nets))
	for i, n := range nets {
		idx[n.ID], ids[i] = i, n.ID
	}
	cond := inList("network_id", &w, ids)
	rows, err := tx.query(ctx, `SELECT network_id, id FROM subnets WHERE `+cond+` ORDER BY created_at, id`, w.args...)
	pairs, err := collect(rows, err, func(r *sql.Rows) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	for _, p := range pairs {
		n := &nets[idx[p[0]]]
		n.Subnets = append(n.Subnets, p[1])
	}
	return err
}

// NetworkPortCount counts the ports on a network, those of the given
// device owners excepted.
func (tx *Tx) NetworkPortCount(ctx context.Context, networkID string, except ...string) (int, error) {
	var w where
	w.add("network_id = ?", networkID)
	if len(except) > 0 {
		w.add("NOT " + inList("device_owner", &w, except))
	}
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM ports`+w.sql(), w.args...).Scan(&n)
	return n, mapErr(err)
}

var networkTable = netTable[novalite.Network]{name: "networks", cols: networkCols, filterCols: networkFilterCols, scan: scanNetwork}
