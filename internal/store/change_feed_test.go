package store

import (
	"context"
	"slices"
	"sync"
	"testing"
)

// feedReads records the reads SyncChanges hands to its subscribers.
type feedReads struct {
	mu    sync.Mutex
	reads []Changes
}

func (f *feedReads) hear(_ uint64, ch Changes) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, ch)
}

// since returns the reads after the first n.
func (f *feedReads) since(n int) []Changes {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reads[n:])
}

// TestSyncChanges: a request (WithReadPoint) reads the changes once, at
// its first sync, and sees what was committed before it came; a write
// of its own makes its next sync read again; the read has the identity
// epoch beside the servers. Without a read point every sync reads
// (serve on SQLite: unless nothing was committed since the last).
func TestSyncChanges(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *DB) {
		bg := context.Background()
		var f feedReads
		db.OnChanges(f.hear)
		sync := func(ctx context.Context) []Changes {
			t.Helper()
			n := len(f.since(0))
			if err := db.SyncChanges(ctx); err != nil {
				t.Fatal(err)
			}
			return f.since(n)
		}
		first := WithReadPoint(bg)
		if got := sync(first); len(got) != 1 || !got[0].AllServers {
			t.Fatalf("a request's first sync heard %+v, want one read of every server", got)
		}
		a := changesServer(t, db) // committed by another request
		if got := sync(first); len(got) != 0 {
			t.Fatalf("a request's second sync heard %+v, want its first read to serve", got)
		}
		second := WithReadPoint(bg)
		if got := sync(second); len(got) != 1 || !slices.Contains(got[0].Servers, a.ID) {
			t.Fatalf("a request after a create heard %+v, want the server %s", got, a.ID)
		}
		if err := db.Tx(second, func(tx *Tx) error {
			_, err := tx.Exec(second, `UPDATE instances SET name = 'renamed' WHERE uuid = $1`, a.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := sync(second); len(got) != 1 || !slices.Equal(got[0].Servers, []string{a.ID}) {
			t.Fatalf("a request's sync after its own write heard %+v, want the server %s", got, a.ID)
		}
		if got := sync(second); len(got) != 0 {
			t.Fatalf("a sync after the request's read of its own write heard %+v, want none", got)
		}
		epoch := f.since(0)[0].IdentityEpoch
		if err := db.Tx(bg, func(tx *Tx) error { return tx.IdentityEpochBump(bg) }); err != nil {
			t.Fatal(err)
		}
		if got := sync(WithReadPoint(bg)); len(got) != 1 || got[0].IdentityEpoch != epoch+1 {
			t.Fatalf("after an identity change heard %+v, want epoch %d", got, epoch+1)
		}
		want := map[Engine]int{SQLite: 0, Postgres: 1}[db.Engine()] // serve owns its SQLite file
		if got := sync(bg); len(got) != want {
			t.Fatalf("a sync without a read point, nothing committed since, heard %d reads, want %d", len(got), want)
		}
	})
}

// TestReadPoint: a request's read serves it only when it began after
// the request's writes ended.
func TestReadPoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		steps func(p *readPoint) // ends with the request's read, or not
		want  bool
	}{
		{"read", func(p *readPoint) { _, w := p.get(); p.set(w) }, true},
		{"read, then a write begins", func(p *readPoint) { _, w := p.get(); p.set(w); p.beginWrite() }, false},
		{"read, then a write", func(p *readPoint) { _, w := p.get(); p.set(w); p.beginWrite(); p.endWrite() }, false},
		{"read begun during a write", func(p *readPoint) { p.beginWrite(); _, w := p.get(); p.set(w); p.endWrite() }, false},
		{"read ended during a write", func(p *readPoint) { _, w := p.get(); p.beginWrite(); p.set(w); p.endWrite() }, false},
		{"read begun before a write that ended", func(p *readPoint) {
			_, w := p.get()
			p.beginWrite()
			p.endWrite()
			p.set(w)
		}, false},
		{"read after a write", func(p *readPoint) { p.beginWrite(); p.endWrite(); _, w := p.get(); p.set(w) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var p readPoint
			tt.steps(&p)
			if got, _ := p.get(); got != tt.want {
				t.Errorf("the request has its read: %v, want %v", got, tt.want)
			}
		})
	}
}
