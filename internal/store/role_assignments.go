package store

import (
	"context"
	"database/sql"

	"novalite"
)

// RoleAssignmentInsert grants a role; granting twice is not an error.
func (tx *Tx) RoleAssignmentInsert(ctx context.Context, a novalite.RoleAssignment) error {
	_, err := tx.Exec(ctx, `INSERT INTO role_assignments (user_id, target_type, target_id, role_id)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, a.UserID, a.TargetType, a.TargetID, a.RoleID)
	return err
}

// RoleAssignmentDelete revokes a role; NotFound if it was not granted.
func (tx *Tx) RoleAssignmentDelete(ctx context.Context, a novalite.RoleAssignment) error {
	return tx.execOne(ctx, `DELETE FROM role_assignments
		WHERE user_id = $1 AND target_type = $2 AND target_id = $3 AND role_id = $4`,
		a.UserID, a.TargetType, a.TargetID, a.RoleID)
}

// RoleAssignmentList lists direct assignments.
func (tx *Tx) RoleAssignmentList(ctx context.Context, f novalite.RoleAssignmentFilter) ([]novalite.RoleAssignment, error) {
	var w where
	for _, c := range []struct{ col, v string }{
		{"user_id", f.UserID}, {"target_type", f.TargetType}, {"target_id", f.TargetID}, {"role_id", f.RoleID},
	} {
		if c.v != "" {
			w.add(c.col+` = ?`, c.v)
		}
	}
	if f.TargetIDs != nil {
		if len(f.TargetIDs) == 0 {
			return nil, nil
		}
		w.add(inList("target_id", &w, f.TargetIDs))
	}
	rows, err := tx.query(ctx, `SELECT user_id, target_type, target_id, role_id FROM role_assignments`+
		w.sql()+` ORDER BY user_id, target_id, role_id`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.RoleAssignment, error) {
		var a novalite.RoleAssignment
		return a, r.Scan(&a.UserID, &a.TargetType, &a.TargetID, &a.RoleID)
	})
}
