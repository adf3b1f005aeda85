package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

// /os-tenant-networks up to 2.35 (nova/api/openstack/compute/tenant_networks.py
// backed by Neutron): the networks the caller sees, as id, label and a cidr
// that Nova renders from a missing value, the string "None".

func tenantNetworkView(n novalite.Network) map[string]any {
	return map[string]any{"id": n.ID, "label": n.Name, "cidr": "None"}
}

func (a *API) listTenantNetworksProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-tenant-networks:list")
	if err != nil {
		return err
	}
	nets, err := a.svc.Network.ListNetworks(r.Context(), c, network.ListParams{})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(nets))
	for i, n := range nets {
		out[i] = tenantNetworkView(n)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"networks": out})
	return nil
}

func (a *API) showTenantNetworkProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-tenant-networks:show")
	if err != nil {
		return err
	}
	n, err := a.svc.Network.GetNetwork(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return fromNeutron(err, "Network not found")
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"network": tenantNetworkView(n)})
	return nil
}
