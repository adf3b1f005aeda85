package store

import (
	"context"
	"database/sql"
	"strings"

	"novalite"
)

const volumeAttachmentCols = `id, volume_id, instance_uuid, status, mode, host, mountpoint, connector,
	attached_at, detached_at, created_at`

func scanVolumeAttachment(s interface{ Scan(...any) error }) (novalite.VolumeAttachment, error) {
	var a novalite.VolumeAttachment
	var attached, detached sql.NullInt64
	var created int64
	err := s.Scan(&a.ID, &a.VolumeID, &a.InstanceUUID, &a.Status, &a.Mode, &a.Host, &a.Mountpoint,
		&a.Connector, &attached, &detached, &created)
	a.AttachedAt, a.DetachedAt, a.CreatedAt = fromNullMicros(attached), fromNullMicros(detached), fromMicros(created)
	return a, err
}

// VolumeAttachmentInsert adds an attachment.
func (tx *Tx) VolumeAttachmentInsert(ctx context.Context, a novalite.VolumeAttachment) error {
	_, err := tx.Exec(ctx, `INSERT INTO volume_attachments (`+volumeAttachmentCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.ID, a.VolumeID, a.InstanceUUID, a.Status, a.Mode, a.Host, a.Mountpoint, a.Connector,
		nullMicros(a.AttachedAt), nullMicros(a.DetachedAt), micros(a.CreatedAt))
	return err
}

// VolumeAttachmentUpdate writes an attachment's state.
func (tx *Tx) VolumeAttachmentUpdate(ctx context.Context, a novalite.VolumeAttachment) error {
	_, err := tx.Exec(ctx, `UPDATE volume_attachments SET status = $1, mode = $2, host = $3, mountpoint = $4,
		connector = $5, attached_at = $6, detached_at = $7 WHERE id = $8`,
		a.Status, a.Mode, a.Host, a.Mountpoint, a.Connector, nullMicros(a.AttachedAt), nullMicros(a.DetachedAt), a.ID)
	return err
}

// VolumeAttachmentGet returns an attachment of a volume of the project
// ("" any project).
func (tx *Tx) VolumeAttachmentGet(ctx context.Context, id, projectID string) (novalite.VolumeAttachment, error) {
	var w where
	w.add(`a.id = ?`, id)
	if projectID != "" {
		w.add(`v.project_id = ?`, projectID)
	}
	a, err := scanVolumeAttachment(tx.queryRow(ctx, `SELECT `+prefixCols("a.", volumeAttachmentCols)+
		` FROM volume_attachments a JOIN volumes v ON v.id = a.volume_id`+w.sql(), w.args...))
	return a, mapErr(err)
}

// VolumeAttachmentList lists the attachments of the project's volumes
// ("" any project), optionally of one volume or one server, oldest first.
func (tx *Tx) VolumeAttachmentList(ctx context.Context, projectID, volumeID, instanceUUID string) ([]novalite.VolumeAttachment, error) {
	var w where
	if projectID != "" {
		w.add(`v.project_id = ?`, projectID)
	}
	if volumeID != "" {
		w.add(`a.volume_id = ?`, volumeID)
	}
	if instanceUUID != "" {
		w.add(`a.instance_uuid = ?`, instanceUUID)
	}
	rows, err := tx.query(ctx, `SELECT `+prefixCols("a.", volumeAttachmentCols)+
		` FROM volume_attachments a JOIN volumes v ON v.id = a.volume_id`+w.sql()+` ORDER BY a.created_at, a.id`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.VolumeAttachment, error) { return scanVolumeAttachment(r) })
}

// VolumeAttachmentDelete removes an attachment.
func (tx *Tx) VolumeAttachmentDelete(ctx context.Context, id string) error {
	_, err := tx.Exec(ctx, `DELETE FROM volume_attachments WHERE id = $1`, id)
	return err
}

// volumeLoadAttachments fills the Attachments of vs.
func (tx *Tx) volumeLoadAttachments(ctx context.Context, vs []novalite.Volume) error {
	if len(vs) == 0 {
		return nil
	}
	ids := make([]string, len(vs))
	at := map[string]int{}
	for i, v := range vs {
		ids[i], at[v.ID] = v.ID, i
	}
	var w where
	w.add(tx.inJSON("volume_id", &w, ids, false))
	rows, err := tx.query(ctx, `SELECT `+volumeAttachmentCols+` FROM volume_attachments`+w.sql()+
		` ORDER BY created_at, id`, w.args...)
	as, err := collect(rows, err, func(r *sql.Rows) (novalite.VolumeAttachment, error) { return scanVolumeAttachment(r) })
	if err != nil {
		return err
	}
	for _, a := range as {
		i := at[a.VolumeID]
		vs[i].Attachments = append(vs[i].Attachments, a)
	}
	return nil
}

// prefixCols qualifies each column of a column list with p.
func prefixCols(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
