package volume

import (
	"maps"
	"net/http"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
)

// cinderTime is how Cinder shows its datetimes: microseconds, no zone.
func cinderTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000")
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func ptr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// volumeView is Cinder's detailed volume for the request's microversion
// as show and the detailed list give it: the view with the extended
// attributes (project, image metadata, and the host and migration ones
// for admins), which Cinder's extensions add to those two only.
func (a *API) volumeView(r *http.Request, v novalite.Volume, typeName string) obj {
	m := a.volumeBaseView(r, v, typeName)
	m["os-vol-tenant-attr:tenant_id"] = v.ProjectID
	if len(v.ImageMetadata) > 0 {
		m["volume_image_metadata"] = v.ImageMetadata
	}
	if httpx.Caller(r.Context()).IsAdmin() {
		m["os-vol-host-attr:host"] = "novalite@simulated#simulated"
		m["os-vol-mig-status-attr:migstat"] = nil
		m["os-vol-mig-status-attr:name_id"] = nil
	}
	return m
}

// volumeBaseView is Cinder's detailed volume without the extended
// attributes (cinder/api/v3/views/volumes.py): what create and update
// answer.
func (a *API) volumeBaseView(r *http.Request, v novalite.Volume, typeName string) obj {
	c := httpx.Caller(r.Context())
	mv := requestMV(r)
	admin := c.IsAdmin()
	atts := []any{}
	for _, at := range v.Attachments {
		if at.Status != novalite.AttachAttached {
			continue
		}
		m := obj{"id": v.ID, "attachment_id": at.ID, "volume_id": v.ID, "server_id": at.InstanceUUID,
			"host_name": nil, "device": nullable(at.Mountpoint), "attached_at": cinderTime(at.AttachedAt)}
		if admin || c.HasRole("service") {
			m["host_name"] = nullable(at.Host)
		}
		atts = append(atts, m)
	}
	updated := any(nil)
	if !v.UpdatedAt.Equal(v.CreatedAt) {
		updated = cinderTime(v.UpdatedAt)
	}
	m := obj{
		"id": v.ID, "status": v.Status, "size": v.Size, "availability_zone": v.AvailabilityZone,
		"created_at": cinderTime(v.CreatedAt), "updated_at": updated, "name": ptr(v.Name),
		"description": ptr(v.Description), "volume_type": typeName, "snapshot_id": nullable(v.SnapshotID),
		"source_volid": nullable(v.SourceID), "metadata": visibleMetadata(v), "links": a.links(r, "volumes", v.ID),
		"user_id": v.UserID, "bootable": map[bool]string{true: "true", false: "false"}[v.Bootable],
		"encrypted": false, "replication_status": nil, "consistencygroup_id": nil, "multiattach": v.Multiattach,
		"attachments": atts,
	}
	if admin {
		m["migration_status"] = nil
	}
	if mv.AtLeast(3, 13) {
		m["group_id"] = nil
	}
	if admin && mv.AtLeast(3, 21) {
		m["provider_id"] = nil
	}
	if mv.AtLeast(3, 48) {
		m["shared_targets"] = false
		m["service_uuid"] = nil
	}
	if admin && mv.AtLeast(3, 61) {
		m["cluster_name"] = nil
	}
	if mv.AtLeast(3, 63) {
		m["volume_type_id"] = v.TypeID
	}
	if mv.AtLeast(3, 65) {
		m["consumes_quota"] = true
	}
	return m
}

// visibleMetadata is the volume's metadata with the admin metadata
// Cinder shows every reader (add_visible_admin_metadata): "readonly"
// once the flag was set, overriding a user key of that name.
func visibleMetadata(v novalite.Volume) map[string]string {
	if !v.ReadOnlyMeta {
		return v.Metadata
	}
	m := make(map[string]string, len(v.Metadata)+1)
	maps.Copy(m, v.Metadata)
	m["readonly"] = "False"
	if v.ReadOnly {
		m["readonly"] = "True"
	}
	return m
}

func (a *API) volumeSummary(r *http.Request, v novalite.Volume) obj {
	return obj{"id": v.ID, "name": ptr(v.Name), "links": a.links(r, "volumes", v.ID)}
}

