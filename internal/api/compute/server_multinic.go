package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
	"novalite/internal/network"
	"novalite/internal/policy"
)

// The addFixedIp and removeFixedIp actions (≤2.43; Nova's multinic.py)
// and resetNetwork (gone). Nova checks the lock and casts the work to the
// compute host, so the answer is 202 whether or not the host then
// manages it; novalite does the work through the network service at once
// and, like Nova's API, does not report its failures.

var addFixedIPSchema = schema.New("add_fixed_ip", `{"type": "object", "properties": {
	"addFixedIp": {"type": "object", "properties": {
		"networkId": {"type": ["string", "number"], "minLength": 1, "maxLength": 36}},
		"required": ["networkId"], "additionalProperties": false}},
	"required": ["addFixedIp"], "additionalProperties": false}`)

var removeFixedIPSchema = schema.New("remove_fixed_ip", `{"type": "object", "properties": {
	"removeFixedIp": {"type": "object", "properties": {
		"address": {"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]}},
		"required": ["address"], "additionalProperties": false}},
	"required": ["removeFixedIp"], "additionalProperties": false}`)

// fixedIPServer finds the server, checks the policy and Nova's
// check_instance_lock.
func (a *API) fixedIPServer(r *http.Request, act actionCall) (string, error) {
	s, err := a.findServer(r, act.rule)
	if err != nil {
		return "", err
	}
	if s.Locked && !policy.IsAdmin(httpx.Caller(r.Context())) {
		return "", novalite.Errorf(novalite.Conflict, "Instance %s is locked", s.ID)
	}
	return s.ID, nil
}

// addFixedIP gives the server's first port on the network one more
// address, from the first of the network's subnets that has room
// (nova/network/neutron.py add_fixed_ip_to_instance).
func (a *API) addFixedIP(w http.ResponseWriter, r *http.Request, act actionCall) error {
	body, err := actionValue[addressValue](act, addFixedIPSchema)
	if err != nil {
		return err
	}
	id, err := a.fixedIPServer(r, act)
	if err != nil {
		return err
	}
	netID := string(body.NetworkID)
	c := httpx.Caller(r.Context())
	ports, err := a.svc.Compute.ServerInterfaces(r.Context(), c, id)
	if err != nil {
		return err
	}
	subnets, err := a.svc.Network.ListSubnets(r.Context(), c, network.ListParams{Eq: map[string][]string{"network_id": {netID}}})
	if err != nil {
		return err
	}
	for _, p := range ports {
		if p.NetworkID != netID {
			continue
		}
		done := false
		for _, sn := range subnets {
			reqs := keepFixedIPs(p)
			reqs = append(reqs, network.FixedIPRequest{SubnetID: sn.ID})
			if _, err := a.svc.Network.UpdatePort(r.Context(), c, p.ID, network.PortParams{FixedIPs: &reqs}); err == nil {
				done = true
				break
			}
		}
		if done {
			break
		}
	}
	return accepted(w)
}

// removeFixedIP takes the address off whichever of the server's ports
// holds it (nova/network/neutron.py remove_fixed_ip_from_instance).
func (a *API) removeFixedIP(w http.ResponseWriter, r *http.Request, act actionCall) error {
	body, err := actionValue[addressValue](act, removeFixedIPSchema)
	if err != nil {
		return err
	}
	id, err := a.fixedIPServer(r, act)
	if err != nil {
		return err
	}
	addr := body.Address
	c := httpx.Caller(r.Context())
	ports, err := a.svc.Compute.ServerInterfaces(r.Context(), c, id)
	if err != nil {
		return err
	}
	for _, p := range ports {
		kept := []network.FixedIPRequest{}
		found := false
		for _, req := range keepFixedIPs(p) {
			if req.IPAddress == addr {
				found = true
				continue
			}
			kept = append(kept, req)
		}
		if found {
			_, _ = a.svc.Network.UpdatePort(r.Context(), c, p.ID, network.PortParams{FixedIPs: &kept})
			break
		}
	}
	return accepted(w)
}

// keepFixedIPs asks for a port's present addresses again.
func keepFixedIPs(p novalite.Port) []network.FixedIPRequest {
	out := make([]network.FixedIPRequest, 0, len(p.FixedIPs)+1)
	for _, ip := range p.FixedIPs {
		out = append(out, network.FixedIPRequest{SubnetID: ip.SubnetID, IPAddress: ip.IPAddress})
	}
	return out
}

// resetNetwork went with nova-network: 410 at every microversion, before
// any look-up (admin_actions.py raises HTTPGone at once).
func (a *API) resetNetwork(w http.ResponseWriter, r *http.Request, act actionCall) error {
	return gone(w, r)
}
