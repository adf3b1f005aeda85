package compute

import (
	"net/http"
	"slices"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/policy"
)

// quotaClassResources are the resources a quota class set shows and
// takes at mv (nova/api/openstack/compute/quota_classes.py): the server
// group ones only from 2.50, which drops the nova-network ones; 2.57
// drops the injected file ones.
func quotaClassResources(mv microversion.Version, update bool) []string {
	var drop []string
	if mv.AtLeast(2, 50) {
		drop = append(drop, novalite.QuotaFixedIPs, novalite.QuotaFloatingIPs, novalite.QuotaSecurityGroups,
			novalite.QuotaSecurityGroupRules)
	} else if !update {
		// Before 2.50 an update may set them, but no response shows them.
		drop = append(drop, novalite.QuotaServerGroups, novalite.QuotaServerGroupMembers)
	}
	if mv.AtLeast(2, 57) {
		drop = append(drop, novalite.QuotaInjectedFiles, novalite.QuotaInjectedFileBytes, novalite.QuotaInjectedPathBytes)
	}
	return slices.DeleteFunc(slices.Clone(novalite.QuotaResources), func(r string) bool { return slices.Contains(drop, r) })
}

// quotaClassBody renders a class's limits for mv, with the id when class
// is not "".
func quotaClassBody(mv microversion.Version, class string, limits novalite.QuotaLimits) quotaClassResponse {
	out := quotaSet[int64]{ID: optIf(class != "", class)}
	for _, res := range quotaClassResources(mv, false) {
		out.set(res, limits[res])
	}
	return quotaClassResponse{out}
}

// quotaClassResponse is the body of a quota class set.
type quotaClassResponse struct {
	QuotaClassSet quotaSet[int64] `json:"quota_class_set"`
}

// showQuotaClass is GET /os-quota-class-sets/{id} (admin).
func (a *API) showQuotaClass(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r); err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-quota-class-sets:show",
		policy.Target{}); err != nil {
		return err
	}
	class := r.PathValue("id")
	limits, err := a.svc.Compute.QuotaClass(r.Context(), class)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, quotaClassBody(requestMV(r), class, limits))
	return nil
}

func quotaClassUpdateSchemaDoc(mv microversion.Version) obj {
	limit := obj{"type": []any{"integer", "string"}, "pattern": "^-?[0-9]+$", "minimum": -1, "maximum": 2147483647}
	props := obj{}
	for _, res := range quotaClassResources(mv, true) {
		props[res] = limit
	}
	return obj{"type": "object", "properties": obj{"quota_class_set": obj{"type": "object", "properties": props,
		"additionalProperties": false}}, "required": []any{"quota_class_set"}, "additionalProperties": false}
}

// updateQuotaClass is PUT /os-quota-class-sets/{id} (admin): the class's
// limits after the update, without id. Updating "default" changes the
// limits of every project without limits of its own.
func (a *API) updateQuotaClass(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	body, err := decodeRequest[struct {
		QuotaClassSet map[string]looseInt `json:"quota_class_set"`
	}](r, schemaFor("quota-class-update", mv, quotaClassUpdateSchemaDoc))
	if err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-quota-class-sets:update",
		policy.Target{}); err != nil {
		return err
	}
	values := map[string]int64{}
	for k, v := range body.QuotaClassSet {
		values[k] = int64(v)
	}
	limits, err := a.svc.Compute.UpdateQuotaClass(r.Context(), r.PathValue("id"), values)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, quotaClassBody(mv, "", limits))
	return nil
}
