package store

import (
	"context"
	"sync"
)

// changeFeed shares the reads of ServerChanges among the caches of one
// process in front of db (the identity service's validations, the view
// cache's servers): one statement tells both what changed. A read is
// made on demand, never in the background: a caller waits for one that
// began after its call (one at a time; the callers that queue meanwhile
// share the next) — on serve's SQLite, for one that began once nothing
// it may depend on was left uncommitted (the write generation).
type changeFeed struct {
	mu sync.Mutex
	// polled is signalled when a read ends.
	polled sync.Cond
	subs   []func(n uint64, ch Changes)
	// cur is where the log was read up to; only the reader touches it.
	cur ChangeCursor
	// started and done count the reads begun and handed to subs;
	// polling: one is under way.
	started, done uint64
	polling       bool
	// gen is the write generation read before the last read (serve on
	// SQLite: nothing is newer while it has not moved).
	gen    uint64
	synced bool
}

// OnChanges registers fn to hear every read of the changes that
// SyncChanges makes, in order, numbered from 1; fn runs on the reading
// goroutine before any caller waiting for the read returns. Register
// before the first SyncChanges: a cache must hear every read after the
// values it keeps were read.
func (db *DB) OnChanges(fn func(n uint64, ch Changes)) {
	f := db.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, fn)
}

// SyncChanges makes what OnChanges' callbacks keep current as of the
// call: it returns once they have heard a read that began after it.
// Serve on SQLite (Generation exact) skips the read while nothing was
// committed since the last. Within a request (WithReadPoint), a read
// already made for it serves again until the request writes: the
// client's own earlier writes committed before the request came.
func (db *DB) SyncChanges(ctx context.Context) error {
	p, _ := ctx.Value(readPointKey{}).(*readPoint)
	var writes uint64
	if p != nil {
		var read bool
		if read, writes = p.get(); read {
			return nil
		}
	}
	if err := db.feed.sync(ctx, db); err != nil {
		return err
	}
	if p != nil {
		p.set(writes)
	}
	return nil
}

func (f *changeFeed) sync(ctx context.Context, db *DB) error {
	gen, exact := db.Generation()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.polled.L == nil {
		f.polled.L = &f.mu
	}
	// A read that begins after this call; on serve's SQLite, which owns
	// its file, a read that began once the generation was gen saw every
	// commit this caller may depend on, so the read under way serves
	// when it began late enough and the callers behind it do not each
	// wait for another.
	want := f.started + 1
	current := func() bool { return f.done >= want }
	if exact {
		current = func() bool { return f.synced && f.gen >= gen }
	}
	for !current() {
		if f.polling {
			f.polled.Wait()
			continue
		}
		if err := f.poll(ctx, db); err != nil {
			return err
		}
	}
	return nil
}

// poll reads once, outside the lock, and hands the read to the
// subscribers; f.mu is held on entry and on return.
func (f *changeFeed) poll(ctx context.Context, db *DB) error {
	f.polling = true
	f.started++
	n, subs := f.started, f.subs
	gen, _ := db.Generation()
	f.mu.Unlock()
	ch, err := db.ServerChanges(ctx, &f.cur)
	if err == nil {
		for _, fn := range subs {
			fn(n, ch)
		}
	}
	f.mu.Lock()
	f.polling = false
	f.polled.Broadcast()
	if err != nil {
		return err
	}
	f.done = n
	f.gen, f.synced = gen, true
	return nil
}

// readPoint is a request's read of the changes (WithReadPoint).
type readPoint struct {
	mu sync.Mutex
	// read: a read that began after the request came and after its last
	// write has been heard.
	read bool
	// writes counts the request's write transactions begun; writing,
	// those not yet ended.
	writes  uint64
	writing int
}

type readPointKey struct{}

// WithReadPoint returns ctx for one request: the first SyncChanges in it
// reads (the identity service's, validating its token) and the next
// ones take that read, until a write transaction on the context begins.
func WithReadPoint(ctx context.Context) context.Context {
	return context.WithValue(ctx, readPointKey{}, &readPoint{})
}

// get reports whether the request has its read, and the writes begun so
// far for set.
func (p *readPoint) get() (bool, uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.read, p.writes
}

// set records a read that began after the request's writes numbered
// below writes ended, unless another has begun since.
func (p *readPoint) set(writes uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read = p.writes == writes && p.writing == 0
}

// beginWrite and endWrite bracket a write transaction of the request:
// a read made before it ended does not see it.
func (p *readPoint) beginWrite() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read = false
	p.writes++
	p.writing++
}

func (p *readPoint) endWrite() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read = false
	p.writing--
}
