package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// flavorAccessList is the body of a flavor's access list.
type flavorAccessList struct {
	Access []flavorAccessView `json:"flavor_access"`
}

// flavorAccessView is a project a private flavor is shared with.
type flavorAccessView struct {
	FlavorID string `json:"flavor_id"`
	TenantID string `json:"tenant_id"`
}

func flavorAccessListOf(list []novalite.FlavorAccess) flavorAccessList {
	out := flavorAccessList{make([]flavorAccessView, len(list))}
	for i, fa := range list {
		out.Access[i] = flavorAccessView{FlavorID: fa.FlavorID, TenantID: fa.ProjectID}
	}
	return out
}

// listFlavorAccess is GET /flavors/{id}/os-flavor-access (admin).
func (a *API) listFlavorAccess(w http.ResponseWriter, r *http.Request) error {
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-flavor-access", policy.Target{}); err != nil {
		return err
	}
	list, err := a.svc.Compute.FlavorAccess(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, flavorAccessListOf(list))
	return nil
}

func flavorActionSchemaDoc(microversion.Version) obj {
	tenant := obj{"type": "object", "properties": obj{"tenant": obj{"type": "string", "minLength": 1, "maxLength": 255}},
		"required": []any{"tenant"}, "additionalProperties": false}
	return obj{"type": "object", "properties": obj{"addTenantAccess": tenant, "removeTenantAccess": tenant},
		"minProperties": 1, "maxProperties": 1, "additionalProperties": false}
}

// flavorAction is POST /flavors/{id}/action: addTenantAccess or
// removeTenantAccess (admin).
func (a *API) flavorAction(w http.ResponseWriter, r *http.Request) error {
	action, raw, err := readAction(r, "addTenantAccess", "removeTenantAccess")
	if err != nil {
		return err
	}
	rule := "os_compute_api:os-flavor-access:add_tenant_access"
	if action == "removeTenantAccess" {
		rule = "os_compute_api:os-flavor-access:remove_tenant_access"
	}
	type tenant struct {
		Tenant string `json:"tenant"`
	}
	req, err := decodeAction[struct {
		Add    tenant `json:"addTenantAccess"`
		Remove tenant `json:"removeTenantAccess"`
	}](raw, schemaFor("flavor-action", requestMV(r), flavorActionSchemaDoc))
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, rule, policy.Target{}); err != nil {
		return err
	}
	id := r.PathValue("id")
	var list []novalite.FlavorAccess
	if action == "addTenantAccess" {
		project := req.Add.Tenant
		if _, err := a.svc.Identity.Project(r.Context(), project); novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.Invalid, "Project ID %s is not a valid project.", project)
		} else if err != nil {
			return err
		}
		list, err = a.svc.Compute.AddFlavorAccess(r.Context(), c, id,
			compute.FlavorAccessAdd{ProjectID: project, RefusePublic: requestMV(r).AtLeast(2, 7)})
	} else {
		project := req.Remove.Tenant
		list, err = a.svc.Compute.RemoveFlavorAccess(r.Context(), c, id, project)
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, flavorAccessListOf(list))
	return nil
}
