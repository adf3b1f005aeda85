package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

// externalNetworks maps the visible external networks by id; their names
// are Nova's floating IP pools.
func (a *API) externalNetworks(r *http.Request, c *novalite.Caller) ([]novalite.Network, error) {
	return a.svc.Network.ListNetworks(r.Context(), c, network.ListParams{Eq: map[string][]string{"router:external": {"true"}}})
}

// fipView is a floating IP as Nova's proxy showed it: the fixed address
// and the server when associated, else null.
type fipView struct {
	FixedIP    *string `json:"fixed_ip"`
	ID         string  `json:"id"`
	InstanceID *string `json:"instance_id"`
	IP         string  `json:"ip"`
	Pool       string  `json:"pool"`
}

func (a *API) fipViewOf(r *http.Request, c *novalite.Caller, f novalite.FloatingIP, pools map[string]string) fipView {
	v := fipView{ID: f.ID, IP: f.FloatingIPAddress, Pool: pools[f.FloatingNetworkID]}
	if f.PortID != "" {
		fixed := f.FixedIPAddress
		v.FixedIP = &fixed
		if p, err := a.svc.Network.GetPort(r.Context(), c, f.PortID); err == nil && p.DeviceID != "" {
			v.InstanceID = &p.DeviceID
		}
	}
	return v
}

// fipBody is the body of one floating IP.
type fipBody struct {
	FloatingIP fipView `json:"floating_ip"`
}

func (a *API) poolNames(r *http.Request, c *novalite.Caller) (map[string]string, error) {
	nets, err := a.externalNetworks(r, c)
	out := map[string]string{}
	for _, n := range nets {
		out[n.ID] = n.Name
	}
	return out, err
}

func (a *API) listFloatingIPsProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-floating-ips:list")
	if err != nil {
		return err
	}
	pools, err := a.poolNames(r, c)
	if err != nil {
		return err
	}
	fs, err := a.svc.Network.ListFloatingIPs(r.Context(), c, network.ListParams{Eq: map[string][]string{"project_id": {c.ProjectID}}})
	if err != nil {
		return err
	}
	out := struct {
		FloatingIPs []fipView `json:"floating_ips"`
	}{make([]fipView, len(fs))}
	for i, f := range fs {
		out.FloatingIPs[i] = a.fipViewOf(r, c, f, pools)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) showFloatingIPProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-floating-ips:show")
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	f, err := a.svc.Network.GetFloatingIP(r.Context(), c, id)
	if err != nil {
		return fromNeutron(err, "Floating IP not found for ID "+id)
	}
	pools, _ := a.poolNames(r, c)
	httpx.WriteJSON(w, http.StatusOK, fipBody{a.fipViewOf(r, c, f, pools)})
	return nil
}

func (a *API) createFloatingIPProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-floating-ips:create")
	if err != nil {
		return err
	}
	var body struct {
		Pool string `json:"pool"`
	}
	if _, err := httpx.ReadBody(r, &body, "Malformed request body"); err != nil {
		return err
	}
	nets, err := a.externalNetworks(r, c)
	if err != nil {
		return err
	}
	var pool *novalite.Network
	for i, n := range nets {
		if body.Pool == "" || n.Name == body.Pool || n.ID == body.Pool {
			pool = &nets[i]
			break
		}
	}
	if pool == nil {
		return novalite.Errorf(novalite.NotFound, "Floating IP pool not found.")
	}
	f, err := a.svc.Network.CreateFloatingIP(r.Context(), c, network.FloatingIPParams{FloatingNetworkID: &pool.ID})
	if novalite.KindOf(err) == novalite.Conflict {
		return novalite.Errorf(novalite.NotFound, "No more floating IPs in pool %s.", pool.Name)
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, fipBody{a.fipViewOf(r, c, f, map[string]string{pool.ID: pool.Name})})
	return nil
}

func (a *API) deleteFloatingIPProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-floating-ips:delete")
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := a.svc.Network.DeleteFloatingIP(r.Context(), c, id); err != nil {
		return fromNeutron(err, "Floating IP not found for ID "+id)
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func (a *API) listFloatingIPPoolsProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-floating-ip-pools")
	if err != nil {
		return err
	}
	nets, err := a.externalNetworks(r, c)
	if err != nil {
		return err
	}
	type pool struct {
		Name string `json:"name"`
	}
	out := struct {
		Pools []pool `json:"floating_ip_pools"`
	}{make([]pool, len(nets))}
	for i, n := range nets {
		out.Pools[i] = pool{n.Name}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// networkProxyView is Nova's network_dict for a Neutron network: the id
// and label, every nova-network field null.
func networkProxyView(n novalite.Network) map[string]any {
	v := map[string]any{"id": n.ID, "label": n.Name}
	for _, k := range []string{"bridge", "bridge_interface", "broadcast", "cidr", "cidr_v6", "created_at", "deleted",
		"deleted_at", "dhcp_server", "dhcp_start", "dns1", "dns2", "enable_dhcp", "gateway", "gateway_v6", "host",
		"injected", "mtu", "multi_host", "netmask", "netmask_v6", "priority", "project_id", "rxtx_base",
		"share_address", "updated_at", "vlan", "vpn_private_address", "vpn_public_address", "vpn_public_port"} {
		v[k] = nil
	}
	return v
}

// listNetworksOf is the list of a network proxy (os-networks,
// os-tenant-networks), each network shown by view.
func (a *API) listNetworksOf(rule string, view func(novalite.Network) map[string]any) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := proxy(r, rule)
		if err != nil {
			return err
		}
		nets, err := a.svc.Network.ListNetworks(r.Context(), c, network.ListParams{})
		if err != nil {
			return err
		}
		out := make([]map[string]any, len(nets))
		for i, n := range nets {
			out[i] = view(n)
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"networks": out})
		return nil
	}
}

// showNetworkOf is the show of a network proxy; notFound is its message.
func (a *API) showNetworkOf(rule, notFound string, view func(novalite.Network) map[string]any) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := proxy(r, rule)
		if err != nil {
			return err
		}
		n, err := a.svc.Network.GetNetwork(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return fromNeutron(err, notFound)
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"network": view(n)})
		return nil
	}
}
