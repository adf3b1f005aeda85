package virt

import "context"

// Volume is a block storage volume given to a guest: a raw file the
// host reaches at Path (the volume directory every role shares).
type Volume struct {
	ID string // the volume's uuid: the guest disk's serial, as libvirt sets it
	// Path is the volume's file on this host.
	Path string
	// Device is the name Nova gave the mapping (/dev/vdb); guests name
	// their disks themselves, so it is only recorded.
	Device string
	// Boot: the server's root disk (boot index 0, a volume-backed server).
	Boot bool
	// ImageMeta is the volume's volume_image_metadata (what a boot volume
	// made from an image boots with: kernel_id, ramdisk_id, …).
	ImageMeta map[string]string `json:",omitempty"`
}

// VolumeAttacher is implemented by drivers whose guests take volumes
// while they exist: attach hot-plugs the volume into a running guest
// and keeps it for the guest's later starts; detach unplugs it. Both
// are idempotent; a guest the driver does not have is ErrNotFound.
type VolumeAttacher interface {
	AttachVolume(ctx context.Context, inst Instance, v Volume) error
	DetachVolume(ctx context.Context, inst Instance, volumeID string) error
}

// VolumeExtender is implemented by drivers that can tell a guest one of
// its volumes grew (Nova's extend_volume, on Cinder's volume-extended
// event): the file already has its new size; the guest's disk is made
// to match. A guest the driver does not have is ErrNotFound.
type VolumeExtender interface {
	ExtendVolume(ctx context.Context, inst Instance, volumeID string, newSize int64) error
}
