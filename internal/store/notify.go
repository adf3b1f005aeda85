package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// WorkChannel is the PostgreSQL channel on which a commit that leaves
// work for the background loops (a server to place, a task for an agent,
// a call for a host) tells the other processes.
const WorkChannel = "novalite_work"

// Share says that other processes run loops over db (the roles of a
// deployment): from now on NotifyOnCommit notifies them. Without it —
// `serve`, where every loop shares the process — NotifyOnCommit does
// nothing: a NOTIFY takes a cluster-wide lock at commit, a cost not worth
// paying when nobody listens.
func (db *DB) Share() { db.shared = db.engine == Postgres }

// NotifyOnCommit makes tx tell the listeners of WorkChannel in other
// processes when it commits (pg_notify inside the transaction: delivered
// with the commit, never for a rollback), if db is shared.
func (tx *Tx) NotifyOnCommit() { tx.notify = tx.shared }

// notifyBeforeCommit sends the notification tx asked for.
func (tx *Tx) notifyBeforeCommit(ctx context.Context) error {
	if !tx.notify {
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, WorkChannel)
	return mapErr(err)
}

// Listen calls wake for every notification on WorkChannel until ctx
// ends, on a connection of its own. It reconnects after an error (and
// wakes then, since a notification may have been missed meanwhile):
// loops also poll, so a lost notification only delays. On SQLite it
// returns at once. Errors go to report.
func (db *DB) Listen(ctx context.Context, wake func(), report func(error)) {
	if db.engine != Postgres {
		return
	}
	for backoff := time.Duration(0); ctx.Err() == nil; {
		err := db.listenOnce(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		report(err)
		backoff = min(max(2*backoff, 100*time.Millisecond), 5*time.Second)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
	}
}

func (db *DB) listenOnce(ctx context.Context, wake func()) error {
	conn, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+WorkChannel); err != nil {
		return err
	}
	wake()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		wake()
	}
}
