package store

import (
	"context"
	"database/sql"

	"novalite"
)

const roleCols = `id, name, description, COALESCE(domain_id, ''), extra`

func scanRole(s interface{ Scan(...any) error }) (novalite.Role, error) {
	var r novalite.Role
	var extra string
	err := s.Scan(&r.ID, &r.Name, &r.Description, &r.DomainID, &extra)
	r.Extra = extraOf(extra)
	return r, err
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// RoleInsert adds a role.
func (tx *Tx) RoleInsert(ctx context.Context, r novalite.Role) error {
	_, err := tx.Exec(ctx, `INSERT INTO roles (id, name, description, domain_id, extra) VALUES ($1, $2, $3, $4, $5)`,
		r.ID, r.Name, r.Description, nullText(r.DomainID), extraText(r.Extra))
	return err
}

// RoleUpdate replaces a role's name, description and extra attributes.
func (tx *Tx) RoleUpdate(ctx context.Context, r novalite.Role) error {
	return tx.execOne(ctx, `UPDATE roles SET name = $2, description = $3, extra = $4 WHERE id = $1`,
		r.ID, r.Name, r.Description, extraText(r.Extra))
}

// RoleDelete removes a role, its implications and its assignments.
func (tx *Tx) RoleDelete(ctx context.Context, id string) error {
	for _, q := range []string{
		`DELETE FROM role_assignments WHERE role_id = $1`,
		`DELETE FROM implied_roles WHERE prior_role_id = $1 OR implied_role_id = $1`,
	} {
		if _, err := tx.Exec(ctx, q, id); err != nil {
			return err
		}
	}
	return tx.execOne(ctx, `DELETE FROM roles WHERE id = $1`, id)
}

// RoleGet returns the role with id.
func (tx *Tx) RoleGet(ctx context.Context, id string) (novalite.Role, error) {
	r, err := scanRole(tx.queryRow(ctx, `SELECT `+roleCols+` FROM roles WHERE id = $1`, id))
	return r, mapErr(err)
}

// RoleGetByName returns the global role called name.
func (tx *Tx) RoleGetByName(ctx context.Context, name string) (novalite.Role, error) {
	r, err := scanRole(tx.queryRow(ctx, `SELECT `+roleCols+` FROM roles WHERE name = $1 AND domain_id IS NULL`, name))
	return r, mapErr(err)
}

// RoleList lists roles by name.
func (tx *Tx) RoleList(ctx context.Context, f novalite.RoleFilter) ([]novalite.Role, error) {
	var w where
	for _, m := range f.Names {
		tx.matchText(&w, "name", m)
	}
	switch {
	case f.IDs != nil:
		if len(f.IDs) == 0 {
			return nil, nil
		}
		w.add(inList("id", &w, f.IDs))
	case f.DomainID == "":
		w.add(`domain_id IS NULL`)
	default:
		w.add(`domain_id = ?`, f.DomainID)
	}
	rows, err := tx.query(ctx, `SELECT `+roleCols+` FROM roles`+w.sql()+` ORDER BY name, id`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.Role, error) { return scanRole(r) })
}

// ImpliedRoleInsert records that prior implies implied.
func (tx *Tx) ImpliedRoleInsert(ctx context.Context, prior, implied string) error {
	_, err := tx.Exec(ctx, `INSERT INTO implied_roles (prior_role_id, implied_role_id) VALUES ($1, $2)`, prior, implied)
	return err
}

// ImpliedRoleDelete removes an implication; NotFound if absent.
func (tx *Tx) ImpliedRoleDelete(ctx context.Context, prior, implied string) error {
	return tx.execOne(ctx, `DELETE FROM implied_roles WHERE prior_role_id = $1 AND implied_role_id = $2`, prior, implied)
}

// ImpliedRoleList returns every implication as prior → implied ids.
func (tx *Tx) ImpliedRoleList(ctx context.Context) (map[string][]string, error) {
	rows, err := tx.query(ctx, `SELECT prior_role_id, implied_role_id FROM implied_roles`)
	pairs, err := collect(rows, err, func(r *sql.Rows) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	m := map[string][]string{}
	for _, p := range pairs {
		m[p[0]] = append(m[p[0]], p[1])
	}
	return m, err
}
