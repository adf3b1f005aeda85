package store

import (
	"context"

	"novalite"
)

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

// ImageLockForData locks the row of image imageID until tx ends (FOR
// UPDATE: PostgreSQL only) and returns it with whether it has chunks, so
// that of several processes importing the same image's file one does.
func (tx *Tx) ImageLockForData(ctx context.Context, imageID string) (novalite.Image, bool, error) {
	if _, err := tx.Exec(ctx, `SELECT id FROM images WHERE id = $1 FOR UPDATE`, imageID); err != nil {
		return novalite.Image{}, false, err
	}
	im, err := tx.ImageGet(ctx, imageID)
	if err != nil {
		return im, false, err
	}
	var has bool
	err = tx.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM image_chunks WHERE image_id = $1)`, imageID).Scan(&has)
	return im, has, mapErr(err)
}
