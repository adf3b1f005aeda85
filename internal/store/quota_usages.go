package store

import (
	"context"

	"novalite"
)

// QuotaUsage is what a project, or one user of it, holds against quota:
// its servers neither deleted nor soft-deleted, their vcpus and
// memory_mb, and its server groups.
type QuotaUsage struct {
	Instances, Cores, RAM, ServerGroups int64
}

// QuotaUsage reads what a project (userID "") or one user of it holds
// from the usage rows the triggers of migration 0049 keep in step with
// every write of instances and server_groups: one row per user of the
// project, however many servers it has.
func (tx *Tx) QuotaUsage(ctx context.Context, projectID, userID string) (u QuotaUsage, err error) {
	var w where
	w.add(`project_id = ?`, projectID)
	if userID != "" {
		w.add(`user_id = ?`, userID)
	}
	err = tx.queryRow(ctx, `SELECT COALESCE(SUM(instances), 0), COALESCE(SUM(cores), 0), COALESCE(SUM(ram), 0),
		COALESCE(SUM(server_groups), 0) FROM quota_usages`+w.sql(), w.args...).
		Scan(&u.Instances, &u.Cores, &u.RAM, &u.ServerGroups)
	return u, mapErr(err)
}

// QuotaUsageCount counts what QuotaUsage reads, from the servers and
// groups themselves (every server of the project is read): the figure
// the usage rows must equal, for the tests that check them.
func (tx *Tx) QuotaUsageCount(ctx context.Context, projectID, userID string) (u QuotaUsage, err error) {
	var w where
	w.add(`project_id = ?`, projectID)
	if userID != "" {
		w.add(`user_id = ?`, userID)
	}
	groups := w.sql()
	gargs := append([]any(nil), w.args...)
	if err = tx.queryRow(ctx, `SELECT COUNT(*) FROM server_groups`+groups, gargs...).Scan(&u.ServerGroups); err != nil {
		return u, mapErr(err)
	}
	w.add(`deleted = ?`, false)
	w.add(`vm_state <> ?`, string(novalite.VMSoftDeleted))
	err = tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(vcpus), 0), COALESCE(SUM(memory_mb), 0)
		FROM instances`+w.sql(), w.args...).Scan(&u.Instances, &u.Cores, &u.RAM)
	return u, mapErr(err)
}
