package store

import "context"

// Lookups and writes of the instances table for the server sub-resources.

// InstanceOwner returns the project of the server with uuid, deleted or
// not (Nova's instance mapping, which outlives the instance), and whether
// it is deleted. NotFound when no such server was ever created.
func (tx *Tx) InstanceOwner(ctx context.Context, uuid string) (projectID string, deleted bool, err error) {
	err = tx.queryRow(ctx, `SELECT project_id, deleted FROM instances WHERE uuid = $1`, uuid).Scan(&projectID, &deleted)
	return projectID, deleted, mapErr(err)
}

// InstanceTarget returns the project and user of the live server with
// uuid (of projectID, unless ""), the target of a write's policy check:
// NotFound as InstanceGet.
func (tx *Tx) InstanceTarget(ctx context.Context, uuid, projectID string) (project, user string, err error) {
	w := instanceLookup(uuid, projectID, false)
	err = tx.queryRow(ctx, `SELECT project_id, user_id FROM instances`+w.sql(), w.args...).Scan(&project, &user)
	return project, user, mapErr(err)
}

// InstanceSetEncryptedPassword stores (or, with "", clears) the password
// the guest posted, encrypted with its key.
func (tx *Tx) InstanceSetEncryptedPassword(ctx context.Context, internalID int64, password string) error {
	_, err := tx.Exec(ctx, `UPDATE instances SET encrypted_password = $1 WHERE id = $2`, password, internalID)
	return err
}
