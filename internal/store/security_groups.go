package store

import (
	"context"
	"database/sql"

	"novalite"
)

const sgCols = `id, name, project_id, description, stateful, created_at, updated_at`

var sgFilterCols = map[string]col{
	"id": {"id", 's'}, "name": {"name", 's'}, "project_id": {"project_id", 's'}, "tenant_id": {"project_id", 's'},
	"description": {"description", 's'}, "stateful": {"stateful", 'b'},
}

func scanSG(s interface{ Scan(...any) error }) (novalite.SecurityGroup, error) {
	var g novalite.SecurityGroup
	var created, updated int64
	err := s.Scan(&g.ID, &g.Name, &g.ProjectID, &g.Description, &g.Stateful, &created, &updated)
	g.CreatedAt, g.UpdatedAt = fromMicros(created), fromMicros(updated)
	g.Rules = []novalite.SecurityGroupRule{}
	return g, err
}

// SecurityGroupInsert adds a group (its rules separately).
func (tx *Tx) SecurityGroupInsert(ctx context.Context, g novalite.SecurityGroup) error {
	_, err := tx.Exec(ctx, `INSERT INTO security_groups (`+sgCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		g.ID, g.Name, g.ProjectID, g.Description, g.Stateful, micros(g.CreatedAt), micros(g.UpdatedAt))
	return err
}

// SecurityGroupUpdate replaces the name and description of a group.
func (tx *Tx) SecurityGroupUpdate(ctx context.Context, g novalite.SecurityGroup) error {
	c, err := tx.Exec(ctx, `UPDATE security_groups SET name = $2, description = $3, stateful = $4, updated_at = $5 WHERE id = $1`,
		g.ID, g.Name, g.Description, g.Stateful, micros(g.UpdatedAt))
	if err == nil && c == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}

// SecurityGroupDelete removes a group and its rules.
func (tx *Tx) SecurityGroupDelete(ctx context.Context, id string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM security_group_rules WHERE security_group_id = $1 OR remote_group_id = $1`, id); err != nil {
		return err
	}
	return tx.netDelete(ctx, "security_groups", id)
}

// SecurityGroupGet returns a group with its rules, whoever owns it.
func (tx *Tx) SecurityGroupGet(ctx context.Context, id string) (novalite.SecurityGroup, error) {
	g, err := sgTable.get(ctx, tx, id)
	if err != nil {
		return g, err
	}
	gs := []novalite.SecurityGroup{g}
	err = tx.fillRules(ctx, gs)
	return gs[0], err
}

// SecurityGroupList lists the groups f selects (a project sees its own),
// with their rules.
func (tx *Tx) SecurityGroupList(ctx context.Context, f NetFilter) ([]novalite.SecurityGroup, error) {
	var w where
	if !f.Admin {
		w.add("project_id = ?", f.ProjectID)
	}
	gs, err := sgTable.list(ctx, tx, f, &w)
	if err != nil {
		return nil, err
	}
	return gs, tx.fillRules(ctx, gs)
}

// SecurityGroupListByNames returns the project's groups called one of
// names (or with one of these ids).
func (tx *Tx) SecurityGroupListByNames(ctx context.Context, projectID string, names []string) ([]novalite.SecurityGroup, error) {
	if len(names) == 0 {
		return nil, nil
	}
	var w where
	w.add("project_id = ?", projectID)
	a, b := inList("name", &w, names), inList("id", &w, names)
	w.add("(" + a + " OR " + b + ")")
	rows, err := tx.query(ctx, `SELECT `+sgCols+` FROM security_groups`+w.sql()+` ORDER BY created_at, id`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.SecurityGroup, error) { return scanSG(r) })
}

// DefaultSecurityGroupGet returns the id of the project's default group,
// NotFound when it has none yet.
func (tx *Tx) DefaultSecurityGroupGet(ctx context.Context, projectID string) (string, error) {
	var id string
	err := tx.queryRow(ctx, `SELECT security_group_id FROM default_security_groups WHERE project_id = $1`, projectID).Scan(&id)
	return id, mapErr(err)
}

// DefaultSecurityGroupInsert records the project's default group. It
// reports false, changing nothing, when a concurrent transaction recorded
// one first.
func (tx *Tx) DefaultSecurityGroupInsert(ctx context.Context, projectID, groupID string) (bool, error) {
	n, err := tx.Exec(ctx, `INSERT INTO default_security_groups (project_id, security_group_id) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, projectID, groupID)
	return n == 1, err
}

// ruleOrder is creation order (seq; 0 for rules older than it).
const ruleOrder = ` ORDER BY seq, created_at, id`

const ruleCols = `id, security_group_id, project_id, description, direction, ethertype, protocol, port_range_min,
	port_range_max, remote_ip_prefix, remote_group_id, created_at, updated_at`

