package store

import (
	"context"
	"errors"

	"novalite"
)

// QuotaGet returns the limits set for a project (userID "") or for one
// user of it; resources without a row are absent from the map.
func (tx *Tx) QuotaGet(ctx context.Context, projectID, userID string) (novalite.QuotaLimits, error) {
	return tx.quotaLimits(ctx, `SELECT resource, hard_limit FROM quotas WHERE project_id = $1 AND user_id = $2`,
		projectID, userID)
}

// QuotaSets are the limit sets a project's limits are made of: its
// quota class's, its own (user_id ”), and one user's of it.
type QuotaSets struct {
	Class, Project, User novalite.QuotaLimits
}

// QuotaSetsGet reads the limits of quota class class, of a project and
// (userID not "") of one user of it in one query.
func (tx *Tx) QuotaSetsGet(ctx context.Context, class, projectID, userID string) (QuotaSets, error) {
	sets := QuotaSets{Class: novalite.QuotaLimits{}, Project: novalite.QuotaLimits{}, User: novalite.QuotaLimits{}}
	rows, err := tx.query(ctx, `SELECT 0, resource, hard_limit FROM quota_classes WHERE class_name = $1
		UNION ALL SELECT CASE WHEN user_id = '' THEN 1 ELSE 2 END, resource, hard_limit FROM quotas
		WHERE project_id = $2 AND user_id IN ('', $3)`, class, projectID, userID)
	if err != nil {
		return sets, err
	}
	defer rows.Close()
	into := []novalite.QuotaLimits{sets.Class, sets.Project, sets.User}
	for rows.Next() {
		var scope int
		var res string
		var lim int64
		if err := rows.Scan(&scope, &res, &lim); err != nil {
			return sets, mapErr(err)
		}
		into[scope][res] = lim
	}
	return sets, mapErr(rows.Err())
}

// quotaLimits reads (resource, hard_limit) rows into limits.
func (tx *Tx) quotaLimits(ctx context.Context, q string, args ...any) (novalite.QuotaLimits, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := novalite.QuotaLimits{}
	for rows.Next() {
		var res string
		var lim int64
		if err := rows.Scan(&res, &lim); err != nil {
			return nil, mapErr(err)
		}
		out[res] = lim
	}
	return out, mapErr(rows.Err())
}

// QuotaLimit is one limit of a project (UserID "") or of one user.
type QuotaLimit struct {
	ProjectID, UserID, Resource string
	Limit                       int64
}

// QuotaSet sets one limit of a project or of one user.
func (tx *Tx) QuotaSet(ctx context.Context, q QuotaLimit) error {
	_, err := tx.Exec(ctx, `INSERT INTO quotas (project_id, user_id, resource, hard_limit) VALUES ($1, $2, $3, $4)
		ON CONFLICT (project_id, user_id, resource) DO UPDATE SET hard_limit = excluded.hard_limit`,
		q.ProjectID, q.UserID, q.Resource, q.Limit)
	return err
}

// QuotaDelete removes the limits of one user of a project, or (userID "")
// every limit of the project, its users' included.
func (tx *Tx) QuotaDelete(ctx context.Context, projectID, userID string) error {
	if userID == "" {
		_, err := tx.Exec(ctx, `DELETE FROM quotas WHERE project_id = $1`, projectID)
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM quotas WHERE project_id = $1 AND user_id = $2`, projectID, userID)
	return err
}

// LimitTable is a table of limits keyed by one column and the resource:
// Nova's quota classes and Neutron's and Cinder's per-project quotas.
type LimitTable struct{ name, key string }

// The limit tables.
var (
	QuotaClasses  = LimitTable{"quota_classes", "class_name"}
	NetworkQuotas = LimitTable{"network_quotas", "project_id"}
	VolumeQuotas  = LimitTable{"volume_quotas", "project_id"}
)

// LimitsGet returns the limits set in t for key (a quota class, a
// project); resources without a row are absent from the map.
func (tx *Tx) LimitsGet(ctx context.Context, t LimitTable, key string) (novalite.QuotaLimits, error) {
	return tx.quotaLimits(ctx, `SELECT resource, hard_limit FROM `+t.name+` WHERE `+t.key+` = $1`, key)
}

// LimitSet sets one limit of key in t.
func (tx *Tx) LimitSet(ctx context.Context, t LimitTable, key, resource string, limit int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO `+t.name+` (`+t.key+`, resource, hard_limit) VALUES ($1, $2, $3)
		ON CONFLICT (`+t.key+`, resource) DO UPDATE SET hard_limit = excluded.hard_limit`, key, resource, limit)
	return err
}

// LimitsDelete puts key's limits in t back to the defaults.
func (tx *Tx) LimitsDelete(ctx context.Context, t LimitTable, key string) error {
	_, err := tx.Exec(ctx, `DELETE FROM `+t.name+` WHERE `+t.key+` = $1`, key)
	return err
}

// quotaLockClass is the first key of the quota locks: PostgreSQL's
// two-key advisory locks live apart from the one-key ones, and this
// class keeps them apart from any other two-key lock.
const quotaLockClass = 0x71756f74 // "quot"

// QuotaLock makes the quota checks of one scope (a project, a user)
// take turns until tx ends, so that counting what is used and inserting
// the new rows is one step: a transaction counting after the lock sees
// every row the previous holder committed. SQLite has one writer at a
// time already.
func (tx *Tx) QuotaLock(ctx context.Context, scope string) error {
	if tx.engine != Postgres {
		return nil
	}
	if tx.tx == nil { // a View: the lock would end with the statement
		return errors.New("store: QuotaLock outside a write transaction")
	}
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, quotaLockClass, scope)
	return err
}
