// Package volume holds the Block Storage (Cinder v3) use cases novalite
// serves: volumes and their status machine, attachments, snapshots,
// volume types and per-project quotas. Volume data are sparse files in
// one directory (backend.go). It knows nothing of HTTP; callers
// authorize with internal/policy before calling. See README.md of
// internal/api/volume for the subset.
package volume

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// Service is the block storage service.
type Service struct {
	db  *store.DB
	now func() time.Time
	// Images gives the bytes of an image a volume is created from
	// (the image service); nil: volumes from images are left empty.
	Images ImageSource
	// Uploads makes images of volumes (os-volume_upload_image).
	Uploads ImageSink
	// Servers hears of in-use volumes that grew (the compute service's
	// volume-extended event); nil: nobody is told.
	Servers ServerNotifier
	files   backend
}

// ImageSource is what volume creation needs of the image service: the
// image as the caller sees it and its bytes (nil when it has none).
type ImageSource interface {
	ImageData(ctx context.Context, c *novalite.Caller, id string) (io.ReadCloser, novalite.Image, error)
}

// ServerNotifier is what Cinder asks of Nova after extending an attached
// volume: the volume-extended external event for one server.
type ServerNotifier interface {
	VolumeExtended(ctx context.Context, c *novalite.Caller, serverID, volumeID string) error
}

// Options configure a Service.
type Options struct {
	// Dir holds the volumes' files; every process that reads volume
	// data (api for copies, agents for guests) must see the same Dir.
	Dir string
	Now func() time.Time
}

// New returns the block storage service over db.
func New(db *store.DB, o Options) (*Service, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	b, err := newBackend(o.Dir)
	if err != nil {
		return nil, err
	}
	return &Service{db: db, now: o.Now, files: b}, nil
}

// AvailabilityZone is the one zone of the block storage service.
const AvailabilityZone = "nova"

// defaultTypeName is the volume type Cinder creates on install.
const defaultTypeName = "__DEFAULT__"

func (s *Service) stamp() time.Time { return s.now().UTC() }

// Cinder's errors (cinder/exception.py), worded as Cinder words them.
func volumeNotFound(id string) error {
	return novalite.Errorf(novalite.NotFound, "Volume %s could not be found.", id)
}

func snapshotNotFound(id string) error {
	return novalite.Errorf(novalite.NotFound, "Snapshot %s could not be found.", id)
}

func attachmentNotFound(id string) error {
	return novalite.Errorf(novalite.NotFound, "VolumeAttachment %s could not be found.", id)
}

func invalidVolume(format string, args ...any) error {
	return novalite.Errorf(novalite.Invalid, "Invalid volume: "+format, args...)
}

func invalidInput(format string, args ...any) error {
	return novalite.Errorf(novalite.Invalid, "Invalid input received: "+format, args...)
}

// notFoundAs turns the store's neutral NotFound into err.
func notFoundAs(err, nf error) error {
	if novalite.IsKind(err, novalite.NotFound) {
		return nf
	}
	return err
}

// scope is the project a caller's reads are limited to: none for
// admins (they see every project, as Cinder's admin context).
func scope(c *novalite.Caller) string {
	if policy.IsAdmin(c) {
		return ""
	}
	return c.ProjectID
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func errorsJoin(errs ...error) error { return errors.Join(errs...) }
