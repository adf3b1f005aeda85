package network

import (
	"context"

	"novalite"
	"novalite/internal/store"
)

// What the server views need of the network, inside the caller's read
// transaction, in one query each whatever the number of servers.

// FloatingIPsByPortTx returns the floating addresses of each port.
func FloatingIPsByPortTx(ctx context.Context, tx *store.Tx, ports map[string][]novalite.Port) (map[string][]string, error) {
	var ids []string
	for _, ps := range ports {
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
	}
	return tx.FloatingIPAddressesByPorts(ctx, ids)
}

// SecurityGroupNamesTx returns the names of the groups of the ports, by id.
func SecurityGroupNamesTx(ctx context.Context, tx *store.Tx, ports map[string][]novalite.Port) (map[string]string, error) {
	seen := map[string]bool{}
	var ids []string
	for _, ps := range ports {
		for _, p := range ps {
			for _, g := range p.SecurityGroups {
				if !seen[g] {
					seen[g] = true
					ids = append(ids, g)
				}
			}
		}
	}
	return tx.SecurityGroupNames(ctx, ids)
}

// ServersByIPTx lists the servers with a fixed IP (v4, or v6) containing
// sub.
func ServersByIPTx(ctx context.Context, tx *store.Tx, sub string, v6 bool) ([]string, error) {
	return tx.ServerIDsByFixedIP(ctx, sub, v6)
}
