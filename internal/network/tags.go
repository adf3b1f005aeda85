package network

import (
	"context"
	"slices"
	"unicode/utf8"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/pyfmt"
	"novalite/internal/store"
)

// Neutron's tag limits (neutron/extensions/tagging.py).
const (
	maxTagLen  = 255
	maxTagsPer = 50
)

// TagCollections are the collections whose resources take tags, as the
// URL names them, with the singular of their policy rules.
var TagCollections = map[string]string{
	"networks": "network", "subnets": "subnet", "ports": "port",
	"security-groups": "security_group", "routers": "router", "floatingips": "floatingip",
}

// tagOwner returns the project of the resource coll/id if c may see it,
// else the resource's own 404.
func (s *Service) tagOwner(ctx context.Context, c *novalite.Caller, coll, id string) (string, error) {
	switch coll {
	case "networks":
		n, err := s.GetNetwork(ctx, c, id)
		return n.ProjectID, err
	case "subnets":
		x, err := s.GetSubnet(ctx, c, id)
		return x.ProjectID, err
	case "ports":
		x, err := s.GetPort(ctx, c, id)
		return x.ProjectID, err
	case "security-groups":
		x, err := s.GetSecurityGroup(ctx, c, id)
		return x.ProjectID, err
	case "routers":
		x, err := s.GetRouter(ctx, c, id)
		return x.ProjectID, err
	case "floatingips":
		x, err := s.GetFloatingIP(ctx, c, id)
		return x.ProjectID, err
	}
	return "", nerr(novalite.NotFound, "HTTPNotFound", "The resource could not be found.")
}

// tagTarget resolves coll/id for a tag call: a change needs the owner's
// member role (Neutron's update_<resource>:tags), a look at it only sight.
func (s *Service) tagTarget(ctx context.Context, c *novalite.Caller, coll, id, action string) error {
	owner, err := s.tagOwner(ctx, c, coll, id)
	if err != nil {
		return err
	}
	if action != "get" && !policy.AllowedOwned(c, "update_network", owner) {
		return policyDenied(action + "_" + TagCollections[coll] + ":tags")
	}
	return nil
}

// validTag is neutron-lib's validate_string with Neutron's tag length.
func validTag(v any) error {
	t, ok := v.(string)
	if !ok {
		return invalidInput("'%s' is not a valid string.", pyfmt.Str(v))
	}
	if utf8.RuneCountInString(t) > maxTagLen {
		return invalidInput("'%s' exceeds maximum length of %d.", t, maxTagLen)
	}
	return nil
}

// validTags is Neutron's validate_tags: {"tags": [unique strings]}, at
// most 50 of them.
func validTags(coll string, body any) ([]string, error) {
	m, ok := body.(map[string]any)
	raw, has := m["tags"]
	if !ok || !has {
		return nil, invalidInput("Invalid tags body.")
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, invalidInput("'%s' is not a list.", pyfmt.Str(raw))
	}
	tags := make([]string, 0, len(list))
	for _, v := range list {
		if err := validTag(v); err != nil {
			return nil, err
		}
		t := v.(string)
		if slices.Contains(tags, t) {
			return nil, invalidInput("Duplicate items in the list: '%s'.", t)
		}
		tags = append(tags, t)
	}
	if len(tags) > maxTagsPer {
		return nil, tooManyTags(coll)
	}
	return tags, nil
}

func tooManyTags(coll string) error {
	return badRequest("Bad %s request: The number of tags exceed the per-resource limit of %d.", TagCollections[coll]+"s", maxTagsPer)
}

// Tagged names a resource that has tags: its collection (a key of
// TagCollections) and its id.
type Tagged struct {
	Coll, ID string
}

// Tags returns the tags of t.
func (s *Service) Tags(ctx context.Context, c *novalite.Caller, t Tagged) ([]string, error) {
	if err := s.tagTarget(ctx, c, t.Coll, t.ID, "get"); err != nil {
		return nil, err
	}
	m, err := s.TagsOf(ctx, []string{t.ID})
	return m[t.ID], err
}

// HasTag answers Neutron's TagNotFound when t lacks tag.
func (s *Service) HasTag(ctx context.Context, c *novalite.Caller, t Tagged, tag string) error {
	if err := validTag(tag); err != nil {
		return err
	}
	tags, err := s.Tags(ctx, c, t)
	if err == nil && !slices.Contains(tags, tag) {
		err = tagNotFound(tag)
	}
	return err
}

func tagNotFound(tag string) error {
	return nerr(novalite.NotFound, "TagNotFound", "Tag %s could not be found.", tag)
}

// ReplaceTags replaces the tags of t with body's (PUT …/tags); it returns
// the tags as given.
func (s *Service) ReplaceTags(ctx context.Context, c *novalite.Caller, t Tagged, body any) ([]string, error) {
	return s.setTags(ctx, c, t, body, true)
}

// AddTags adds body's tags to t's (POST …/tags); it returns the tags as
// given.
func (s *Service) AddTags(ctx context.Context, c *novalite.Caller, t Tagged, body any) ([]string, error) {
	return s.setTags(ctx, c, t, body, false)
}

func (s *Service) setTags(ctx context.Context, c *novalite.Caller, t Tagged, body any, replace bool) ([]string, error) {
	coll, id := t.Coll, t.ID
	tags, err := validTags(coll, body)
	if err != nil {
		return nil, err
	}
	action := "update"
	if !replace {
		action = "create"
	}
	if err := s.tagTarget(ctx, c, coll, id, action); err != nil {
		return nil, err
	}
	return tags, s.db.Tx(ctx, func(tx *store.Tx) error {
		if replace {
			return tx.NetTagsSet(ctx, id, tags)
		}
		for _, tag := range tags {
			if err := tx.NetTagAdd(ctx, id, tag); err != nil {
				return err
			}
		}
		return s.checkTagCount(ctx, tx, coll, id)
	})
}

// AddTag adds one tag (PUT …/tags/{tag}).
func (s *Service) AddTag(ctx context.Context, c *novalite.Caller, t Tagged, tag string) error {
	if err := validTag(tag); err != nil {
		return err
	}
	coll, id := t.Coll, t.ID
	if err := s.tagTarget(ctx, c, coll, id, "update"); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.NetTagAdd(ctx, id, tag); err != nil {
			return err
		}
		return s.checkTagCount(ctx, tx, coll, id)
	})
}

func (s *Service) checkTagCount(ctx context.Context, tx *store.Tx, coll, id string) error {
	m, err := tx.NetTags(ctx, []string{id})
	if err == nil && len(m[id]) > maxTagsPer {
		err = tooManyTags(coll)
	}
	return err
}

// RemoveTag removes one tag, or every tag when tag is nil.
func (s *Service) RemoveTag(ctx context.Context, c *novalite.Caller, t Tagged, tag *string) error {
	coll, id := t.Coll, t.ID
	if tag != nil {
		if err := validTag(*tag); err != nil {
			return err
		}
	}
	if err := s.tagTarget(ctx, c, coll, id, "delete"); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if tag == nil {
			return tx.NetTagsClear(ctx, id)
		}
		ok, err := tx.NetTagDelete(ctx, id, *tag)
		if err == nil && !ok {
			err = tagNotFound(*tag)
		}
		return err
	})
}

// TagsOf returns the tags of the resources ids (for their views).
func (s *Service) TagsOf(ctx context.Context, ids []string) (map[string][]string, error) {
	return view(ctx, s.db, func(tx *store.Tx) (map[string][]string, error) { return tx.NetTags(ctx, ids) })
}
