package store

import "context"

// ImageChunkInsert stores chunk seq of the data of image imageID
// (PostgreSQL only: on SQLite image bytes are files).
func (tx *Tx) ImageChunkInsert(ctx context.Context, imageID string, seq int, data []byte) error {
	_, err := tx.Exec(ctx, `INSERT INTO image_chunks (image_id, seq, data) VALUES ($1, $2, $3)`, imageID, seq, data)
	return err
}

// ImageChunkGet returns chunk seq of the data of image imageID, or
// NotFound (the image was deleted meanwhile).
func (tx *Tx) ImageChunkGet(ctx context.Context, imageID string, seq int) ([]byte, error) {
	var data []byte
	err := tx.queryRow(ctx, `SELECT data FROM image_chunks WHERE image_id = $1 AND seq = $2`, imageID, seq).Scan(&data)
	return data, mapErr(err)
}