// Snapshot views: Cinder's summary (the plain list), its v3 detail
// (create and update answer it) and the detail with the
// os-extended-snapshot-attributes extension, which extends only show and
// the detailed list.
const (
	snapshotSummary = iota
	snapshotDetail
	snapshotExtended
)

// snapshotView is Cinder's snapshot in one of the views above.
func (a *API) snapshotView(r *http.Request, s novalite.VolumeSnapshot, view int) obj {
	mv := requestMV(r)
	updated := any(nil)
	if !s.UpdatedAt.Equal(s.CreatedAt) {
		updated = cinderTime(s.UpdatedAt)
	}
	m := obj{"id": s.ID, "status": s.Status, "size": s.Size, "created_at": cinderTime(s.CreatedAt),
		"updated_at": updated, "name": ptr(s.Name), "description": ptr(s.Description), "volume_id": s.VolumeID,
		"metadata": s.Metadata}
	if view == snapshotSummary {
		return m
	}
	if view == snapshotExtended {
		m["os-extended-snapshot-attributes:progress"] = s.Progress
		switch {
		case s.Progress != "":
		case s.Status == novalite.VolumeAvailable:
			m["os-extended-snapshot-attributes:progress"] = "100%"
		default:
			m["os-extended-snapshot-attributes:progress"] = "0%"
		}
		m["os-extended-snapshot-attributes:project_id"] = s.ProjectID
	}
	if mv.AtLeast(3, 14) {
		m["group_snapshot_id"] = nil
	}
	if mv.AtLeast(3, 41) {
		m["user_id"] = s.UserID
	}
	if mv.AtLeast(3, 65) {
		m["consumes_quota"] = true
	}
	return m
}

// userVisibleSpecs are the extra specs Cinder shows to callers who may
// not read the sensitive ones (type_extra_specs.USER_VISIBLE_EXTRA_SPECS).
var userVisibleSpecs = []string{"RESKEY:availability_zones", "multiattach", "replication_enabled"}

// typeView is Cinder's v3 volume type as show and list answer it:
// extra_specs for every reader (the user-visible ones only for
// non-admins), qos_specs_id for admins, and the type-access extension's
// is_public.
func typeView(r *http.Request, t novalite.VolumeType) obj {
	m := obj{"id": t.ID, "name": t.Name, "description": ptr(t.Description), "is_public": t.IsPublic,
		"os-volume-type-access:is_public": t.IsPublic}
	if httpx.Caller(r.Context()).IsAdmin() {
		m["extra_specs"] = specsOf(t)
		m["qos_specs_id"] = nil
		return m
	}
	specs := map[string]string{}
	for _, k := range userVisibleSpecs {
		if v, ok := t.ExtraSpecs[k]; ok {
			specs[k] = v
		}
	}
	m["extra_specs"] = specs
	return m
}

// specsOf is the type's extra specs, {} when it has none.
func specsOf(t novalite.VolumeType) map[string]string {
	if t.ExtraSpecs == nil {
		return map[string]string{}
	}
	return t.ExtraSpecs
}

// managedTypeView is the type as create (access: with the type-access
// extension's is_public) and update answer it: types_manage uses
// Cinder's older view, all extra specs and no qos_specs_id.
func managedTypeView(t novalite.VolumeType, access bool) obj {
	m := obj{"id": t.ID, "name": t.Name, "description": ptr(t.Description), "is_public": t.IsPublic,
		"extra_specs": specsOf(t)}
	if access {
		m["os-volume-type-access:is_public"] = t.IsPublic
	}
	return m
}

// attachmentView is Cinder's attachment; detail adds the times, mode
// and connection info.
func (a *API) attachmentView(at novalite.VolumeAttachment, v novalite.Volume, detail bool) obj {
	m := obj{"id": at.ID, "status": at.Status, "instance": nullable(at.InstanceUUID), "volume_id": at.VolumeID}
	if detail {
		m["attached_at"] = cinderTime(at.AttachedAt)
		m["detached_at"] = cinderTime(at.DetachedAt)
		m["attach_mode"] = at.Mode
		m["connection_info"] = nil
		if at.Connector != "" {
			m["connection_info"] = a.svc.ConnectionInfo(v, at)
		}
	}
	return m
}
