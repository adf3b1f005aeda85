package network

import (
	"context"
	"encoding/json"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

func routerView(rt novalite.Router) map[string]any {
	var gw any
	if rt.GatewayNetworkID != "" {
		ips := rt.GatewayIPs
		if ips == nil {
			ips = []novalite.FixedIP{}
		}
		gw = map[string]any{"network_id": rt.GatewayNetworkID, "enable_snat": rt.EnableSNAT, "external_fixed_ips": ips}
	}
	return common(map[string]any{"id": rt.ID, "name": rt.Name, "description": rt.Description,
		"admin_state_up": rt.AdminStateUp, "status": rt.Status, "external_gateway_info": gw, "routes": []any{},
		"distributed": false, "ha": false, "flavor_id": nil, "availability_zones": []string{"nova"},
		"availability_zone_hints": []string{}, "enable_ndp_proxy": nil}, rt.ProjectID, rt.CreatedAt, rt.UpdatedAt)
}

// routers are the handlers of /v2.0/routers.
func (a *API) routers() crud {
	return serve(a, "routers", resource[novalite.Router, network.RouterParams]{id: func(x novalite.Router) string { return x.ID },
		view: anyone(routerView), read: forAction(readRouter), list: listed(a.svc.ListRouters), get: a.svc.GetRouter,
		create: a.svc.CreateRouter, update: a.svc.UpdateRouter, del: a.svc.DeleteRouter})
}

type gatewayBody struct {
	NetworkID  string        `json:"network_id"`
	EnableSNAT *bool         `json:"enable_snat"`
	FixedIPs   []fixedIPBody `json:"external_fixed_ips"`
}

func readRouter(r *http.Request) (network.RouterParams, error) {
	var p network.RouterParams
	var gw *gatewayBody
	t := targets{"name": &p.Name, "description": &p.Description, "project_id": &p.ProjectID,
		"admin_state_up": &p.AdminStateUp, "external_gateway_info": &gw, "distributed": nil, "ha": nil,
		"availability_zone_hints": nil, "flavor_id": nil, "routes": nil}
	attrs, err := decodeResource(r, "router", t)
	if err != nil {
		return p, err
	}
	if _, given := attrs["external_gateway_info"]; given {
		p.Gateway = novalite.Nullable[network.Gateway]{Set: true, Null: true}
		if gw != nil && gw.NetworkID != "" {
			g := network.Gateway{NetworkID: gw.NetworkID, EnableSNAT: gw.EnableSNAT}
			for _, ip := range gw.FixedIPs {
				g.FixedIPs = append(g.FixedIPs, network.FixedIPRequest{SubnetID: ip.SubnetID, IPAddress: ip.IPAddress})
			}
			p.Gateway = novalite.NullableOf(g)
		}
	}
	return p, nil
}

// interfaceBody reads {"subnet_id"} or {"port_id"} (not wrapped).
func interfaceBody(r *http.Request) (ref network.InterfaceRef, err error) {
	var b map[string]json.RawMessage
	null, err := httpx.ReadBody(r, &b, "Invalid JSON in request body")
	if err != nil {
		return ref, err
	}
	if null {
		return ref, badRequest("Resource body required")
	}
	_ = json.Unmarshal(b["subnet_id"], &ref.SubnetID)
	_ = json.Unmarshal(b["port_id"], &ref.PortID)
	return ref, nil
}

func interfaceView(ri network.RouterInterface) map[string]any {
	return map[string]any{"id": ri.RouterID, "tenant_id": ri.ProjectID, "project_id": ri.ProjectID, "port_id": ri.PortID,
		"subnet_id": ri.SubnetID, "subnet_ids": orEmpty(ri.SubnetIDs), "network_id": ri.NetworkID}
}

func (a *API) addRouterInterface(w http.ResponseWriter, r *http.Request) error {
	return a.routerInterface(w, r, a.svc.AddRouterInterface)
}

func (a *API) removeRouterInterface(w http.ResponseWriter, r *http.Request) error {
	return a.routerInterface(w, r, a.svc.RemoveRouterInterface)
}

// routerInterface is PUT /v2.0/routers/{id}/{add,remove}_router_interface.
func (a *API) routerInterface(w http.ResponseWriter, r *http.Request,
	op func(context.Context, *novalite.Caller, string, network.InterfaceRef) (network.RouterInterface, error)) error {
	ref, err := interfaceBody(r)
	if err != nil {
		return err
	}
	ri, err := op(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), ref)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, interfaceView(ri))
	return nil
}
