package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// leaderLockKey is the PostgreSQL advisory lock the leading controller
// holds ("novalite" in ASCII, so that it clashes with nothing else).
const leaderLockKey int64 = 0x6e6f76616c697465

// LeadParams tune Lead.
type LeadParams struct {
	// Check is how often a follower tries the lock and the leader
	// checks that its connection (and so the lock) is still alive.
	Check time.Duration
	// Changed is told when this process starts or stops leading.
	Changed func(leading bool)
	// Report receives connection errors.
	Report func(error)
}

// Lead runs lead while this process holds the leader lock, until ctx
// ends. The lock is a session advisory lock on a connection of its own:
// PostgreSQL releases it the moment that session ends — a killed process's
// socket is closed by its kernel at once; a vanished host is found by
// the server's TCP keepalives, set here to about 8 s — and a follower
// takes it within Check. The leader pings its connection every Check
// and stops leading (cancels lead's context and waits for it) as soon as
// the ping fails, since the lock may then be someone else's. On SQLite,
// one process holds the database and simply leads.
func (db *DB) Lead(ctx context.Context, p LeadParams, lead func(ctx context.Context)) {
	if db.engine != Postgres {
		p.Changed(true)
		lead(ctx)
		return
	}
	for ctx.Err() == nil {
		if err := db.leadOnce(ctx, p, lead); err != nil && ctx.Err() == nil {
			p.Report(err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(p.Check):
		}
	}
}

// leadOnce connects, tries the lock and, holding it, leads until the
// connection fails or ctx ends.
func (db *DB) leadOnce(ctx context.Context, p LeadParams, lead func(ctx context.Context)) error {
	cfg, err := pgx.ParseConfig(db.dsn)
	if err != nil {
		return err
	}
	// The server drops a silent peer's session (and its lock) after
	// 5 s idle + 3 unanswered probes 1 s apart.
	cfg.RuntimeParams["tcp_keepalives_idle"] = "5"
	cfg.RuntimeParams["tcp_keepalives_interval"] = "1"
	cfg.RuntimeParams["tcp_keepalives_count"] = "3"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for {
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, leaderLockKey).Scan(&got); err != nil {
			return err
		}
		if got {
			break
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(p.Check):
		}
	}
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	p.Changed(true)
	go func() { defer close(done); lead(lctx) }()
	defer func() { cancel(); <-done; p.Changed(false) }()
	t := time.NewTicker(p.Check)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		pctx, pcancel := context.WithTimeout(ctx, p.Check)
		err := conn.Ping(pctx)
		pcancel()
		if err != nil {
			return err
		}
	}
}
