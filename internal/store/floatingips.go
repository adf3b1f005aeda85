package store

import (
	"context"
	"database/sql"

	"novalite"
)

const fipCols = `id, project_id, description, floating_network_id, floating_ip_address, floating_port_id, port_id,
	fixed_ip_address, router_id, status, created_at, updated_at`

var fipFilterCols = map[string]col{
	"id": {"id", 's'}, "project_id": {"project_id", 's'}, "tenant_id": {"project_id", 's'},
	"floating_network_id": {"floating_network_id", 's'}, "floating_ip_address": {"floating_ip_address", 's'},
	"port_id": {"port_id", 's'}, "fixed_ip_address": {"fixed_ip_address", 's'}, "router_id": {"router_id", 's'},
	"status": {"status", 's'}, "description": {"description", 's'},
}

func scanFIP(s interface{ Scan(...any) error }) (novalite.FloatingIP, error) {
	var f novalite.FloatingIP
	var port, fixed, router sql.NullString
	var created, updated int64
	err := s.Scan(&f.ID, &f.ProjectID, &f.Description, &f.FloatingNetworkID, &f.FloatingIPAddress, &f.FloatingPortID,
		&port, &fixed, &router, &f.Status, &created, &updated)
	f.PortID, f.FixedIPAddress, f.RouterID = port.String, fixed.String, router.String
	f.CreatedAt, f.UpdatedAt = fromMicros(created), fromMicros(updated)
	return f, err
}

// FloatingIPInsert adds a floating IP.
func (tx *Tx) FloatingIPInsert(ctx context.Context, f novalite.FloatingIP) error {
	_, err := tx.Exec(ctx, `INSERT INTO floatingips (`+fipCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		f.ID, f.ProjectID, f.Description, f.FloatingNetworkID, f.FloatingIPAddress, f.FloatingPortID, nullStr(f.PortID),
		nullStr(f.FixedIPAddress), nullStr(f.RouterID), f.Status, micros(f.CreatedAt), micros(f.UpdatedAt))
	return err
}

// FloatingIPUpdate replaces the association and description of a floating IP.
func (tx *Tx) FloatingIPUpdate(ctx context.Context, f novalite.FloatingIP) error {
	c, err := tx.Exec(ctx, `UPDATE floatingips SET description = $2, port_id = $3, fixed_ip_address = $4, router_id = $5,
		status = $6, updated_at = $7 WHERE id = $1`, f.ID, f.Description, nullStr(f.PortID), nullStr(f.FixedIPAddress),
		nullStr(f.RouterID), f.Status, micros(f.UpdatedAt))
	if err == nil && c == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}

// FloatingIPDisassociatePort clears the association of every floating IP
// of a port (the port is going away).
func (tx *Tx) FloatingIPDisassociatePort(ctx context.Context, portID string, now int64) error {
	_, err := tx.Exec(ctx, `UPDATE floatingips SET port_id = NULL, fixed_ip_address = NULL, router_id = NULL,
		status = 'DOWN', updated_at = $2 WHERE port_id = $1`, portID, now)
	return err
}

// FloatingIPDelete removes a floating IP (its port separately).
func (tx *Tx) FloatingIPDelete(ctx context.Context, id string) error {
	return tx.netDelete(ctx, "floatingips", id)
}

// FloatingIPGet returns a floating IP, whoever owns it.
func (tx *Tx) FloatingIPGet(ctx context.Context, id string) (novalite.FloatingIP, error) {
	return fipTable.get(ctx, tx, id)
}

// FloatingIPList lists the floating IPs f selects (a project sees its own).
func (tx *Tx) FloatingIPList(ctx context.Context, f NetFilter) ([]novalite.FloatingIP, error) {
	var w where
	if !f.Admin {
		w.add("project_id = ?", f.ProjectID)
	}
	return fipTable.list(ctx, tx, f, &w)
}

var fipTable = netTable[novalite.FloatingIP]{name: "floatingips", cols: fipCols, filterCols: fipFilterCols, scan: scanFIP}
