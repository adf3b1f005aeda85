package store

import (
	"context"
	"database/sql"

	"novalite"
)

// StateCount is how many live servers are in one vm_state and task_state.
type StateCount struct {
	VMState   novalite.VMState
	TaskState novalite.TaskState // "" = idle
	Count     int64
}

// countByStateQuery reads the index instances_state alone (a scrape
// with 1,000,000 servers read the whole table before it).
const countByStateQuery = `SELECT vm_state, COALESCE(task_state, ''), COUNT(*) FROM instances
	WHERE deleted = $1 GROUP BY vm_state, task_state`

// InstanceCountByState counts the servers not deleted by vm_state and
// task_state, for the servers-by-status metric.
func (tx *Tx) InstanceCountByState(ctx context.Context) ([]StateCount, error) {
	rows, err := tx.query(ctx, countByStateQuery, false)
	return collect(rows, err, func(r *sql.Rows) (StateCount, error) {
		var c StateCount
		return c, r.Scan(&c.VMState, &c.TaskState, &c.Count)
	})
}

// Pools are the connection pools of db by role, for pool metrics:
// "write" and "read" on SQLite, one "readwrite" pool on PostgreSQL.
func (db *DB) Pools() map[string]*sql.DB {
	if db.write == db.read {
		return map[string]*sql.DB{"readwrite": db.write}
	}
	return map[string]*sql.DB{"write": db.write, "read": db.read}
}

// InstanceCountLive counts the servers not deleted, up to upTo: it stops
// there, so that asking whether there are more than upTo reads at most
// upTo+1 entries of an index, however many are stored.
func (tx *Tx) InstanceCountLive(ctx context.Context, upTo int) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM instances WHERE deleted = $1 LIMIT $2) AS live`,
		false, upTo).Scan(&n)
	return n, mapErr(err)
}
