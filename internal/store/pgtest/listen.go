package pgtest

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Listener is a process that listens for notifications on Channels.
type Listener struct {
	Name     string
	Channels []string
}

// Wakes tells which listeners a step woke. Each listener also listens on a
// fence channel of its own; after a step the test notifies every fence,
// and as notifications arrive in commit order, what a listener got before
// its fence is exactly what the step woke.
type Wakes struct {
	t         *testing.T
	listeners []Listener
	fences    []string
	got       []chan string
}

// Listen starts the listeners, the i-th by listen(ctx, i, channels, wake)
// in a goroutine of its own (which returns when ctx ends): channels are
// the listener's and its fence, fences[i]; wake is what listen calls with
// the channel of each wake-up, "" for that of (re)connecting. Listen
// returns once each listener has connected; they stop when t ends.
func Listen(t *testing.T, listeners []Listener, fences []string,
	listen func(ctx context.Context, i int, channels []string, wake func(string))) *Wakes {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	w := &Wakes{t: t, listeners: listeners, fences: fences, got: make([]chan string, len(listeners))}
	for i, l := range listeners {
		w.got[i] = make(chan string, 64)
		channels := append(append([]string(nil), l.Channels...), fences[i])
		wg.Go(func() { listen(ctx, i, channels, func(ch string) { w.got[i] <- ch }) })
	}
	for i, l := range listeners {
		if ch := w.next(i); ch != "" {
			t.Fatalf("%s: first wake-up on %q", l.Name, ch)
		}
	}
	return w
}

func (w *Wakes) next(i int) string {
	w.t.Helper()
	select {
	case ch := <-w.got[i]:
		return ch
	case <-time.After(30 * time.Second): // a hang guard, not a timing goal
		w.t.Fatalf("%s: no notification", w.listeners[i].Name)
		return ""
	}
}

// Woken returns the names of the listeners woken before their fences,
// which the test has notified after step, in the listeners' order; a
// listener woken more than once is an error of step.
func (w *Wakes) Woken(step string) []string {
	w.t.Helper()
	var woken []string
	for i, l := range w.listeners {
		n := 0
		for ch := w.next(i); ch != w.fences[i]; ch = w.next(i) {
			n++
		}
		if n > 1 {
			w.t.Errorf("%s: %s woken %d times", step, l.Name, n)
		}
		if n > 0 {
			woken = append(woken, l.Name)
		}
	}
	return woken
}
