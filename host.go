package novalite

import "time"

// The compute hosts, their aggregates and the moves of servers between
// them, as the store keeps them and the API shows them.

// Resources are what a server claims on a host.
type Resources struct {
	VCPUs    int64
	MemoryMB int64
	DiskGB   int64
}

// ComputeNode is a compute host: its capacity, what is claimed of it and
// its liveness.
type ComputeNode struct {
	ID               int64  // the hypervisor's and its nova-compute service's id below 2.53
	UUID             string // the hypervisor's id from 2.53
	ServiceUUID      string // the nova-compute service's id from 2.53
	Host             string
	HypervisorName   string
	AvailabilityZone string // of its aggregate with an availability_zone, else as registered
	Driver           string
	// HypervisorType and HypervisorVersion are what the driver reports
	// (os-hypervisors): "fake" and 1000 for the simulated driver.
	HypervisorType    string
	HypervisorVersion int
	Total, Used       Resources
	Disabled          bool
	DisabledReason    string
	ForcedDown        bool
	HeartbeatAt       time.Time
	CreatedAt         time.Time
}

// ComputeServiceUpdate is what an operator changes of a nova-compute
// service; nil fields are kept.
type ComputeServiceUpdate struct {
	Disabled       *bool
	DisabledReason *string // with Disabled; nil clears it
	ForcedDown     *bool
}

// Aggregate is a host aggregate with its hosts and metadata.
type Aggregate struct {
	ID        int64
	UUID      string
	Name      string
	Hosts     []string
	Metadata  map[string]string
	CreatedAt time.Time
	UpdatedAt time.Time // zero = never changed
}

// Zone is the aggregate's availability_zone metadata ("" = none).
func (a Aggregate) Zone() string { return a.Metadata["availability_zone"] }

// Migration is one move of a server between hosts (or a resize on its
// host), as Nova's migrations table keeps it.
type Migration struct {
	ID                        int64
	UUID, InstanceUUID        string
	Type                      string // resize, migration, live-migration, evacuation
	Status                    string
	SourceCompute, SourceNode string
	DestCompute, DestNode     string
	OldFlavor, NewFlavor      FlavorSnapshot
	ProjectID, UserID         string
	CreatedAt, UpdatedAt      time.Time
}

// MigrationFilter selects migrations for os-migrations and
// /servers/{id}/migrations; empty fields match everything.
type MigrationFilter struct {
	InstanceUUID, Type, Host, SourceCompute string
	Statuses                                []string
	ProjectID, UserID                       string
	ChangesSince, ChangesBefore             time.Time
	Limit                                   int
	// Marker is the uuid of the migration a page starts after (2.59+).
	Marker string
}
