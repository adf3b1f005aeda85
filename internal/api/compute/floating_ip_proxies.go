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

// networkProxy is Nova's network_dict for a Neutron network: the id
// and label, every nova-network field null.
type networkProxy struct {
	Bridge            *string `json:"bridge"`
	BridgeInterface   *string `json:"bridge_interface"`
	Broadcast         *string `json:"broadcast"`
	CIDR              *string `json:"cidr"`
	CIDRv6            *string `json:"cidr_v6"`
	CreatedAt         *string `json:"created_at"`
	Deleted           *string `json:"deleted"`
	DeletedAt         *string `json:"deleted_at"`
	DHCPServer        *string `json:"dhcp_server"`
	DHCPStart         *string `json:"dhcp_start"`
	DNS1              *string `json:"dns1"`
	DNS2              *string `json:"dns2"`
	EnableDHCP        *string `json:"enable_dhcp"`
	Gateway           *string `json:"gateway"`
	Gatewayv6         *string `json:"gateway_v6"`
	Host              *string `json:"host"`
	ID                string  `json:"id"`
	Injected          *string `json:"injected"`
	Label             string  `json:"label"`
	MTU               *string `json:"mtu"`
	MultiHost         *string `json:"multi_host"`
	Netmask           *string `json:"netmask"`
	Netmaskv6         *string `json:"netmask_v6"`
	Priority          *string `json:"priority"`
	ProjectID         *string `json:"project_id"`
	RxtxBase          *string `json:"rxtx_base"`
	ShareAddress      *string `json:"share_address"`
	UpdatedAt         *string `json:"updated_at"`
	VLAN              *string `json:"vlan"`
	VPNPrivateAddress *string `json:"vpn_private_address"`
	VPNPublicAddress  *string `json:"vpn_public_address"`
	VPNPublicPort     *string `json:"vpn_public_port"`
}

func networkProxyView(n novalite.Network) networkProxy {
	return networkProxy{ID: n.ID, Label: n.Name}
}

// listNetworksOf is the list of a network proxy (os-networks,
// os-tenant-networks), each network shown by view.
func listNetworksOf[T any](a *API, rule string, view func(novalite.Network) T) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := proxy(r, rule)
		if err != nil {
			return err
		}
		nets, err := a.svc.Network.ListNetworks(r.Context(), c, network.ListParams{})
		if err != nil {
			return err
		}
		out := struct {
			Networks []T `json:"networks"`
		}{make([]T, len(nets))}
		for i, n := range nets {
			out.Networks[i] = view(n)
		}
		httpx.WriteJSON(w, http.StatusOK, out)
		return nil
	}
}

// showNetworkOf is the show of a network proxy; notFound is its message.
func showNetworkOf[T any](a *API, rule, notFound string, view func(novalite.Network) T) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := proxy(r, rule)
		if err != nil {
			return err
		}
		n, err := a.svc.Network.GetNetwork(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return fromNeutron(err, notFound)
		}
		httpx.WriteJSON(w, http.StatusOK, struct {
			Network T `json:"network"`
		}{view(n)})
		return nil
	}
}
