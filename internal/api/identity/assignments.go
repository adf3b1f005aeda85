package identity

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/identity"
	"novalite/internal/policy"
)

// listRoleAssignments serves GET /v3/role_assignments with the filters
// user.id, scope.project.id, scope.domain.id, role.id, and the flags
// effective (implied roles expanded) and include_names.
func (a *API) listRoleAssignments(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_role_assignments", policy.Target{}); err != nil {
		return err
	}
	q := r.URL.Query()
	f := novalite.RoleAssignmentFilter{UserID: q.Get("user.id")}
	if p := q.Get("scope.project.id"); p != "" {
		f.TargetType, f.TargetID = "project", p
	} else if d := q.Get("scope.domain.id"); d != "" {
		f.TargetType, f.TargetID = "domain", d
	}
	effective := q.Has("effective") && q.Get("effective") != "false"
	roleID := q.Get("role.id")
	if !effective {
		f.RoleID = roleID
	}
	if f.TargetType == "project" && q.Has("include_subtree") && q.Get("include_subtree") != "false" {
		// Projects are flat under their domain; a domain id given as a
		// project (Keystone's domains are projects too) covers its projects.
		sub, err := a.svc.Projects(r.Context(), novalite.ProjectFilter{DomainID: &f.TargetID})
		if err != nil {
			return err
		}
		f.TargetIDs = []string{f.TargetID}
		for _, p := range sub {
			f.TargetIDs = append(f.TargetIDs, p.ID)
		}
		f.TargetID = ""
	}
	list, err := a.svc.Assignments(r.Context(), f)
	if err != nil {
		return err
	}
	if effective {
		if list, err = a.expand(r, list); err != nil {
			return err
		}
	}
	var names *identity.Names
	if q.Has("include_names") && q.Get("include_names") != "false" {
		n, err := a.svc.AssignmentNames(r.Context(), list)
		if err != nil {
			return err
		}
		names = &n
	}
	out := []map[string]any{}
	for _, as := range list {
		if roleID != "" && as.RoleID != roleID {
			continue
		}
		out = append(out, a.assignmentView(r, as, names))
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

func (a *API) assignmentView(r *http.Request, as novalite.RoleAssignment, names *identity.Names) map[string]any {
	role := map[string]any{"id": as.RoleID}
	user := map[string]any{"id": as.UserID}
	target := map[string]any{"id": as.TargetID}
	if names != nil {
		domainRef := func(id string) map[string]any {
			return map[string]any{"id": id, "name": names.Domains[id].Name}
		}
		role["name"] = names.Roles[as.RoleID].Name
		if u, ok := names.Users[as.UserID]; ok {
			user["name"], user["domain"] = u.Name, domainRef(u.DomainID)
		}
		if as.TargetType == "project" {
			if p, ok := names.Projects[as.TargetID]; ok {
				target["name"], target["domain"] = p.Name, domainRef(p.DomainID)
			}
		} else {
			target["name"] = names.Domains[as.TargetID].Name
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
