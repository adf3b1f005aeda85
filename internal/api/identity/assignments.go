package identity

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/identity"
	"novalite/internal/policy"
)

// listRoleAssignments serves GET /v3/role_assignments with the filters
// user.id, group.id (novalite has no groups: nothing matches),
// scope.project.id, scope.domain.id, role.id, and the flags effective
// (implied roles expanded) and include_names.
func (a *API) listRoleAssignments(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_role_assignments", policy.Target{}); err != nil {
		return err
	}
	q := r.URL.Query()
	f := identity.RoleAssignmentFilter{UserID: q.Get("user.id")}
	if p := q.Get("scope.project.id"); p != "" {
		f.TargetType, f.TargetID = "project", p
	} else if d := q.Get("scope.domain.id"); d != "" {
		f.TargetType, f.TargetID = "domain", d
	}
	roleID := q.Get("role.id")
	var list []novalite.RoleAssignment
	if !q.Has("group.id") {
		var err error
		if list, err = a.svc.Assignments(r.Context(), f); err != nil {
			return err
		}
	}
	if q.Has("effective") {
		var err error
		if list, err = a.expand(r, list); err != nil {
			return err
		}
	}
	var n *names
	if q.Has("include_names") {
		n = &names{a: a, r: r, roles: map[string]novalite.Role{}, users: map[string]novalite.User{},
			projects: map[string]novalite.Project{}, domains: map[string]novalite.Domain{}}
	}
	out := []map[string]any{}
	for _, as := range list {
		if roleID != "" && as.RoleID != roleID {
			continue
		}
		out = append(out, a.assignmentView(r, as, n))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"role_assignments": out, "links": a.listLinks(r)})
	return nil
}

// expand adds the roles implied by each assignment.
func (a *API) expand(r *http.Request, list []novalite.RoleAssignment) ([]novalite.RoleAssignment, error) {
	implied, err := a.svc.ImpliedRoles(r.Context())
	if err != nil {
		return nil, err
	}
	seen := map[novalite.RoleAssignment]bool{}
	var out []novalite.RoleAssignment
	var walk func(as novalite.RoleAssignment)
	walk = func(as novalite.RoleAssignment) {
		if seen[as] {
			return
		}
		seen[as] = true
		out = append(out, as)
		for _, id := range implied[as.RoleID] {
			next := as
			next.RoleID = id
			walk(next)
		}
	}
	for _, as := range list {
		walk(as)
	}
	return out, nil
}

// names looks up, once each, the names include_names asks for.
type names struct {
	a        *API
	r        *http.Request
	roles    map[string]novalite.Role
	users    map[string]novalite.User
	projects map[string]novalite.Project
	domains  map[string]novalite.Domain
}

func lookup[T any](m map[string]T, id string, get func() (T, error)) (T, bool) {
	if v, ok := m[id]; ok {
		return v, true
	}
	v, err := get()
	if err != nil {
		return v, false
	}
	m[id] = v
	return v, true
}

func (n *names) role(id string) (novalite.Role, bool) {
	return lookup(n.roles, id, func() (novalite.Role, error) { return n.a.svc.Role(n.r.Context(), id) })
}

func (n *names) user(id string) (novalite.User, bool) {
	return lookup(n.users, id, func() (novalite.User, error) { return n.a.svc.User(n.r.Context(), id) })
}

func (n *names) project(id string) (novalite.Project, bool) {
	return lookup(n.projects, id, func() (novalite.Project, error) { return n.a.svc.Project(n.r.Context(), id) })
}

func (n *names) domain(id string) map[string]any {
	v := map[string]any{"id": id}
	if d, ok := lookup(n.domains, id, func() (novalite.Domain, error) { return n.a.svc.Domain(n.r.Context(), id) }); ok {
		v["name"] = d.Name
	}
	return v
}

// assignmentView renders one assignment; n is nil without include_names.
func (a *API) assignmentView(r *http.Request, as novalite.RoleAssignment, n *names) map[string]any {
	role := map[string]any{"id": as.RoleID}
	user := map[string]any{"id": as.UserID}
	target := map[string]any{"id": as.TargetID}
	if n != nil {
		if ro, ok := n.role(as.RoleID); ok {
			role["name"] = ro.Name
		}
		if u, ok := n.user(as.UserID); ok {
			user["name"] = u.Name
			user["domain"] = n.domain(u.DomainID)
		}
		if as.TargetType == "project" {
			if p, ok := n.project(as.TargetID); ok {
				target["name"] = p.Name
				target["domain"] = n.domain(p.DomainID)
			}
		} else if d := n.domain(as.TargetID); d["name"] != nil {
			target["name"] = d["name"]
		}
	}
	coll := as.TargetType + "s"
	return map[string]any{
		"role": role, "user": user, "scope": map[string]any{as.TargetType: target},
		"links": map[string]any{"assignment": a.v3URL(r) + "/" + coll + "/" + as.TargetID +
			"/users/" + as.UserID + "/roles/" + as.RoleID},
	}
}

func (a *API) listServices(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_services", policy.Target{}); err != nil {
		return err
	}
	out := []map[string]any{}
	for _, s := range a.svc.Catalog() {
		out = append(out, map[string]any{"id": s.ID, "type": s.Type, "name": s.Name, "enabled": true,
			"links": a.selfLink(r, "services", s.ID)})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"services": out, "links": a.listLinks(r)})
	return nil
}

func (a *API) listEndpoints(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_endpoints", policy.Target{}); err != nil {
		return err
	}
	out := []map[string]any{}
	for _, s := range a.svc.Catalog() {
		for _, e := range s.Endpoints {
			out = append(out, map[string]any{"id": e.ID, "interface": e.Interface, "region": e.Region,
				"region_id": e.Region, "url": e.URL, "service_id": s.ID, "enabled": true,
				"links": a.selfLink(r, "endpoints", e.ID)})
		}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"endpoints": out, "links": a.listLinks(r)})
	return nil
}

func (a *API) listRegions(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"regions": []map[string]any{{
		"id": "RegionOne", "description": "", "parent_region_id": nil,
		"links": a.selfLink(r, "regions", "RegionOne")}}, "links": a.listLinks(r)})
	return nil
}

func (a *API) domainRef(r *http.Request, id string) map[string]any {
	v := map[string]any{"id": id}
	if d, err := a.svc.Domain(r.Context(), id); err == nil {
		v["name"] = d.Name
	}
	return v
}
