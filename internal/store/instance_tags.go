package store

import (
	"context"
	"database/sql"
)

// Queries of instance_tags: the tags of a server. Reads of a server's
// tags go through InstanceGet/InstanceLoadExtras.

// InstanceTagAdd adds a tag; adding one the server has is a no-op.
func (tx *Tx) InstanceTagAdd(ctx context.Context, internalID int64, tag string) error {
	_, err := tx.Exec(ctx, `INSERT INTO instance_tags (instance_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		internalID, tag)
	return err
}

// InstanceTagsReplace makes tags the server's whole set.
func (tx *Tx) InstanceTagsReplace(ctx context.Context, internalID int64, tags []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM instance_tags WHERE instance_id = $1`, internalID); err != nil {
		return err
	}
	for _, t := range tags {
		if err := tx.InstanceTagAdd(ctx, internalID, t); err != nil {
			return err
		}
	}
	return nil
}

// InstanceTagDelete removes one tag and reports whether the server had it.
func (tx *Tx) InstanceTagDelete(ctx context.Context, internalID int64, tag string) (bool, error) {
	n, err := tx.Exec(ctx, `DELETE FROM instance_tags WHERE instance_id = $1 AND tag = $2`, internalID, tag)
	return n > 0, err
}

// InstanceTagList returns a server's tags in name order.
func (tx *Tx) InstanceTagList(ctx context.Context, internalID int64) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT tag FROM instance_tags WHERE instance_id = $1 ORDER BY tag`, internalID)
	tags, err := collect(rows, err, func(r *sql.Rows) (string, error) {
		var t string
		return t, r.Scan(&t)
	})
	if tags == nil {
		tags = []string{}
	}
	return tags, err
}
