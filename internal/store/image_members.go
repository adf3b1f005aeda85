package store

import (
	"context"
	"database/sql"

	"novalite"
)

const imageMemberCols = `image_id, member_id, status, created_at, updated_at`

func scanImageMember(s interface{ Scan(...any) error }) (novalite.ImageMember, error) {
	var m novalite.ImageMember
	var created, updated int64
	err := s.Scan(&m.ImageID, &m.MemberID, &m.Status, &created, &updated)
	m.CreatedAt, m.UpdatedAt = fromMicros(created), fromMicros(updated)
	return m, err
}

// ImageMemberInsert adds a membership; an existing one is Conflict.
func (tx *Tx) ImageMemberInsert(ctx context.Context, m novalite.ImageMember) error {
	_, err := tx.Exec(ctx, `INSERT INTO image_members (`+imageMemberCols+`) VALUES ($1, $2, $3, $4, $5)`,
		m.ImageID, m.MemberID, m.Status, micros(m.CreatedAt), micros(m.UpdatedAt))
	return err
}

// ImageMemberGet returns the membership of member in image, or NotFound.
func (tx *Tx) ImageMemberGet(ctx context.Context, imageID, member string) (novalite.ImageMember, error) {
	m, err := scanImageMember(tx.queryRow(ctx, `SELECT `+imageMemberCols+` FROM image_members
		WHERE image_id = $1 AND member_id = $2`, imageID, member))
	return m, mapErr(err)
}

// ImageMemberList returns an image's members in the order they were added.
func (tx *Tx) ImageMemberList(ctx context.Context, imageID string) ([]novalite.ImageMember, error) {
	rows, err := tx.query(ctx, `SELECT `+imageMemberCols+` FROM image_members WHERE image_id = $1
		ORDER BY created_at, member_id`, imageID)
	return collect(rows, err, func(r *sql.Rows) (novalite.ImageMember, error) { return scanImageMember(r) })
}

// ImageMemberCount counts an image's members (Glance's image_member_quota).
func (tx *Tx) ImageMemberCount(ctx context.Context, imageID string) (n int, err error) {
	err = tx.queryRow(ctx, `SELECT count(*) FROM image_members WHERE image_id = $1`, imageID).Scan(&n)
	return n, mapErr(err)
}

// ImageMemberSetStatus writes m's Status and UpdatedAt.
func (tx *Tx) ImageMemberSetStatus(ctx context.Context, m novalite.ImageMember) error {
	n, err := tx.Exec(ctx, `UPDATE image_members SET status = $3, updated_at = $4
		WHERE image_id = $1 AND member_id = $2`, m.ImageID, m.MemberID, m.Status, m.UpdatedAt.UnixMicro())
	if err == nil && n == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}

// ImageMemberDelete removes a membership.
func (tx *Tx) ImageMemberDelete(ctx context.Context, imageID, member string) error {
	n, err := tx.Exec(ctx, `DELETE FROM image_members WHERE image_id = $1 AND member_id = $2`, imageID, member)
	if err == nil && n == 0 {
		return &novalite.Error{Kind: novalite.NotFound}
	}
	return err
}
