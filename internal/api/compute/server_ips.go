package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/compute"
)

// /servers/{id}/ips[/{network}] (nova/api/openstack/compute/ips.py) and
// GET /servers/{id}/os-security-groups: views of the server's ports, as
// the network service holds them.

// ipsByNetwork groups a server's addresses by network label, fixed IPs
// before floating ones within each network (Nova's views/ips.py).
func ipsByNetwork(s compute.ServerInfo) map[string][]addressView {
	out := map[string][]addressView{}
	for _, kind := range []string{"fixed", "floating"} {
		for _, ad := range s.Addresses {
			if ad.Type == kind {
				out[ad.Network] = append(out[ad.Network], addressView{Addr: ad.Addr, Version: ad.Version})
			}
		}
	}
	return out
}

// addressView is one address of a server on a network.
type addressView struct {
	Addr    string `json:"addr"`
	Version int    `json:"version"`
}

// listServerIPs is GET /servers/{id}/ips.
func (a *API) listServerIPs(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServerSub(r, "os_compute_api:ips:index")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Addresses map[string][]addressView `json:"addresses"`
	}{ipsByNetwork(s)})
	return nil
}

// showServerIPs is GET /servers/{id}/ips/{network}.
func (a *API) showServerIPs(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServerSub(r, "os_compute_api:ips:show")
	if err != nil {
		return err
	}
	label := r.PathValue("network")
	ips, ok := ipsByNetwork(s)[label]
	if !ok {
		return novalite.Errorf(novalite.NotFound, "Instance is not a member of specified network")
	}
	httpx.WriteJSON(w, http.StatusOK, map[string][]addressView{label: ips})
	return nil
}

// listServerSecurityGroups is GET /servers/{id}/os-security-groups: the
// groups of the server's ports in Nova's proxy format.
func (a *API) listServerSecurityGroups(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServerSub(r, "os_compute_api:os-security-groups:list")
	if err != nil {
		return err
	}
	groups, byID, err := a.svc.Compute.ServerSecurityGroups(r.Context(), httpx.Caller(r.Context()), s.ID)
	if err != nil {
		return err
	}
	out := sgList{make([]sgView, len(groups))}
	for i, g := range groups {
		out.SecurityGroups[i] = sgViewOf(g, byID)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
