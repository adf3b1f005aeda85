package store

import (
	"context"
	"database/sql"
	"math"
	"strconv"
	"strings"
	"time"
)

// serverChangeAll is the change log's entry for a change any server may
// show (a network or a security group renamed).
const serverChangeAll = "*"

// ChangeCursor is where a reader of the server change log stands
// (ServerChanges); the zero value has read nothing. One reader at a time.
type ChangeCursor struct {
	started bool
	// seq is the largest seq the last read saw; epoch the prunings then.
	seq, epoch int64
	// running (PostgreSQL) are the transactions running at the last read
	// (its snapshot's xip), and xmax its snapshot's xmax: the entries of
	// those transactions and of any at or above xmax, even below seq, are
	// still to read. A snapshot lists only the running transactions below
	// its xmax (the latest completed xid + 1): one that drew its xid after
	// the last one to end is running yet not in xip.
	running []int64
	xmax    int64
}

// serverChangesPostgres is ServerChanges' read on PostgreSQL. Each open
// range is closed by the largest bigint, which keeps every row: without
// statistics (a fresh database, before autovacuum's first ANALYZE)
// PostgreSQL takes a one-sided range to keep a third of the table and
// reads all of it, a two-sided one to keep 0.5 % and reads through the
// index (a log of 12,000 entries: 7.4 ms a read, now 0.1-0.6 ms;
// TestServerChangesPlan).
const serverChangesPostgres = `SELECT false, (SELECT COALESCE(MAX(seq), 0) FROM server_changes), below, epoch,
		pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
		ARRAY(SELECT pg_snapshot_xip(pg_current_snapshot())::text)::text,
		(SELECT epoch FROM identity_epoch WHERE id = 1) FROM server_changes_pruned
	UNION ALL SELECT true, seq, 0, 0, 0, instance_uuid, 0 FROM server_changes
		WHERE seq > $1 AND seq <= 9223372036854775807 OR xid = ANY($2::bigint[])
		OR xid >= $3 AND xid <= 9223372036854775807`

// Changes is one read of what writers changed, for the caches in front
// of the store (ServerChanges).
type Changes struct {
	// Servers changed since the cursor's last read; AllServers: any
	// server may have (a wildcard entry, a pruning that may have deleted
	// entries the cursor had not read, or its first read).
	Servers    []string
	AllServers bool
	// IdentityEpoch is the identity change counter (IdentityEpochBump)
	// as of the same read.
	IdentityEpoch int64
}

// ServerChanges reports the servers whose view changed since cur (the
// uuids the triggers of migration 0051 logged) and the identity epoch,
// and moves cur past them. It reads outside a transaction: one
// statement, one snapshot, so that a show costs one round trip for both
// its caches (SyncChanges).
func (db *DB) ServerChanges(ctx context.Context, cur *ChangeCursor) (Changes, error) {
	// A read changes nothing, and cur moves only once one succeeded.
	for try := 1; ; try++ {
		ch, err := db.serverChanges(ctx, cur)
		if !readAgain(ctx, try, err) {
			return ch, err
		}
		time.Sleep(time.Duration(try) * 5 * time.Millisecond)
	}
}

func (db *DB) serverChanges(ctx context.Context, cur *ChangeCursor) (Changes, error) {
	// The head row (false) has the largest seq, the pruning's bound and
	// epoch, the running transactions and the identity epoch, then come
	// the entries (true).
	q := `SELECT false, (SELECT COALESCE(MAX(seq), 0) FROM server_changes), below, epoch, 0, '',
			(SELECT epoch FROM identity_epoch WHERE id = 1) FROM server_changes_pruned
		UNION ALL SELECT true, seq, 0, 0, 0, instance_uuid, 0 FROM server_changes WHERE seq > $1`
	args := []any{cur.seq}
	if db.engine == Postgres {
		q = serverChangesPostgres
		args = append(args, cur.running, cur.xmax)
	}
	if !cur.started {
		args[0] = int64(math.MaxInt64) // the head row alone
		if db.engine == Postgres {
			args[1], args[2] = []int64{}, int64(math.MaxInt64)
		}
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return Changes{}, mapErr(err)
	}
	defer rows.Close()
	next := ChangeCursor{started: true}
	var ch Changes
	var below int64
	for rows.Next() {
		var entry bool
		var a, b, c, x, e int64
		var s string
		if err := rows.Scan(&entry, &a, &b, &c, &x, &s, &e); err != nil {
			return Changes{}, mapErr(err)
		}
		if entry {
			ch.Servers = append(ch.Servers, s)
			ch.AllServers = ch.AllServers || s == serverChangeAll
			continue
		}
		next.seq, below, next.epoch, next.xmax, ch.IdentityEpoch = a, b, c, x, e
		if next.running, err = parseInts(s); err != nil {
			return Changes{}, err
		}
	}
	if err := rows.Err(); err != nil {
		return Changes{}, mapErr(err)
	}
	// A pruning since the last read deleted entries below below: on
	// SQLite those cur had not read when it was past them; on PostgreSQL
	// the ones of transactions running at the last read may be among
	// them, and a snapshot does not name them all (see ChangeCursor).
	pruned := next.epoch != cur.epoch && (cur.seq+1 < below || db.engine == Postgres)
	ch.AllServers = ch.AllServers || !cur.started || pruned
	*cur = next
	return ch, nil
}

// parseInts reads PostgreSQL's text of an array of integers ("{1,2}");
// "" is none.
func parseInts(s string) ([]int64, error) {
	s = strings.Trim(s, "{}")
	if s == "" {
		return nil, nil
	}
	var out []int64
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// PruneServerChanges deletes the entries of the server change log but
// about the newest keep, and returns how many it deleted. A cursor that
// may not have read them then reads all = true. It is bookkeeping: on
// SQLite the caches need not look at the log for it.
func (db *DB) PruneServerChanges(ctx context.Context, keep int) (int64, error) {
	var n int64
	err := db.Tx(ctx, func(tx *Tx) error {
		tx.Bookkeeping()
		var below int64
		switch err := tx.queryRow(ctx, `SELECT seq FROM server_changes ORDER BY seq DESC LIMIT 1 OFFSET $1`,
			keep).Scan(&below); err {
		case nil:
		case sql.ErrNoRows:
			return nil
		default:
			return mapErr(err)
		}
		var err error
		if n, err = tx.Exec(ctx, `DELETE FROM server_changes WHERE seq < $1`, below); err != nil || n == 0 {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE server_changes_pruned SET below = $1, epoch = epoch + 1`, below)
		return err
	})
	return n, err
}
