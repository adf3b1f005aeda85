package store

import (
	"context"
	"database/sql"
	"fmt"
)

// NetworkQuotaProjects lists the projects with limits of their own.
func (tx *Tx) NetworkQuotaProjects(ctx context.Context) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT DISTINCT project_id FROM network_quotas ORDER BY project_id`)
	return collect(rows, err, func(r *sql.Rows) (string, error) {
		var id string
		err := r.Scan(&id)
		return id, err
	})
}

// networkCounted names the table counted for each Neutron quota.
var networkCounted = map[string]string{"network": "networks", "subnet": "subnets", "port": "ports",
	"router": "routers", "floatingip": "floatingips", "security_group": "security_groups",
	"security_group_rule": "security_group_rules"}

// NetworkCount counts one network resource of a project (by Neutron
// quota name), served by the table's project index.
func (tx *Tx) NetworkCount(ctx context.Context, projectID, resource string) (int64, error) {
	table, ok := networkCounted[resource]
	if !ok {
		return 0, fmt.Errorf("store: no count for network resource %q", resource)
	}
	var n int64
	err := tx.queryRow(ctx, `SELECT count(*) FROM `+table+` WHERE project_id = $1`, projectID).Scan(&n)
	return n, mapErr(err)
}
