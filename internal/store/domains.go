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

// DomainList lists domains, optionally only the one called name.
func (tx *Tx) DomainList(ctx context.Context, name *string) ([]novalite.Domain, error) {
	q, args := `SELECT `+domainCols+` FROM domains`, []any{}
	if name != nil {
		q, args = q+` WHERE name = $1`, append(args, *name)
	}
	rows, err := tx.query(ctx, q+` ORDER BY name`, args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.Domain, error) { return scanDomain(r) })
}
