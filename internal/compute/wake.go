package compute

import (
	"sync"

	"novalite/internal/store"
)

// Waker tells background loops (scheduler, agents, reclaim) that rows
// changed and there may be work. It only shortens waits: loops also poll,
// so a lost wake-up delays work and never loses it. In `serve` it is a
// channel broadcast; across processes PostgreSQL NOTIFY feeds it.
type Waker struct {
	mu   sync.Mutex
	subs []chan struct{}
}

// Subscribe returns a channel that receives after each Wake (coalesced:
// one pending signal at most).
func (w *Waker) Subscribe() <-chan struct{} {
	c := make(chan struct{}, 1)
	w.mu.Lock()
	w.subs = append(w.subs, c)
	w.mu.Unlock()
	return c
}

// Wake signals every subscriber without blocking.
func (w *Waker) Wake() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// After wakes the loops once tx commits: this process's at once, those of
// other processes (agents, schedulers) through PostgreSQL NOTIFY.
func (w *Waker) After(tx *store.Tx) {
	tx.NotifyOnCommit()
	tx.AfterCommit(w.Wake)
}
