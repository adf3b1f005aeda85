package compute

import (
	"encoding/json"
	"net/http"
	"slices"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// quotaResources are the resources a quota set shows at mv
// (nova/api/openstack/compute/quota_sets.py, FILTERED_QUOTAS_v236/v257).
func quotaResources(mv microversion.Version) []string {
	out := slices.Clone(novalite.QuotaResources)
	drop := []string{}
	if mv.AtLeast(2, 36) {
		drop = append(drop, novalite.QuotaFixedIPs, novalite.QuotaFloatingIPs, novalite.QuotaSecurityGroups,
			novalite.QuotaSecurityGroupRules)
	}
	if mv.AtLeast(2, 57) {
		drop = append(drop, novalite.QuotaInjectedFiles, novalite.QuotaInjectedFileBytes, novalite.QuotaInjectedPathBytes)
	}
	return slices.DeleteFunc(out, func(r string) bool { return slices.Contains(drop, r) })
}

// quotaQuery checks the query string of a quota set request: user_id,
// and nothing else from 2.75 where the schema is strict.
func quotaQuery(r *http.Request, strict bool) (string, error) {
	q := r.URL.Query()
	if strict && requestMV(r).AtLeast(2, 75) {
		if err := onlyParams(q, "user_id"); err != nil {
			return "", err
		}
	}
	if vs := q["user_id"]; len(vs) > 0 {
		return vs[0], nil
	}
	return "", nil
}

// verifyProject is Nova's identity.verify_project_id: an unknown project
// is 400.
func (a *API) verifyProject(r *http.Request, id string) error {
	_, err := a.svc.Identity.Project(r.Context(), id)
	if novalite.IsKind(err, novalite.NotFound) {
		return novalite.Errorf(novalite.Invalid, "Project ID %s is not a valid project.", id)
	}
	return err
}

// quotaSet is a quota set's or a quota class set's resources: each is
// there when the version shows it (quotaResources, quotaClassResources),
// a limit or, in a set's detail, a quotaUsage.
type quotaSet[T any] struct {
	Cores                    Optional[T]      `json:"cores,omitzero"`
	FixedIPs                 Optional[T]      `json:"fixed_ips,omitzero"`
	FloatingIPs              Optional[T]      `json:"floating_ips,omitzero"`
	ID                       Optional[string] `json:"id,omitzero"` // the project or class, except in an update's answer
	InjectedFileContentBytes Optional[T]      `json:"injected_file_content_bytes,omitzero"`
	InjectedFilePathBytes    Optional[T]      `json:"injected_file_path_bytes,omitzero"`
	InjectedFiles            Optional[T]      `json:"injected_files,omitzero"`
	Instances                Optional[T]      `json:"instances,omitzero"`
	KeyPairs                 Optional[T]      `json:"key_pairs,omitzero"`
	MetadataItems            Optional[T]      `json:"metadata_items,omitzero"`
	RAM                      Optional[T]      `json:"ram,omitzero"`
	SecurityGroupRules       Optional[T]      `json:"security_group_rules,omitzero"`
	SecurityGroups           Optional[T]      `json:"security_groups,omitzero"`
	ServerGroupMembers       Optional[T]      `json:"server_group_members,omitzero"`
	ServerGroups             Optional[T]      `json:"server_groups,omitzero"`
}

// set shows resource res with value v.
func (q *quotaSet[T]) set(res string, v T) {
	switch res {
	case novalite.QuotaCores:
		q.Cores = some(v)
	case novalite.QuotaFixedIPs:
		q.FixedIPs = some(v)
	case novalite.QuotaFloatingIPs:
		q.FloatingIPs = some(v)
	case novalite.QuotaInjectedFileBytes:
		q.InjectedFileContentBytes = some(v)
	case novalite.QuotaInjectedPathBytes:
		q.InjectedFilePathBytes = some(v)
	case novalite.QuotaInjectedFiles:
		q.InjectedFiles = some(v)
	case novalite.QuotaInstances:
		q.Instances = some(v)
	case novalite.QuotaKeyPairs:
		q.KeyPairs = some(v)
	case novalite.QuotaMetadataItems:
		q.MetadataItems = some(v)
	case novalite.QuotaRAM:
		q.RAM = some(v)
	case novalite.QuotaSecurityGroupRules:
		q.SecurityGroupRules = some(v)
	case novalite.QuotaSecurityGroups:
		q.SecurityGroups = some(v)
	case novalite.QuotaServerGroupMembers:
		q.ServerGroupMembers = some(v)
	case novalite.QuotaServerGroups:
		q.ServerGroups = some(v)
	default:
		panic("quotaSet: no field for resource " + res) // a resource added to novalite.QuotaResources only
	}
}

// quotaUsage is a resource in a quota set's detail.
type quotaUsage struct {
	InUse    int64 `json:"in_use"`
	Limit    int64 `json:"limit"`
	Reserved int   `json:"reserved"` // always 0
}

// quotaSetBody renders limits for the microversion, with the id when
// project is not "".
func quotaSetBody(mv microversion.Version, project string, limits novalite.QuotaLimits) quotaSetResponse[int64] {
	out := quotaSet[int64]{ID: optIf(project != "", project)}
	for _, res := range quotaResources(mv) {
		out.set(res, limits[res])
	}
	return quotaSetResponse[int64]{out}
}

// quotaSetResponse is the body of a quota set.
type quotaSetResponse[T any] struct {
	QuotaSet quotaSet[T] `json:"quota_set"`
}

// authorizeQuota checks rule against the URL's project, then that the
// project exists.
func (a *API) authorizeQuota(r *http.Request, rule string) (string, error) {
	project := r.PathValue("project")
	if err := policy.Authorize(httpx.Caller(r.Context()), rule, policy.Target{ProjectID: project}); err != nil {
		return "", err
	}
	return project, a.verifyProject(r, project)
}

// showQuotaSet is GET /os-quota-sets/{project}.
func (a *API) showQuotaSet(w http.ResponseWriter, r *http.Request) error {
	user, err := quotaQuery(r, true)
	if err != nil {
		return err
	}
	project, err := a.authorizeQuota(r, "os_compute_api:os-quota-sets:show")
	if err != nil {
		return err
	}
	limits, err := a.svc.Compute.QuotaSet(r.Context(), project, user)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, quotaSetBody(requestMV(r), project, limits))
	return nil
}

