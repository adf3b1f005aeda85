package compute

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
)

// Binaries of the services novalite shows (Nova's os-services).
const (
	BinaryCompute   = "nova-compute"
	binaryScheduler = "nova-scheduler"
	binaryConductor = "nova-conductor"
)

// ServiceInfo is one Nova service as os-services, os-hosts and the
// hypervisors' service field show it. Compute services are the compute
// hosts; the controller runs a scheduler and a conductor.
type ServiceInfo struct {
	ID             int64
	UUID           string
	Binary         string
	Host           string
	Zone           string
	Disabled       bool
	DisabledReason string // "" = null
	ForcedDown     bool
	Up             bool
	UpdatedAt      time.Time
	Node           *novalite.ComputeNode // compute services only
}

// controllerServices are the controller's services, ids 1 and 2; compute
// services follow them (id = host id + 2).
var controllerServices = []string{binaryConductor, binaryScheduler}

func controllerServiceUUID(binary string) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte(controllerHost+"/"+binary)).String()
}

// ComputeServiceOf is the nova-compute service of a host at now.
func (s *Service) ComputeServiceOf(n novalite.ComputeNode, now time.Time) ServiceInfo {
	n2 := n
	return ServiceInfo{ID: n.ID + int64(len(controllerServices)), UUID: n.ServiceUUID, Binary: BinaryCompute,
		Host: n.Host, Zone: n.AvailabilityZone, Disabled: n.Disabled, DisabledReason: n.DisabledReason,
		ForcedDown: n.ForcedDown, Up: alive(n, now, s.downTime),
		UpdatedAt: n.HeartbeatAt, Node: &n2}
}

// ComputeHosts returns every compute host by name.
func (s *Service) ComputeHosts(ctx context.Context) (nodes []novalite.ComputeNode, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		nodes, err = tx.ComputeNodeList(ctx, nil)
		return err
	})
	return nodes, err
}

// Services lists the controller's services then each compute host's.
func (s *Service) Services(ctx context.Context) ([]ServiceInfo, error) {
	nodes, err := s.ComputeHosts(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	out := make([]ServiceInfo, 0, len(nodes)+len(controllerServices))
	for i, b := range controllerServices {
		out = append(out, ServiceInfo{ID: int64(i + 1), UUID: controllerServiceUUID(b), Binary: b,
			Host: controllerHost, Zone: internalZone, Up: true, UpdatedAt: now.Truncate(time.Second)})
	}
	for _, n := range nodes {
		out = append(out, s.ComputeServiceOf(n, now))
	}
	return out, nil
}

// ServiceByID finds a service by its integer id (byUUID false) or uuid.
func (s *Service) ServiceByID(ctx context.Context, id string, byUUID bool) (ServiceInfo, bool, error) {
	list, err := s.Services(ctx)
	if err != nil {
		return ServiceInfo{}, false, err
	}
	for _, v := range list {
		if (byUUID && v.UUID == id) || (!byUUID && fmt.Sprint(v.ID) == id) {
			return v, true, nil
		}
	}
	return ServiceInfo{}, false, nil
}

// UpdateComputeService changes a nova-compute service: enabled state
// (and reason) and forced down. It reports whether the host exists and
// returns the service as it is now.
func (s *Service) UpdateComputeService(ctx context.Context, host string, u novalite.ComputeServiceUpdate) (ServiceInfo, bool, error) {
	var v ServiceInfo
	found := false
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		ok, err := tx.ComputeNodeUpdateService(ctx, host, u)
		if err != nil || !ok {
			return err
		}
		n, err := tx.ComputeNodeGet(ctx, host)
		if err != nil {
			return err
		}
		found, v = true, s.ComputeServiceOf(n, s.now().UTC())
		if u.Disabled != nil && !*u.Disabled {
			// Servers may wait for an enabled host: tell the scheduler,
			// in this process or another, once it is committed.
			tx.NotifyOnCommit()
		}
		return nil
	})
	return v, found, err
}

// DeleteComputeService removes a compute host that hosts no server, with
// its aggregate memberships.
func (s *Service) DeleteComputeService(ctx context.Context, host string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		servers, err := tx.InstancesOnHosts(ctx, []string{host})
		if err != nil {
			return err
		}
		if len(servers) > 0 {
			return novalite.Errorf(novalite.Conflict, "Unable to delete compute service that is hosting instances. "+
				"Migrate or delete the instances first.")
		}
		return tx.ComputeNodeDelete(ctx, host)
	})
}

// ServersOnHosts returns the live servers of hosts, by host.
func (s *Service) ServersOnHosts(ctx context.Context, hosts []string) (map[string][]novalite.Server, error) {
	out := map[string][]novalite.Server{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		list, err := tx.InstancesOnHosts(ctx, hosts)
		for _, v := range list {
			out[v.Host] = append(out[v.Host], v)
		}
		return err
	})
	return out, err
}

// HostUptime is the text of `uptime` on a simulated host: how long since
// it registered, no users, no load. (Nova asks the virt driver, whose
// answer varies by driver; this is what libvirt's looks like, so that
// clients and Tempest parse it.)
func HostUptime(n novalite.ComputeNode, now time.Time) string {
	up := now.Sub(n.CreatedAt)
	if up < 0 {
		up = 0
	}
	days := int(up.Hours()) / 24
	h, m := int(up.Hours())%24, int(up.Minutes())%60
	return fmt.Sprintf(" %s up %d days, %2d:%02d,  0 users,  load average: 0.00, 0.00, 0.00",
		now.UTC().Format("15:04:05"), days, h, m)
}

// MatchHypervisors is Nova's compute_node_search_by_hypervisor: hosts
// whose hypervisor name contains pattern.
func MatchHypervisors(nodes []novalite.ComputeNode, pattern string) []novalite.ComputeNode {
	var out []novalite.ComputeNode
	for _, n := range nodes {
		if strings.Contains(n.HypervisorName, pattern) {
			out = append(out, n)
		}
	}
	return out
}

// Now is the service's clock (UTC).
func (s *Service) Now() time.Time { return s.now().UTC() }
