package store

import (
	"context"
	"database/sql"
	"strings"

	"novalite"
)

// keysetPage is a page of a project-owned table (volumes, snapshots): its
// columns, the ones sorts may name, the sorts asked, the marker row,
// the limit (< 0: all) and the project ("": every project).
type keysetPage struct {
	table, cols string
	sortable    map[string]bool
	sorts       []novalite.VolumeSort
	marker      string
	limit       int
	projectID   string
}

// keysetList lists the rows of pg.table that w selects in the order
// pg.sorts ask, then created_at and id descending (Cinder's default),
// starting after the marker row. The marker's values are read by
// subqueries in the same statement; a marker that is not a row of the
// project is NotFound.
func keysetList[T any](ctx context.Context, tx *Tx, pg keysetPage, w *where,
	scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	table, sorts, marker, limit, projectID := pg.table, pg.sorts, pg.marker, pg.limit, pg.projectID
	var keys []novalite.VolumeSort
	seen := map[string]bool{}
	for _, s := range sorts {
		if pg.sortable[s.Key] && !seen[s.Key] {
			keys, seen[s.Key] = append(keys, s), true
		}
	}
	for _, k := range []string{"created_at", "id"} {
		if !seen[k] {
			keys = append(keys, novalite.VolumeSort{Key: k, Desc: true})
		}
	}
	expr := func(k string) string {
		if k == "name" {
			return "COALESCE(name, '')"
		}
		return k
	}
	if marker != "" {
		var mw where
		mw.add(`id = ?`, marker)
		if projectID != "" {
			mw.add(`project_id = ?`, projectID)
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT count(*) FROM `+table+mw.sql(), mw.args...).Scan(&n); err != nil {
			return nil, mapErr(err)
		}
		if n == 0 {
			return nil, novalite.Errorf(novalite.NotFound, "Marker %s could not be found.", marker)
		}
		m := w.arg(marker)
		of := func(k string) string { return `(SELECT ` + expr(k) + ` FROM ` + table + ` WHERE id = ` + m + `)` }
		var ors []string
		for i, s := range keys {
			var ands []string
			for _, p := range keys[:i] {
				ands = append(ands, expr(p.Key)+" = "+of(p.Key))
			}
			op := " > "
			if s.Desc {
				op = " < "
			}
			ands = append(ands, expr(s.Key)+op+of(s.Key))
			ors = append(ors, "("+strings.Join(ands, " AND ")+")")
		}
		w.add("(" + strings.Join(ors, " OR ") + ")")
	}
	var order []string
	for _, k := range keys {
		d := " ASC"
		if k.Desc {
			d = " DESC"
		}
		order = append(order, expr(k.Key)+d)
	}
	q := `SELECT ` + pg.cols + ` FROM ` + table + w.sql() + ` ORDER BY ` + strings.Join(order, ", ")
	if limit >= 0 {
		q += ` LIMIT ` + w.arg(limit)
	}
	rows, err := tx.query(ctx, q, w.args...)
	return collect(rows, err, func(r *sql.Rows) (T, error) { return scan(r) })
}
