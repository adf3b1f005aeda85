package image

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// Glance's property classes (glance/api/v2/images.py, RequestDeserializer).
var (
	readOnly   = []string{"created_at", "updated_at", "status", "checksum", "size", "virtual_size", "direct_url", "self", "file", "schema", "id", "os_hash_algo", "os_hash_value"}
	disallowed = []string{"direct_url", "self", "file", "schema", "stores"}
	reserved   = []string{"location", "deleted", "deleted_at"}
	baseProps  = []string{"checksum", "created_at", "container_format", "disk_format", "id", "min_disk", "min_ram", "name", "size", "virtual_size", "status", "tags", "owner", "updated_at", "visibility", "protected", "os_hidden"}

	containerFormats = []string{"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"}
	diskFormats      = []string{"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"}
	visibilities     = []string{"community", "public", "private", "shared"}
)

// reservedNamespace is glance.common.GLANCE_RESERVED_NS.
const reservedNamespace = "os_glance"

func schemaError(format string, args ...any) error {
	return invalid("Provided object does not match schema 'image': "+format, args...)
}

func checkReserved(key string) error {
	if slices.Contains(reserved, key) || strings.HasPrefix(key, reservedNamespace) {
		return forbidden("Attribute '%s' is reserved.", key)
	}
	return nil
}

// Create makes a queued image from the body of POST /v2/images.
func (s *Service) Create(ctx context.Context, c *novalite.Caller, body map[string]any) (novalite.Image, error) {
	for _, k := range disallowed {
		if _, ok := body[k]; ok {
			return novalite.Image{}, forbidden("Attribute '%s' is read-only.", k)
		}
	}
	now := s.now().UTC()
	im := novalite.Image{ID: uuid.NewString(), Status: novalite.ImageQueued, Visibility: novalite.VisibilityShared,
		Owner: c.ProjectID, Tags: []string{}, Properties: map[string]string{}, CreatedAt: now, UpdatedAt: now}
	for k, v := range body {
		if len(k) > 255 {
			return im, invalid("Custom property should not be greater than 255 characters.")
		}
		if err := checkReserved(k); err != nil {
			return im, err
		}
		switch k {
		case "id":
			id, ok := v.(string)
			if _, err := uuid.Parse(id); !ok || err != nil {
				return im, schemaError("%s is not a 'uuid'", jsonOf(v))
			}
			im.ID = id
			continue
		case "status", "checksum", "size", "virtual_size", "created_at", "updated_at", "os_hash_algo", "os_hash_value":
			return im, forbidden("Attribute '%s' is read-only.", k)
		}
		if err := setProp(&im, k, v); err != nil {
			return im, err
		}
	}
	if im.Owner != c.ProjectID && !isAdmin(c) {
		return im, forbidden("You are not permitted to create images owned by '%s'.", im.Owner)
	}
	if !policy.AllowedOwned(c, "add_image", im.Owner) {
		return im, notAuthorized("add_image")
	}
	if im.Visibility == novalite.VisibilityPublic && !policy.AllowedOwned(c, "publicize_image", im.Owner) {
		return im, notAuthorized("publicize_image")
	}
	if err := checkLimits(im); err != nil {
		return im, err
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := s.checkCount(ctx, tx, im.Owner); err != nil {
			return err
		}
		return tx.ImageInsert(ctx, im)
	})
	if novalite.IsKind(err, novalite.Conflict) {
		return im, novalite.Errorf(novalite.Conflict, "Image with identifier %s already exists!", im.ID)
	}
	return im, err
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// setProp sets one property of im from a JSON value, validating it as
// Glance's image schema does.
func setProp(im *novalite.Image, k string, v any) error {
	str := func(allowNull bool, enum []string) (string, error) {
		if v == nil && allowNull {
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", schemaError("%s is not of type 'string'", jsonOf(v))
		}
		if enum != nil && !slices.Contains(enum, s) {
			return "", schemaError("'%s' is not one of %s", s, pyList(enum))
		}
		return s, nil
	}
	integer := func() (int, error) {
		n, ok := toInt(v)
		if !ok {
			return 0, schemaError("%s is not of type 'integer'", jsonOf(v))
		}
		if n < 0 {
			return 0, schemaError("%d is less than the minimum of 0", n)
		}
		return n, nil
	}
	boolean := func() (bool, error) {
		b, ok := v.(bool)
		if !ok {
			return false, schemaError("%s is not of type 'boolean'", jsonOf(v))
		}
		return b, nil
	}
	var err error
	switch k {
	case "name":
		im.Name, err = str(true, nil)
		if err == nil && len(im.Name) > 255 {
			err = schemaError("'%s' is too long", im.Name)
		}
	case "container_format":
		im.ContainerFormat, err = str(true, containerFormats)
	case "disk_format":
		im.DiskFormat, err = str(true, diskFormats)
	case "visibility":
		im.Visibility, err = str(false, visibilities)
	case "owner":
		im.Owner, err = str(true, nil)
	case "min_ram":
		im.MinRAM, err = integer()
	case "min_disk":
		im.MinDisk, err = integer()
	case "protected":
		im.Protected, err = boolean()
	case "os_hidden":
		im.Hidden, err = boolean()
	case "tags":
		im.Tags, err = tagsOf(v)
	default:
		s, ok := v.(string)
		if !ok {
			return schemaError("%s is not of type 'string'", jsonOf(v))
		}
		im.Properties[k] = s
	}
	return err
}

