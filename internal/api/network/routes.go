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

	open("GET /{$}", a.versions)
	authed("GET /v2.0", a.version)
	authed("GET /v2.0/{$}", a.version)
	authed("GET /v2.0/extensions", a.listExtensions)
	authed("GET /v2.0/extensions/{alias}", a.showExtension)

	authed("GET /v2.0/networks", a.listNetworks)
	authed("POST /v2.0/networks", a.createNetwork)
	authed("GET /v2.0/networks/{id}", a.showNetwork)
	authed("PUT /v2.0/networks/{id}", a.updateNetwork)
	authed("DELETE /v2.0/networks/{id}", a.deleteNetwork)

	authed("GET /v2.0/subnets", a.listSubnets)
	authed("POST /v2.0/subnets", a.createSubnet)
	authed("GET /v2.0/subnets/{id}", a.showSubnet)
	authed("PUT /v2.0/subnets/{id}", a.updateSubnet)
	authed("DELETE /v2.0/subnets/{id}", a.deleteSubnet)

	authed("GET /v2.0/ports", a.listPorts)
	authed("POST /v2.0/ports", a.createPort)
	authed("GET /v2.0/ports/{id}", a.showPort)
	authed("PUT /v2.0/ports/{id}", a.updatePort)
	authed("DELETE /v2.0/ports/{id}", a.deletePort)

	authed("GET /v2.0/security-groups", a.listSecurityGroups)
	authed("POST /v2.0/security-groups", a.createSecurityGroup)
	authed("GET /v2.0/security-groups/{id}", a.showSecurityGroup)
	authed("PUT /v2.0/security-groups/{id}", a.updateSecurityGroup)
	authed("DELETE /v2.0/security-groups/{id}", a.deleteSecurityGroup)
	authed("GET /v2.0/security-group-rules", a.listRules)
	authed("POST /v2.0/security-group-rules", a.createRule)
	authed("GET /v2.0/security-group-rules/{id}", a.showRule)
	authed("DELETE /v2.0/security-group-rules/{id}", a.deleteRule)

	authed("GET /v2.0/routers", a.listRouters)
	authed("POST /v2.0/routers", a.createRouter)
	authed("GET /v2.0/routers/{id}", a.showRouter)
	authed("PUT /v2.0/routers/{id}", a.updateRouter)
	authed("DELETE /v2.0/routers/{id}", a.deleteRouter)
	authed("PUT /v2.0/routers/{id}/add_router_interface", a.addRouterInterface)
	authed("PUT /v2.0/routers/{id}/remove_router_interface", a.removeRouterInterface)

	authed("GET /v2.0/floatingips", a.listFloatingIPs)
	authed("POST /v2.0/floatingips", a.createFloatingIP)
	authed("GET /v2.0/floatingips/{id}", a.showFloatingIP)
	authed("PUT /v2.0/floatingips/{id}", a.updateFloatingIP)
	authed("DELETE /v2.0/floatingips/{id}", a.deleteFloatingIP)

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
	if r.URL.Path == "" {
		r.URL.Path = "/"
	}
	a.handler.ServeHTTP(w, r)
}
