package store

import (
	"context"
	"database/sql"

	"novalite"
)

const bdmCols = `id, instance_uuid, volume_id, attachment_id, device_name, boot_index, delete_on_termination, tag,
	source_type, created_at`

func scanBDM(s interface{ Scan(...any) error }) (novalite.BlockDeviceMapping, error) {
	var b novalite.BlockDeviceMapping
	var boot sql.NullInt64
	var created int64
	err := s.Scan(&b.ID, &b.InstanceUUID, &b.VolumeID, &b.AttachmentID, &b.Device, &boot, &b.DeleteOnTermination,
		&b.Tag, &b.SourceType, &created)
	if boot.Valid {
		n := int(boot.Int64)
		b.BootIndex = &n
	}
	b.CreatedAt = fromMicros(created)
	return b, err
}

// BDMInsert records a volume of a server; the same volume twice is
// Conflict.
func (tx *Tx) BDMInsert(ctx context.Context, b novalite.BlockDeviceMapping) error {
	var boot sql.NullInt64
	if b.BootIndex != nil {
		boot = sql.NullInt64{Int64: int64(*b.BootIndex), Valid: true}
	}
	_, err := tx.Exec(ctx, `INSERT INTO block_device_mappings (`+bdmCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		b.ID, b.InstanceUUID, b.VolumeID, b.AttachmentID, b.Device, boot, b.DeleteOnTermination, b.Tag, b.SourceType,
		micros(b.CreatedAt))
	return err
}

// BDMList lists a server's volumes in attach order.
func (tx *Tx) BDMList(ctx context.Context, instanceUUID string) ([]novalite.BlockDeviceMapping, error) {
	rows, err := tx.query(ctx, `SELECT `+bdmCols+` FROM block_device_mappings WHERE instance_uuid = $1
		ORDER BY created_at, device_name`, instanceUUID)
	return collect(rows, err, func(r *sql.Rows) (novalite.BlockDeviceMapping, error) { return scanBDM(r) })
}

// BDMGet returns the mapping of a volume on a server.
func (tx *Tx) BDMGet(ctx context.Context, instanceUUID, volumeID string) (novalite.BlockDeviceMapping, error) {
	b, err := scanBDM(tx.queryRow(ctx, `SELECT `+bdmCols+` FROM block_device_mappings
		WHERE instance_uuid = $1 AND volume_id = $2`, instanceUUID, volumeID))
	return b, mapErr(err)
}

// BDMSetDeleteOnTermination changes what deleting the server does to
// the volume.
func (tx *Tx) BDMSetDeleteOnTermination(ctx context.Context, id string, del bool) error {
	_, err := tx.Exec(ctx, `UPDATE block_device_mappings SET delete_on_termination = $1 WHERE id = $2`, del, id)
	return err
}

// BDMDelete removes a mapping.
func (tx *Tx) BDMDelete(ctx context.Context, id string) error {
	_, err := tx.Exec(ctx, `DELETE FROM block_device_mappings WHERE id = $1`, id)
	return err
}

// bdmLoad fills the Volumes of servers in one query.
func (tx *Tx) bdmLoad(ctx context.Context, servers []*novalite.Server) error {
	byID := make(map[string]*novalite.Server, len(servers))
	ids := make([]string, 0, len(servers))
	for _, s := range servers {
		byID[s.ID], s.Volumes = s, nil
		ids = append(ids, s.ID)
	}
	var w where
	from, cond := tx.fromJSON("block_device_mappings", "instance_uuid", &w, ids, false)
	rows, err := tx.query(ctx, `SELECT `+bdmCols+` FROM `+from+` WHERE `+cond+
		` ORDER BY created_at, device_name`, w.args...)
	bs, err := collect(rows, err, func(r *sql.Rows) (novalite.BlockDeviceMapping, error) { return scanBDM(r) })
	if err != nil {
		return err
	}
	for _, b := range bs {
		if s := byID[b.InstanceUUID]; s != nil {
			s.Volumes = append(s.Volumes, b)
		}
	}
	return nil
}

// BDMListByInstances lists the volumes of several servers in one query,
// each server's in attach order.
func (tx *Tx) BDMListByInstances(ctx context.Context, instanceUUIDs []string) ([]novalite.BlockDeviceMapping, error) {
	if len(instanceUUIDs) == 0 {
		return nil, nil
	}
	var w where
	cond := tx.inJSON("instance_uuid", &w, instanceUUIDs, false)
	rows, err := tx.query(ctx, `SELECT `+bdmCols+` FROM block_device_mappings WHERE `+cond+
		` ORDER BY instance_uuid, created_at, device_name`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.BlockDeviceMapping, error) { return scanBDM(r) })
}
