package novalite

import "time"

// Image statuses, as Glance v2 shows them.
const (
	ImageQueued        = "queued"
	ImageSaving        = "saving"
	ImageActive        = "active"
	ImageKilled        = "killed"
	ImageDeleted       = "deleted"
	ImagePendingDelete = "pending_delete"
	ImageDeactivated   = "deactivated"
	ImageUploading     = "uploading"
	ImageImporting     = "importing"
)

// Image visibilities (Glance v2).
const (
	VisibilityPublic    = "public"
	VisibilityCommunity = "community"
	VisibilityShared    = "shared"
	VisibilityPrivate   = "private"
)

// Image is a Glance image: its record and the facts about its bytes.
// Size and VirtualSize are nil until data is uploaded (Glance shows null).
type Image struct {
	ID, Name, Status, Visibility, Owner string
	ContainerFormat, DiskFormat         string // "" = null
	Size, VirtualSize                   *int64
	Checksum                            string // md5 hex, "" = null
	HashAlgo, HashValue                 string // os_hash_algo / os_hash_value, "" = null
	MinDisk, MinRAM                     int
	Protected, Hidden                   bool
	Tags                                []string
	// Properties are the additional (user-defined) properties; Glance
	// keeps them as strings.
	Properties           map[string]string
	CreatedAt, UpdatedAt time.Time
}

// ImageSort is one key of an image list's order.
type ImageSort struct {
	Key  string // name, status, container_format, disk_format, size, id, created_at, updated_at
	Desc bool
}

// Image member statuses (Glance v2): a shared image is offered to a
// project, which accepts or rejects it.
const (
	MemberPending  = "pending"
	MemberAccepted = "accepted"
	MemberRejected = "rejected"
)

// ImageMember is one project's membership of a shared image.
type ImageMember struct {
	ImageID, MemberID, Status string
	CreatedAt, UpdatedAt      time.Time
}
