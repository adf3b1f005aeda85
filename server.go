package novalite

import "time"

// VMState is Nova's stable state of a server (OS-EXT-STS:vm_state).
type VMState string

// The vm_states of nova/compute/vm_states.py.
const (
	VMActive           VMState = "active"
	VMBuilding         VMState = "building"
	VMPaused           VMState = "paused"
	VMSuspended        VMState = "suspended"
	VMStopped          VMState = "stopped"
	VMRescued          VMState = "rescued"
	VMResized          VMState = "resized"
	VMSoftDeleted      VMState = "soft-delete"
	VMDeleted          VMState = "deleted"
	VMError            VMState = "error"
	VMShelved          VMState = "shelved"
	VMShelvedOffloaded VMState = "shelved_offloaded"
)

// TaskState is what is happening to a server now (OS-EXT-STS:task_state);
// "" is idle (JSON null).
type TaskState string

// The task_states of nova/compute/task_states.py that novalite uses.
const (
	TaskNone              TaskState = ""
	TaskScheduling        TaskState = "scheduling"
	TaskBlockDeviceMap    TaskState = "block_device_mapping"
	TaskNetworking        TaskState = "networking"
	TaskSpawning          TaskState = "spawning"
	TaskImageSnapshot     TaskState = "image_snapshot"
	TaskImagePendingUp    TaskState = "image_pending_upload"
	TaskImageUploading    TaskState = "image_uploading"
	TaskImageBackup       TaskState = "image_backup"
	TaskUpdatingPassword  TaskState = "updating_password"
	TaskResizePrep        TaskState = "resize_prep"
	TaskResizeMigrating   TaskState = "resize_migrating"
	TaskResizeMigrated    TaskState = "resize_migrated"
	TaskResizeFinish      TaskState = "resize_finish"
	TaskResizeReverting   TaskState = "resize_reverting"
	TaskResizeConfirming  TaskState = "resize_confirming"
	TaskRebooting         TaskState = "rebooting"
	TaskRebootPending     TaskState = "reboot_pending"
	TaskRebootStarted     TaskState = "reboot_started"
	TaskRebootingHard     TaskState = "rebooting_hard"
	TaskRebootPendingHard TaskState = "reboot_pending_hard"
	TaskRebootStartedHard TaskState = "reboot_started_hard"
	TaskPausing           TaskState = "pausing"
	TaskUnpausing         TaskState = "unpausing"
	TaskSuspending        TaskState = "suspending"
	TaskResuming          TaskState = "resuming"
	TaskPoweringOff       TaskState = "powering-off"
	TaskPoweringOn        TaskState = "powering-on"
	TaskRescuing          TaskState = "rescuing"
	TaskUnrescuing        TaskState = "unrescuing"
	TaskRebuilding        TaskState = "rebuilding"
	TaskRebuildBDM        TaskState = "rebuild_block_device_mapping"
	TaskRebuildSpawning   TaskState = "rebuild_spawning"
	TaskMigrating         TaskState = "migrating"
	TaskDeleting          TaskState = "deleting"
	TaskSoftDeleting      TaskState = "soft-deleting"
	TaskRestoring         TaskState = "restoring"
	TaskShelving          TaskState = "shelving"
	TaskShelvingPending   TaskState = "shelving_image_pending_upload"
	TaskShelvingUploading TaskState = "shelving_image_uploading"
	TaskShelvingOffload   TaskState = "shelving_offloading"
	TaskUnshelving        TaskState = "unshelving"
)

// PowerState is the hypervisor's state of a server (OS-EXT-STS:power_state).
type PowerState int

// The power states of nova/compute/power_state.py.
const (
	PowerNoState   PowerState = 0
	PowerRunning   PowerState = 1
	PowerPaused    PowerState = 3
	PowerShutdown  PowerState = 4
	PowerCrashed   PowerState = 6
	PowerSuspended PowerState = 7
)

