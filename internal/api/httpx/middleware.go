package httpx

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"novalite"
)

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

var globalRequestID = regexp.MustCompile(`^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Observer is told of every finished request (metrics); route is the
// pattern of the API route that answered ("" when none matched).
type Observer func(r *http.Request, route string, status int, elapsed time.Duration)

// Common wraps next with what every request gets: a request id in the
// response headers (x-openstack-request-id and x-compute-request-id) and
// on every log line, an access log line, recovery from panics, and the
// observer.
func Common(next http.Handler, log *slog.Logger, observe Observer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := &requestState{id: newRequestID(), base: log}
		// A caller's own well-formed request id is logged as the global
		// one, as oslo.middleware does; it is not echoed.
		if g := r.Header.Get("X-Openstack-Request-Id"); globalRequestID.MatchString(g) {
			st.global = g
		}
		r = r.WithContext(context.WithValue(r.Context(), keyRequest, st))
		h := w.Header()
		h.Set("X-Openstack-Request-Id", st.id)
		h.Set("X-Compute-Request-Id", st.id)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				st.logger().Error("panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					WriteJSON(sw, http.StatusInternalServerError, map[string]any{"computeFault": map[string]any{
						"code": 500, "message": "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible."}})
				}
			}
			el := time.Since(start)
			if log.Enabled(r.Context(), slog.LevelDebug) {
				st.logger().Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", el.Milliseconds())
			}
			if observe != nil {
				observe(r, st.route, sw.status, el)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// LimitBody caps request bodies at n bytes (oslo.middleware's sizelimit).
// A declared Content-Length over the limit is refused at once with 413.
func LimitBody(next http.Handler, n int64, ew ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			ew(w, r, errTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// Validator validates tokens.
type Validator interface {
	Validate(ctx context.Context, token string) (*novalite.Caller, error)
}

// RequestScoper is a Validator whose reads the rest of a request may
// share: RequestContext returns the context to validate and serve the
// request with (identity.Service: the read of what changed that
// validated the token serves the server view cache too).
type RequestScoper interface {
	RequestContext(ctx context.Context) context.Context
}

// Authenticate puts the caller of X-Auth-Token into the context, or
// answers 401 as keystonemiddleware does. identityURL goes into the
// WWW-Authenticate header.
func Authenticate(next http.Handler, v Validator, identityURL func(*http.Request) string, ew ErrorWriter) http.Handler {
	scoper, _ := v.(RequestScoper)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("X-Auth-Token")
		if tok == "" {
			unauthorized(w, r, identityURL(r))
			return
		}
		if scoper != nil {
			r = r.WithContext(scoper.RequestContext(r.Context()))
		}
		c, err := v.Validate(r.Context(), tok)
		if err != nil {
			if novalite.KindOf(err) == novalite.Unauthorized {
				unauthorized(w, r, identityURL(r))
				return
			}
			LogError(r, err)
			ew(w, r, err)
			return
		}
		// A copy: the validator may hand the same Caller to every request
		// with this token.
		rc := *c
		rc.RequestID = requestID(r.Context())
		next.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), &rc)))
	})
}

// unauthorized writes keystonemiddleware's 401.
func unauthorized(w http.ResponseWriter, r *http.Request, identityURL string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf("Keystone uri=%q", identityURL))
	WriteJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
		"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
}

// BaseURL returns scheme://host of the request, honouring
// X-Forwarded-Proto and X-Forwarded-Host set by a proxy in front.
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	host := r.Host
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		host = h
	}
	return scheme + "://" + host
}
