// Package virt is the seam between compute agents and hypervisors: the
// Driver interface every driver implements, the instance description it
// receives and the errors it returns. Drivers never touch the database;
// the agent turns their results into outcome rows. It imports only the
// root vocabulary package.
package virt

import (
	"context"
	"errors"
	"io"
	"net"

	"novalite"
)

// Instance is what a driver is told about a server. It is a value built
// by the agent from the instance row; drivers keep their own state keyed
// by ID.
type Instance struct {
	ID       string // the server's uuid
	Name     string // instance-%08x
	Hostname string
	VCPUs    int
	MemoryMB int
	RootGB   int
	ImageRef string
	// Metadata is the server's metadata; the fake driver reads its fault
	// knobs from it (fake:fail_spawn, …).
	Metadata map[string]string

	// What a real guest is made of; the agent fills these for the tasks
	// that create a guest (build, rebuild, unshelve), and a driver keeps
	// them for the guest's later starts.
	ProjectID        string
	AvailabilityZone string
	LaunchIndex      int
	EphemeralGB      int
	SwapMB           int
	KeyName, KeyData string // the keypair's public key, "" if none
	UserData         string // base64, as the API received it
	ConfigDrive      bool   // asked for by the user
	// RescueImageRef is the image a rescue boots ("": the server's own).
	RescueImageRef string
	NICs           []NIC // the server's ports, in order
	// Volumes are the server's block storage volumes (filled, as NICs,
	// for the tasks that create a guest); the boot volume of a
	// volume-backed server (ImageRef "") is among them.
	Volumes []Volume
}

// NIC is one of a server's Neutron ports, with what the guest needs to
// configure it (Nova's network_data.json).
type NIC struct {
	PortID, MAC, NetworkID string
	MTU                    int
	IPs                    []FixedIP
}

// FixedIP is an address of a NIC with its subnet's settings.
type FixedIP struct {
	Address    string
	Version    int
	CIDR       string // the subnet's
	Gateway    string // "" if none
	DNS        []string
	Routes     []Route
	SubnetID   string
	EnableDHCP bool
}

// Route is a subnet's host route.
type Route struct{ Destination, NextHop string }

// Images is what a driver reads of the image service: an image's record
// and its bytes (nil when it has none). The caller closes the reader.
type Images interface {
	OpenImage(ctx context.Context, id string) (novalite.Image, io.ReadCloser, error)
}

// Driver runs guests on one host. Every method is idempotent: spawning a
// running instance, destroying a missing one or powering off a stopped one
// succeeds without doing anything, so an agent that restarts half-way can
// simply call it again. Every method takes a context whose deadline the
// driver honours.
type Driver interface {
	// Capabilities tells the API which optional actions this driver
	// supports, so that it can answer 501/409 before changing state.
	Capabilities() Capabilities
	// Spawn creates and starts the guest.
	Spawn(ctx context.Context, inst Instance) error
	// Destroy stops the guest and removes everything of it.
	Destroy(ctx context.Context, inst Instance) error
	PowerOff(ctx context.Context, inst Instance) error
	PowerOn(ctx context.Context, inst Instance) error
	// Reboot restarts the guest: gracefully, or at once when hard.
	Reboot(ctx context.Context, inst Instance, hard bool) error
	Pause(ctx context.Context, inst Instance) error
	Unpause(ctx context.Context, inst Instance) error
	Suspend(ctx context.Context, inst Instance) error
	Resume(ctx context.Context, inst Instance) error
	// Rescue boots the guest from a rescue image; Unrescue returns it to
	// its own disk.
	Rescue(ctx context.Context, inst Instance) error
	Unrescue(ctx context.Context, inst Instance) error
	// Rebuild re-creates the guest from inst.ImageRef, keeping its id.
	Rebuild(ctx context.Context, inst Instance) error
	// Snapshot writes the guest's root disk, flattened into one image, to
	// w (createImage, createBackup, shelve) and returns the disk_format of
	// what it wrote; a driver whose guests have no disk writes nothing
	// and returns "" (the image stays empty).
	Snapshot(ctx context.Context, inst Instance, w io.Writer) (diskFormat string, err error)
	// SetAdminPassword changes the guest's administrator password.
	SetAdminPassword(ctx context.Context, inst Instance, password string) error
	// Migrate moves the guest's disks and state to host (resize, cold and
	// live migration) with inst's flavor; the guest then runs (or stays
	// off) there as it did here. What a resize or cold migration leaves
	// here stays until the move is confirmed or reverted.
	Migrate(ctx context.Context, inst Instance, host string) error
	// ConfirmMigration removes what a resize or cold migration of inst
	// left on its source host (Nova's confirm_migration).
	ConfirmMigration(ctx context.Context, inst Instance, source string) error
	// RevertMigration destroys the moved guest here and restores it on
	// its source host as it was before the move, running if it ran
	// (Nova's revert_resize and finish_revert_resize).
	RevertMigration(ctx context.Context, inst Instance, source string) error
	// State reports the guest's power state; ErrNotFound if the driver
	// has no such guest.
	State(ctx context.Context, inst Instance) (novalite.PowerState, error)
}

