// Package httpx holds what every HTTP API of novalite shares: the handler
// shape, request ids, logging, panics, body limits, token authentication
// and JSON helpers. Each API package renders its own error dialect through
// the ErrorWriter it passes in.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"novalite"
)

// HandlerFunc is an HTTP handler that returns its error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorWriter writes err in an API's dialect.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, err error)

// Adapt turns h into an http.Handler whose errors go to ew and the log.
func Adapt(h HandlerFunc, ew ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The route's pattern is known only here, inside the API's mux:
		// Common's holder carries it back out to the observer.
		if s := stateOf(r.Context()); s != nil {
			s.route = r.Pattern
		}
		if err := h(w, r); err != nil {
			LogError(r, err)
			ew(w, r, err)
		}
	})
}

// LogError logs err at debug for client errors and at error for the rest.
func LogError(r *http.Request, err error) {
	k := novalite.KindOf(err)
	lvl := slog.LevelDebug
	if k == novalite.Internal || k == novalite.Unavailable {
		lvl = slog.LevelError
	}
	loggerOf(r.Context()).Log(r.Context(), lvl, "request failed", "kind", k.String(), "err", err)
}

type ctxKey int

const (
	keyRequest ctxKey = iota
	keyCaller
)

// requestState is what Common keeps of a request, in one context value:
// its ids, its logger (made at its first use: most requests log nothing
// at the level that is on, and slog.Logger.With costs more than the rest
// of Common), and the route that answered it.
type requestState struct {
	id, global string
	base       *slog.Logger
	log        atomic.Pointer[slog.Logger]
	// route is the pattern of the API route that answered, set by Adapt.
	route string
}

// logger returns the request's logger, with its request ids.
func (s *requestState) logger() *slog.Logger {
	if l := s.log.Load(); l != nil {
		return l
	}
	l := s.base.With("request_id", s.id)
	if s.global != "" {
		l = l.With("global_request_id", s.global)
	}
	s.log.CompareAndSwap(nil, l)
	return s.log.Load()
}

func stateOf(ctx context.Context) *requestState {
	s, _ := ctx.Value(keyRequest).(*requestState)
	return s
}

// requestID returns the request's local id (req-<uuid>).
func requestID(ctx context.Context) string {
	if s := stateOf(ctx); s != nil {
		return s.id
	}
	return ""
}

// loggerOf returns the request's logger (with its request id).
func loggerOf(ctx context.Context) *slog.Logger {
	if s := stateOf(ctx); s != nil {
		return s.logger()
	}
	return slog.Default()
}

// Caller returns the authenticated caller, or nil.
func Caller(ctx context.Context) *novalite.Caller {
	c, _ := ctx.Value(keyCaller).(*novalite.Caller)
	return c
}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c *novalite.Caller) context.Context {
	return context.WithValue(ctx, keyCaller, c)
}

// newRequestID returns a new local request id.
func newRequestID() string { return "req-" + uuid.NewString() }

// bufPool recycles response buffers; one grown past 4 MiB (a page of
// 1,000 servers is ~3 MB) is left to the collector.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// WriteJSON writes v as JSON with status: the bytes of json.Marshal,
// produced faster for the maps and slices that views are made of
// (appendJSON).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	bp := bufPool.Get().(*[]byte)
	b, err := appendJSON((*bp)[:0], v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeBuf(w, status, bp, b)
}

// WriteAppended writes the JSON body that appendBody appends to a pooled
// buffer: a view written by an append encoder goes out as it is written.
func WriteAppended(w http.ResponseWriter, status int, appendBody func([]byte) []byte) {
	bp := bufPool.Get().(*[]byte)
	writeBuf(w, status, bp, appendBody((*bp)[:0]))
}

// writeBuf writes b, the JSON body in the pooled buffer bp, and gives
// the buffer back.
func writeBuf(w http.ResponseWriter, status int, bp *[]byte, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if bodyAllowed(status) {
		// As Nova (webob) sends it. Without it net/http chunks every
		// answer past 2 KB (a show at the latest microversions, any
		// list page), with a write(2) more for a large one.
		h.Set("Content-Length", strconv.Itoa(len(b)))
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
	if cap(b) <= 4<<20 {
		*bp = b[:0]
		bufPool.Put(bp)
	}
}

// bodyAllowed reports whether an answer with status may carry a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// WriteEmpty writes a bodiless response with status (Nova still labels it
// JSON).
func WriteEmpty(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}

// errTooLarge is returned by ReadBody when the body exceeds the limit.
var errTooLarge = &novalite.Error{Kind: novalite.TooLarge, Message: "Request is too large."}

// ReadBody decodes the JSON body of r into v. An empty body decodes as
// JSON null (v untouched, reported by isNull). Bodies over the limit set
// by LimitBody give errTooLarge; undecodable ones an Invalid error with
// malformedMsg.
func ReadBody(r *http.Request, v any, malformedMsg string) (isNull bool, err error) {
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return false, errTooLarge
		}
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		return false, &novalite.Error{Kind: novalite.Invalid, Message: malformedMsg, Err: err}
	}
	if dec.More() {
		return false, &novalite.Error{Kind: novalite.Invalid, Message: malformedMsg}
	}
	// Neither engine may see NUL or invalid UTF-8 (PostgreSQL refuses
	// both; encoding/json would silently turn invalid bytes into U+FFFD).
	if !validJSONText(raw) {
		return false, &novalite.Error{Kind: novalite.Invalid, Message: malformedMsg}
	}
	if strings.TrimSpace(string(raw)) == "null" {
		return true, nil
	}
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return false, &novalite.Error{Kind: novalite.Invalid, Message: malformedMsg, Err: err}
	}
	return false, nil
}
