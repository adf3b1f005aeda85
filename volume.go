package novalite

import "time"

// Volume statuses, as Cinder shows them.
const (
	VolumeCreating      = "creating"
	VolumeAvailable     = "available"
	VolumeReserved      = "reserved"
	VolumeAttaching     = "attaching"
	VolumeInUse         = "in-use"
	VolumeDetaching     = "detaching"
	VolumeDeleting      = "deleting"
	VolumeError         = "error"
	VolumeErrorDeleting = "error_deleting"
	VolumeExtending     = "extending"
	VolumeUploading     = "uploading"
)

// Volume attachment statuses (Cinder's attach_status).
const (
	AttachReserved  = "reserved"
	AttachAttaching = "attaching"
	AttachAttached  = "attached"
	AttachDetaching = "detaching"
	AttachDetached  = "detached"
)

// Volume is a Cinder volume. Size is in GiB.
type Volume struct {
	ID, ProjectID, UserID string
	Name, Description     *string // nil shows as null
	Size                  int64
	Status                string
	AvailabilityZone      string
	TypeID                string
	Bootable, ReadOnly    bool
	// ReadOnlyMeta: the readonly flag was set, so the volume's metadata
	// shows it ("True"/"False"), as Cinder's visible admin metadata.
	ReadOnlyMeta         bool
	Multiattach          bool
	SnapshotID, SourceID string // "" = null
	ImageID              string // the image it was made from, "" = none
	Metadata             map[string]string
	// ImageMetadata is volume_image_metadata: the image's properties
	// and facts, copied when the volume is made from an image.
	ImageMetadata        map[string]string
	CreatedAt, UpdatedAt time.Time
	// Attachments are filled by reads that show them.
	Attachments []VolumeAttachment
}

// VolumeAttachment is one attachment of a volume to a server (Cinder's
// volume_attachment row).
type VolumeAttachment struct {
	ID, VolumeID, InstanceUUID string
	Status                     string // Attach* constants
	Mode                       string // "rw" or "ro"
	Host, Mountpoint           string
	// Connector is the connector the attaching host sent (JSON), "" none.
	Connector              string
	AttachedAt, DetachedAt time.Time // zero = null
	CreatedAt              time.Time
}

// VolumeSnapshot is a Cinder snapshot.
type VolumeSnapshot struct {
	ID, ProjectID, UserID, VolumeID string
	Name, Description               *string
	Size                            int64
	Status                          string // creating, available, deleting, error
	// Progress is what os-update_snapshot_status set ("80%"); "" means
	// what the status says.
	Progress             string
	Metadata             map[string]string
	CreatedAt, UpdatedAt time.Time
}

// VolumeType is a Cinder volume type.
type VolumeType struct {
	ID, Name    string
	Description *string
	IsPublic    bool
	ExtraSpecs  map[string]string
}

// VolumeSort is one key of a volume or snapshot list's order.
type VolumeSort struct {
	Key  string // column name: id, name, status, size, created_at, ...
	Desc bool
}

// BlockDeviceMapping is Nova's record of a volume attached to a server.
type BlockDeviceMapping struct {
	ID                  string // bdm_uuid (2.89)
	InstanceUUID        string
	VolumeID            string
	AttachmentID        string // the block storage attachment
	Device              string // e.g. /dev/vdb
	BootIndex           *int   // 0: the root disk; nil: not bootable
	DeleteOnTermination bool
	Tag                 string
	SourceType          string // volume, image, snapshot or blank: what the volume was made from
	CreatedAt           time.Time
}
