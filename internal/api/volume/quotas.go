package volume

import (
	"net/http"
	"strings"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

var quotaUpdateSchema = mustSchema("quota-update", obj{"type": "object", "required": []any{"quota_set"},
	"properties": obj{"quota_set": obj{"type": "object", "additionalProperties": obj{
		"type": []any{"integer", "string"}, "pattern": "^-?[0-9]+$"}, "properties": obj{"tenant_id": obj{}}}}})

// showQuotas is GET /v3/os-quota-sets/{project}[?usage=true].
func (a *API) showQuotas(w http.ResponseWriter, r *http.Request) error {
	project := r.PathValue("project")
	if err := authorize(r, "volume_extension:quotas:show", project); err != nil {
		return err
	}
	usage := false
	if s := r.URL.Query().Get("usage"); s != "" {
		var err error
		if usage, err = asBool(s); err != nil {
			return err
		}
	}
	set := obj{"id": project}
	if usage {
		us, err := a.svc.QuotaUsages(r.Context(), project)
		if err != nil {
			return err
		}
		for k, u := range us {
			set[k] = obj{"limit": u.Limit, "in_use": u.InUse, "reserved": u.Reserved, "allocated": u.Allocated}
		}
	} else {
		lim, err := a.svc.QuotaSet(r.Context(), project)
		if err != nil {
			return err
		}
		for k, v := range lim {
			set[k] = v
		}
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"quota_set": set})
	return nil
}

// showQuotaDefaults is GET /v3/os-quota-sets/{project}/defaults.
func (a *API) showQuotaDefaults(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:quotas:show", r.PathValue("project")); err != nil {
		return err
	}
	lim, err := a.svc.QuotaSet(r.Context(), "")
	if err != nil {
		return err
	}
	set := obj{"id": r.PathValue("project")}
	for k, v := range lim {
		set[k] = v
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"quota_set": set})
	return nil
}

// updateQuotas is PUT /v3/os-quota-sets/{project} (admins).
func (a *API) updateQuotas(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:quotas:update", r.PathValue("project")); err != nil {
		return err
	}
	body, err := decode(r, quotaUpdateSchema)
	if err != nil {
		return err
	}
	qs, _ := body["quota_set"].(map[string]any)
	set := map[string]int64{}
	for k, v := range qs {
		if k == "tenant_id" {
			continue
		}
		n, ok := asInt(v)
		if !ok {
			return novalite.Errorf(novalite.Invalid, "Invalid input received: Quota limit %v for %s must be an integer.", v, k)
		}
		set[k] = n
	}
	project := r.PathValue("project")
	if err := a.svc.UpdateQuotas(r.Context(), project, set); err != nil {
		return err
	}
	lim, err := a.svc.QuotaSet(r.Context(), project)
	if err != nil {
		return err
	}
	out := obj{}
	for k, v := range lim {
		out[k] = v
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"quota_set": out})
	return nil
}

// deleteQuotas is DELETE /v3/os-quota-sets/{project} (admins).
func (a *API) deleteQuotas(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:quotas:delete", r.PathValue("project")); err != nil {
		return err
	}
	if err := a.svc.DeleteQuotas(r.Context(), r.PathValue("project")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// showLimits is GET /v3/limits: the caller's project's absolute limits
// and usage (Cinder has no rate limits).
func (a *API) showLimits(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "limits_extension:used_limits", ""); err != nil {
		return err
	}
	project := httpx.Caller(r.Context()).ProjectID
	if p := r.URL.Query().Get("project_id"); p != "" && requestMV(r).AtLeast(3, 39) && httpx.Caller(r.Context()).IsAdmin() {
		project = p
	}
	us, err := a.svc.QuotaUsages(r.Context(), project)
	if err != nil {
		return err
	}
	get := func(k string) volume.QuotaUsage { return us[k] }
	abs := obj{
		"maxTotalVolumes": get("volumes").Limit, "maxTotalSnapshots": get("snapshots").Limit,
		"maxTotalVolumeGigabytes": get("gigabytes").Limit, "maxTotalBackups": get("backups").Limit,
		"maxTotalBackupGigabytes": get("backup_gigabytes").Limit,
		"totalVolumesUsed":        get("volumes").InUse, "totalSnapshotsUsed": get("snapshots").InUse,
		"totalGigabytesUsed": get("gigabytes").InUse, "totalBackupsUsed": 0, "totalBackupGigabytesUsed": 0,
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"limits": obj{"rate": []any{}, "absolute": abs}})
	return nil
}

// listZones is GET /v3/os-availability-zone.
func (a *API) listZones(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:availability_zone_list", ""); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"availabilityZoneInfo": []any{
		obj{"zoneName": volume.AvailabilityZone, "zoneState": obj{"available": true}}}})
	return nil
}

// listExtensions is GET /v3/extensions: the extensions whose
// attributes the views carry.
func (a *API) listExtensions(w http.ResponseWriter, r *http.Request) error {
	var out []any
	for _, e := range [][3]string{
		{"os-vol-tenant-attr", "VolumeTenantAttribute", "Expose the internal project_id as an attribute of a volume."},
		{"os-vol-host-attr", "VolumeHostAttribute", "Expose host as an attribute of a volume."},
		{"os-vol-image-meta", "VolumeImageMetadata", "Show image metadata associated with the volume."},
		{"os-extended-snapshot-attributes", "ExtendedSnapshotAttributes", "Extended SnapshotAttributes support."},
		{"os-volume-actions", "VolumeActions", "Enable volume actions."},
		{"os-admin-actions", "AdminActions", "Enable admin actions."},
		{"os-quota-sets", "Quotas", "Quota management support."},
		{"os-availability-zone", "AvailabilityZones", "Describe Availability Zones."},
		{"os-types-manage", "TypesManage", "Types manage support."},
	} {
		out = append(out, obj{"alias": e[0], "name": e[1], "description": e[2], "links": []any{},
			"updated": "2013-01-01T00:00:00+00:00"})
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"extensions": out})
	return nil
}

// listServices is GET /v3/os-services (admins): the block storage
// services of this process, always up.
func (a *API) listServices(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:services:index", ""); err != nil {
		return err
	}
	// Cinder's filters: binary exactly, host as a host or as the host
	// part of host@backend#pool.
	q := r.URL.Query()
	host, binary := q.Get("host"), q.Get("binary")
	out := []any{}
	for _, s := range [][2]string{{"cinder-scheduler", "novalite"}, {"cinder-volume", "novalite@simulated"}} {
		if binary != "" && s[0] != binary {
			continue
		}
		if host != "" && s[1] != host && !strings.HasPrefix(s[1], host+"@") && !strings.HasPrefix(s[1], host+"#") {
			continue
		}
		out = append(out, obj{"binary": s[0], "host": s[1], "zone": volume.AvailabilityZone, "status": "enabled",
			"state": "up", "updated_at": cinderTime(time.Now()), "disabled_reason": nil})
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"services": out})
	return nil
}
