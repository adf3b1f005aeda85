package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"novalite"
)

const volumeSnapshotCols = `id, project_id, user_id, volume_id, name, description, size, status, metadata,
	created_at, updated_at, progress`

func scanVolumeSnapshot(s interface{ Scan(...any) error }) (novalite.VolumeSnapshot, error) {
	var v novalite.VolumeSnapshot
	var name, desc sql.NullString
	var meta string
	var created, updated int64
	err := s.Scan(&v.ID, &v.ProjectID, &v.UserID, &v.VolumeID, &name, &desc, &v.Size, &v.Status, &meta,
		&created, &updated, &v.Progress)
	v.Name, v.Description = strPtr(name), strPtr(desc)
	v.Metadata = map[string]string{}
	_ = json.Unmarshal([]byte(meta), &v.Metadata)
	v.CreatedAt, v.UpdatedAt = fromMicros(created), fromMicros(updated)
	return v, err
}

// VolumeSnapshotInsert adds a snapshot.
func (tx *Tx) VolumeSnapshotInsert(ctx context.Context, v novalite.VolumeSnapshot) error {
	_, err := tx.Exec(ctx, `INSERT INTO volume_snapshots (`+volumeSnapshotCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		v.ID, v.ProjectID, v.UserID, v.VolumeID, nullPtr(v.Name), nullPtr(v.Description), v.Size, v.Status,
		stringMap(v.Metadata), micros(v.CreatedAt), micros(v.UpdatedAt), v.Progress)
	return err
}

// VolumeSnapshotGet returns a snapshot of the project ("" any project).
func (tx *Tx) VolumeSnapshotGet(ctx context.Context, id, projectID string) (novalite.VolumeSnapshot, error) {
	var w where
	w.add(`id = ?`, id)
	if projectID != "" {
		w.add(`project_id = ?`, projectID)
	}
	v, err := scanVolumeSnapshot(tx.queryRow(ctx, `SELECT `+volumeSnapshotCols+` FROM volume_snapshots`+w.sql(), w.args...))
	return v, mapErr(err)
}

// VolumeSnapshotListParams filter a snapshot list.
type VolumeSnapshotListParams struct {
	ProjectID string
	VolumeID  *string
	Name      *string
	Status    *string
	Marker    string
	Limit     int
	Sort      []novalite.VolumeSort
}

var snapshotSortCols = map[string]bool{"id": true, "name": true, "status": true, "size": true,
	"created_at": true, "updated_at": true, "volume_id": true}

// VolumeSnapshotList lists snapshots as VolumeList lists volumes.
func (tx *Tx) VolumeSnapshotList(ctx context.Context, p VolumeSnapshotListParams) ([]novalite.VolumeSnapshot, error) {
	var w where
	if p.ProjectID != "" {
		w.add(`project_id = ?`, p.ProjectID)
	}
	if p.VolumeID != nil {
		w.add(`volume_id = ?`, *p.VolumeID)
	}
	if p.Name != nil {
		w.add(`name = ?`, *p.Name)
	}
	if p.Status != nil {
		w.add(`status = ?`, *p.Status)
	}
	return keysetList(ctx, tx, keysetPage{table: "volume_snapshots", cols: volumeSnapshotCols, sortable: snapshotSortCols,
		sorts: p.Sort, marker: p.Marker, limit: p.Limit, projectID: p.ProjectID}, &w, scanVolumeSnapshot)
}

// VolumeSnapshotUpdate writes a snapshot's changeable fields.
func (tx *Tx) VolumeSnapshotUpdate(ctx context.Context, v novalite.VolumeSnapshot) error {
	_, err := tx.Exec(ctx, `UPDATE volume_snapshots SET name = $1, description = $2, status = $3, metadata = $4,
		updated_at = $5, progress = $6 WHERE id = $7`, nullPtr(v.Name), nullPtr(v.Description), v.Status,
		stringMap(v.Metadata), micros(v.UpdatedAt), v.Progress, v.ID)
	return err
}

// VolumeSnapshotDelete removes a snapshot.
func (tx *Tx) VolumeSnapshotDelete(ctx context.Context, id string) error {
	_, err := tx.Exec(ctx, `DELETE FROM volume_snapshots WHERE id = $1`, id)
	return err
}

// VolumeSnapshotCount counts the snapshots of a volume.
func (tx *Tx) VolumeSnapshotCount(ctx context.Context, volumeID string) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT count(*) FROM volume_snapshots WHERE volume_id = $1`, volumeID).Scan(&n)
	return n, mapErr(err)
}
