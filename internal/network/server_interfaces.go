package network

import (
	"context"

	"novalite"
	"novalite/internal/store"
)

// ReleaseServerPort detaches one port from a server inside tx: a port
// made for the server is deleted, one the user passed in is unbound.
// NotFound (Reason PortNotFound) when the port is not the server's.
func (s *Service) ReleaseServerPort(ctx context.Context, tx *store.Tx, serverID, portID string) error {
	p, err := tx.PortGet(ctx, portID)
	if novalite.IsKind(err, novalite.NotFound) || (err == nil && p.DeviceID != serverID) {
		return nerr(novalite.NotFound, "PortNotFound", "Port %s could not be found.", portID)
	}
	if err != nil {
		return err
	}
	if p.ServerOwned {
		return s.deletePort(ctx, tx, p.ID)
	}
	p.DeviceID, p.DeviceOwner, p.HostID = "", "", ""
	p.Status, p.UpdatedAt = portStatus(p), s.stamp()
	return tx.PortUpdate(ctx, p)
}
