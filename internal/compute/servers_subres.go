package compute

import (
	"context"
	"slices"
	"strings"
	"time"

	"novalite"
	"novalite/internal/network"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// The read-mostly sub-resources of a server: its password, its
// diagnostics and the security groups of its ports.

// ClearServerPassword forgets the encrypted password the guest posted
// (the guest's own password does not change).
func (s *Service) ClearServerPassword(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		return tx.InstanceSetEncryptedPassword(ctx, v.InternalID, "")
	})
}

// Diagnostics is what novalite knows of a running server from its row,
// its flavor and its ports, with what its host measured (Measured; nil
// when the driver measures nothing or the host did not answer: the
// counters are unknown, null in the views).
type Diagnostics struct {
	State       string // Nova's power state name: running, paused, …
	ConfigDrive bool
	Uptime      int // seconds since launch
	CPUs        int
	MemoryMB    int
	Disks       int
	MACs        []string
	Measured    *virt.Diagnostics
}

// powerStateNames is nova.compute.power_state.STATE_MAP.
var powerStateNames = map[novalite.PowerState]string{
	novalite.PowerNoState: "pending", novalite.PowerRunning: "running", novalite.PowerPaused: "paused",
	novalite.PowerShutdown: "shutdown", novalite.PowerCrashed: "crashed", novalite.PowerSuspended: "suspended",
}

// ServerDiagnostics applies Nova's checks (a host, then a running guest;
// 409 otherwise), describes the server and asks its host to measure it.
func (s *Service) ServerDiagnostics(ctx context.Context, info ServerInfo) (Diagnostics, error) {
	v := info.Server
	if v.Host == "" {
		return Diagnostics{}, novalite.Errorf(novalite.Conflict, "Instance %s is not ready", v.ID)
	}
	if v.PowerState != novalite.PowerRunning {
		return Diagnostics{}, novalite.Errorf(novalite.Conflict, "Cannot 'get_diagnostics' instance %s while it is in power state %s",
			v.ID, powerStateNames[v.PowerState])
	}
	d := Diagnostics{State: powerStateNames[v.PowerState], ConfigDrive: v.ConfigDrive, CPUs: v.Flavor.VCPUs,
		MemoryMB: v.Flavor.MemoryMB, Disks: 1}
	if !v.LaunchedAt.IsZero() {
		d.Uptime = int(s.now().Sub(v.LaunchedAt) / time.Second)
	}
	if v.Flavor.EphemeralG > 0 {
		d.Disks++
	}
	if v.Flavor.SwapMB > 0 {
		d.Disks++
	}
	for _, a := range info.Addresses {
		if a.Type == "fixed" && !slices.Contains(d.MACs, a.MAC) {
			d.MACs = append(d.MACs, a.MAC)
		}
	}
	if s.Diagnosers != nil {
		// Whatever keeps the host from measuring (a driver without
		// counters, a host down or slow, a guest gone meanwhile) leaves
		// the counters unknown rather than failing the request.
		mctx, cancel := context.WithTimeout(ctx, diagnosticsTimeout)
		m, err := s.Diagnosers.Diagnostics(mctx, v.Host, virt.Instance{ID: v.ID})
		cancel()
		if ctx.Err() != nil {
			return Diagnostics{}, ctx.Err()
		}
		if err == nil {
			d.Measured = &m
		}
	}
	return d, nil
}

// ServerSecurityGroups returns the security groups of a server's ports,
// with their rules, ordered by project then name (Nova's order), and the
// groups the rules refer to (by id) for naming them.
func (s *Service) ServerSecurityGroups(ctx context.Context, c *novalite.Caller, id string) ([]novalite.SecurityGroup, map[string]novalite.SecurityGroup, error) {
	var groups []novalite.SecurityGroup
	byID := map[string]novalite.SecurityGroup{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		if _, err := s.getServer(ctx, tx, c, id); err != nil {
			return err
		}
		ports, err := network.ServerPortsTx(ctx, tx, []string{id})
		if err != nil {
			return err
		}
		var ids []string
		for _, p := range ports[id] {
			for _, g := range p.SecurityGroups {
				if !slices.Contains(ids, g) {
					ids = append(ids, g)
				}
			}
		}
		if groups, err = groupsByIDs(ctx, tx, ids); err != nil {
			return err
		}
		var remote []string
		for _, g := range groups {
			byID[g.ID] = g
		}
		for _, g := range groups {
			for _, r := range g.Rules {
				if r.RemoteGroupID != "" && byID[r.RemoteGroupID].ID == "" && !slices.Contains(remote, r.RemoteGroupID) {
					remote = append(remote, r.RemoteGroupID)
				}
			}
		}
		others, err := groupsByIDs(ctx, tx, remote)
		for _, g := range others {
			byID[g.ID] = g
		}
		return err
	})
	slices.SortFunc(groups, func(a, b novalite.SecurityGroup) int {
		if c := strings.Compare(a.ProjectID, b.ProjectID); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return groups, byID, err
}

func groupsByIDs(ctx context.Context, tx *store.Tx, ids []string) ([]novalite.SecurityGroup, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return tx.SecurityGroupList(ctx, store.NetFilter{Admin: true, Eq: map[string][]string{"id": ids}})
}
