package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"novalite"
)

const serverGroupCols = `id, uuid, name, project_id, user_id, policy, rules, created_at`

func scanServerGroup(s interface{ Scan(...any) error }) (novalite.ServerGroup, error) {
	var g novalite.ServerGroup
	var rules string
	var created int64
	err := s.Scan(&g.InternalID, &g.ID, &g.Name, &g.ProjectID, &g.UserID, &g.Policy, &rules, &created)
	if err == nil && rules != "" && rules != "{}" {
		_ = json.Unmarshal([]byte(rules), &g.Rules)
	}
	g.CreatedAt = fromMicros(created)
	return g, err
}

// ServerGroupInsert adds a server group and sets its InternalID.
func (tx *Tx) ServerGroupInsert(ctx context.Context, g *novalite.ServerGroup) error {
	rules := "{}"
	if g.Rules != nil {
		rules = jsonText(g.Rules)
	}
	return mapErr(tx.queryRow(ctx, `INSERT INTO server_groups (uuid, name, project_id, user_id, policy, rules, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		g.ID, g.Name, g.ProjectID, g.UserID, g.Policy, rules, micros(g.CreatedAt)).Scan(&g.InternalID))
}

// ServerGroupGet returns a group with its members; a non-empty projectID
// restricts the lookup to that project's groups.
func (tx *Tx) ServerGroupGet(ctx context.Context, uuid, projectID string) (novalite.ServerGroup, error) {
	var w where
	w.add(`uuid = ?`, uuid)
	if projectID != "" {
		w.add(`project_id = ?`, projectID)
	}
	g, err := scanServerGroup(tx.queryRow(ctx, `SELECT `+serverGroupCols+` FROM server_groups`+w.sql(), w.args...))
	if err != nil {
		return g, mapErr(err)
	}
	list := []novalite.ServerGroup{g}
	err = tx.serverGroupMembers(ctx, list)
	return list[0], err
}

// ServerGroupList returns groups (of one project unless projectID is "")
// in creation order with their members, skipping offset and returning at
// most limit of them.
func (tx *Tx) ServerGroupList(ctx context.Context, projectID string, offset, limit int) ([]novalite.ServerGroup, error) {
	var w where
	if projectID != "" {
		w.add(`project_id = ?`, projectID)
	}
	q := `SELECT ` + serverGroupCols + ` FROM server_groups` + w.sql() + ` ORDER BY id LIMIT ` + w.arg(limit) +
		` OFFSET ` + w.arg(offset)
	rows, err := tx.query(ctx, q, w.args...)
	list, err := collect(rows, err, func(r *sql.Rows) (novalite.ServerGroup, error) { return scanServerGroup(r) })
	if err != nil {
		return nil, err
	}
	return list, tx.serverGroupMembers(ctx, list)
}

func (tx *Tx) serverGroupMembers(ctx context.Context, list []novalite.ServerGroup) error {
	if len(list) == 0 {
		return nil
	}
	var w where
	ph := make([]string, len(list))
	idx := map[int64]int{}
	for i, g := range list {
		ph[i] = w.arg(g.InternalID)
		idx[g.InternalID] = i
		list[i].Members = []string{}
	}
	rows, err := tx.query(ctx, `SELECT m.group_id, m.instance_uuid FROM server_group_members m
		JOIN instances i ON i.uuid = m.instance_uuid AND i.deleted = `+w.arg(false)+`
		WHERE m.group_id IN (`+strings.Join(ph, ", ")+`) ORDER BY m.group_id, m.instance_uuid`, w.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m string
		if err := rows.Scan(&id, &m); err != nil {
			return mapErr(err)
		}
		list[idx[id]].Members = append(list[idx[id]].Members, m)
	}
	return mapErr(rows.Err())
}

// ServerGroupDelete removes a group and its member list.
func (tx *Tx) ServerGroupDelete(ctx context.Context, internalID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM server_groups WHERE id = $1`, internalID)
	return err
}

// ServerGroupMemberAdd makes a server a member of a group.
func (tx *Tx) ServerGroupMemberAdd(ctx context.Context, internalID int64, instanceUUID string) error {
	_, err := tx.Exec(ctx, `INSERT INTO server_group_members (group_id, instance_uuid) VALUES ($1, $2)`,
		internalID, instanceUUID)
	return err
}

// ServerGroupPlacement is what the scheduler's group filters need: the
// policy and rules of the group a server belongs to, and how many other
// live members each host already runs.
type ServerGroupPlacement struct {
	Policy     string
	MaxPerHost int            // anti-affinity's max_server_per_host (default 1)
	Hosts      map[string]int // host → other members on it
}

// ServerGroupPlacementOf returns the placement facts of the group of the
// server with uuid; ok is false when it is in no group.
func (tx *Tx) ServerGroupPlacementOf(ctx context.Context, instanceUUID string) (p ServerGroupPlacement, ok bool, err error) {
	var g novalite.ServerGroup
	g, err = scanServerGroup(tx.queryRow(ctx, `SELECT `+serverGroupCols+`
		FROM server_groups g JOIN server_group_members m ON m.group_id = g.id WHERE m.instance_uuid = $1`, instanceUUID))
	if err == sql.ErrNoRows {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	p = ServerGroupPlacement{Policy: g.Policy, MaxPerHost: 1, Hosts: map[string]int{}}
	if n := g.Rules["max_server_per_host"]; n > 0 {
		p.MaxPerHost = n
	}
	rows, err := tx.query(ctx, `SELECT i.host, COUNT(*) FROM server_group_members m JOIN instances i
		ON i.uuid = m.instance_uuid WHERE m.group_id = $1 AND m.instance_uuid <> $2 AND i.deleted = $3
		AND i.host IS NOT NULL GROUP BY i.host`, g.InternalID, instanceUUID, false)
	if err != nil {
		return p, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var host string
		var n int
		if err := rows.Scan(&host, &n); err != nil {
			return p, false, err
		}
		p.Hosts[host] = n
	}
	return p, true, rows.Err()
}
