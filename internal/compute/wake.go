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

// After wakes this process's loops once tx commits. Those of other
// processes hear of it through PostgreSQL NOTIFY, on the channel of
// whoever must act: the writes that hand out work (an intent, a
// placement) ask for it themselves, a create asks the schedulers.
func (w *Waker) After(tx *store.Tx) {
	tx.AfterCommit(w.Wake)
}
