// Package compute holds Nova's use cases: servers and their lifecycle
// intents, flavors, keypairs, quotas and availability zones. One request,
// one transaction for its writes. It knows nothing of HTTP; callers
// authorize with internal/policy before calling.
package compute

import (
	"time"

	"golang.org/x/sync/singleflight"

	"novalite/internal/network"
	"novalite/internal/store"
	"novalite/internal/virt"
	"novalite/internal/volume"
)

// Service is the compute service. Each resource's methods live in a file
// of their own (flavors.go, keypairs.go, servers.go, …).
type Service struct {
	db  *store.DB
	now func() time.Time
	// Waker wakes the background loops of this process: fed by the
	// store's commits (the app sets store.DB.OnNotify to its Notify) and
	// by Wake.
	Waker *Waker
	// Images resolves imageRef on create (the image service); nil: any
	// uuid is an image.
	Images ImageGetter
	// Network makes and releases the ports of servers (nil: no NICs).
	Network *network.Service
	// Volumes makes, attaches and detaches the volumes of servers (nil:
	// no block storage; volume mappings are refused).
	Volumes *volume.Service
	// Consoles reads a guest's console log from its host: the drivers
	// in this process (serve) or the agents of other processes through
	// the database (HostCalls). Nil: no console output.
	Consoles ConsoleSource
	// VolumeHosts plug volumes into guests and out of them on attach
	// and detach (nil: the hosts need nothing).
	VolumeHosts VolumeHosts
	// Diagnosers measure running guests on their hosts (nil: the
	// counters of diagnostics are unknown).
	Diagnosers HostDiagnostics
	// Drivers are the capabilities of each host's driver: an action the
	// driver lacks is answered 501 (nil or missing: everything).
	Drivers map[string]virt.Capabilities
	// HideFakeMetadata keeps the simulated driver's fake:* knobs out of
	// the metadata clients see, and out of reach of their replacing it.
	HideFakeMetadata bool
	// reclaim is Nova's reclaim_instance_interval (0 = hard delete).
	reclaim time.Duration
	// downTime is Nova's service_down_time.
	downTime time.Duration
	// views are the servers GetServer read, evicted by the change log.
	views viewCache
	// listReads: the lists reading the same servers the views lack share
	// one read (readMissing).
	listReads singleflight.Group
}

// Options configure a Service.
type Options struct {
	Now func() time.Time
	// ReclaimInstanceInterval > 0 makes DELETE a soft delete.
	ReclaimInstanceInterval time.Duration
	// ServiceDownTime is Nova's service_down_time: a host whose last
	// heartbeat is older is down (0: Nova's 60 s).
	ServiceDownTime time.Duration
}

// New returns the compute service over db.
func New(db *store.DB, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ServiceDownTime <= 0 {
		o.ServiceDownTime = DefaultServiceDownTime
	}
	s := &Service{db: db, now: o.Now, Waker: &Waker{}, reclaim: o.ReclaimInstanceInterval, downTime: o.ServiceDownTime}
	db.OnChanges(s.views.onChanges)
	return s
}
