// Package identity serves the Keystone v3 subset under /identity: version
// discovery, tokens, the catalog, and the management of domains, projects,
// users, roles and role assignments. See README.md for the subset.
package identity

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/identity"
)

// API is the identity HTTP API.
type API struct {
	svc    *identity.Service
	prefix string // path prefix the API is mounted at, e.g. "/identity"
}

// New returns the identity API for mounting at prefix (the prefix is
// stripped before routing, and put back into links).
func New(svc *identity.Service, prefix string) *API { return &API{svc: svc, prefix: prefix} }

// Handler returns the routes. Authentication is per route: discovery and
// POST /v3/auth/tokens are open, everything else needs X-Auth-Token.
func (a *API) Handler() http.Handler {
	rt := httpx.NewRoutes(writeError, a.svc, a.v3URL)
	open, authed := rt.Open, rt.Authed

	open("GET /{$}", a.versions)
	open("GET /v3", a.version)
	open("GET /v3/{$}", a.version)
	open("POST /v3/auth/tokens", a.issueToken)

	authed("GET /v3/auth/tokens", a.validateToken)
	authed("HEAD /v3/auth/tokens", a.checkToken)
	authed("DELETE /v3/auth/tokens", a.revokeToken)
	authed("GET /v3/auth/catalog", a.authCatalog)
	authed("GET /v3/auth/projects", a.authProjects)
	authed("GET /v3/auth/domains", a.authDomains)
	authed("GET /v3/services", a.listServices)
	authed("GET /v3/endpoints", a.listEndpoints)
	authed("GET /v3/regions", a.listRegions)

	authed("GET /v3/domains", a.listDomains)
	authed("GET /v3/domains/{id}", a.showDomain)
	authed("POST /v3/domains", a.createDomain)
	authed("PATCH /v3/domains/{id}", a.updateDomain)
	authed("DELETE /v3/domains/{id}", a.deleteDomain)

	authed("GET /v3/projects", a.listProjects)
	authed("POST /v3/projects", a.createProject)
	authed("GET /v3/projects/{id}", a.showProject)
	authed("PATCH /v3/projects/{id}", a.updateProject)
	authed("DELETE /v3/projects/{id}", a.deleteProject)
	authed("GET /v3/projects/{id}/tags", a.listProjectTags)
	authed("PUT /v3/projects/{id}/tags", a.replaceProjectTags)
	authed("DELETE /v3/projects/{id}/tags", a.deleteProjectTags)
	authed("GET /v3/projects/{id}/tags/{tag}", a.checkProjectTag)
	authed("HEAD /v3/projects/{id}/tags/{tag}", a.checkProjectTag)
	authed("PUT /v3/projects/{id}/tags/{tag}", a.addProjectTag)
	authed("DELETE /v3/projects/{id}/tags/{tag}", a.deleteProjectTag)

	authed("GET /v3/users", a.listUsers)
	authed("POST /v3/users", a.createUser)
	authed("GET /v3/users/{id}", a.showUser)
	authed("PATCH /v3/users/{id}", a.updateUser)
	authed("DELETE /v3/users/{id}", a.deleteUser)
	authed("GET /v3/users/{id}/projects", a.listUserProjects)
	authed("GET /v3/users/{id}/groups", a.listUserGroups)
	open("POST /v3/users/{id}/password", a.changePassword)

	authed("GET /v3/roles", a.listRoles)
	authed("POST /v3/roles", a.createRole)
	authed("GET /v3/roles/{id}", a.showRole)
	authed("PATCH /v3/roles/{id}", a.updateRole)
	authed("DELETE /v3/roles/{id}", a.deleteRole)
	authed("GET /v3/role_inferences", a.listRoleInferences)
	authed("GET /v3/roles/{prior}/implies", a.listImpliedRoles)
	authed("GET /v3/roles/{prior}/implies/{implied}", a.showImpliedRole)
	authed("HEAD /v3/roles/{prior}/implies/{implied}", a.showImpliedRole)
	authed("PUT /v3/roles/{prior}/implies/{implied}", a.createImpliedRole)
	authed("DELETE /v3/roles/{prior}/implies/{implied}", a.deleteImpliedRole)

	for _, target := range []string{"projects", "domains"} {
		base := "/v3/" + target + "/{target}/users/{user}/roles"
		authed("GET "+base, a.listGrants)
		authed("PUT "+base+"/{role}", a.grant)
		authed("HEAD "+base+"/{role}", a.checkGrant)
		authed("GET "+base+"/{role}", a.checkGrant)
		authed("DELETE "+base+"/{role}", a.revokeGrant)
	}
	authed("GET /v3/role_assignments", a.listRoleAssignments)

	routed := rt.Handler()
	// GET /identity is Keystone's root, as GET /identity/.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { httpx.ServeRoot(routed, w, r) })
}
