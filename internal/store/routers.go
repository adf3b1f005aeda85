package store

import (
	"context"
	"database/sql"

	"novalite"
)

const routerCols = `id, name, project_id, description, admin_state_up, status, gw_network_id, gw_port_id,
	enable_snat, created_at, updated_at`

var routerFilterCols = map[string]col{
	"id": {"id", 's'}, "name": {"name", 's'}, "project_id": {"project_id", 's'}, "tenant_id": {"project_id", 's'},
	"description": {"description", 's'}, "admin_state_up": {"admin_state_up", 'b'}, "status": {"status", 's'},
}

func scanRouter(s interface{ Scan(...any) error }) (novalite.Router, error) {
	var r novalite.Router
	var gwNet, gwPort sql.NullString
	var created, updated int64
	err := s.Scan(&r.ID, &r.Name, &r.ProjectID, &r.Description, &r.AdminStateUp, &r.Status, &gwNet, &gwPort,
		&r.EnableSNAT, &created, &updated)
	r.GatewayNetworkID, r.GatewayPortID = gwNet.String, gwPort.String
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return r, err
}

// RouterInsert adds a router.
func (tx *Tx) RouterInsert(ctx context.Context, r novalite.Router) error {
	_, err := tx.Exec(ctx, `INSERT INTO routers (`+routerCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		r.ID, r.Name, r.ProjectID, r.Description, r.AdminStateUp, r.Status, nullStr(r.GatewayNetworkID),
		nullStr(r.GatewayPortID), r.EnableSNAT, micros(r.CreatedAt), micros(r.UpdatedAt))
	return err
}

// RouterUpdate replaces the mutable fields of a router.
func (tx *Tx) RouterUpdate(ctx context.Context, r novalite.Router) error {
	c, err := tx.Exec(ctx, `UPDATE routers SET name = $2, description = $3, admin_state_up = $4, gw_network_id = $5,
		gw_port_id = $6, enable_snat = $7, updated_at = $8 WHERE id = $1`,
		r.ID, r.Name, r.Description, r.AdminStateUp, nullStr(r.GatewayNetworkID), nullStr(r.GatewayPortID),
		r.EnableSNAT, micros(r.UpdatedAt))
	if err == nil && c == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}

// RouterDelete removes a router.
func (tx *Tx) RouterDelete(ctx context.Context, id string) error {
	return tx.netDelete(ctx, "routers", id)
}

// RouterGet returns a router, whoever owns it.
func (tx *Tx) RouterGet(ctx context.Context, id string) (novalite.Router, error) {
	return routerTable.get(ctx, tx, id)
}

// RouterList lists the routers f selects (a project sees its own).
func (tx *Tx) RouterList(ctx context.Context, f NetFilter) ([]novalite.Router, error) {
	var w where
	if !f.Admin {
		w.add("project_id = ?", f.ProjectID)
	}
	return routerTable.list(ctx, tx, f, &w)
}

// RouterForSubnets returns the id of a router with an interface on one
// of the subnets and a gateway on the network extNet, or NotFound.
func (tx *Tx) RouterForSubnets(ctx context.Context, subnetIDs []string, extNet string) (string, error) {
	if len(subnetIDs) == 0 {
		return "", &novalite.Error{Kind: novalite.NotFound}
	}
	var w where
	cond := inList("a.subnet_id", &w, subnetIDs)
	var id string
	err := tx.queryRow(ctx, `SELECT r.id FROM routers r JOIN ports p ON p.device_id = r.id AND p.device_owner = 'network:router_interface'
		JOIN ip_allocations a ON a.port_id = p.id WHERE `+cond+` AND r.gw_network_id = `+w.arg(extNet)+` ORDER BY r.id LIMIT 1`,
		w.args...).Scan(&id)
	return id, mapErr(err)
}

var routerTable = netTable[novalite.Router]{name: "routers", cols: routerCols, filterCols: routerFilterCols, scan: scanRouter}
