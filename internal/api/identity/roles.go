package identity

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/policy"
)

func (a *API) listRoles(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_roles", policy.Target{}); err != nil {
		return err
	}
	rs, err := a.svc.Roles(r.Context(), novalite.RoleFilter{Names: nameFilters(r), DomainID: r.URL.Query().Get("domain_id")})
	if err != nil {
		return err
	}
	return writeList(a, w, r, "roles", rs, a.roleView)
}

func (a *API) showRole(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:get_role", policy.Target{}); err != nil {
		return err
	}
	ro, err := a.svc.Role(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"role": a.roleView(r, ro)})
	return nil
}

type roleBody struct {
	Role *struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
		DomainID    *string `json:"domain_id"`
	} `json:"role"`
}

// roleAttrs are the attributes of a role that are not extra.
var roleAttrs = []string{"name", "description", "domain_id"}

func applyRole(ro *novalite.Role, b roleBody, extra map[string]any) {
	mergeExtra(&ro.Extra, extra)
	if b.Role.Name != nil {
		ro.Name = *b.Role.Name
	}
	if b.Role.Description != nil {
		ro.Description = *b.Role.Description
	}
}

func (a *API) createRole(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:create_role", policy.Target{}); err != nil {
		return err
	}
	var b roleBody
	extra, err := readEntity(r, &b, "role", roleCreate, roleAttrs...)
	if err != nil {
		return err
	}
	if b.Role.Name == nil || *b.Role.Name == "" {
		return required("name")
	}
	var ro novalite.Role
	applyRole(&ro, b, extra)
	if b.Role.DomainID != nil {
		ro.DomainID = *b.Role.DomainID
	}
	ro, err = a.svc.CreateRole(r.Context(), ro)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"role": a.roleView(r, ro)})
	return nil
}

func (a *API) updateRole(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:update_role", policy.Target{}); err != nil {
		return err
	}
	var b roleBody
	extra, err := readEntity(r, &b, "role", roleUpdate, roleAttrs...)
	if err != nil {
		return err
	}
	ro, err := a.svc.UpdateRole(r.Context(), r.PathValue("id"), func(ro *novalite.Role) { applyRole(ro, b, extra) })
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"role": a.roleView(r, ro)})
	return nil
}

func (a *API) deleteRole(w http.ResponseWriter, r *http.Request) error {
	return deleteByID(w, r, "identity:delete_role", a.svc.DeleteRole)
}

func (a *API) listRoleInferences(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_implied_roles", policy.Target{}); err != nil {
		return err
	}
	m, err := a.svc.ImpliedRoles(r.Context())
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for prior, implied := range m {
		var imps []map[string]any
		for _, id := range implied {
			imps = append(imps, a.roleRef(r, id))
		}
		out = append(out, map[string]any{"prior_role": a.roleRef(r, prior), "implies": imps})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"role_inferences": out, "links": a.listLinks(r)})
	return nil
}

// inferenceView is Keystone's {"role_inference": {"prior_role", "implies"}}.
func (a *API) inferenceView(r *http.Request, prior, implied string) map[string]any {
	return map[string]any{"role_inference": map[string]any{"prior_role": a.roleRef(r, prior),
		"implies": a.roleRef(r, implied)}, "links": map[string]any{
		"self": a.v3URL(r) + "/roles/" + prior + "/implies/" + implied}}
}

func (a *API) showImpliedRole(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:get_implied_role", policy.Target{}); err != nil {
		return err
	}
	prior, implied := r.PathValue("prior"), r.PathValue("implied")
	if err := a.svc.ImpliedRole(r.Context(), prior, implied); err != nil {
		return err
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, a.inferenceView(r, prior, implied))
	return nil
}

func (a *API) createImpliedRole(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:create_implied_role", policy.Target{}); err != nil {
		return err
	}
	prior, implied := r.PathValue("prior"), r.PathValue("implied")
	if err := a.svc.CreateImpliedRole(r.Context(), prior, implied); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, a.inferenceView(r, prior, implied))
	return nil
}

func (a *API) deleteImpliedRole(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:delete_implied_role", policy.Target{}); err != nil {
		return err
	}
	return noContent(w, a.svc.DeleteImpliedRole(r.Context(), r.PathValue("prior"), r.PathValue("implied")))
}

// listImpliedRoles serves GET /v3/roles/{prior}/implies.
func (a *API) listImpliedRoles(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_implied_roles", policy.Target{}); err != nil {
		return err
	}
	prior := r.PathValue("prior")
	if _, err := a.svc.Role(r.Context(), prior); err != nil {
		return err
	}
	m, err := a.svc.ImpliedRoles(r.Context())
	if err != nil {
		return err
	}
	imps := []map[string]any{}
	for _, id := range m[prior] {
		imps = append(imps, a.roleRef(r, id))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"role_inference": map[string]any{
		"prior_role": a.roleRef(r, prior), "implies": imps}, "links": a.listLinks(r)})
	return nil
}

func (a *API) roleRef(r *http.Request, id string) map[string]any {
	v := map[string]any{"id": id, "links": a.selfLink(r, "roles", id)}
	if ro, err := a.svc.Role(r.Context(), id); err == nil {
		v["name"] = ro.Name
	}
	return v
}

// assignment reads {target}/{user}/{role} of a grant route.
func assignment(r *http.Request) novalite.RoleAssignment {
	tt := "project"
	if len(r.URL.Path) > len("/v3/domains") && r.URL.Path[:len("/v3/domains")] == "/v3/domains" {
		tt = "domain"
	}
	return novalite.RoleAssignment{UserID: r.PathValue("user"), TargetType: tt,
		TargetID: r.PathValue("target"), RoleID: r.PathValue("role")}
}

func (a *API) grant(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:create_grant", policy.Target{}); err != nil {
		return err
	}
	return noContent(w, a.svc.Grant(r.Context(), assignment(r)))
}

func (a *API) checkGrant(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:check_grant", policy.Target{}); err != nil {
		return err
	}
	as := assignment(r)
	ok, err := a.svc.HasRole(r.Context(), as)
	if err != nil {
		return err
	}
	if !ok {
		return novalite.Errorf(novalite.NotFound, "Could not find role assignment with role: %s, user or group: %s, project, domain, or system: %s.", as.RoleID, as.UserID, as.TargetID)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) revokeGrant(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:revoke_grant", policy.Target{}); err != nil {
		return err
	}
	return noContent(w, a.svc.RevokeRole(r.Context(), assignment(r)))
}

func (a *API) listGrants(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_grants", policy.Target{}); err != nil {
		return err
	}
	as := assignment(r)
	list, err := a.svc.Assignments(r.Context(), novalite.RoleAssignmentFilter{UserID: as.UserID,
		TargetType: as.TargetType, TargetID: as.TargetID})
	if err != nil {
		return err
	}
	ids := []string{}
	for _, x := range list {
		ids = append(ids, x.RoleID)
	}
	roles, err := a.svc.Roles(r.Context(), novalite.RoleFilter{IDs: ids})
	if err != nil {
		return err
	}
	return writeList(a, w, r, "roles", roles, a.roleView)
}
