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

// DomainFilter narrows DomainList; nil fields are not filtered on.
type DomainFilter struct {
	Names   []TextMatch // name, name__contains, ...
	Enabled *bool
}

// DomainList lists domains by name.
func (tx *Tx) DomainList(ctx context.Context, f DomainFilter) ([]novalite.Domain, error) {
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
