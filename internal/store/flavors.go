package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"novalite"
)

const flavorCols = `id, flavorid, name, memory_mb, vcpus, root_gb, ephemeral_gb, swap, rxtx_factor,
	vcpu_weight, disabled, is_public, description, created_at, updated_at`

func scanFlavor(s interface{ Scan(...any) error }) (novalite.Flavor, error) {
	var f novalite.Flavor
	var desc sql.NullString
	var created int64
	var updated sql.NullInt64
	err := s.Scan(&f.InternalID, &f.ID, &f.Name, &f.MemoryMB, &f.VCPUs, &f.RootGB, &f.EphemeralGB, &f.SwapMB,
		&f.RxtxFactor, &f.VCPUWeight, &f.Disabled, &f.IsPublic, &desc, &created, &updated)
	f.Description = nullable(desc)
	f.CreatedAt, f.UpdatedAt = fromMicros(created), fromNullMicros(updated)
	return f, err
}

// FlavorInsert adds a flavor and sets its InternalID; a taken flavorid or
// name is Conflict.
func (tx *Tx) FlavorInsert(ctx context.Context, f *novalite.Flavor) error {
	err := tx.queryRow(ctx, `INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, ephemeral_gb, swap,
		rxtx_factor, vcpu_weight, disabled, is_public, description, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		f.ID, f.Name, f.MemoryMB, f.VCPUs, f.RootGB, f.EphemeralGB, f.SwapMB, f.RxtxFactor, f.VCPUWeight,
		f.Disabled, f.IsPublic, nullString(f.Description), micros(f.CreatedAt)).Scan(&f.InternalID)
	return mapErr(err)
}

// FlavorExists reports whether a flavor with that flavorid or that name
// exists (byName picks the column).
func (tx *Tx) FlavorExists(ctx context.Context, value string, byName bool) (bool, error) {
	col := "flavorid"
	if byName {
		col = "name"
	}
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM flavors WHERE `+col+` = $1`, value).Scan(&n)
	return n > 0, mapErr(err)
}

// FlavorGet returns the flavor with that flavorid. A non-empty
// visibleTo restricts it to public flavors and those shared with that
// project (NotFound otherwise).
func (tx *Tx) FlavorGet(ctx context.Context, flavorID, visibleTo string) (novalite.Flavor, error) {
	var w where
	w.add(`flavorid = ?`, flavorID)
	if visibleTo != "" {
		w.add(`(is_public OR id IN (SELECT flavor_id FROM flavor_projects WHERE project_id = ?))`, visibleTo)
	}
	f, err := scanFlavor(tx.queryRow(ctx, `SELECT `+flavorCols+` FROM flavors`+w.sql(), w.args...))
	if err != nil {
		return f, mapErr(err)
	}
	specs, err := tx.FlavorExtraSpecsFor(ctx, []int64{f.InternalID})
	f.ExtraSpecs = specs[f.InternalID]
	if f.ExtraSpecs == nil {
		f.ExtraSpecs = map[string]string{}
	}
	return f, err
}

// FlavorListParams filter, order and page a flavor list.
type FlavorListParams struct {
	// IsPublic: true = public ones (plus those shared with AccessProject),
	// false = private ones only, nil = all.
	IsPublic      *bool
	AccessProject string
	EnabledOnly   bool
	MinMemoryMB   *int
	MinRootGB     *int
	NameRegex     *string
	SortKey       string // a flavors column
	SortDesc      bool
	Marker        *novalite.Flavor // the last flavor of the previous page
	Limit         int
}

// flavorSortColumns are the columns Nova lets a flavor list sort on.
var flavorSortColumns = map[string]string{"created_at": "created_at", "description": "COALESCE(description, '')",
	"disabled": "disabled", "ephemeral_gb": "ephemeral_gb", "flavorid": "flavorid", "id": "id",
	"is_public": "is_public", "memory_mb": "memory_mb", "name": "name", "root_gb": "root_gb",
	"rxtx_factor": "rxtx_factor", "swap": "swap", "updated_at": "COALESCE(updated_at, 0)",
	"vcpu_weight": "vcpu_weight", "vcpus": "vcpus"}

