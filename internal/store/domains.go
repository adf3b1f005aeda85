package store

import (
	"context"
	"database/sql"

	"novalite"
)

const domainCols = `id, name, description, enabled`

func scanDomain(s interface{ Scan(...any) error }) (novalite.Domain, error) {
	var d novalite.Domain
	err := s.Scan(&d.ID, &d.Name, &d.Description, &d.Enabled)
	return d, err
}

// DomainInsert adds a domain.
func (tx *Tx) DomainInsert(ctx context.Context, d novalite.Domain) error {
	_, err := tx.Exec(ctx, `INSERT INTO domains (`+domainCols+`) VALUES ($1, $2, $3, $4)`,
		d.ID, d.Name, d.Description, d.Enabled)
	return err
}

// DomainGet returns the domain with id.
func (tx *Tx) DomainGet(ctx context.Context, id string) (novalite.Domain, error) {
	d, err := scanDomain(tx.queryRow(ctx, `SELECT `+domainCols+` FROM domains WHERE id = $1`, id))
	return d, mapErr(err)
}

// DomainGetByName returns the domain called name.
func (tx *Tx) DomainGetByName(ctx context.Context, name string) (novalite.Domain, error) {
	d, err := scanDomain(tx.queryRow(ctx, `SELECT `+domainCols+` FROM domains WHERE name = $1`, name))
	return d, mapErr(err)
}

// DomainList lists domains by name.
func (tx *Tx) DomainList(ctx context.Context, f novalite.DomainFilter) ([]novalite.Domain, error) {
	var w where
	for _, m := range f.Names {
		tx.matchText(&w, "name", m)
	}
	if f.Enabled != nil {
		w.add(`enabled = ?`, *f.Enabled)
	}
	rows, err := tx.query(ctx, `SELECT `+domainCols+` FROM domains`+w.sql()+` ORDER BY name`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.Domain, error) { return scanDomain(r) })
}

// DomainUpdate replaces the mutable fields of a domain.
func (tx *Tx) DomainUpdate(ctx context.Context, d novalite.Domain) error {
	return tx.execOne(ctx, `UPDATE domains SET name = $2, description = $3, enabled = $4 WHERE id = $1`,
		d.ID, d.Name, d.Description, d.Enabled)
}

// DomainDelete removes a domain with everything in it, as Keystone does:
// its projects, users and roles, and the role assignments on or of them.
func (tx *Tx) DomainDelete(ctx context.Context, id string) error {
	for _, q := range []string{
		`DELETE FROM role_assignments WHERE (target_type = 'domain' AND target_id = $1)
			OR (target_type = 'project' AND target_id IN (SELECT id FROM projects WHERE domain_id = $1))
			OR user_id IN (SELECT id FROM users WHERE domain_id = $1)
			OR role_id IN (SELECT id FROM roles WHERE domain_id = $1)`,
		`DELETE FROM implied_roles WHERE prior_role_id IN (SELECT id FROM roles WHERE domain_id = $1)
			OR implied_role_id IN (SELECT id FROM roles WHERE domain_id = $1)`,
		`DELETE FROM users WHERE domain_id = $1`,
		`DELETE FROM projects WHERE domain_id = $1`,
		`DELETE FROM roles WHERE domain_id = $1`,
	} {
		if _, err := tx.Exec(ctx, q, id); err != nil {
			return err
		}
	}
	return tx.execOne(ctx, `DELETE FROM domains WHERE id = $1`, id)
}
