package compute

import (
	"context"

	"novalite"
	"novalite/internal/network"
	"novalite/internal/store"
)

// Interfaces of a server (os-interface): its ports in the network
// service. Attach and detach are done at once in the server's row
// transaction; the simulated hosts need no hot-plug step.

// interfaceCheck is Nova's state check for attach_interface and
// detach_interface (nova/compute/api.py).
var interfaceCheck = stateCheck{vm: []novalite.VMState{novalite.VMActive, novalite.VMPaused,
	novalite.VMStopped, novalite.VMSuspended}, task: idle}

// ServerInterfaces returns the ports of a server the caller may see.
func (s *Service) ServerInterfaces(ctx context.Context, c *novalite.Caller, id string) ([]novalite.Port, error) {
	var out []novalite.Port
	err := s.db.View(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		ports, err := network.ServerPortsTx(ctx, tx, []string{v.ID})
		out = ports[v.ID]
		return err
	})
	return out, err
}

// AttachInterfaceParams is a validated POST /servers/{id}/os-interface.
type AttachInterfaceParams struct {
	ServerID                   string
	NetworkID, PortID, FixedIP string
}

// AttachInterface makes (or binds) a port for a server.
func (s *Service) AttachInterface(ctx context.Context, c *novalite.Caller, p AttachInterfaceParams) (novalite.Port, error) {
	var port novalite.Port
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.interfaceTarget(ctx, tx, c, p.ServerID, "attach_interface")
		if err != nil {
			return err
		}
		if s.Network == nil {
			return novalite.Errorf(novalite.Invalid, "Network %s could not be found.", p.NetworkID)
		}
		if _, err := recordAction(ctx, tx, c, v, "attach_interface", s.now().UTC()); err != nil {
			return err
		}
		req := network.PortRequest{NetworkID: p.NetworkID, PortID: p.PortID, FixedIP: p.FixedIP}
		if p.NetworkID == "" && p.PortID == "" {
			n, err := s.Network.AutoNetwork(ctx, tx, c)
			if err != nil {
				return novalite.Errorf(novalite.Invalid, "Unable to automatically allocate a network for project %s", c.ProjectID)
			}
			req.NetworkID = n.ID
		}
		ports, err := s.Network.AllocatePorts(ctx, tx, network.PortRequestParams{Caller: c, ServerID: v.ID,
			HostID: v.Host, AvailabilityZone: v.AvailabilityZone, Requests: []network.PortRequest{req}})
		if err != nil {
			return attachError(err, req)
		}
		port = ports[0]
		return nil
	})
	return port, err
}

// DetachInterface removes one of a server's ports.
func (s *Service) DetachInterface(ctx context.Context, c *novalite.Caller, serverID, portID string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.interfaceTarget(ctx, tx, c, serverID, "detach_interface")
		if err != nil {
			return err
		}
		if _, err := recordAction(ctx, tx, c, v, "detach_interface", s.now().UTC()); err != nil {
			return err
		}
		if s.Network == nil {
			return novalite.Errorf(novalite.NotFound, "Port id %s could not be found.", portID)
		}
		err = s.Network.ReleaseServerPort(ctx, tx, v.ID, portID)
		if novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.NotFound, "Port id %s could not be found.", portID)
		}
		return err
	})
}

// interfaceTarget loads a server for attach/detach: lock, then state.
func (s *Service) interfaceTarget(ctx context.Context, tx *store.Tx, c *novalite.Caller, id, action string) (novalite.Server, error) {
	v, err := s.unlockedServer(ctx, tx, c, id)
	if err != nil {
		return v, err
	}
	return v, interfaceCheck.failure(action, v)
}

// attachError words Neutron's refusals as create does, except that a
// network or port not found is 404 on attach (nova/api/openstack/compute/
// attach_interfaces.py), not create's 400.
func attachError(err error, req network.PortRequest) error {
	nova := novaNetworkError(err, []network.PortRequest{req})
	switch reason(err) {
	case "NetworkNotFound", "PortNotFound":
		return &novalite.Error{Kind: novalite.NotFound, Message: novalite.MessageOf(nova), Err: err}
	}
	return nova
}