// Status is the API status of a server in vm and task state (the table
// of nova/api/openstack/common.py, spec §3.2). A deleted row is DELETED
// whatever its states; callers check that first.
func Status(vm VMState, task TaskState) string {
	switch vm {
	case VMActive:
		switch task {
		case TaskRebooting, TaskRebootPending, TaskRebootStarted:
			return "REBOOT"
		case TaskRebootingHard, TaskRebootPendingHard, TaskRebootStartedHard:
			return "HARD_REBOOT"
		case TaskUpdatingPassword:
			return "PASSWORD"
		case TaskRebuilding, TaskRebuildBDM, TaskRebuildSpawning:
			return "REBUILD"
		case TaskMigrating:
			return "MIGRATING"
		case TaskResizePrep, TaskResizeMigrating, TaskResizeMigrated, TaskResizeFinish:
			return "RESIZE"
		}
		return "ACTIVE"
	case VMBuilding:
		return "BUILD"
	case VMStopped:
		switch task {
		case TaskResizePrep, TaskResizeMigrating, TaskResizeMigrated, TaskResizeFinish:
			return "RESIZE"
		case TaskRebuilding, TaskRebuildBDM, TaskRebuildSpawning:
			return "REBUILD"
		}
		return "SHUTOFF"
	case VMResized:
		if task == TaskResizeReverting {
			return "REVERT_RESIZE"
		}
		return "VERIFY_RESIZE"
	case VMPaused:
		if task == TaskMigrating {
			return "MIGRATING"
		}
		return "PAUSED"
	case VMSuspended:
		return "SUSPENDED"
	case VMRescued:
		return "RESCUE"
	case VMError:
		switch task {
		case TaskRebuilding, TaskRebuildBDM, TaskRebuildSpawning:
			return "REBUILD"
		}
		return "ERROR"
	case VMDeleted:
		return "DELETED"
	case VMSoftDeleted:
		return "SOFT_DELETED"
	case VMShelved:
		return "SHELVED"
	case VMShelvedOffloaded:
		return "SHELVED_OFFLOADED"
	}
	return "UNKNOWN"
}

// FlavorSnapshot is the flavor of a server as it was at boot or resize;
// later changes to the flavor do not show in the server.
type FlavorSnapshot struct {
	ID         string            `json:"id"` // the flavor's flavorid
	Name       string            `json:"name"`
	VCPUs      int               `json:"vcpus"`
	MemoryMB   int               `json:"ram"`
	RootGB     int               `json:"disk"`
	EphemeralG int               `json:"ephemeral"`
	SwapMB     int               `json:"swap"`
	ExtraSpecs map[string]string `json:"extra_specs"`
}

// Fault is the last error recorded for a server.
type Fault struct {
	Code    int
	Message string
	Details string
	Created time.Time
}

// Server is an instance row with everything its views need. Collections
// (metadata, tags, addresses, faults) are loaded with the row by the store.
type Server struct {
	InternalID int64 // the integer id behind instance-%08x and sort ties
	ID         string
	Name       string
	// Description is nil when not set (JSON null).
	Description *string
	Hostname    string
	ProjectID   string
	UserID      string

	ImageRef        string // "" for volume-backed servers
	ImageProperties map[string]string
	Flavor          FlavorSnapshot
	OldFlavor       *FlavorSnapshot // during resize until confirm/revert

	VMState    VMState
	TaskState  TaskState
	PowerState PowerState
	Progress   int

	Host             string // "" before scheduling
	Node             string
	AvailabilityZone string // requested, then the host's zone
	PinnedAZ         string // "" = not pinned (JSON null)

	CreatedAt, UpdatedAt     time.Time
	LaunchedAt, TerminatedAt time.Time // zero = null
	DeletedAt                time.Time // zero = live; set on hard delete
	Deleted                  bool
	Locked                   bool
	LockedBy                 string // "owner" or "admin"
	LockedReason             *string
	KeyName                  *string
	KeyData                  string
	ConfigDrive              bool
	AutoDiskConfig           bool // OS-DCF:diskConfig AUTO when true
	AccessIPv4, AccessIPv6   string
	ReservationID            string // ReservationIDLen long
	LaunchIndex              int
	RootDeviceName           string
	UserData                 *string // base64 as given
	TrustedCerts             []string
	SchedulerHints           SchedulerHints
	ServerGroup              string // uuid of the group, "" if none
	RequestedNetworks        string // JSON of the networks request, replayed by the scheduler
	AdminPasswordHash        string // never the password itself
	EncryptedPassword        string // os-server-password (set by the guest), "" if none
	Metadata                 map[string]string
	Tags                     []string
	Fault                    *Fault
	// Volumes are the server's block device mappings of volumes, in
	// the order they were attached.
	Volumes []BlockDeviceMapping
}

// ReservationIDLen is the length of every reservation id: "r-" and eight
// lowercase letters or digits, as Nova makes them (utils.generate_uid).
// The server list relies on that form: a reservation_id filter is an
// unanchored regex, and a literal pattern of this length can only match
// the id equal to it (store/instances_reservation.go).
const ReservationIDLen = 10
