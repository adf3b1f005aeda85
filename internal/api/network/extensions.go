package network

import (
	"net/http"
	"slices"

	"novalite"
	"novalite/internal/api/httpx"
)

// extensions are the API extensions novalite implements (alias, name,
// description), as Neutron lists them. Clients take an alias as a promise
// that its resources answer, so none is listed without them (no agents,
// no subnet pools).
var extensions = [][3]string{
	{"binding", "Port Binding", "Expose port bindings of a virtual port to external application"},
	{"external-net", "Neutron external network", "Adds external network attribute to network resource."},
	{"router", "Neutron L3 Router", "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway."},
	{"ext-gw-mode", "Neutron L3 Configurable external gateway mode", "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway"},
	{"security-group", "security-group", "The security groups extension."},
	{"port-security", "Port Security", "Provides port security"},
	{"quotas", "Quota management support", "Expose functions for quotas management per project"},
	{"quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project"},
	{"standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"},
	{"standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."},
	{"standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources."},
	{"project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled."},
	{"provider", "Provider Network", "Expose mapping of virtual networks to physical networks"},
	{"net-mtu", "Network MTU", "Provides MTU attribute for a network resource."},
	{"availability_zone", "Availability Zone", "The availability zone extension."},
	{"standard-attr-tag", "Tag support for resources with standard attribute: subnet, network, port, security_group, floatingip, router", "Enables to set tag on resources with standard attribute."},
	{"allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs"},
	{"extra_dhcp_opt", "Neutron Extra DHCP options", "Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)"},
	{"subnet-service-types", "Subnet service types", "Provides ability to set the subnet service_types field"},
	{"stateful-security-group", "Stateful security group", "Indicates if the security group is stateful or not"},
}

func extensionView(e [3]string) map[string]any {
	return map[string]any{"alias": e[0], "name": e[1], "description": e[2], "updated": "2013-01-20T00:00:00-00:00", "links": []any{}}
}

func (a *API) listExtensions(w http.ResponseWriter, r *http.Request) error {
	out := make([]map[string]any, len(extensions))
	for i, e := range extensions {
		out[i] = extensionView(e)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"extensions": out})
	return nil
}

func (a *API) showExtension(w http.ResponseWriter, r *http.Request) error {
	for _, e := range extensions {
		if e[0] == r.PathValue("alias") {
			httpx.WriteJSON(w, http.StatusOK, map[string]any{"extension": extensionView(e)})
			return nil
		}
	}
	return &novalite.Error{Kind: novalite.NotFound, Reason: "HTTPNotFound",
		Message: "Extension with alias " + r.PathValue("alias") + " does not exist"}
}

// listAvailabilityZones: the one zone ("nova") networks and routers show,
// for each resource, as Neutron lists the zones of its agents. Filters
// name, resource and state match exactly.
func (a *API) listAvailabilityZones(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	out := []map[string]any{}
	for _, res := range []string{"network", "router"} {
		z := map[string]any{"name": "nova", "resource": res, "state": "available"}
		keep := true
		for _, k := range []string{"name", "resource", "state"} {
			if vs, ok := q[k]; ok && !slices.Contains(vs, z[k].(string)) {
				keep = false
			}
		}
		if keep {
			out = append(out, pick(z, q["fields"]))
		}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"availability_zones": out})
	return nil
}

func (a *API) listQuotas(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.ListQuotas(r.Context(), httpx.Caller(r.Context()))
	if err != nil {
		return err
	}
	out := []any{}
	for _, q := range list {
		v := map[string]any{"project_id": q.ProjectID, "tenant_id": q.ProjectID}
		for k, l := range q.Limits {
			v[k] = l
		}
		out = append(out, v)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"quotas": out})
	return nil
}

func (a *API) showQuota(w http.ResponseWriter, r *http.Request) error {
	q, err := a.svc.Quotas(r.Context(), httpx.Caller(r.Context()), r.PathValue("project"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"quota": q})
	return nil
}

func (a *API) showQuotaDefault(w http.ResponseWriter, r *http.Request) error {
	q, err := a.svc.DefaultQuotas(httpx.Caller(r.Context()), r.PathValue("project"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"quota": q})
	return nil
}

func (a *API) showQuotaDetails(w http.ResponseWriter, r *http.Request) error {
	q, err := a.svc.QuotaDetails(r.Context(), httpx.Caller(r.Context()), r.PathValue("project"))
	if err != nil {
		return err
	}
	out := map[string]any{}
	for k, u := range q {
		out[k] = map[string]any{"limit": u.Limit, "used": u.Used, "reserved": u.Reserved}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"quota": out})
	return nil
}
