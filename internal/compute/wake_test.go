package compute

import (
	"slices"
	"testing"

	"novalite/internal/store"
)

// TestWakerChannels: a commit's channels wake only the loops that act on
// them; Wake wakes every loop.
func TestWakerChannels(t *testing.T) {
	tests := []struct {
		name string
		send func(w *Waker)
		want []string
	}{
		{"a create", func(w *Waker) { w.Notify([]string{store.WorkChannel}) }, []string{"scheduler", "any"}},
		{"a placement on h1", func(w *Waker) { w.Notify([]string{store.HostChannel("h1")}) }, []string{"agent h1", "any"}},
		{"work and h2", func(w *Waker) { w.Notify([]string{store.WorkChannel, store.HostChannel("h2")}) },
			[]string{"scheduler", "agent h2", "any"}},
		{"every agent", func(w *Waker) { w.Notify(store.AgentChannels("elsewhere")[1:]) }, []string{"agent h1", "agent h2", "any"}},
		{"no channel", func(w *Waker) { w.Notify(nil) }, nil},
		{"Wake", func(w *Waker) { w.Wake() }, []string{"scheduler", "agent h1", "agent h2", "any"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &Waker{}
			loops := []struct {
				name string
				c    <-chan struct{}
			}{
				{"scheduler", w.Subscribe(store.WorkChannel)},
				{"agent h1", w.Subscribe(store.AgentChannels("h1")...)},
				{"agent h2", w.Subscribe(store.AgentChannels("h2")...)},
				{"any", w.Subscribe()},
			}
			tt.send(w)
			tt.send(w) // coalesced: never blocks
			var got []string
			for _, l := range loops {
				select {
				case <-l.c:
					got = append(got, l.name)
				default:
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("woken %v, want %v", got, tt.want)
			}
		})
	}
}
