package store

import (
	"context"
	"database/sql"
)

// InstanceHosts returns, for each live (not deleted) server among uuids,
// its host ("" while it has none). Unknown and deleted servers are absent.
func (tx *Tx) InstanceHosts(ctx context.Context, uuids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(uuids) == 0 {
		return out, nil
	}
	var w where
	w.add(`uuid IN (` + inArgs(&w, uuids) + `)`)
	w.add(`deleted = ?`, false)
	rows, err := tx.query(ctx, `SELECT uuid, host FROM instances`+w.sql(), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var uuid string
		var host sql.NullString
		if err := rows.Scan(&uuid, &host); err != nil {
			return nil, mapErr(err)
		}
		out[uuid] = host.String
	}
	return out, mapErr(rows.Err())
}
