package store

import (
	"context"
	"strings"
)

// NetTags returns the tags of each of ids (Neutron's standard-attr-tag),
// sorted; an id without tags is absent.
func (tx *Tx) NetTags(ctx context.Context, ids []string) (map[string][]string, error) {
	if len(ids) == 0 {
		return map[string][]string{}, nil
	}
	var w where
	cond := inList("resource_id", &w, ids)
	return tx.groupedStrings(ctx, `SELECT resource_id, tag FROM network_tags WHERE `+cond+` ORDER BY resource_id, tag`, w.args...)
}

// NetTagsSet replaces the tags of resource id.
func (tx *Tx) NetTagsSet(ctx context.Context, id string, tags []string) error {
	if err := tx.NetTagsClear(ctx, id); err != nil {
		return err
	}
	for _, t := range tags {
		if err := tx.NetTagAdd(ctx, id, t); err != nil {
			return err
		}
	}
	return nil
}

// NetTagAdd tags resource id; a tag it has already is no change.
func (tx *Tx) NetTagAdd(ctx context.Context, id, tag string) error {
	_, err := tx.Exec(ctx, `INSERT INTO network_tags (resource_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, tag)
	return err
}

// NetTagDelete removes one tag; it reports whether the resource had it.
func (tx *Tx) NetTagDelete(ctx context.Context, id, tag string) (bool, error) {
	n, err := tx.Exec(ctx, `DELETE FROM network_tags WHERE resource_id = $1 AND tag = $2`, id, tag)
	return n > 0, err
}

// NetTagsClear removes every tag of resource id (also when it is deleted).
func (tx *Tx) NetTagsClear(ctx context.Context, id string) error {
	_, err := tx.Exec(ctx, `DELETE FROM network_tags WHERE resource_id = $1`, id)
	return err
}

// tagFilters are Neutron's tag filters: tags (all of them), tags-any,
// not-tags (not all of them), not-tags-any (none of them). Each value is a
// comma-separated list; repeated values add to it.
var tagFilters = map[string]bool{"tags": true, "tags-any": true, "not-tags": true, "not-tags-any": true}

// addTagFilters adds eq's tag filters on the listed rows' id column idCol.
func addTagFilters(w *where, idCol string, eq map[string][]string) {
	for field, vals := range eq {
		if !tagFilters[field] {
			continue
		}
		var tags []string
		for _, v := range vals {
			for _, t := range strings.Split(v, ",") {
				if t != "" {
					tags = append(tags, t)
				}
			}
		}
		if len(tags) == 0 {
			continue
		}
		all := func() string {
			var ands []string
			for _, t := range tags {
				ands = append(ands, "EXISTS (SELECT 1 FROM network_tags nt WHERE nt.resource_id = "+idCol+" AND nt.tag = "+w.arg(t)+")")
			}
			return "(" + strings.Join(ands, " AND ") + ")"
		}
		anyOf := func() string {
			return "EXISTS (SELECT 1 FROM network_tags nt WHERE nt.resource_id = " + idCol + " AND " + inList("nt.tag", w, tags) + ")"
		}
		switch field {
		case "tags":
			w.add(all())
		case "tags-any":
			w.add(anyOf())
		case "not-tags":
			w.add("NOT " + all())
		case "not-tags-any":
			w.add("NOT " + anyOf())
		}
	}
}
