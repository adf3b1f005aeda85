package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// The PostgreSQL channels on which a commit that leaves work for the
// background loops tells the other processes. Each listener hears only
// the work it can do, so that a deployment of many hosts does not wake
// every agent for every server placed anywhere.
const (
	// WorkChannel is the controllers': a server to place, a periodic
	// job's rows.
	WorkChannel = "novalite_work"
	// agentsChannel is every agent's: a change that may concern any host
	// (the whole state imported through the control API).
	agentsChannel = "novalite_agents"
)

// HostChannel is the channel of host's agent: a task on one of its
// servers, a call for it. Host names may be longer than an identifier
// (63 bytes) and hold any character, hence the digest.
func HostChannel(host string) string {
	sum := sha256.Sum256([]byte(host))
	return "novalite_host_" + hex.EncodeToString(sum[:8])
}

// AgentChannels are the channels the agent of host listens on.
func AgentChannels(host string) []string { return []string{HostChannel(host), agentsChannel} }

// Share says that other processes run loops over db (the roles of a
// deployment): from now on the Notify…OnCommit methods notify them.
// Without it — `serve`, where every loop shares the process — they do
// nothing: a NOTIFY takes a cluster-wide lock at commit, a cost not worth
// paying when nobody listens.
func (db *DB) Share() {
	db.shared = db.engine == Postgres
	db.shareRoles = true
}

// NotifyOnCommit makes tx tell the controllers (WorkChannel) when it
// commits: this process's loops through OnNotify, and other processes'
// with pg_notify inside the transaction (delivered with the commit,
// never for a rollback) if db is shared.
func (tx *Tx) NotifyOnCommit() { tx.notifyOn(WorkChannel) }

// NotifyHostOnCommit makes tx tell the agent of host when it commits, or
// the controllers when host is "" (a server no host holds is the
// scheduler's).
func (tx *Tx) NotifyHostOnCommit(host string) {
	if host == "" {
		tx.NotifyOnCommit()
		return
	}
	tx.notifyOn(HostChannel(host))
}

// NotifyAgentsOnCommit makes tx tell every agent when it commits.
func (tx *Tx) NotifyAgentsOnCommit() { tx.notifyOn(agentsChannel) }

func (tx *Tx) notifyOn(channel string) {
	if !slices.Contains(tx.notify, channel) {
		tx.notify = append(tx.notify, channel)
	}
}

// OnNotify makes every commit call f with the channels the transaction
// asked to notify: the loops of this process hear of it at once, each
// only of the work it can do (those of other processes hear NOTIFY).
// Set it before the first transaction.
func (db *DB) OnNotify(f func(channels []string)) { db.onNotify = f }

// committed runs what waits for tx's commit.
func (db *DB) committed(tx *Tx) {
	for _, f := range tx.after {
		f()
	}
	if db.onNotify != nil && len(tx.notify) > 0 {
		db.onNotify(tx.notify)
	}
}

// notifyBeforeCommit sends the notifications tx asked for, if other
// processes listen.
func (tx *Tx) notifyBeforeCommit(ctx context.Context) error {
	if !tx.shared {
		return nil
	}
	for _, ch := range tx.notify {
		if _, err := tx.q.ExecContext(ctx, `SELECT pg_notify($1, '')`, ch); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// Listen calls wake with the channel of every notification on channels
// until ctx ends, on a connection of its own. It reconnects after an
// error (and wakes then, with channel "", since a notification may have
// been missed meanwhile):
// loops also poll, so a lost notification only delays. On SQLite it
// returns at once. Errors go to report.
func (db *DB) Listen(ctx context.Context, channels []string, wake func(channel string), report func(error)) {
	if db.engine != Postgres {
		return
	}
	for backoff := time.Duration(0); ctx.Err() == nil; {
		err := db.listenOnce(ctx, channels, wake)
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

func (db *DB) listenOnce(ctx context.Context, channels []string, wake func(string)) error {
	conn, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, ch := range channels {
		if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{ch}.Sanitize()); err != nil {
			return err
		}
	}
	wake("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		wake(n.Channel)
	}
}
