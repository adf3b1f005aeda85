package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"novalite"
)

const migrationCols = `id, uuid, instance_uuid, migration_type, status, source_compute, source_node,
	dest_compute, dest_node, old_flavor, new_flavor, project_id, user_id, created_at, updated_at`

func scanMigration(s interface{ Scan(...any) error }) (novalite.Migration, error) {
	var m novalite.Migration
	var sc, sn, dc, dn sql.NullString
	var oldF, newF string
	var created, updated int64
	err := s.Scan(&m.ID, &m.UUID, &m.InstanceUUID, &m.Type, &m.Status, &sc, &sn, &dc, &dn, &oldF, &newF,
		&m.ProjectID, &m.UserID, &created, &updated)
	m.SourceCompute, m.SourceNode, m.DestCompute, m.DestNode = sc.String, sn.String, dc.String, dn.String
	_ = json.Unmarshal([]byte(oldF), &m.OldFlavor)
	_ = json.Unmarshal([]byte(newF), &m.NewFlavor)
	m.CreatedAt, m.UpdatedAt = fromMicros(created), fromMicros(updated)
	return m, err
}

// MigrationInsert records a migration and sets m.ID.
func (tx *Tx) MigrationInsert(ctx context.Context, m *novalite.Migration) error {
	return mapErr(tx.queryRow(ctx, `INSERT INTO migrations (uuid, instance_uuid, migration_type, status,
		source_compute, source_node, dest_compute, dest_node, old_flavor, new_flavor, project_id, user_id,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
		m.UUID, m.InstanceUUID, m.Type, m.Status, emptyNull(m.SourceCompute), emptyNull(m.SourceNode),
		emptyNull(m.DestCompute), emptyNull(m.DestNode), jsonText(m.OldFlavor), jsonText(m.NewFlavor),
		m.ProjectID, m.UserID, micros(m.CreatedAt)).Scan(&m.ID))
}

// MigrationLatest returns the newest migration of a server whose status
// is one of statuses; NotFound if none.
func (tx *Tx) MigrationLatest(ctx context.Context, instanceUUID string, statuses ...string) (novalite.Migration, error) {
	var w where
	w.add(`instance_uuid = ?`, instanceUUID)
	if len(statuses) > 0 {
		w.conds = append(w.conds, inList("status", &w, statuses))
	}
	m, err := scanMigration(tx.queryRow(ctx, `SELECT `+migrationCols+` FROM migrations`+w.sql()+
		` ORDER BY id DESC LIMIT 1`, w.args...))
	return m, mapErr(err)
}

// MigrationSetStatus moves a migration to status.
func (tx *Tx) MigrationSetStatus(ctx context.Context, id int64, status string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE migrations SET status = $1, updated_at = $2 WHERE id = $3`,
		status, micros(now), id)
	return err
}

// MigrationList returns the matching migrations, newest first, after
// f.Marker when it is set (NotFound when no migration has that uuid).
func (tx *Tx) MigrationList(ctx context.Context, f novalite.MigrationFilter) ([]novalite.Migration, error) {
	var w where
	if f.InstanceUUID != "" {
		w.add(`instance_uuid = ?`, f.InstanceUUID)
	}
	if f.Type != "" {
		w.add(`migration_type = ?`, f.Type)
	}
	if f.Host != "" {
		w.add(`(source_compute = ? OR dest_compute = ?)`, f.Host, f.Host)
	}
	if f.SourceCompute != "" {
		w.add(`source_compute = ?`, f.SourceCompute)
	}
	if len(f.Statuses) > 0 {
		w.conds = append(w.conds, inList("status", &w, f.Statuses))
	}
	if f.ProjectID != "" {
		w.add(`project_id = ?`, f.ProjectID)
	}
	if f.UserID != "" {
		w.add(`user_id = ?`, f.UserID)
	}
	addChangedBetween(&w, "updated_at", f.ChangesSince, f.ChangesBefore)
	if f.Marker != "" {
		// The marker is found among all migrations, whatever the filters,
		// and the page starts after it in the list's order.
		var created, id int64
		err := tx.queryRow(ctx, `SELECT created_at, id FROM migrations WHERE uuid = $1`, f.Marker).Scan(&created, &id)
		if err != nil {
			return nil, mapErr(err)
		}
		w.add(`(created_at < ? OR (created_at = ? AND id < ?))`, created, created, id)
	}
	q := `SELECT ` + migrationCols + ` FROM migrations` + w.sql() + ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + w.arg(f.Limit)
	}
	rows, err := tx.query(ctx, q, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.Migration, error) { return scanMigration(r) })
}

// InstancePendingImage returns the image a snapshot task is filling, or
// the one a shelve made ("" if none).
func (tx *Tx) InstancePendingImage(ctx context.Context, internalID int64) (string, error) {
	var id sql.NullString
	err := tx.queryRow(ctx, `SELECT pending_image_id FROM instances WHERE id = $1`, internalID).Scan(&id)
	return id.String, mapErr(err)
}

// InstanceSetPendingImage records (or, with "", forgets) that image.
func (tx *Tx) InstanceSetPendingImage(ctx context.Context, internalID int64, imageID string) error {
	_, err := tx.Exec(ctx, `UPDATE instances SET pending_image_id = $1 WHERE id = $2`, emptyNull(imageID), internalID)
	return err
}
