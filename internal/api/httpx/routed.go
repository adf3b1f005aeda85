package httpx

import (
	"net/http"

	"novalite"
)

// Routed serves mux, but answers in ew's dialect where http.ServeMux
// would answer in plain text: 404 when no route matches the path, 405
// (with Allow) when routes match the path but not the method. The 405
// is HTTP's answer and ServeMux's; whether Nova's routes mapper answers
// 405 or 404 for a known path with another method was not checked
// against a running Nova (a client gets a JSON fault either way).
//
// The mux finds the route once: a lookup before serving (mux.Handler)
// was a second walk of the routes for every request, and ServeHTTP must
// walk them anyway to set the request's pattern and path values.
func Routed(mux *http.ServeMux, ew ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &routedWriter{ResponseWriter: w, r: r}
		mux.ServeHTTP(rw, r)
		if r.Pattern != "" {
			return
		}
		kind := novalite.NotFound
		msg := "The resource could not be found."
		if rw.status == http.StatusMethodNotAllowed {
			kind, msg = novalite.NotAllowed, "The method is not allowed for the requested URL."
			if a := rw.header.Get("Allow"); a != "" {
				w.Header().Set("Allow", a)
			}
		}
		ew(w, r, &novalite.Error{Kind: kind, Message: msg})
	})
}

// routedWriter passes through what a route's handler writes, and keeps
// back the mux's own plain-text 404 or 405 for a request no route
// matched: the mux sets r.Pattern before it calls any handler, and
// leaves it "" only for its own answers (a redirect has a pattern).
type routedWriter struct {
	http.ResponseWriter
	r *http.Request
	// header and status: the mux's own answer.
	header http.Header
	status int
}

func (w *routedWriter) Header() http.Header {
	if w.r.Pattern != "" {
		return w.ResponseWriter.Header()
	}
	if w.header == nil {
		w.header = http.Header{}
	}
	return w.header
}

func (w *routedWriter) WriteHeader(code int) {
	if w.r.Pattern != "" {
		w.ResponseWriter.WriteHeader(code)
	} else if w.status == 0 {
		w.status = code
	}
}

func (w *routedWriter) Write(b []byte) (int, error) {
	if w.r.Pattern != "" {
		return w.ResponseWriter.Write(b)
	}
	return len(b), nil
}

// Unwrap lets http.ResponseController and websocket upgrades reach the
// connection's writer (Flush, Hijack, deadlines).
func (w *routedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
