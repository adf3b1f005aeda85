// Package network serves the Neutron v2.0 subset under /network:
// version discovery, networks, subnets, ports, security groups and
// rules, routers, floating IPs, extensions and quotas. Errors are
// Neutron's {"NeutronError": {"type", "message", "detail"}}. See
// README.md for the subset.
package network

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

// API is the network HTTP API.
type API struct {
	svc     *network.Service
	prefix  string
	handler http.Handler
}

// New returns the network API for mounting at prefix (stripped before
// routing). v validates tokens; identityURL goes into 401 answers.
func New(svc *network.Service, prefix string, v httpx.Validator, identityURL func(*http.Request) string) *API {
	a := &API{svc: svc, prefix: prefix}
	rt := httpx.NewRoutes(writeError, v, identityURL)
	open, authed := rt.Open, rt.Authed

	nets, subnets, ports, routers, fips := a.networks(), a.subnets(), a.ports(), a.routers(), a.floatingIPs()
	groups, rules := a.securityGroups(), a.securityGroupRules()
	open("GET /{$}", a.versions)
	authed("GET /v2.0", a.version)
	authed("GET /v2.0/{$}", a.version)
	authed("GET /v2.0/extensions", a.listExtensions)
	authed("GET /v2.0/extensions/{alias}", a.showExtension)

	authed("GET /v2.0/networks", nets.list)
	authed("POST /v2.0/networks", nets.create)
	authed("GET /v2.0/networks/{id}", nets.show)
	authed("PUT /v2.0/networks/{id}", nets.update)
	authed("DELETE /v2.0/networks/{id}", nets.del)
	authed("GET /v2.0/subnets", subnets.list)
	authed("POST /v2.0/subnets", subnets.create)
	authed("GET /v2.0/subnets/{id}", subnets.show)
	authed("PUT /v2.0/subnets/{id}", subnets.update)
	authed("DELETE /v2.0/subnets/{id}", subnets.del)
	authed("GET /v2.0/ports", ports.list)
	authed("POST /v2.0/ports", ports.create)
	authed("GET /v2.0/ports/{id}", ports.show)
	authed("PUT /v2.0/ports/{id}", ports.update)
	authed("DELETE /v2.0/ports/{id}", ports.del)
	authed("GET /v2.0/security-groups", groups.list)
	authed("POST /v2.0/security-groups", groups.create)
	authed("GET /v2.0/security-groups/{id}", groups.show)
	authed("PUT /v2.0/security-groups/{id}", groups.update)
	authed("DELETE /v2.0/security-groups/{id}", groups.del)
	authed("GET /v2.0/security-group-rules", rules.list)
	authed("POST /v2.0/security-group-rules", rules.create)
	authed("GET /v2.0/security-group-rules/{id}", rules.show)
	authed("DELETE /v2.0/security-group-rules/{id}", rules.del)
	authed("GET /v2.0/routers", routers.list)
	authed("POST /v2.0/routers", routers.create)
	authed("GET /v2.0/routers/{id}", routers.show)
	authed("PUT /v2.0/routers/{id}", routers.update)
	authed("DELETE /v2.0/routers/{id}", routers.del)
	authed("PUT /v2.0/routers/{id}/add_router_interface", a.addRouterInterface)
	authed("PUT /v2.0/routers/{id}/remove_router_interface", a.removeRouterInterface)
	authed("GET /v2.0/floatingips", fips.list)
	authed("POST /v2.0/floatingips", fips.create)
	authed("GET /v2.0/floatingips/{id}", fips.show)
	authed("PUT /v2.0/floatingips/{id}", fips.update)
	authed("DELETE /v2.0/floatingips/{id}", fips.del)

	authed("GET /v2.0/availability_zones", a.listAvailabilityZones)
	authed("GET /v2.0/quotas", a.listQuotas)
	authed("GET /v2.0/quotas/{project}", a.showQuota)
	authed("PUT /v2.0/quotas/{project}", a.updateQuota)
	authed("DELETE /v2.0/quotas/{project}", a.deleteQuota)
	authed("GET /v2.0/quotas/{project}/default", a.showQuotaDefault)
	authed("GET /v2.0/quotas/{project}/details", a.showQuotaDetails)

	a.tagRoutes(authed)

	a.handler = rt.Handler()
	return a
}

// ServeHTTP serves the API; the mount prefix is already stripped.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	httpx.ServeRoot(a.handler, w, r)
}
