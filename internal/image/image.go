// Package image holds the Glance v2 use cases novalite serves: image
// records with Glance's visibility rules, JSON-patch updates, and image
// bytes streamed to and from files under the data dir (never held whole
// in memory). It knows nothing of HTTP.
package image

import (
	"cmp"
	"context"
	"os"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// Service is the image service.
type Service struct {
	db         *store.DB
	dir        string // image bytes on SQLite, one file per image id; uploads in progress
	now        func() time.Time
	countTotal int // image_count_total per owner, -1 none
}

// Options configure a Service.
type Options struct {
	Dir string // directory for image bytes (created when missing)
	Now func() time.Time
	// CountTotal is how many images one project may own (Glance's
	// image_count_total); -1 is no limit.
	CountTotal int
}

// New returns the image service over db.
func New(db *store.DB, o Options) (*Service, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, err
	}
	return &Service{db: db, dir: o.Dir, now: o.Now, countTotal: o.CountTotal}, nil
}

// notFound is Glance's answer for an image the caller cannot see or that
// does not exist (glance/db/sqlalchemy/api.py, _image_get).
func notFound(id string) error {
	return novalite.Errorf(novalite.NotFound, "No image found with ID %s", id)
}

func forbidden(format string, args ...any) error {
	return novalite.Errorf(novalite.Forbidden, format, args...)
}

func invalid(format string, args ...any) error {
	return novalite.Errorf(novalite.Invalid, format, args...)
}

// notAuthorized is glance.common.exception.Forbidden's message for a
// policy rule.
func notAuthorized(action string) error {
	return forbidden("You are not authorized to complete %s action.", action)
}

// visible reports whether c may see im (Glance's is_image_visible):
// admins see everything; others see public and community images, their
// project's own, and shared images their project is a member of, whatever
// the membership's status.
func visible(ctx context.Context, tx *store.Tx, c *novalite.Caller, im novalite.Image) (bool, error) {
	switch {
	case isAdmin(c):
		return true, nil
	case im.Visibility == novalite.VisibilityPublic, im.Visibility == novalite.VisibilityCommunity:
		return true, nil
	case im.Owner != "" && im.Owner == c.ProjectID:
		return true, nil
	case im.Visibility != novalite.VisibilityShared || c.ProjectID == "":
		return false, nil
	}
	_, err := tx.ImageMemberGet(ctx, im.ID, c.ProjectID)
	if novalite.IsKind(err, novalite.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// mutable reports whether c may change im: Glance's modify_image.
func mutable(c *novalite.Caller, im novalite.Image) bool {
	return policy.AllowedOwned(c, "modify_image", im.Owner)
}

// isAdmin is an admin context as Glance makes it (context_is_admin): it
// sees every image and may set what only admins set.
func isAdmin(c *novalite.Caller) bool {
	return policy.Allowed(c, "context_is_admin", policy.Target{})
}

// Get returns the image id if c may see it, else Glance's 404. The id need
// not be a UUID: names and junk are simply not found.
func (s *Service) Get(ctx context.Context, c *novalite.Caller, id string) (novalite.Image, error) {
	var im novalite.Image
	if _, err := uuid.Parse(id); err != nil {
		return im, notFound(id)
	}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if im, err = tx.ImageGet(ctx, id); err != nil {
			return err
		}
		if ok, err := visible(ctx, tx, c, im); err != nil || !ok {
			return cmp.Or(err, notFound(id))
		}
		return nil
	})
	if novalite.IsKind(err, novalite.NotFound) {
		return novalite.Image{}, notFound(id)
	}
	return im, err
}

// ListParams are the filters, order and page of a list.
type ListParams struct {
	Visibility, Name, Status, Owner *string
	ContainerFormat, DiskFormat     *string
	Hidden, Protected               *bool
	IDs                             []string
	Tags                            []string
	Properties                      map[string]string // additional properties, exact match
	Sort                            []novalite.ImageSort
	Marker                          string
	Limit                           int
	MemberStatus                    string // member_status: "" (accepted), pending, rejected, all
}

// SortKeys are the keys Glance lets a list be sorted by.
var SortKeys = []string{"name", "status", "container_format", "disk_format", "size", "id",
	"created_at", "updated_at"}

// List returns the images c may see that match p, one page.
func (s *Service) List(ctx context.Context, c *novalite.Caller, p ListParams) ([]novalite.Image, error) {
	f := store.ImageFilter{Admin: isAdmin(c), ProjectID: c.ProjectID, Visibility: p.Visibility,
		Name: p.Name, Status: p.Status, Owner: p.Owner, ContainerFormat: p.ContainerFormat,
		DiskFormat: p.DiskFormat, Hidden: p.Hidden, Protected: p.Protected, IDs: p.IDs, Tags: p.Tags,
		Properties: p.Properties, Sort: p.Sort, Limit: p.Limit, MemberStatus: p.MemberStatus}
	if f.Hidden == nil {
		no := false
		f.Hidden = &no // os_hidden images are left out unless asked for
	}
	var out []novalite.Image
	err := s.db.View(ctx, func(tx *store.Tx) error {
		if p.Marker != "" {
			m, err := tx.ImageGet(ctx, p.Marker)
			if err == nil {
				var ok bool
				if ok, err = visible(ctx, tx, c, m); err == nil && !ok {
					err = notFound(p.Marker)
				}
			}
			if novalite.IsKind(err, novalite.NotFound) {
				return invalid("Invalid marker. Image %s could not be found.", p.Marker)
			} else if err != nil {
				return err
			}
			f.Marker = &m
		}
		var err error
		out, err = tx.ImageList(ctx, f)
		return err
	})
	return out, err
}

// Delete removes an image and its bytes. Glance: not visible → 404,
// visible but not the caller's → 403, protected → 403.
func (s *Service) Delete(ctx context.Context, c *novalite.Caller, id string) error {
	im, err := s.Get(ctx, c, id)
	if err != nil {
		return err
	}
	if !mutable(c, im) {
		return notAuthorized("delete_image")
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		im, err := tx.ImageGet(ctx, id)
		if err != nil {
			return err
		}
		if im.Protected {
			return forbidden("Image %s is protected and cannot be deleted.", id)
		}
		return tx.ImageDelete(ctx, id)
	})
	if novalite.IsKind(err, novalite.NotFound) {
		return notFound(id)
	}
	if err == nil {
		s.drop(id)
	}
	return err
}
