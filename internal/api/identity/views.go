package identity

import (
	"context"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/policy"
)

func (a *API) listLinks(r *http.Request) map[string]any {
	return map[string]any{"self": a.base(r) + r.URL.Path, "previous": nil, "next": nil}
}

func (a *API) selfLink(r *http.Request, coll, id string) map[string]any {
	return map[string]any{"self": a.v3URL(r) + "/" + coll + "/" + id}
}

func writeList[T any](a *API, w http.ResponseWriter, r *http.Request, key string, items []T, view func(*http.Request, T) map[string]any) error {
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		out = append(out, view(r, it))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{key: out, "links": a.listLinks(r)})
	return nil
}

func (a *API) writeList(w http.ResponseWriter, r *http.Request, key string, ps []novalite.Project, view func(*http.Request, novalite.Project) map[string]any) error {
	return writeList(a, w, r, key, ps, view)
}

func (a *API) domainView(r *http.Request, d novalite.Domain) map[string]any {
	return map[string]any{"id": d.ID, "name": d.Name, "description": d.Description, "enabled": d.Enabled,
		"tags": []string{}, "options": map[string]any{}, "links": a.selfLink(r, "domains", d.ID)}
}

func (a *API) projectView(r *http.Request, p novalite.Project) map[string]any {
	tags := p.Tags
	if tags == nil {
		tags = []string{}
	}
	return withExtra(map[string]any{"id": p.ID, "name": p.Name, "domain_id": p.DomainID, "description": p.Description,
		"enabled": p.Enabled, "parent_id": p.DomainID, "is_domain": false, "tags": tags,
		"options": map[string]any{}, "links": a.selfLink(r, "projects", p.ID)}, p.Extra)
}

func (a *API) userView(r *http.Request, u novalite.User) map[string]any {
	v := map[string]any{"id": u.ID, "name": u.Name, "domain_id": u.DomainID, "enabled": u.Enabled,
		"password_expires_at": nil, "options": map[string]any{}, "links": a.selfLink(r, "users", u.ID)}
	if u.Email != "" {
		v["email"] = u.Email
	}
	if u.Description != "" {
		v["description"] = u.Description
	}
	if u.DefaultProjectID != "" {
		v["default_project_id"] = u.DefaultProjectID
	}
	return withExtra(v, u.Extra)
}

func (a *API) roleView(r *http.Request, ro novalite.Role) map[string]any {
	var domain any
	if ro.DomainID != "" {
		domain = ro.DomainID
	}
	return withExtra(map[string]any{"id": ro.ID, "name": ro.Name, "domain_id": domain, "description": ro.Description,
		"options": map[string]any{}, "links": a.selfLink(r, "roles", ro.ID)}, ro.Extra)
}

// authorize checks a Keystone rule for the caller of r; a denial carries
// Keystone's message rather than Nova's.
func authorize(r *http.Request, rule string, t policy.Target) error {
	if !policy.Allowed(httpx.Caller(r.Context()), rule, t) {
		return forbidden(rule)
	}
	return nil
}

// deleteByID deletes the entity of the path's id after checking rule:
// 204, or the service's error.
func deleteByID(w http.ResponseWriter, r *http.Request, rule string, del func(context.Context, string) error) error {
	if err := authorize(r, rule, policy.Target{}); err != nil {
		return err
	}
	return noContent(w, del(r.Context(), r.PathValue("id")))
}

// noContent answers 204 when err is nil, else returns it.
func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// forbidden is Keystone's ForbiddenAction.
func forbidden(rule string) error {
	return novalite.Errorf(novalite.Forbidden, "You are not authorized to perform the requested action: %s.", rule)
}

// optional returns a pointer to the query value of key, or nil.
func optional(r *http.Request, key string) *string {
	q := r.URL.Query()
	if !q.Has(key) {
		return nil
	}
	v := q.Get(key)
	return &v
}

func optionalBool(r *http.Request, key string) *bool {
	s := optional(r, key)
	if s == nil {
		return nil
	}
	b := *s == "" || *s == "true" || *s == "True" || *s == "1"
	return &b
}