func tagsOf(v any) ([]string, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, schemaError("%s is not of type 'array'", jsonOf(v))
	}
	out := []string{}
	for _, t := range arr {
		s, ok := t.(string)
		if !ok {
			return nil, schemaError("%s is not of type 'string'", jsonOf(t))
		}
		if len(s) > 255 {
			return nil, schemaError("'%s' is too long", s)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case float64:
		return int(n), n == float64(int(n))
	case int:
		return n, true
	}
	return 0, false
}

func pyList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + x + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Change is one operation of a JSON-patch body
// (application/openstack-images-v2.1-json-patch).
type Change struct {
	Op    string // add, replace, remove
	Path  string // JSON pointer, e.g. "/name"
	Value any
}

// Update applies changes to the image id in order, all or nothing.
func (s *Service) Update(ctx context.Context, c *novalite.Caller, id string, changes []Change) (novalite.Image, error) {
	im, err := s.Get(ctx, c, id)
	if err != nil {
		return im, err
	}
	if !mutable(c, im) {
		return im, notAuthorized("modify_image")
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		cur, err := tx.ImageGet(ctx, id)
		if err != nil {
			return err
		}
		im = cur
		for _, ch := range changes {
			if err := applyChange(c, &im, ch); err != nil {
				return err
			}
		}
		if err := checkLimits(im); err != nil {
			return err
		}
		im.UpdatedAt = s.now().UTC()
		return tx.ImageUpdate(ctx, im)
	})
	if novalite.IsKind(err, novalite.NotFound) {
		return im, notFound(id)
	}
	return im, err
}

func applyChange(c *novalite.Caller, im *novalite.Image, ch Change) error {
	key, err := pointerRoot(ch.Path)
	if err != nil {
		return err
	}
	if slices.Contains(readOnly, key) {
		return forbidden("Attribute '%s' is read-only.", key)
	}
	if err := checkReserved(key); err != nil {
		return err
	}
	base := slices.Contains(baseProps, key)
	_, custom := im.Properties[key]
	switch ch.Op {
	case "remove":
		if base {
			return forbidden("Property %s may not be removed.", key)
		}
		if !custom {
			return novalite.Errorf(novalite.Conflict, "Property %s does not exist.", key)
		}
		delete(im.Properties, key)
		return nil
	case "replace":
		if !base && !custom {
			return novalite.Errorf(novalite.Conflict, "Property %s does not exist.", key)
		}
	case "add":
	default:
		return invalid("Invalid operation: `%s`. It must be one of the following: add, remove, replace.", ch.Op)
	}
	if key == "owner" && !isAdmin(c) {
		return forbidden("Owner can't be updated by non admin.")
	}
	if key == "visibility" && ch.Value == novalite.VisibilityPublic && !policy.AllowedOwned(c, "publicize_image", im.Owner) {
		return notAuthorized("publicize_image")
	}
	return setProp(im, key, ch.Value)
}

// pointerRoot validates a JSON pointer as Glance does and returns its one
// token (Glance accepts only single-level paths outside locations).
func pointerRoot(p string) (string, error) {
	switch {
	case !strings.HasPrefix(p, "/"):
		return "", invalid("Pointer `%s` does not start with \"/\".", p)
	case len(p) > 1 && strings.HasSuffix(p, "/"):
		return "", invalid("Pointer `%s` end with \"/\".", p)
	case strings.Contains(p[1:], "//"):
		return "", invalid("Pointer `%s` contains adjacent \"/\".", p)
	}
	parts := strings.Split(p[1:], "/")
	if len(parts) != 1 {
		return "", invalid("Invalid JSON pointer for this resource: '/%s'", strings.Join(parts, "/"))
	}
	return strings.TrimSpace(strings.NewReplacer("~1", "/", "~0", "~").Replace(parts[0])), nil
}

// AddTag tags the image id (again: no change).
func (s *Service) AddTag(ctx context.Context, c *novalite.Caller, id, tag string) error {
	return s.tag(ctx, c, id, tag, true)
}

// RemoveTag removes a tag of the image id.
func (s *Service) RemoveTag(ctx context.Context, c *novalite.Caller, id, tag string) error {
	return s.tag(ctx, c, id, tag, false)
}

func (s *Service) tag(ctx context.Context, c *novalite.Caller, id, tag string, add bool) error {
	im, err := s.Get(ctx, c, id)
	if err != nil {
		return err
	}
	if !mutable(c, im) {
		return notAuthorized("modify_image")
	}
	if len(tag) > 255 {
		return invalid("Could not update image: Provided object does not match schema 'image': '%s' is too long", tag)
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		im, err := tx.ImageGet(ctx, id)
		if err != nil {
			return notFound(id)
		}
		i := slices.Index(im.Tags, tag)
		switch {
		case add && i >= 0:
			return nil
		case add:
			im.Tags = append(im.Tags, tag)
		case i < 0:
			return novalite.Errorf(novalite.NotFound, "Tag %s not found.", tag)
		default:
			im.Tags = slices.Delete(im.Tags, i, i+1)
		}
		if err := checkLimits(im); err != nil {
			return err
		}
		im.UpdatedAt = s.now().UTC()
		return tx.ImageUpdate(ctx, im)
	})
}

// ContainerFormats and DiskFormats are the values accepted for the two
// format attributes (Glance's default image_format options).
func ContainerFormats() []string { return slices.Clone(containerFormats) }

// DiskFormats: see ContainerFormats.
func DiskFormats() []string { return slices.Clone(diskFormats) }
