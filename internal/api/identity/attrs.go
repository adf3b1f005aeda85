package identity

import (
	"encoding/json"
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
)

// readEntity decodes a body {key: {...}}, checks the entity against
// Keystone's schema s, decodes it into v (a struct whose field named by
// key holds the attributes novalite knows) and returns the other
// attributes of the entity: Keystone keeps unknown attributes of users,
// projects and roles as "extra" and shows them back at the top level.
func readEntity(r *http.Request, v any, key string, s *schema.Schema, known ...string) (map[string]any, error) {
	var raw json.RawMessage
	null, err := httpx.ReadBody(r, &raw, malformed)
	if err != nil {
		return nil, err
	}
	if null {
		return nil, required(key)
	}
	doc, err := schema.Decode(raw)
	if err != nil {
		return nil, &novalite.Error{Kind: novalite.Invalid, Message: malformed, Err: err}
	}
	body, _ := doc.(map[string]any)
	if body[key] == nil {
		return nil, required(key)
	}
	if err := validate(s, body[key]); err != nil {
		return nil, err
	}
	var attrs map[string]map[string]any
	if err := json.Unmarshal(raw, &attrs); err != nil {
		return nil, &novalite.Error{Kind: novalite.Invalid, Message: malformed, Err: err}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, &novalite.Error{Kind: novalite.Invalid, Message: malformed, Err: err}
	}
	extra := attrs[key]
	for _, k := range append(known, "id", "links", "options") {
		delete(extra, k)
	}
	return extra, nil
}

// mergeExtra updates dst with the attributes in src, as Keystone's update
// does (attributes not given are kept).
func mergeExtra(dst *map[string]any, src map[string]any) {
	if len(src) == 0 {
		return
	}
	if *dst == nil {
		*dst = map[string]any{}
	}
	for k, v := range src {
		(*dst)[k] = v
	}
}

// withExtra returns the view v with the extra attributes added beside its
// own (which win on a clash).
func withExtra(v map[string]any, extra map[string]any) map[string]any {
	for k, x := range extra {
		if _, ok := v[k]; !ok {
			v[k] = x
		}
	}
	return v
}

// nameFilters reads Keystone's list filters on names: name=, and
// name__contains= and its siblings.
func nameFilters(r *http.Request) []novalite.TextMatch {
	q := r.URL.Query()
	var ms []novalite.TextMatch
	if q.Has("name") {
		ms = append(ms, novalite.TextMatch{Value: q.Get("name")})
	}
	for _, op := range novalite.TextMatchOps {
		if q.Has("name__" + op) {
			ms = append(ms, novalite.TextMatch{Op: op, Value: q.Get("name__" + op)})
		}
	}
	return ms
}

// tagList reads a comma-separated list of tags from the query.
func tagList(r *http.Request, key string) []string {
	v := r.URL.Query().Get(key)
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}
