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
func Routed(mux *http.ServeMux, ew ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// Let the mux decide between 404 and 405 (and fill Allow), then
		// write our body instead of its text.
		rec := &statusOnly{header: http.Header{}}
		mux.ServeHTTP(rec, r)
		kind := novalite.NotFound
		msg := "The resource could not be found."
		if rec.status == http.StatusMethodNotAllowed {
			kind, msg = novalite.NotAllowed, "The method is not allowed for the requested URL."
			if a := rec.header.Get("Allow"); a != "" {
				w.Header().Set("Allow", a)
			}
		}
		ew(w, r, &novalite.Error{Kind: kind, Message: msg})
	})
}

// statusOnly records the status and headers a handler writes and drops
// its body.
type statusOnly struct {
	header http.Header
	status int
}

func (s *statusOnly) Header() http.Header         { return s.header }
func (s *statusOnly) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusOnly) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}
