package store

import "context"

// NetworkUsage counts a project's network resources by Neutron quota
// name, in one query.
func (tx *Tx) NetworkUsage(ctx context.Context, projectID string) (map[string]int, error) {
	var n, sn, p, r, f, g, gr int
	err := tx.queryRow(ctx, `SELECT
		(SELECT count(*) FROM networks WHERE project_id = $1),
		(SELECT count(*) FROM subnets WHERE project_id = $1),
		(SELECT count(*) FROM ports WHERE project_id = $1),
		(SELECT count(*) FROM routers WHERE project_id = $1),
		(SELECT count(*) FROM floatingips WHERE project_id = $1),
		(SELECT count(*) FROM security_groups WHERE project_id = $1),
		(SELECT count(*) FROM security_group_rules WHERE project_id = $1)`, projectID).Scan(&n, &sn, &p, &r, &f, &g, &gr)
	return map[string]int{"network": n, "subnet": sn, "port": p, "router": r, "floatingip": f,
		"security_group": g, "security_group_rule": gr, "rbac_policy": 0, "subnetpool": 0}, mapErr(err)
}
