package compute

import (
	"slices"
	"sync"
)

// Waker tells background loops (scheduler, agents, reclaim) that rows
// changed and there may be work. It only shortens waits: loops also poll,
// so a lost wake-up delays work and never loses it. In a process it is a
// channel per loop, fed by the store's commits (store.DB.OnNotify: each
// commit names the channels of whoever must act, as NOTIFY does across
// processes); across processes PostgreSQL NOTIFY feeds it.
type Waker struct {
	mu   sync.Mutex
	subs []subscriber
}

// subscriber is one loop: its signal and the store channels it acts on
// (none: every notification).
type subscriber struct {
	c        chan struct{}
	channels []string
}

// Subscribe returns a channel that receives after each Wake and after
// each Notify naming one of channels (coalesced: one pending signal at
// most). With no channels it receives after every Notify.
func (w *Waker) Subscribe(channels ...string) <-chan struct{} {
	c := make(chan struct{}, 1)
	w.mu.Lock()
	w.subs = append(w.subs, subscriber{c: c, channels: channels})
	w.mu.Unlock()
	return c
}

// Wake signals every subscriber without blocking.
func (w *Waker) Wake() { w.signal(nil) }

// Notify signals, without blocking, the subscribers of any of channels:
// a create wakes the scheduler alone, a placement the agent of its host.
func (w *Waker) Notify(channels []string) {
	if len(channels) > 0 {
		w.signal(channels)
	}
}

// signal wakes the subscribers of channels, or all of them for nil.
func (w *Waker) signal(channels []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.subs {
		if channels != nil && len(s.channels) > 0 && !slices.ContainsFunc(channels, func(ch string) bool {
			return slices.Contains(s.channels, ch)
		}) {
			continue
		}
		select {
		case s.c <- struct{}{}:
		default:
		}
	}
}