// FlavorList returns one page of flavors with their extra specs (two
// queries), ordered by the sort key then the row id.
func (tx *Tx) FlavorList(ctx context.Context, p FlavorListParams) ([]novalite.Flavor, error) {
	col, ok := flavorSortColumns[p.SortKey]
	if !ok {
		return nil, fmt.Errorf("store: no flavor sort column %q", p.SortKey)
	}
	var w where
	switch {
	case p.IsPublic == nil:
	case *p.IsPublic && p.AccessProject != "":
		w.add(`(is_public OR id IN (SELECT flavor_id FROM flavor_projects WHERE project_id = ?))`, p.AccessProject)
	default:
		w.add(`is_public = ?`, *p.IsPublic)
	}
	if p.EnabledOnly {
		w.add(`disabled = ?`, false)
	}
	if p.MinMemoryMB != nil {
		w.add(`memory_mb >= ?`, *p.MinMemoryMB)
	}
	if p.MinRootGB != nil {
		w.add(`root_gb >= ?`, *p.MinRootGB)
	}
	if p.NameRegex != nil {
		pat, err := regexTranslate(tx.engine, *p.NameRegex)
		if err != nil {
			return nil, err
		}
		w.add(`name `+tx.regexOp()+` ?`, pat)
	}
	dir, op := "ASC", ">"
	if p.SortDesc {
		dir, op = "DESC", "<"
	}
	if m := p.Marker; m != nil {
		var v any
		if err := tx.queryRow(ctx, `SELECT `+col+` FROM flavors WHERE id = $1`, m.InternalID).Scan(&v); err != nil {
			return nil, mapErr(err)
		}
		w.conds = append(w.conds, "("+col+", id) "+op+" ("+w.arg(v)+", "+w.arg(m.InternalID)+")")
	}
	q := `SELECT ` + flavorCols + ` FROM flavors` + w.sql() + ` ORDER BY ` + col + ` ` + dir + `, id ` + dir +
		` LIMIT ` + w.arg(p.Limit)
	rows, err := tx.query(ctx, q, w.args...)
	list, err := collect(rows, err, func(r *sql.Rows) (novalite.Flavor, error) { return scanFlavor(r) })
	if err != nil || len(list) == 0 {
		return list, err
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].InternalID
	}
	specs, err := tx.FlavorExtraSpecsFor(ctx, ids)
	for i := range list {
		if list[i].ExtraSpecs = specs[list[i].InternalID]; list[i].ExtraSpecs == nil {
			list[i].ExtraSpecs = map[string]string{}
		}
	}
	return list, err
}

// FlavorDelete removes a flavor with its extra specs and access list.
func (tx *Tx) FlavorDelete(ctx context.Context, flavorID string) error {
	return tx.execOne(ctx, `DELETE FROM flavors WHERE flavorid = $1`, flavorID)
}

// FlavorSetDescription changes a flavor's description.
func (tx *Tx) FlavorSetDescription(ctx context.Context, internalID int64, desc *string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE flavors SET description = $1, updated_at = $2 WHERE id = $3`,
		nullString(desc), micros(now), internalID)
	return err
}

// FlavorExtraSpecsFor loads the extra specs of several flavors at once.
func (tx *Tx) FlavorExtraSpecsFor(ctx context.Context, ids []int64) (map[int64]map[string]string, error) {
	out := map[int64]map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var w where
	rows, err := tx.query(ctx, `SELECT flavor_id, key, value FROM flavor_extra_specs WHERE flavor_id IN (`+
		inArgs(&w, ids)+`)`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k, v string
		if err := rows.Scan(&id, &k, &v); err != nil {
			return nil, mapErr(err)
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][k] = v
	}
	return out, mapErr(rows.Err())
}

// FlavorExtraSpecSet inserts or replaces extra specs of a flavor.
func (tx *Tx) FlavorExtraSpecSet(ctx context.Context, internalID int64, specs map[string]string) error {
	return tx.execPairs(ctx, `INSERT INTO flavor_extra_specs (flavor_id, key, value) VALUES ($1, $2, $3)
		ON CONFLICT (flavor_id, key) DO UPDATE SET value = excluded.value`, internalID, specs)
}

// FlavorExtraSpecDelete removes one extra spec; NotFound when absent.
func (tx *Tx) FlavorExtraSpecDelete(ctx context.Context, internalID int64, key string) error {
	return tx.execOne(ctx, `DELETE FROM flavor_extra_specs WHERE flavor_id = $1 AND key = $2`, internalID, key)
}

// FlavorProjectList lists the projects a flavor is shared with.
func (tx *Tx) FlavorProjectList(ctx context.Context, internalID int64) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT project_id FROM flavor_projects WHERE flavor_id = $1 ORDER BY project_id`, internalID)
	return collect(rows, err, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}

// FlavorProjectAdd shares a flavor with a project; Conflict if it is.
func (tx *Tx) FlavorProjectAdd(ctx context.Context, internalID int64, projectID string) error {
	_, err := tx.Exec(ctx, `INSERT INTO flavor_projects (flavor_id, project_id) VALUES ($1, $2)`, internalID, projectID)
	return err
}

// FlavorProjectRemove unshares a flavor; NotFound if it was not shared.
func (tx *Tx) FlavorProjectRemove(ctx context.Context, internalID int64, projectID string) error {
	return tx.execOne(ctx, `DELETE FROM flavor_projects WHERE flavor_id = $1 AND project_id = $2`, internalID, projectID)
}