var ruleFilterCols = map[string]col{
	"id": {"id", 's'}, "security_group_id": {"security_group_id", 's'}, "project_id": {"project_id", 's'},
	"tenant_id": {"project_id", 's'}, "direction": {"direction", 's'}, "ethertype": {"ethertype", 's'},
	"protocol": {"protocol", 's'}, "remote_group_id": {"remote_group_id", 's'},
	"remote_ip_prefix": {"remote_ip_prefix", 's'}, "port_range_min": {"port_range_min", 'i'},
	"port_range_max": {"port_range_max", 'i'}, "description": {"description", 's'},
}

func scanRule(s interface{ Scan(...any) error }) (novalite.SecurityGroupRule, error) {
	var r novalite.SecurityGroupRule
	var proto, prefix, remote sql.NullString
	var pmin, pmax sql.NullInt64
	var created, updated int64
	err := s.Scan(&r.ID, &r.SecurityGroupID, &r.ProjectID, &r.Description, &r.Direction, &r.EtherType, &proto,
		&pmin, &pmax, &prefix, &remote, &created, &updated)
	r.Protocol, r.RemoteIPPrefix, r.RemoteGroupID = proto.String, prefix.String, remote.String
	if pmin.Valid {
		v := int(pmin.Int64)
		r.PortRangeMin = &v
	}
	if pmax.Valid {
		v := int(pmax.Int64)
		r.PortRangeMax = &v
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return r, err
}

func nullIntPtr(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

// SecurityGroupRuleInsert adds a rule.
func (tx *Tx) SecurityGroupRuleInsert(ctx context.Context, r novalite.SecurityGroupRule) error {
	_, err := tx.Exec(ctx, `INSERT INTO security_group_rules (`+ruleCols+`, seq) VALUES ($1, $2, $3, $4, $5, $6, $7,
		$8, $9, $10, $11, $12, $13, (SELECT COALESCE(MAX(seq), 0) + 1 FROM security_group_rules))`, r.ID, r.SecurityGroupID, r.ProjectID, r.Description, r.Direction, r.EtherType,
		nullStr(r.Protocol), nullIntPtr(r.PortRangeMin), nullIntPtr(r.PortRangeMax), nullStr(r.RemoteIPPrefix),
		nullStr(r.RemoteGroupID), micros(r.CreatedAt), micros(r.UpdatedAt))
	return err
}

// SecurityGroupRuleDelete removes a rule.
func (tx *Tx) SecurityGroupRuleDelete(ctx context.Context, id string) error {
	c, err := tx.Exec(ctx, `DELETE FROM security_group_rules WHERE id = $1`, id)
	if err == nil && c == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}

// SecurityGroupRuleGet returns a rule, whoever owns it.
func (tx *Tx) SecurityGroupRuleGet(ctx context.Context, id string) (novalite.SecurityGroupRule, error) {
	r, err := scanRule(tx.queryRow(ctx, `SELECT `+ruleCols+` FROM security_group_rules WHERE id = $1`, id))
	return r, mapErr(err)
}

// SecurityGroupRuleList lists the rules f selects: a project sees its
// rules and those of its groups.
func (tx *Tx) SecurityGroupRuleList(ctx context.Context, f NetFilter) ([]novalite.SecurityGroupRule, error) {
	var w where
	if !f.Admin {
		w.add("(project_id = ? OR security_group_id IN (SELECT id FROM security_groups WHERE project_id = ?))", f.ProjectID, f.ProjectID)
	}
	addEq(&w, ruleFilterCols, f.Eq)
	// Unpaged, unsorted lists come in creation order, as Neutron's; pages
	// go by id for the marker.
	tail := ruleOrder
	if f.Limit > 0 || f.Marker != "" || f.Reverse || len(f.Sort) > 0 {
		var err error
		if tail, err = f.page(&w, "security_group_rules", ruleFilterCols); err != nil {
			return nil, err
		}
	}
	rows, err := tx.query(ctx, `SELECT `+ruleCols+` FROM security_group_rules`+w.sql()+tail, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.SecurityGroupRule, error) { return scanRule(r) })
}

// fillRules loads the rules of gs in one query.
func (tx *Tx) fillRules(ctx context.Context, gs []novalite.SecurityGroup) error {
	if len(gs) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(gs))
	for i, g := range gs {
		idx[g.ID], ids[i] = i, g.ID
	}
	var w where
	cond := inList("security_group_id", &w, ids)
	rows, err := tx.query(ctx, `SELECT `+ruleCols+` FROM security_group_rules WHERE `+cond+ruleOrder, w.args...)
	rules, err := collect(rows, err, func(r *sql.Rows) (novalite.SecurityGroupRule, error) { return scanRule(r) })
	for _, r := range rules {
		g := &gs[idx[r.SecurityGroupID]]
		g.Rules = append(g.Rules, r)
	}
	return err
}

var sgTable = netTable[novalite.SecurityGroup]{name: "security_groups", cols: sgCols, filterCols: sgFilterCols, scan: scanSG}
