package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"novalite"
)

const volumeCols = `id, project_id, user_id, name, description, size, status, availability_zone, type_id,
	bootable, read_only, multiattach, snapshot_id, source_volid, image_id, metadata, image_metadata,
	created_at, updated_at, readonly_meta`

func scanVolume(s interface{ Scan(...any) error }) (novalite.Volume, error) {
	var v novalite.Volume
	var name, desc sql.NullString
	var meta, imeta string
	var created, updated int64
	err := s.Scan(&v.ID, &v.ProjectID, &v.UserID, &name, &desc, &v.Size, &v.Status, &v.AvailabilityZone,
		&v.TypeID, &v.Bootable, &v.ReadOnly, &v.Multiattach, &v.SnapshotID, &v.SourceID, &v.ImageID,
		&meta, &imeta, &created, &updated, &v.ReadOnlyMeta)
	if err != nil {
		return v, err
	}
	v.Name, v.Description = strPtr(name), strPtr(desc)
	v.Metadata, v.ImageMetadata = map[string]string{}, map[string]string{}
	_ = json.Unmarshal([]byte(meta), &v.Metadata)
	_ = json.Unmarshal([]byte(imeta), &v.ImageMetadata)
	v.CreatedAt, v.UpdatedAt = fromMicros(created), fromMicros(updated)
	return v, nil
}

// strPtr is a nullable text column as a *string.
func strPtr(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	return &n.String
}

func nullPtr(p *string) sql.NullString {
	if p == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *p, Valid: true}
}

func stringMap(m map[string]string) string {
	if m == nil {
		m = map[string]string{}
	}
	return jsonText(m)
}

// VolumeInsert adds a volume.
func (tx *Tx) VolumeInsert(ctx context.Context, v novalite.Volume) error {
	_, err := tx.Exec(ctx, `INSERT INTO volumes (`+volumeCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
		v.ID, v.ProjectID, v.UserID, nullPtr(v.Name), nullPtr(v.Description), v.Size, v.Status,
		v.AvailabilityZone, v.TypeID, v.Bootable, v.ReadOnly, v.Multiattach, v.SnapshotID, v.SourceID,
		v.ImageID, stringMap(v.Metadata), stringMap(v.ImageMetadata), micros(v.CreatedAt), micros(v.UpdatedAt),
		v.ReadOnlyMeta)
	return err
}

// VolumeGet returns a volume with its attachments; projectID "" reads
// any project's (admins).
func (tx *Tx) VolumeGet(ctx context.Context, id, projectID string) (novalite.Volume, error) {
	var w where
	w.add(`id = ?`, id)
	if projectID != "" {
		w.add(`project_id = ?`, projectID)
	}
	v, err := scanVolume(tx.queryRow(ctx, `SELECT `+volumeCols+` FROM volumes`+w.sql(), w.args...))
	if err != nil {
		return v, mapErr(err)
	}
	vs := []novalite.Volume{v}
	err = tx.volumeLoadAttachments(ctx, vs)
	return vs[0], err
}

// VolumeGetForUpdate is VolumeGet that also locks the row until tx ends
// on PostgreSQL (SQLite has one writer already), so that state changes
// of one volume take turns.
func (tx *Tx) VolumeGetForUpdate(ctx context.Context, id, projectID string) (novalite.Volume, error) {
	if tx.engine == Postgres {
		if _, err := tx.Exec(ctx, `SELECT id FROM volumes WHERE id = $1 FOR UPDATE`, id); err != nil {
			return novalite.Volume{}, err
		}
	}
	return tx.VolumeGet(ctx, id, projectID)
}

// VolumeListParams filter a volume list. Pointer fields are "not given".
type VolumeListParams struct {
	ProjectID string // "" = every project
	Name      *string
	Status    *string
	Bootable  *bool
	Metadata  map[string]string
	// Marker is the id of the last volume of the previous page.
	Marker string
	Limit  int // < 0: all
	Sort   []novalite.VolumeSort
}

