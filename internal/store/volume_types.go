package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"novalite"
)

func scanVolumeType(s interface{ Scan(...any) error }) (novalite.VolumeType, error) {
	var t novalite.VolumeType
	var desc sql.NullString
	var specs string
	err := s.Scan(&t.ID, &t.Name, &desc, &t.IsPublic, &specs)
	t.Description = strPtr(desc)
	t.ExtraSpecs = map[string]string{}
	_ = json.Unmarshal([]byte(specs), &t.ExtraSpecs)
	return t, err
}

const volumeTypeCols = `id, name, description, is_public, extra_specs`

// VolumeTypeInsert adds a volume type; a name taken is Conflict.
func (tx *Tx) VolumeTypeInsert(ctx context.Context, t novalite.VolumeType) error {
	_, err := tx.Exec(ctx, `INSERT INTO volume_types (`+volumeTypeCols+`) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, t.Name, nullPtr(t.Description), t.IsPublic, stringMap(t.ExtraSpecs))
	return err
}

// VolumeTypeGet returns a type by id or, failing that, by name.
func (tx *Tx) VolumeTypeGet(ctx context.Context, idOrName string) (novalite.VolumeType, error) {
	t, err := scanVolumeType(tx.queryRow(ctx, `SELECT `+volumeTypeCols+` FROM volume_types WHERE id = $1`, idOrName))
	if err == sql.ErrNoRows {
		t, err = scanVolumeType(tx.queryRow(ctx, `SELECT `+volumeTypeCols+` FROM volume_types WHERE name = $1`, idOrName))
	}
	return t, mapErr(err)
}

// VolumeTypeList lists the types by name; publicOnly hides private ones.
func (tx *Tx) VolumeTypeList(ctx context.Context, publicOnly bool) ([]novalite.VolumeType, error) {
	q := `SELECT ` + volumeTypeCols + ` FROM volume_types`
	if publicOnly {
		q += ` WHERE is_public = TRUE`
	}
	rows, err := tx.query(ctx, q+` ORDER BY name`)
	return collect(rows, err, func(r *sql.Rows) (novalite.VolumeType, error) { return scanVolumeType(r) })
}

// VolumeTypeUpdate writes a type's name, description, visibility and
// extra specs; a name taken is Conflict.
func (tx *Tx) VolumeTypeUpdate(ctx context.Context, t novalite.VolumeType) error {
	_, err := tx.Exec(ctx, `UPDATE volume_types SET name = $1, description = $2, is_public = $3, extra_specs = $4
		WHERE id = $5`, t.Name, nullPtr(t.Description), t.IsPublic, stringMap(t.ExtraSpecs), t.ID)
	return err
}

// VolumeTypeDelete removes a type.
func (tx *Tx) VolumeTypeDelete(ctx context.Context, id string) error {
	_, err := tx.Exec(ctx, `DELETE FROM volume_types WHERE id = $1`, id)
	return err
}

// VolumeTypeInUse reports whether any volume has the type.
func (tx *Tx) VolumeTypeInUse(ctx context.Context, id string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM volumes WHERE type_id = $1`, id).Scan(&n)
	return n > 0, mapErr(err)
}
