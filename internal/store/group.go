package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit (SQLite). SQLite has one writer; each write transaction
// pays BEGIN, COMMIT and the WAL frames of every page it touched, and
// concurrent requests touch the same index pages. So write transactions
// that queue up while one runs are run together: the writer whose turn
// it is takes every waiting transaction, runs each inside a savepoint of
// one transaction (a failing one rolls back to its savepoint alone; one
// that waited alone runs without), and commits once for all. Each
// caller still gets its own result, and its AfterCommit functions run
// once the shared commit has landed.
//
// A statement interrupted by its context's cancellation would roll back
// the whole shared transaction, so statements of a group run on contexts
// that cannot be cancelled (Tx.ctx): a request that gives up while its
// transaction runs no longer stops it midway — it commits or fails as a
// whole, like any other member of the group.

// maxGroup bounds how many transactions one commit carries, so that the
// first of them does not wait long for the last.
const maxGroup = 64

// writeJob is one caller's transaction waiting for its turn.
type writeJob struct {
	ctx   context.Context // the caller's: only to drop it once it has ended
	fn    func(tx *Tx) error
	state atomic.Int32 // jobQueued, jobTaken or jobAbandoned
	done  chan struct{}
	// Set before done is closed.
	tx       *Tx
	err      error
	panicked any
}

const (
	jobQueued int32 = iota
	jobTaken
	jobAbandoned
)

// writeQueue holds the transactions waiting for the writer.
type writeQueue struct {
	mu   sync.Mutex
	jobs []*writeJob
}

func (q *writeQueue) push(j *writeJob) {
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
}

// take removes up to maxGroup waiting jobs, skipping abandoned ones.
func (q *writeQueue) take() []*writeJob {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []*writeJob
	i := 0
	for ; i < len(q.jobs) && len(out) < maxGroup; i++ {
		j := q.jobs[i]
		if j.ctx.Err() != nil && j.state.CompareAndSwap(jobQueued, jobAbandoned) {
			j.err = unavailable(j.ctx.Err())
			close(j.done)
			continue
		}
		if j.state.CompareAndSwap(jobQueued, jobTaken) {
			out = append(out, j)
		}
	}
	n := copy(q.jobs, q.jobs[i:])
	clear(q.jobs[n:])
	q.jobs = q.jobs[:n]
	return out
}

// errGroupAborted: the shared transaction ended under a member that
// succeeded; the members run again (run retries it).
var errGroupAborted = errors.New("store: group transaction aborted: retry")

// grouped runs fn as a member of a group commit (SQLite's writer).
func (db *DB) grouped(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return unavailable(err)
	}
	j := &writeJob{ctx: ctx, fn: fn, done: make(chan struct{})}
	db.queue.push(j)
wait:
	for {
		select {
		case db.writeMu <- struct{}{}:
			// The writer's turn is ours: run what waits, ours among
			// it unless an earlier writer took it already.
			select {
			case <-j.done:
			default:
				db.runGroup(db.queue.take())
			}
			<-db.writeMu
			select {
			case <-j.done:
				break wait
			default: // more than a group waited before ours: again
			}
		case <-j.done:
			break wait
		case <-ctx.Done():
			if j.state.CompareAndSwap(jobQueued, jobAbandoned) {
				return unavailable(ctx.Err())
			}
			<-j.done // taken: it runs whatever happens
			break wait
		}
	}
	if j.panicked != nil {
		panic(j.panicked)
	}
	if j.err != nil {
		return j.err
	}
	db.committed(j.tx)
	return nil
}

// runGroup runs jobs in one transaction, a savepoint each, and commits.
func (db *DB) runGroup(jobs []*writeJob) {
	if len(jobs) == 0 {
		return
	}
	finish := func(err error) {
		for _, j := range jobs {
			if j.err == nil && j.panicked == nil {
				j.err = err
			}
			close(j.done)
		}
	}
	stx, err := db.write.BeginTx(context.Background(), nil)
	if err != nil {
		finish(unavailable(err))
		return
	}
	if len(jobs) == 1 {
		// Alone, a job needs no savepoint: its failure is the whole
		// transaction's. And a savepoint costs more than its two
		// statements: under it SQLite truncates the in-memory
		// sub-journal at the end of every statement by walking it from
		// its start, so a large job (a create of 100 servers) paid for
		// its writes quadratically.
		j := jobs[0]
		db.runJob(stx, j)
		if j.err != nil || j.panicked != nil {
			_ = stx.Rollback()
			finish(nil)
			return
		}
		db.commitGroup(stx, jobs, finish)
		return
	}
	var committed []*writeJob
	for _, j := range jobs {
		if err := db.runMember(stx, j); err != nil {
			_ = stx.Rollback()
			for _, c := range committed {
				c.err = errGroupAborted
			}
			j.err = errGroupAborted
			finish(errGroupAborted)
			return
		}
		if j.err == nil && j.panicked == nil {
			committed = append(committed, j)
		}
	}
	db.commitGroup(stx, committed, finish)
}

// commitGroup commits stx, whose committed jobs succeeded, and finishes
// the group.
func (db *DB) commitGroup(stx *sql.Tx, committed []*writeJob, finish func(error)) {
	err := stx.Commit()
	// Counted even when Commit reports an error: it may have landed.
	counted := uint64(0)
	for _, j := range committed {
		if !j.tx.bookkeeping {
			counted++
		}
	}
	if counted > 0 {
		if n := db.gen.n.Add(counted); n/optimizeEvery != (n-counted)/optimizeEvery {
			go db.Optimize(context.Background()) //nolint:errcheck // statistics only
		}
	}
	finish(mapErr(err))
}

// runMember runs one job inside a savepoint of stx. The job's own
// failure (an error or a panic) rolls back to the savepoint and is the
// job's; an error returned here means the shared transaction is lost.
func (db *DB) runMember(stx *sql.Tx, j *writeJob) error {
	ctx := context.Background()
	if _, err := stx.ExecContext(ctx, `SAVEPOINT member`); err != nil {
		return err
	}
	db.runJob(stx, j)
	if j.err != nil || j.panicked != nil {
		if _, err := stx.ExecContext(ctx, `ROLLBACK TO member`); err != nil {
			return fmt.Errorf("rollback to savepoint: %w", err)
		}
	}
	if _, err := stx.ExecContext(ctx, `RELEASE member`); err != nil {
		// SQLite ended the transaction under us (an error that rolls
		// back the whole transaction): nothing of the group holds.
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// runJob runs j's function in stx, keeping its error or panic.
func (db *DB) runJob(stx *sql.Tx, j *writeJob) {
	j.tx = &Tx{tx: stx, q: stx, engine: db.engine, stmts: db.writeStmts, shared: db.shared, noCancel: true}
	defer func() {
		if p := recover(); p != nil {
			j.panicked = p
		}
	}()
	j.err = j.fn(j.tx)
}
