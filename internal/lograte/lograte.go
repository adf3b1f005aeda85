// Package lograte holds a slog.Handler that bounds how many warnings and
// errors one message may log per interval, so that an outage failing
// every request logs a few lines a second, not one per request. It
// imports nothing of novalite.
package lograte

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Handler passes records below Warn through, and at most Burst records
// per message per Interval at Warn and above; when an interval with drops
// ends, the next record of that message is preceded by one line counting
// the records dropped.
type Handler struct {
	next  slog.Handler
	state *state
}

type state struct {
	mu       sync.Mutex
	burst    int
	interval time.Duration
	now      func() time.Time
	byMsg    map[string]*window
}

type window struct {
	start      time.Time
	n          int
	suppressed int
}

// maxMessages bounds the table; messages are constant strings in
// practice, so reaching it only resets the counting.
const maxMessages = 1024

// New wraps next. now is the clock (nil: time.Now).
func New(next slog.Handler, burst int, interval time.Duration, now func() time.Time) *Handler {
	if now == nil {
		now = time.Now
	}
	return &Handler{next: next, state: &state{burst: burst, interval: interval, now: now, byMsg: map[string]*window{}}}
}

// Enabled reports whether next logs at level.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle logs r unless its message is over its budget.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return h.next.Handle(ctx, r)
	}
	ok, dropped := h.state.admit(r.Message)
	if dropped > 0 {
		s := slog.NewRecord(h.state.now(), slog.LevelWarn, "log lines suppressed", 0)
		s.AddAttrs(slog.String("message", r.Message), slog.Int("suppressed", dropped))
		if err := h.next.Handle(ctx, s); err != nil {
			return err
		}
	}
	if !ok {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (s *state) admit(msg string) (ok bool, dropped int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	w := s.byMsg[msg]
	if w == nil {
		if len(s.byMsg) >= maxMessages {
			clear(s.byMsg)
		}
		w = &window{start: now}
		s.byMsg[msg] = w
	}
	if now.Sub(w.start) >= s.interval {
		dropped = w.suppressed
		*w = window{start: now}
	}
	if w.n >= s.burst {
		w.suppressed++
		return false, dropped
	}
	w.n++
	return true, dropped
}

// WithAttrs returns a handler sharing h's budget.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &Handler{next: h.next.WithAttrs(as), state: h.state}
}

// WithGroup returns a handler sharing h's budget.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), state: h.state}
}
