package network

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

func fipView(f novalite.FloatingIP) map[string]any {
	return common(map[string]any{"id": f.ID, "description": f.Description, "floating_network_id": f.FloatingNetworkID,
		"floating_ip_address": f.FloatingIPAddress, "port_id": nullable(f.PortID), "fixed_ip_address": nullable(f.FixedIPAddress),
		"router_id": nullable(f.RouterID), "status": f.Status, "port_details": nil, "dns_domain": "", "dns_name": "",
		"qos_policy_id": nil, "port_forwardings": []any{}}, f.ProjectID, f.CreatedAt, f.UpdatedAt)
}

func readFIP(r *http.Request) (network.FloatingIPParams, error) {
	var p network.FloatingIPParams
	t := targets{"floating_network_id": &p.FloatingNetworkID, "floating_ip_address": &p.FloatingIPAddress,
		"subnet_id": &p.SubnetID, "project_id": &p.ProjectID, "port_id": &p.PortID, "fixed_ip_address": &p.FixedIPAddress,
		"description": &p.Description, "dns_domain": nil, "dns_name": nil, "qos_policy_id": nil}
	attrs, err := decodeResource(r, "floatingip", t)
	if err == nil && isNull(attrs, "port_id") {
		empty := ""
		p.PortID = &empty
	}
	return p, err
}

func (a *API) listFloatingIPs(w http.ResponseWriter, r *http.Request) error {
	p, err := listParams(r)
	if err != nil {
		return err
	}
	fs, err := a.svc.ListFloatingIPs(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	items := make([]map[string]any, len(fs))
	for i, f := range fs {
		items[i] = fipView(f)
	}
	return a.render(w, r, "floatingips", items, p, func(i int) string { return fs[i].ID })
}

func (a *API) showFloatingIP(w http.ResponseWriter, r *http.Request) error {
	f, err := a.svc.GetFloatingIP(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.showOne(w, r, "floatingip", fipView(f), http.StatusOK)
}

func (a *API) createFloatingIP(w http.ResponseWriter, r *http.Request) error {
	p, err := readFIP(r)
	if err != nil {
		return err
	}
	f, err := a.svc.CreateFloatingIP(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	return a.showOne(w, r, "floatingip", fipView(f), http.StatusCreated)
}

func (a *API) updateFloatingIP(w http.ResponseWriter, r *http.Request) error {
	p, err := readFIP(r)
	if err != nil {
		return err
	}
	f, err := a.svc.UpdateFloatingIP(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return a.showOne(w, r, "floatingip", fipView(f), http.StatusOK)
}

func (a *API) deleteFloatingIP(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteFloatingIP(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
