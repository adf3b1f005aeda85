// Package network serves the Neutron v2.0 subset under /network:
// version discovery, networks, subnets, ports, security groups and
// rules, routers, floating IPs, extensions and quotas. Errors are
// Neutron's {"NeutronError": {"type", "message", "detail"}}. See
// README.md for the subset.
package network

import (
	"net/http"

	"novalite"
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

	mount(a, authed, "networks", resource[novalite.Network, network.NetworkParams]{id: func(n novalite.Network) string { return n.ID },
		view: func(n novalite.Network, c *novalite.Caller) map[string]any { return networkView(n, c.IsAdmin()) },
		read: readNetwork, list: listed(a.svc.ListNetworks), get: a.svc.GetNetwork,
		create: a.svc.CreateNetwork, update: a.svc.UpdateNetwork, del: a.svc.DeleteNetwork})
	mount(a, authed, "subnets", resource[novalite.Subnet, network.SubnetParams]{id: func(s novalite.Subnet) string { return s.ID },
		view: anyone(subnetView), read: forAction(readSubnet), list: listed(a.svc.ListSubnets), get: a.svc.GetSubnet,
		create: a.svc.CreateSubnet, update: a.svc.UpdateSubnet, del: a.svc.DeleteSubnet})
	mount(a, authed, "ports", resource[novalite.Port, network.PortParams]{id: func(p novalite.Port) string { return p.ID },
		view: func(p novalite.Port, c *novalite.Caller) map[string]any { return portView(p, c.IsAdmin()) },
		read: forAction(readPort), list: a.listPorts, get: a.svc.GetPort,
		create: a.svc.CreatePort, update: a.svc.UpdatePort, del: a.svc.DeletePort})
	mount(a, authed, "security-groups", resource[novalite.SecurityGroup, network.SecurityGroupParams]{id: func(g novalite.SecurityGroup) string { return g.ID },
		view: anyone(groupView), read: forAction(readGroup), list: listed(a.svc.ListSecurityGroups),
		get: a.svc.GetSecurityGroup, create: a.svc.CreateSecurityGroup, update: a.svc.UpdateSecurityGroup,
		del: a.svc.DeleteSecurityGroup})
	mount(a, authed, "security-group-rules", resource[novalite.SecurityGroupRule, network.RuleParams]{id: func(x novalite.SecurityGroupRule) string { return x.ID },
		view: anyone(ruleView), read: forAction(readRule), list: listed(a.svc.ListSecurityGroupRules),
		get: a.svc.GetSecurityGroupRule, create: a.svc.CreateSecurityGroupRule, del: a.svc.DeleteSecurityGroupRule})
	mount(a, authed, "routers", resource[novalite.Router, network.RouterParams]{id: func(x novalite.Router) string { return x.ID },
		view: anyone(routerView), read: forAction(readRouter), list: listed(a.svc.ListRouters), get: a.svc.GetRouter,
		create: a.svc.CreateRouter, update: a.svc.UpdateRouter, del: a.svc.DeleteRouter})
	authed("PUT /v2.0/routers/{id}/add_router_interface", a.addRouterInterface)
	authed("PUT /v2.0/routers/{id}/remove_router_interface", a.removeRouterInterface)
	mount(a, authed, "floatingips", resource[novalite.FloatingIP, network.FloatingIPParams]{id: func(f novalite.FloatingIP) string { return f.ID },
		view: anyone(fipView), read: forAction(readFIP), list: listed(a.svc.ListFloatingIPs), get: a.svc.GetFloatingIP,
		create: a.svc.CreateFloatingIP, update: a.svc.UpdateFloatingIP, del: a.svc.DeleteFloatingIP})

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