// Capabilities are the optional features of a driver. An operation
// without its capability answers ErrUnsupported.
type Capabilities struct {
	Pause       bool
	Suspend     bool
	Console     bool // implements ConsoleLogger
	Rescue      bool
	Rebuild     bool
	Snapshot    bool // createImage, createBackup, shelve
	Migrate     bool // resize and cold migration
	LiveMigrate bool // os-migrateLive
	SetPassword bool
	// NoGuestAgent: passwords cannot be set for want of a guest agent
	// (changePassword answers Nova's 409, not 501).
	NoGuestAgent bool
}

// HostInfo is implemented by drivers of real machines: the resources of
// the host and the hypervisor that runs the guests (os-hypervisors).
type HostInfo interface {
	Host() (Host, error)
}

// Host describes a compute host as its driver sees it.
type Host struct {
	VCPUs, MemoryMB, DiskGB int64
	HypervisorType          string // e.g. QEMU
	HypervisorVersion       int    // e.g. 7002022 for 7.2.22
}

// MoveKeeper is implemented by drivers that keep a moved guest's files
// on its source until the move settles: KeptMoves lists the servers
// whose files it keeps on this host (the agent has ConfirmMigration
// remove those whose move is settled).
type MoveKeeper interface {
	KeptMoves(ctx context.Context) ([]string, error)
}

// Housekeeper is implemented by drivers with periodic work of their own
// (an image cache to prune); the agent calls Housekeep often and the
// driver decides when it is due.
type Housekeeper interface {
	Housekeep(ctx context.Context) error
}

// ConsoleLogger is implemented by drivers that keep a console log per
// guest (os-getConsoleOutput).
type ConsoleLogger interface {
	// ConsoleLog returns the guest's console output.
	ConsoleLog(ctx context.Context, inst Instance) (string, error)
}

// RemoteConsole is implemented by drivers whose guests have a screen:
// OpenVNC connects to the guest's VNC server (the byte stream a console
// proxy relays to a websocket). ErrNotFound when the guest does not run.
type RemoteConsole interface {
	OpenVNC(ctx context.Context, inst Instance) (net.Conn, error)
}

// ErrNotFound is returned by State (and ConsoleLog) for a guest the driver
// does not have.
var ErrNotFound = errors.New("virt: instance not found")

// ErrUnsupported is returned by optional operations a driver lacks.
var ErrUnsupported = errors.New("virt: operation not supported by this driver")

// Diagnoser is implemented by drivers that measure their guests (GET
// /servers/{id}/diagnostics): ErrNotFound when the guest does not run.
type Diagnoser interface {
	Diagnostics(ctx context.Context, inst Instance) (Diagnostics, error)
}

// Diagnostics are a running guest's counters, as Nova's 2.48 model
// (nova/virt/diagnostics.py) has them. It crosses processes as JSON in a
// host call's answer.
type Diagnostics struct {
	// CPUs are the vCPUs by index: the time each ran, in ns.
	CPUs  []CPUDiagnostics  `json:"cpus"`
	Disks []DiskDiagnostics `json:"disks"`
	NICs  []NICDiagnostics  `json:"nics"`
	// MemoryMaxMB is the guest's RAM; MemoryUsedMB what its balloon
	// reports, nil without one.
	MemoryMaxMB  int  `json:"memory_max_mb"`
	MemoryUsedMB *int `json:"memory_used_mb,omitempty"`
	// ConfigDrive: the guest has a config drive (a driver may attach one
	// the user did not ask for).
	ConfigDrive bool `json:"config_drive"`
}

// CPUDiagnostics is one vCPU's time (ns).
type CPUDiagnostics struct {
	Time int64 `json:"time"`
}

// DiskDiagnostics are one disk's I/O counters.
type DiskDiagnostics struct {
	ReadBytes     int64 `json:"read_bytes"`
	ReadRequests  int64 `json:"read_requests"`
	WriteBytes    int64 `json:"write_bytes"`
	WriteRequests int64 `json:"write_requests"`
	Errors        int64 `json:"errors"`
}

// NICDiagnostics are one NIC's counters as the guest sees them (what it
// received is rx), by MAC; Counters is nil when the driver cannot count
// (an isolated user-mode NIC).
type NICDiagnostics struct {
	MAC      string       `json:"mac"`
	Counters *NICCounters `json:"counters,omitempty"`
}

// NICCounters are a NIC's traffic counters.
type NICCounters struct {
	RxOctets  int64 `json:"rx_octets"`
	RxPackets int64 `json:"rx_packets"`
	RxErrors  int64 `json:"rx_errors"`
	RxDrop    int64 `json:"rx_drop"`
	TxOctets  int64 `json:"tx_octets"`
	TxPackets int64 `json:"tx_packets"`
	TxErrors  int64 `json:"tx_errors"`
	TxDrop    int64 `json:"tx_drop"`
}
