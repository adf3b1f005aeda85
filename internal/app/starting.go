package app

import (
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/compute"
)

// startGate holds requests while serve's start finishes (bootstrap, whose
// bcrypt hashing is most of a fresh start, and the loops) so that the
// listener can answer before it: what needs no state answers at once,
// everything else waits and then sees a finished bootstrap.
type startGate struct {
	done chan struct{}
	err  error // set before done is closed
}

func newStartGate() *startGate { return &startGate{done: make(chan struct{})} }

// open lets the held requests through; err non-nil answers them 503.
func (g *startGate) open(err error) {
	g.err = err
	close(g.done)
}

// ready reports whether the gate has opened without an error.
func (g *startGate) ready() bool {
	select {
	case <-g.done:
		return g.err == nil
	default:
		return false
	}
}

func (g *startGate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-g.done:
		default:
			if answersWhileStarting(r) {
				next.ServeHTTP(w, r)
				return
			}
			select {
			case <-g.done:
			case <-r.Context().Done():
				return // the client is gone
			}
		}
		if g.err != nil {
			writeError(w, r, &novalite.Error{Kind: novalite.Unavailable, Message: "The server failed to start.", Err: g.err})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// answersWhileStarting tells the requests that read nothing bootstrap
// writes: a GET or HEAD without a token (the version documents, health
// checks, and the 401 of a route that needs a token). A token request
// (POST) waits for the users' password hashes; a console (its token is in
// the query) for the hosts.
func answersWhileStarting(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		r.Header.Get("X-Auth-Token") == "" && !strings.HasPrefix(r.URL.Path, compute.NoVNCPath+"/")
}
