package compute

import (
	"net/http"
	"net/netip"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
	"novalite/internal/compute"
	"novalite/internal/network"
)

// The addFloatingIp and removeFloatingIp actions (≤2.43; Nova's
// floating_ips.py), done through the network service like Nova's proxy.

var addFloatingIPSchema = schema.New("add_floating_ip", `{"type": "object", "properties": {
	"addFloatingIp": {"type": "object", "properties": {
		"address": {"type": "string"}, "fixed_address": {"type": "string"}},
		"required": ["address"], "additionalProperties": false}},
	"required": ["addFloatingIp"], "additionalProperties": false}`)

var removeFloatingIPSchema = schema.New("remove_floating_ip", `{"type": "object", "properties": {
	"removeFloatingIp": {"type": "object", "properties": {"address": {"type": "string"}},
		"required": ["address"], "additionalProperties": false}},
	"required": ["removeFloatingIp"], "additionalProperties": false}`)

// floatingIPByAddress finds one of the caller's floating IPs by address.
func (a *API) floatingIPByAddress(r *http.Request, addr string) (novalite.FloatingIP, error) {
	c := httpx.Caller(r.Context())
	fs, err := a.svc.Network.ListFloatingIPs(r.Context(), c, network.ListParams{
		Eq: map[string][]string{"floating_ip_address": {addr}}})
	if err != nil {
		return novalite.FloatingIP{}, err
	}
	if len(fs) == 0 {
		return novalite.FloatingIP{}, novalite.Errorf(novalite.NotFound, "floating IP not found")
	}
	return fs[0], nil
}

// addressValue is the value of the floating and fixed IP actions.
type addressValue struct {
	Address      string      `json:"address"`
	FixedAddress string      `json:"fixed_address"`
	NetworkID    looseString `json:"networkId"`
}

// actionValue validates an action's body against sch, a schema of the
// whole body, then decodes the action's value.
func actionValue[T any](act actionCall, sch *schema.Schema) (T, error) {
	var v T
	doc, err := schema.Decode([]byte(`{"` + string(act.name) + `": ` + string(act.raw) + `}`))
	if err != nil {
		return v, novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	if err := sch.Validate(doc); err != nil {
		return v, err
	}
	if err := unmarshal(act.raw, &v); err != nil {
		return v, novalite.Wrap(novalite.Invalid, err, "Malformed request body")
	}
	return v, nil
}

// floatingIPCall is an addFloatingIP or removeFloatingIP read: its
// body, the server, the floating IP it names and the server's ports.
type floatingIPCall struct {
	body  addressValue
	s     compute.ServerInfo
	fip   novalite.FloatingIP
	ports []novalite.Port
}

func (a *API) readFloatingIPCall(r *http.Request, act actionCall, sch *schema.Schema) (f floatingIPCall, err error) {
	if f.body, err = actionValue[addressValue](act, sch); err != nil {
		return f, err
	}
	if f.s, err = a.findServer(r, act.rule); err != nil {
		return f, err
	}
	if f.fip, err = a.floatingIPByAddress(r, f.body.Address); err != nil {
		return f, err
	}
	f.ports, err = a.svc.Compute.ServerInterfaces(r.Context(), httpx.Caller(r.Context()), f.s.ID)
	return f, err
}

func (a *API) addFloatingIP(w http.ResponseWriter, r *http.Request, act actionCall) error {
	f, err := a.readFloatingIPCall(r, act, addFloatingIPSchema)
	if err != nil {
		return err
	}
	s, fip, c := f.s, f.fip, httpx.Caller(r.Context())
	addr, fixed := f.body.Address, f.body.FixedAddress
	port, ip := "", ""
	for _, p := range f.ports {
		for _, fi := range p.FixedIPs {
			if (fixed == "" && isIPv4(fi.IPAddress) && port == "") || fi.IPAddress == fixed {
				port, ip = p.ID, fi.IPAddress
			}
		}
	}
	if port == "" {
		if fixed != "" {
			return novalite.Errorf(novalite.Invalid, "Specified fixed address not assigned to instance")
		}
		return novalite.Errorf(novalite.Invalid, "No nw_info cache associated with instance")
	}
	if _, err := a.svc.Network.UpdateFloatingIP(r.Context(), c, fip.ID,
		network.FloatingIPParams{PortID: &port, FixedIPAddress: &ip}); err != nil {
		return novalite.Wrap(novalite.Invalid, err, "Unable to associate floating IP "+addr+" to fixed IP "+ip+" for instance "+s.ID+". Error: "+novalite.MessageOf(err))
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

func (a *API) removeFloatingIP(w http.ResponseWriter, r *http.Request, act actionCall) error {
	f, err := a.readFloatingIPCall(r, act, removeFloatingIPSchema)
	if err != nil {
		return err
	}
	s, fip, addr, c := f.s, f.fip, f.body.Address, httpx.Caller(r.Context())
	mine := false
	for _, p := range f.ports {
		mine = mine || (fip.PortID != "" && p.ID == fip.PortID)
	}
	if !mine {
		return novalite.Errorf(novalite.Conflict, "Floating IP %s is not associated with instance %s.", addr, s.ID)
	}
	none := ""
	if _, err := a.svc.Network.UpdateFloatingIP(r.Context(), c, fip.ID, network.FloatingIPParams{PortID: &none}); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}
