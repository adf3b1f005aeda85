package compute

import (
	"context"
	"sort"
	"time"

	"novalite"

	"novalite/internal/store"
)

// DefaultServiceDownTime is Nova's default service_down_time: a host
// whose last heartbeat is older is not alive (host_status UNKNOWN, zone
// host not available, service down, not chosen by the scheduler).
const DefaultServiceDownTime = 60 * time.Second

// ServiceDownTime is the service_down_time this service judges hosts by;
// the control API marks a host down by backdating its heartbeat past it.
func (s *Service) ServiceDownTime() time.Duration { return s.downTime }

// alive reports whether n's heartbeat is recent at now and n not forced
// down: Nova's servicegroup is_up.
func alive(n novalite.ComputeNode, now time.Time, downTime time.Duration) bool {
	return !n.ForcedDown && now.Sub(n.HeartbeatAt) <= downTime
}

// Nova's host_status values (nova/objects/fields.py, HostStatus).
const (
	hostUp          = "UP"
	hostDown        = "DOWN"
	hostMaintenance = "MAINTENANCE"
	hostUnknown     = "UNKNOWN"
)

// hostStatus is Nova's get_instance_host_status for a registered host:
// forced down, then disabled, then liveness from the heartbeat.
func hostStatus(n novalite.ComputeNode, now time.Time, downTime time.Duration) string {
	switch {
	case n.ForcedDown:
		return hostDown
	case n.Disabled:
		return hostMaintenance
	case now.Sub(n.HeartbeatAt) > downTime:
		return hostUnknown
	}
	return hostUp
}

// zoneExists reports whether an availability zone can take servers: some
// enabled host is in it (liveness is not considered, as in Nova).
func (s *Service) zoneExists(ctx context.Context, tx *store.Tx, zone string) (bool, error) {
	return tx.ComputeNodeZoneAvailable(ctx, zone)
}

// addHostStatus fills host_status from the compute hosts, in one query;
// "" for a server without a host or on a host that is not registered.
func (s *Service) addHostStatus(ctx context.Context, tx *store.Tx, servers []*ServerInfo) error {
	seen := map[string]bool{}
	hosts := []string{}
	for _, v := range servers {
		if v.Host != "" && !seen[v.Host] {
			seen[v.Host] = true
			hosts = append(hosts, v.Host)
		}
	}
	if len(hosts) == 0 {
		return nil
	}
	nodes, err := tx.ComputeNodeList(ctx, hosts)
	if err != nil {
		return err
	}
	now := s.now()
	status := make(map[string]string, len(nodes))
	for _, n := range nodes {
		status[n.Host] = hostStatus(n, now, s.downTime)
	}
	for _, v := range servers {
		if v.Host != "" {
			v.HostStatus = status[v.Host]
		}
	}
	return nil
}

// Zone is an availability zone as os-availability-zone shows it.
type Zone struct {
	Name      string
	Available bool // some service in it is enabled
	Hosts     []ZoneHost
}

// ZoneHost is a host of a zone and its services.
type ZoneHost struct {
	Name     string
	Services []ZoneService
}

// ZoneService is one service of a host (nova-compute for a compute host).
type ZoneService struct {
	Binary    string
	Available bool      // alive: recent heartbeat
	Active    bool      // not disabled
	UpdatedAt time.Time // zero = null
}

// internalZone is Nova's internal_service_availability_zone, the zone of
// the scheduler and conductor (novalite's controller).
const internalZone = "internal"

// controllerHost is the host name the detail view gives the scheduler and
// conductor services of novalite's controller.
const controllerHost = "novalite-controller"

// AvailabilityZones lists the zones of the compute hosts, available ones
// first, each group by name. With internal, the internal zone of the
// controller's services is included (detail view).
func (s *Service) AvailabilityZones(ctx context.Context, internal bool) ([]Zone, error) {
	var nodes []novalite.ComputeNode
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		nodes, err = tx.ComputeNodeList(ctx, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	now := s.now()
	byName := map[string]*Zone{}
	for _, n := range nodes {
		z := byName[n.AvailabilityZone]
		if z == nil {
			z = &Zone{Name: n.AvailabilityZone}
			byName[n.AvailabilityZone] = z
		}
		if n.Disabled {
			continue // disabled services are not listed, nor make a zone available
		}
		z.Available = true
		z.Hosts = append(z.Hosts, ZoneHost{Name: n.Host, Services: []ZoneService{{Binary: "nova-compute",
			Available: alive(n, now, s.downTime), Active: true, UpdatedAt: n.HeartbeatAt}}})
	}
	if internal {
		svc := func(b string) ZoneService { return ZoneService{Binary: b, Available: true, Active: true} }
		byName[internalZone] = &Zone{Name: internalZone, Available: true, Hosts: []ZoneHost{{Name: controllerHost,
			Services: []ZoneService{svc("nova-conductor"), svc("nova-scheduler")}}}}
	}
	out := make([]Zone, 0, len(byName))
	for _, z := range byName {
		out = append(out, *z)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Available != out[j].Available {
			return out[i].Available
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
