// Package compute serves the Nova compute API under /compute: version
// documents, microversion negotiation, the project id in URLs, and the
// resources registered in routes.go. See README.md for the subset. It
// speaks to internal/compute and the other services, never to the store.
package compute

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
)

type ctxKey int

const keyReq ctxKey = 0

// reqInfo is what the frame learns about a request before routing.
type reqInfo struct {
	mv        microversion.Version
	projectID string // the project id segment of the URL, "" if absent
	legacy    bool   // /v2 rather than /v2.1
}

func info(ctx context.Context) reqInfo {
	ri, _ := ctx.Value(keyReq).(reqInfo)
	if ri.mv.Major == 0 {
		ri.mv = microversion.Min
	}
	return ri
}

// requestMV returns the microversion of the request.
func requestMV(r *http.Request) microversion.Version { return info(r.Context()).mv }

// Nova routes {project_id} only when it is hex and dashes.
var projectSegment = regexp.MustCompile(`^[0-9a-f-]+$`)

// base is the compute endpoint without version, e.g. http://host/compute.
func (a *API) base(r *http.Request) string { return httpx.BaseURL(r) + a.prefix }

// versioned is the URL prefix of links: base + /v2.1 [+ /project].
func (a *API) versioned(r *http.Request) string {
	ri := info(r.Context())
	v := "/v2.1"
	if ri.legacy {
		v = "/v2"
	}
	s := a.base(r) + v
	if ri.projectID != "" {
		s += "/" + ri.projectID
	}
	return s
}

// bookmark is the URL prefix of bookmark links: base [+ /project].
func (a *API) bookmark(r *http.Request) string {
	s := a.base(r)
	if p := info(r.Context()).projectID; p != "" {
		s += "/" + p
	}
	return s
}

// ServeHTTP dispatches /, /v2 and /v2.1 (the mount prefix already gone).
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "" || p == "/":
		httpx.Adapt(a.versions, writeError).ServeHTTP(w, r)
	case p == "/v2.1" || strings.HasPrefix(p, "/v2.1/"):
		a.serveAPI(w, r, strings.TrimPrefix(p, "/v2.1"), false)
	case p == "/v2" || strings.HasPrefix(p, "/v2/"):
		a.serveAPI(w, r, strings.TrimPrefix(p, "/v2"), true)
	default:
		httpx.Adapt(a.multipleChoices, writeError).ServeHTTP(w, r)
	}
}

func (a *API) serveAPI(w http.ResponseWriter, r *http.Request, rest string, legacy bool) {
	ri := reqInfo{mv: microversion.Min, legacy: legacy}
	if !legacy {
		mv, err := microversion.Negotiate(r.Header)
		if err != nil {
			// A well-formed version out of range is already the
			// request's when Nova refuses it, so its fault carries the
			// headers (406); a malformed one leaves none (400), and
			// neither does one past an int (406 with no Version to echo).
			if novalite.KindOf(err) == novalite.NotAcceptable && mv != (microversion.Version{}) {
				microversion.SetHeaders(w.Header(), mv)
			}
			writeError(w, r, err)
			return
		}
		ri.mv = mv
		microversion.SetHeaders(w.Header(), mv)
	}
	ctx := context.WithValue(r.Context(), keyReq, ri)
	if rest == "" || rest == "/" {
		httpx.Adapt(a.version, writeError).ServeHTTP(w, r.WithContext(ctx))
		return
	}
	r = r.WithContext(ctx)
	r.URL.Path = rest
	a.authed.ServeHTTP(w, r)
}

func jsonContentType(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	switch ct {
	case "", "application/json", "application/vnd.openstack.compute+json", "text/plain":
		return true
	}
	return false
}

// project runs once the caller is known (Nova's order: the token first,
// then the body's Content-Type, then the URL's project): it refuses a
// body that is not JSON (415), strips the {project_id} segment and checks
// it against the token (Nova's 400 on mismatch).
func (a *API) project(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Nova checks the Content-Type of every request, body or not
		// (nova/api/openstack/wsgi.py, Request.get_content_type).
		if ct := r.Header.Get("Content-Type"); !jsonContentType(ct) {
			writeError(w, r, novalite.Errorf(novalite.BadMediaType, "Unsupported Content-Type"))
			return
		}
		seg, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if projectSegment.MatchString(seg) {
			c := httpx.Caller(r.Context())
			if c.ProjectID != seg {
				writeError(w, r, novalite.Errorf(novalite.Invalid,
					"Malformed request URL: URL's project_id '%s' doesn't match Context's project_id '%s'", seg, c.ProjectID))
				return
			}
			ri := info(r.Context())
			ri.projectID = seg
			r = r.WithContext(context.WithValue(r.Context(), keyReq, ri))
			r.URL.Path = "/" + rest
		}
		if httpx.Caller(r.Context()).ProjectID == "" {
			writeError(w, r, novalite.Errorf(novalite.Forbidden, "Policy doesn't allow this operation to be performed with an unscoped token."))
			return
		}
		next.ServeHTTP(w, r)
	})
}
