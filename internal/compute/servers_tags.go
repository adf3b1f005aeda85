package compute

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"novalite"
	"novalite/internal/pyfmt"
	"novalite/internal/store"
)

// Server tags (nova/api/openstack/compute/server_tags.py). Nova checks
// the policy against the project of the instance mapping before it loads
// the server, so the API asks ServerOwner first; writes then need one of
// these vm_states (no lock check, no launched_at check).

// maxServerTags is Nova's per-server tag limit (objects.instance.MAX_TAG_COUNT).
const maxServerTags = 50

var tagsCheck = stateCheck{vm: []novalite.VMState{novalite.VMActive, novalite.VMPaused, novalite.VMSuspended, novalite.VMStopped}}

// ServerOwner returns the project of a server, deleted or not, without
// any scoping: Nova's instance mapping. An id never seen is 404.
func (s *Service) ServerOwner(ctx context.Context, id string) (string, error) {
	var project string
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		project, _, err = tx.InstanceOwner(ctx, id)
		if novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.NotFound, "Instance %s has no mapping to a cell.", id)
		}
		return err
	})
	return project, err
}

// ServerTags returns the tags of a live server.
func (s *Service) ServerTags(ctx context.Context, c *novalite.Caller, id string) ([]string, error) {
	var tags []string
	err := s.db.View(ctx, func(tx *store.Tx) error {
		v, err := s.getServer(ctx, tx, c, id)
		if err != nil {
			return err
		}
		tags, err = tx.InstanceTagList(ctx, v.InternalID)
		return err
	})
	return tags, err
}

// ServerHasTag is GET /tags/{tag}: nil when the server has it.
func (s *Service) ServerHasTag(ctx context.Context, c *novalite.Caller, id, tag string) error {
	tags, err := s.ServerTags(ctx, c, id)
	if err != nil {
		return err
	}
	if !slices.Contains(tags, tag) {
		return novalite.Errorf(novalite.NotFound, "Server %s has no tag '%s'", id, tag)
	}
	return nil
}

// AddServerTag is PUT /tags/{tag}; it reports whether the tag was added
// (false: the server had it). Nova's order: state, tag format, count
// (even when the tag is already there), presence.
func (s *Service) AddServerTag(ctx context.Context, c *novalite.Caller, id, tag string) (bool, error) {
	added := false
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.taggable(ctx, tx, c, id, "update tag")
		if err != nil {
			return err
		}
		if msg := tagProblem(tag); msg != "" {
			return novalite.Errorf(novalite.Invalid, "Tag '%s' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: %s", tag, msg)
		}
		if len(v.Tags) >= maxServerTags {
			return novalite.Errorf(novalite.Invalid, "The number of tags exceeded the per-server limit %d", maxServerTags)
		}
		if slices.Contains(v.Tags, tag) {
			return nil
		}
		added = true
		return tx.InstanceTagAdd(ctx, v.InternalID, tag)
	})
	return added, err
}

// ReplaceServerTags is PUT /tags: tags (validated, at most 50) become the
// whole set, which is returned.
func (s *Service) ReplaceServerTags(ctx context.Context, c *novalite.Caller, id string, tags []string) ([]string, error) {
	var out []string
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.taggable(ctx, tx, c, id, "update tags")
		if err != nil {
			return err
		}
		if err := tx.InstanceTagsReplace(ctx, v.InternalID, tags); err != nil {
			return err
		}
		out, err = tx.InstanceTagList(ctx, v.InternalID)
		return err
	})
	return out, err
}

// DeleteServerTag is DELETE /tags/{tag}.
func (s *Service) DeleteServerTag(ctx context.Context, c *novalite.Caller, id, tag string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.taggable(ctx, tx, c, id, "delete tag")
		if err != nil {
			return err
		}
		ok, err := tx.InstanceTagDelete(ctx, v.InternalID, tag)
		if err == nil && !ok {
			return novalite.Errorf(novalite.NotFound, "Instance %s has no tag '%s'", id, tag)
		}
		return err
	})
}

// DeleteServerTags is DELETE /tags.
func (s *Service) DeleteServerTags(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.taggable(ctx, tx, c, id, "delete tags")
		if err != nil {
			return err
		}
		return tx.InstanceTagsReplace(ctx, v.InternalID, nil)
	})
}

func (s *Service) taggable(ctx context.Context, tx *store.Tx, c *novalite.Caller, id, action string) (novalite.Server, error) {
	v, err := s.getServer(ctx, tx, c, id)
	if err != nil {
		return v, err
	}
	return v, tagsCheck.failure(action, v)
}

// tagProblem words what is wrong with a tag as Python's jsonschema does
// for Nova's tag type (pattern ^[^,/]*$, then 1 to 60 characters), or "".
func tagProblem(tag string) string {
	switch n := utf8.RuneCountInString(tag); {
	case strings.ContainsAny(tag, ",/"):
		return pyfmt.Repr(tag) + " does not match '^[^,/]*$'"
	case n < 1:
		return pyfmt.Repr(tag) + " is too short"
	case n > 60:
		return pyfmt.Repr(tag) + " is too long"
	}
	return ""
}
