package store

import (
	"context"
	"database/sql"

	"novalite"
)

// netTable is one of the Neutron tables (networks, subnets, routers,
// floating IPs, security groups): its name, the columns a list reads,
// the ones a filter may name and how a row scans.
type netTable[T any] struct {
	name       string
	cols       string
	filterCols map[string]col
	scan       func(interface{ Scan(...any) error }) (T, error)
}

// get reads row id, whoever owns it.
func (t netTable[T]) get(ctx context.Context, tx *Tx, id string) (T, error) {
	v, err := t.scan(tx.queryRow(ctx, `SELECT `+t.cols+` FROM `+t.name+` WHERE id = $1`, id))
	return v, mapErr(err)
}

// list reads the rows f selects within the scope w already holds: the
// query filters, the tags' and the page.
func (t netTable[T]) list(ctx context.Context, tx *Tx, f NetFilter, w *where) ([]T, error) {
	addEq(w, t.filterCols, f.Eq)
	addTagFilters(w, "id", f.Eq)
	tail, err := f.page(w, t.name, t.filterCols)
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT `+t.cols+` FROM `+t.name+w.sql()+tail, w.args...)
	return collect(rows, err, func(r *sql.Rows) (T, error) { return t.scan(r) })
}

// netDelete removes row id of a Neutron table and its tags; no row is
// NotFound.
func (tx *Tx) netDelete(ctx context.Context, table, id string) error {
	if err := tx.NetTagsClear(ctx, id); err != nil {
		return err
	}
	c, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE id = $1`, id)
	if err == nil && c == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}