// volumeSortCols are the columns a volume list may be sorted by.
var volumeSortCols = map[string]bool{"id": true, "name": true, "status": true, "size": true,
	"created_at": true, "updated_at": true, "availability_zone": true, "bootable": true, "project_id": true}

// VolumeList returns volumes in the order asked (then created_at, id
// descending, Cinder's default), after the marker's row.
func (tx *Tx) VolumeList(ctx context.Context, p VolumeListParams) ([]novalite.Volume, error) {
	var w where
	if p.ProjectID != "" {
		w.add(`project_id = ?`, p.ProjectID)
	}
	if p.Name != nil {
		w.add(`name = ?`, *p.Name)
	}
	if p.Status != nil {
		w.add(`status = ?`, *p.Status)
	}
	if p.Bootable != nil {
		w.add(`bootable = ?`, *p.Bootable)
	}
	for k, v := range p.Metadata {
		w.add(tx.jsonObjectValue("metadata")+` = ?`, k, v)
	}
	vs, err := keysetList(ctx, tx, keysetPage{table: "volumes", cols: volumeCols, sortable: volumeSortCols,
		sorts: p.Sort, marker: p.Marker, limit: p.Limit, projectID: p.ProjectID}, &w, scanVolume)
	if err != nil {
		return nil, err
	}
	return vs, tx.volumeLoadAttachments(ctx, vs)
}

// VolumeUpdate writes a volume's changeable fields.
func (tx *Tx) VolumeUpdate(ctx context.Context, v novalite.Volume) error {
	return tx.execOne(ctx, `UPDATE volumes SET name = $1, description = $2, size = $3, status = $4,
		bootable = $5, read_only = $6, metadata = $7, image_metadata = $8, updated_at = $9, readonly_meta = $10
		WHERE id = $11`,
		nullPtr(v.Name), nullPtr(v.Description), v.Size, v.Status, v.Bootable, v.ReadOnly,
		stringMap(v.Metadata), stringMap(v.ImageMetadata), micros(v.UpdatedAt), v.ReadOnlyMeta, v.ID)
}

// VolumeStatusChange moves a volume to status To at Now if it is in one
// of From (any when From is empty).
type VolumeStatusChange struct {
	From []string
	To   string
	Now  time.Time
}

// VolumeSetStatus makes change c to volume id; false when the volume was
// not in one of c.From.
func (tx *Tx) VolumeSetStatus(ctx context.Context, id string, c VolumeStatusChange) (bool, error) {
	var w where
	set := `UPDATE volumes SET status = ` + w.arg(c.To) + `, updated_at = ` + w.arg(micros(c.Now))
	w.add(`id = ?`, id)
	if len(c.From) > 0 {
		w.add(tx.inJSON("status", &w, c.From, false))
	}
	n, err := tx.Exec(ctx, set+w.sql(), w.args...)
	return n > 0, err
}

// VolumeDelete removes a volume and its attachments.
func (tx *Tx) VolumeDelete(ctx context.Context, id string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM volume_attachments WHERE volume_id = $1`, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM volumes WHERE id = $1`, id)
	return err
}

// VolumeUsage is what a project's volumes and snapshots hold: counts
// and the GiB of both (Cinder counts snapshots in gigabytes).
type VolumeUsage struct{ Volumes, Snapshots, Gigabytes int64 }

// VolumeUsageGet counts a project's volumes, snapshots and gigabytes.
func (tx *Tx) VolumeUsageGet(ctx context.Context, projectID string) (VolumeUsage, error) {
	var u VolumeUsage
	var vg, sg int64
	err := tx.queryRow(ctx, `SELECT count(*), COALESCE(SUM(size), 0) FROM volumes WHERE project_id = $1`,
		projectID).Scan(&u.Volumes, &vg)
	if err != nil {
		return u, mapErr(err)
	}
	err = tx.queryRow(ctx, `SELECT count(*), COALESCE(SUM(size), 0) FROM volume_snapshots WHERE project_id = $1`,
		projectID).Scan(&u.Snapshots, &sg)
	u.Gigabytes = vg + sg
	return u, mapErr(err)
}