// showQuotaSetDetail is GET /os-quota-sets/{project}/detail.
func (a *API) showQuotaSetDetail(w http.ResponseWriter, r *http.Request) error {
	user, err := quotaQuery(r, true)
	if err != nil {
		return err
	}
	project, err := a.authorizeQuota(r, "os_compute_api:os-quota-sets:detail")
	if err != nil {
		return err
	}
	detail, err := a.svc.Compute.QuotaSetDetail(r.Context(), project, user)
	if err != nil {
		return err
	}
	out := quotaSet[quotaUsage]{ID: some(project)}
	for _, res := range quotaResources(requestMV(r)) {
		d := detail[res]
		out.set(res, quotaUsage{InUse: d.InUse, Limit: d.Limit})
	}
	httpx.WriteJSON(w, http.StatusOK, quotaSetResponse[quotaUsage]{out})
	return nil
}

// showQuotaDefaults is GET /os-quota-sets/{project}/defaults.
func (a *API) showQuotaDefaults(w http.ResponseWriter, r *http.Request) error {
	project, err := a.authorizeQuota(r, "os_compute_api:os-quota-sets:defaults")
	if err != nil {
		return err
	}
	limits, err := a.svc.Compute.QuotaDefaults(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, quotaSetBody(requestMV(r), project, limits))
	return nil
}

func quotaUpdateSchemaDoc(mv microversion.Version) obj {
	limit := obj{"type": []any{"integer", "string"}, "pattern": "^-?[0-9]+$", "minimum": -1, "maximum": 2147483647}
	props := obj{"force": pBoolean}
	for _, res := range quotaResources(mv) {
		props[res] = limit
	}
	if !mv.AtLeast(2, 36) {
		props["networks"] = limit
	}
	return obj{"type": "object", "properties": obj{"quota_set": obj{"type": "object", "properties": props,
		"additionalProperties": false}}, "required": []any{"quota_set"}, "additionalProperties": false}
}

// quotaSetUpdate is the quota_set of PUT /os-quota-sets/{project}: the
// limits by resource, force, and whether the removed networks quota was
// named (the schema takes it before 2.36 only to refuse it).
type quotaSetUpdate struct {
	Limits   map[string]int64
	Force    bool
	Networks bool
}

// UnmarshalJSON sorts the keys into limits and the two others.
func (q *quotaSetUpdate) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	q.Limits = map[string]int64{}
	for k, v := range raw {
		switch k {
		case "force":
			var f looseBool
			if err := f.UnmarshalJSON(v); err != nil {
				return err
			}
			q.Force = bool(f)
		case "networks":
			q.Networks = true
		default:
			var n looseInt
			if err := n.UnmarshalJSON(v); err != nil {
				return err
			}
			q.Limits[k] = int64(n)
		}
	}
	return nil
}

// updateQuotaSet is PUT /os-quota-sets/{project} (admin): the new limits,
// without id.
func (a *API) updateQuotaSet(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	body, err := decodeRequest[struct {
		QuotaSet quotaSetUpdate `json:"quota_set"`
	}](r, schemaFor("quota-update", mv, quotaUpdateSchemaDoc))
	if err != nil {
		return err
	}
	user, err := quotaQuery(r, true)
	if err != nil {
		return err
	}
	project, err := a.authorizeQuota(r, "os_compute_api:os-quota-sets:update")
	if err != nil {
		return err
	}
	set := body.QuotaSet
	if set.Networks {
		return novalite.Errorf(novalite.Invalid, "The networks quota has been removed")
	}
	limits, err := a.svc.Compute.UpdateQuotaSet(r.Context(), project,
		compute.QuotaSetUpdate{UserID: user, Limits: set.Limits, Force: set.Force})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, quotaSetBody(mv, "", limits))
	return nil
}

// deleteQuotaSet is DELETE /os-quota-sets/{project} (admin): 202.
func (a *API) deleteQuotaSet(w http.ResponseWriter, r *http.Request) error {
	user, err := quotaQuery(r, true)
	if err != nil {
		return err
	}
	project := r.PathValue("project")
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-quota-sets:delete",
		policy.Target{ProjectID: project}); err != nil {
		return err
	}
	if err := a.svc.Compute.DeleteQuotaSet(r.Context(), project, user); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}
