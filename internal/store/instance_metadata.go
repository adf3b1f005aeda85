package store

import (
	"context"
)

// Queries of instance_metadata: the key/value pairs of a server. Reads go
// through InstanceGet/InstanceLoadExtras; these are the writes of the
// /servers/{id}/metadata API.

// InstanceMetadataSet adds or overwrites the given pairs, keeping others.
func (tx *Tx) InstanceMetadataSet(ctx context.Context, internalID int64, md map[string]string) error {
	return tx.execPairs(ctx, `INSERT INTO instance_metadata (instance_id, key, value) VALUES ($1, $2, $3)
		ON CONFLICT (instance_id, key) DO UPDATE SET value = excluded.value`, internalID, md)
}

// InstanceMetadataReplace makes md the server's whole metadata.
func (tx *Tx) InstanceMetadataReplace(ctx context.Context, internalID int64, md map[string]string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM instance_metadata WHERE instance_id = $1`, internalID); err != nil {
		return err
	}
	return tx.InstanceMetadataSet(ctx, internalID, md)
}

// InstanceMetadataDelete removes one key and reports whether it existed.
func (tx *Tx) InstanceMetadataDelete(ctx context.Context, internalID int64, key string) (bool, error) {
	n, err := tx.Exec(ctx, `DELETE FROM instance_metadata WHERE instance_id = $1 AND key = $2`, internalID, key)
	return n > 0, err
}
