package store

import (
	"context"
	"database/sql"
	"time"

	"novalite"
)

// InstancesOnHosts returns the live servers placed on hosts, by host then
// creation.
func (tx *Tx) InstancesOnHosts(ctx context.Context, hosts []string) ([]novalite.Server, error) {
	if len(hosts) == 0 {
		return nil, nil
	}
	var w where
	w.conds = append(w.conds, "host IN ("+inArgs(&w, hosts)+")")
	w.add("deleted = ?", false)
	rows, err := tx.query(ctx, `SELECT `+instanceCols+` FROM instances`+w.sql()+` ORDER BY host, id`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.Server, error) { return scanInstance(r) })
}

// UsageWindowParams select the servers os-simple-tenant-usage counts.
type UsageWindowParams struct {
	Start, End time.Time
	ProjectID  string // "" = every project
	Marker     string // uuid of the last server of the previous page
	Limit      int    // 0 = no limit
}

// InstancesActiveInWindow is Nova's instance_get_active_by_window_joined:
// servers, deleted ones included, launched before End and not terminated
// before Start, by project then uuid; a marker that is no server is
// NotFound.
func (tx *Tx) InstancesActiveInWindow(ctx context.Context, p UsageWindowParams) ([]novalite.Server, error) {
	var w where
	w.add("(terminated_at IS NULL OR terminated_at > ?)", micros(p.Start))
	w.add("launched_at < ?", micros(p.End))
	if p.ProjectID != "" {
		w.add("project_id = ?", p.ProjectID)
	}
	if p.Marker != "" {
		var project string
		err := tx.queryRow(ctx, `SELECT project_id FROM instances WHERE uuid = $1`, p.Marker).Scan(&project)
		if err != nil {
			return nil, mapErr(err)
		}
		w.add("(project_id > ? OR (project_id = ? AND uuid > ?))", project, project, p.Marker)
	}
	q := `SELECT ` + instanceCols + ` FROM instances` + w.sql() + ` ORDER BY project_id, uuid`
	if p.Limit > 0 {
		q += ` LIMIT ` + w.arg(p.Limit)
	}
	rows, err := tx.query(ctx, q, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.Server, error) { return scanInstance(r) })
}
