package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// /servers/{id}/os-interface[/{port_id}]
// (nova/api/openstack/compute/attach_interfaces.py): the server's ports.

// interfaceView is a port as an interface attachment.
type interfaceView struct {
	FixedIPs  []interfaceIP     `json:"fixed_ips"`
	MACAddr   string            `json:"mac_addr"`
	NetID     string            `json:"net_id"`
	PortID    string            `json:"port_id"`
	PortState string            `json:"port_state"`
	Tag       Optional[*string] `json:"tag,omitzero"` // 2.70, never kept: null
}

// interfaceIP is one fixed address of an interface.
type interfaceIP struct {
	IPAddress string `json:"ip_address"`
	SubnetID  string `json:"subnet_id"`
}

func interfaceViewOf(r *http.Request, p novalite.Port) interfaceView {
	ips := make([]interfaceIP, len(p.FixedIPs))
	for i, ip := range p.FixedIPs {
		ips[i] = interfaceIP{IPAddress: ip.IPAddress, SubnetID: ip.SubnetID}
	}
	return interfaceView{FixedIPs: ips, MACAddr: p.MACAddress, NetID: p.NetworkID, PortID: p.ID,
		PortState: p.Status, Tag: optIf[*string](requestMV(r).AtLeast(2, 70), nil)}
}

// interfaceBody is the body of one interface.
type interfaceBody struct {
	InterfaceAttachment interfaceView `json:"interfaceAttachment"`
}

// interfaceServer looks the server up (404) and then checks rule (403).
func (a *API) interfaceServer(r *http.Request, rule string) (compute.ServerInfo, error) {
	s, err := a.svc.Compute.GetServer(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return s, err
	}
	return s, policy.Authorize(httpx.Caller(r.Context()), rule, policy.Target{ProjectID: s.ProjectID})
}

func (a *API) listServerInterfaces(w http.ResponseWriter, r *http.Request) error {
	s, err := a.interfaceServer(r, "os_compute_api:os-attach-interfaces:list")
	if err != nil {
		return err
	}
	ports, err := a.svc.Compute.ServerInterfaces(r.Context(), httpx.Caller(r.Context()), s.ID)
	if err != nil {
		return err
	}
	out := struct {
		InterfaceAttachments []interfaceView `json:"interfaceAttachments"`
	}{make([]interfaceView, len(ports))}
	for i, p := range ports {
		out.InterfaceAttachments[i] = interfaceViewOf(r, p)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) showServerInterface(w http.ResponseWriter, r *http.Request) error {
	s, err := a.interfaceServer(r, "os_compute_api:os-attach-interfaces:show")
	if err != nil {
		return err
	}
	ports, err := a.svc.Compute.ServerInterfaces(r.Context(), httpx.Caller(r.Context()), s.ID)
	if err != nil {
		return err
	}
	for _, p := range ports {
		if p.ID == r.PathValue("port_id") {
			httpx.WriteJSON(w, http.StatusOK, interfaceBody{interfaceViewOf(r, p)})
			return nil
		}
	}
	return novalite.Errorf(novalite.NotFound, "Instance %s does not have a port with id %s", s.ID, r.PathValue("port_id"))
}

var attachSchema = schema.New("attach_interface", `{
	"type": "object",
	"properties": {"interfaceAttachment": {"type": "object", "properties": {
		"port_id": {"type": "string", "format": "uuid"},
		"net_id": {"type": "string", "format": "uuid"},
		"fixed_ips": {"type": "array", "minItems": 1, "maxItems": 1, "items": {"type": "object",
			"properties": {"ip_address": {"type": "string"}}, "required": ["ip_address"],
			"additionalProperties": false}},
		"tag": {"type": "string", "minLength": 1, "maxLength": 60}},
		"additionalProperties": false}},
	"additionalProperties": false
}`)

func (a *API) attachServerInterface(w http.ResponseWriter, r *http.Request) error {
	body, err := decodeRequest[struct {
		InterfaceAttachment struct {
			PortID   string `json:"port_id"`
			NetID    string `json:"net_id"`
			FixedIPs []struct {
				IPAddress string `json:"ip_address"`
			} `json:"fixed_ips"`
		} `json:"interfaceAttachment"`
	}](r, attachSchema)
	if err != nil {
		return err
	}
	s, err := a.interfaceServer(r, "os_compute_api:os-attach-interfaces:create")
	if err != nil {
		return err
	}
	ia := body.InterfaceAttachment
	p := compute.AttachInterfaceParams{ServerID: s.ID, PortID: ia.PortID, NetworkID: ia.NetID}
	if len(ia.FixedIPs) > 0 {
		p.FixedIP = ia.FixedIPs[0].IPAddress
	}
	if p.PortID != "" && (p.NetworkID != "" || p.FixedIP != "") {
		return novalite.Errorf(novalite.Invalid, "Must not input both network_id and port_id")
	}
	if p.FixedIP != "" && p.NetworkID == "" {
		return novalite.Errorf(novalite.Invalid, "Must input network_id when request IP address")
	}
	port, err := a.svc.Compute.AttachInterface(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, interfaceBody{interfaceViewOf(r, port)})
	return nil
}

func (a *API) detachServerInterface(w http.ResponseWriter, r *http.Request) error {
	s, err := a.interfaceServer(r, "os_compute_api:os-attach-interfaces:delete")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.DetachInterface(r.Context(), httpx.Caller(r.Context()), s.ID,
		r.PathValue("port_id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}
