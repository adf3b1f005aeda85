package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/identity"
)

// Services are the domain services the compute API calls.
type Services struct {
	Identity *identity.Service
	Compute  *compute.Service
}

// API is the compute HTTP API.
type API struct {
	svc    Services
	prefix string
	authed http.Handler // everything below /v2.1 but the version document
}

// New returns the compute API for mounting at prefix (e.g. "/compute").
func New(svc Services, prefix string, identityURL func(*http.Request) string) *API {
	a := &API{svc: svc, prefix: prefix}
	mux := http.NewServeMux()
	a.routes(mux)
	a.authed = httpx.Authenticate(a.project(mux), svc.Identity, identityURL, writeError)
	return a
}

// routes lists every route of the compute API, relative to /v2.1[/{project_id}].
func (a *API) routes(mux *http.ServeMux) {
	h := func(pattern string, fn httpx.HandlerFunc) { mux.Handle(pattern, httpx.Adapt(fn, writeError)) }

	h("GET /servers", a.listServers)
	h("GET /servers/detail", a.listServersDetail)
	h("POST /servers", a.createServer)
	h("GET /servers/{id}", a.showServer)
	h("PUT /servers/{id}", a.updateServer)
	h("DELETE /servers/{id}", a.deleteServer)
	h("POST /servers/{id}/action", a.serverAction)

	h("/", func(w http.ResponseWriter, r *http.Request) error { return errNotFound })
}
