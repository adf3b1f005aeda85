package volume

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

var createSnapshotSchema = mustSchema("snapshot-create", obj{"type": "object", "required": []any{"snapshot"},
	"properties": obj{"snapshot": obj{"type": "object", "required": []any{"volume_id"}, "properties": obj{
		"name": pName, "display_name": pName, "description": pName, "display_description": pName,
		"volume_id": obj{"type": []any{"string", "null"}, "format": "uuid"}, "force": pBool, "metadata": pMetadata}, "additionalProperties": false}},
	"additionalProperties": false})

var updateSnapshotSchema = mustSchema("snapshot-update", obj{"type": "object", "required": []any{"snapshot"},
	"properties": obj{"snapshot": obj{"type": "object", "properties": obj{
		"name": pName, "display_name": pName, "description": pName, "display_description": pName},
		"additionalProperties": false}}, "additionalProperties": false})

// listSnapshots is GET /v3/snapshots and /v3/snapshots/detail.
func (a *API) listSnapshots(detail bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := authorize(r, "volume:get_all_snapshots", ""); err != nil {
			return err
		}
		lq, err := readList(r, snapshotAttrs)
		if err != nil {
			return err
		}
		for i, s := range lq.sort {
			if s.Key == "volume_size" {
				lq.sort[i].Key = "size"
			}
		}
		p := volume.ListParams{AllProjects: lq.all, ProjectID: lq.q.Get("project_id"), Marker: lq.marker,
			Limit: lq.storeLimit(), Sort: lq.sort}
		for k, dst := range map[string]**string{"volume_id": &p.VolumeID, "name": &p.Name, "status": &p.Status} {
			if lq.q.Has(k) {
				*dst = new(lq.q.Get(k))
			}
		}
		ss, err := a.svc.Snapshots(r.Context(), httpx.Caller(r.Context()), p)
		if err != nil {
			return err
		}
		ss = skipOffset(lq, ss)
		out := make([]any, 0, len(ss))
		for _, s := range ss {
			view := snapshotSummary
			if detail {
				view = snapshotExtended
			}
			out = append(out, a.snapshotView(r, s, view))
		}
		body := obj{"snapshots": out}
		if len(ss) > 0 {
			coll := map[bool]string{true: "snapshots/detail", false: "snapshots"}[detail]
			if l := a.nextLinks(r, coll, len(ss), lq, ss[len(ss)-1].ID); l != nil {
				body["snapshots_links"] = l
			}
		}
		httpx.WriteJSON(w, http.StatusOK, body)
		return nil
	}
}

// createSnapshot is POST /v3/snapshots.
func (a *API) createSnapshot(w http.ResponseWriter, r *http.Request) error {
	body, err := decode(r, createSnapshotSchema)
	if err != nil {
		return err
	}
	sb, _ := body["snapshot"].(map[string]any)
	c := httpx.Caller(r.Context())
	// A null volume_id passes Cinder's schema and is looked up as "None".
	id := str(sb, "volume_id")
	if id == "" {
		id = "None"
	}
	v, err := a.svc.Get(r.Context(), c, id)
	if err != nil {
		return err
	}
	if err := authorize(r, "volume:create_snapshot", v.ProjectID); err != nil {
		return err
	}
	p := volume.SnapshotParams{VolumeID: v.ID, Name: strOrNil(sb, "name"), Description: strOrNil(sb, "description"),
		Metadata: stringMap(sb["metadata"])}
	if p.Name == nil {
		p.Name = strOrNil(sb, "display_name")
	}
	if p.Description == nil {
		p.Description = strOrNil(sb, "display_description")
	}
	if f, ok := sb["force"]; ok {
		if p.Force, err = asBool(f); err != nil {
			return err
		}
	}
	s, err := a.svc.CreateSnapshot(r.Context(), c, p)
	if err != nil && (s.ID == "" || novalite.KindOf(err) != novalite.Internal) {
		return err
	}
	if err != nil {
		httpx.LogError(r, err)
	}
	httpx.WriteJSON(w, http.StatusAccepted, obj{"snapshot": a.snapshotView(r, s, snapshotDetail)})
	return nil
}

func (a *API) getSnapshot(r *http.Request, rule string) (novalite.VolumeSnapshot, error) {
	s, err := a.svc.Snapshot(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return s, err
	}
	return s, authorize(r, rule, s.ProjectID)
}

// showSnapshot is GET /v3/snapshots/{id}.
func (a *API) showSnapshot(w http.ResponseWriter, r *http.Request) error {
	s, err := a.getSnapshot(r, "volume:get_snapshot")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"snapshot": a.snapshotView(r, s, snapshotExtended)})
	return nil
}

// updateSnapshot is PUT /v3/snapshots/{id}.
func (a *API) updateSnapshot(w http.ResponseWriter, r *http.Request) error {
	body, err := decode(r, updateSnapshotSchema)
	if err != nil {
		return err
	}
	if _, err := a.getSnapshot(r, "volume:update_snapshot"); err != nil {
		return err
	}
	sb, _ := body["snapshot"].(map[string]any)
	p := nameUpdate(sb)
	s, err := a.svc.UpdateSnapshot(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"snapshot": a.snapshotView(r, s, snapshotDetail)})
	return nil
}

// deleteSnapshot is DELETE /v3/snapshots/{id}.
func (a *API) deleteSnapshot(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.getSnapshot(r, "volume:delete_snapshot"); err != nil {
		return err
	}
	if err := a.svc.DeleteSnapshot(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// snapshotAction is POST /v3/snapshots/{id}/action: os-reset_status and
// os-force_delete (admins), os-update_snapshot_status.
func (a *API) snapshotAction(w http.ResponseWriter, r *http.Request) error {
	var body map[string]any
	if _, err := httpx.ReadBody(r, &body, "Malformed request body"); err != nil {
		return err
	}
	s, err := a.svc.Snapshot(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	arg, _ := body[firstKey(body)].(map[string]any)
	switch firstKey(body) {
	case "os-update_snapshot_status":
		if err := authorize(r, "snapshot_extension:snapshot_actions:update_snapshot_status", s.ProjectID); err != nil {
			return err
		}
		progress := str(arg, "progress")
		if progress != "" {
			n, err := strconv.Atoi(strings.TrimSuffix(progress, "%"))
			if err != nil || n < 0 || n > 100 || !strings.HasSuffix(progress, "%") {
				return novalite.Errorf(novalite.Invalid, "progress must be an integer percentage")
			}
		}
		err = a.svc.UpdateSnapshotStatus(r.Context(), c, s.ID, volume.SnapshotStatusUpdate{Status: str(arg, "status"), Progress: progress})
	case "os-reset_status":
		if err := authorize(r, "volume_extension:snapshot_admin_actions:reset_status", s.ProjectID); err != nil {
			return err
		}
		st := str(arg, "status")
		if !slices.Contains([]string{"available", "error", "creating", "deleting", "error_deleting"}, st) {
			return novalite.Errorf(novalite.Invalid, "Invalid input received: Snapshot status %s not allowed.", st)
		}
		err = a.svc.SetSnapshotStatus(r.Context(), c, s.ID, st)
	case "os-force_delete":
		if err := authorize(r, "volume_extension:snapshot_admin_actions:force_delete", s.ProjectID); err != nil {
			return err
		}
		err = a.svc.ForceDeleteSnapshot(r.Context(), c, s.ID)
	default:
		return novalite.Errorf(novalite.Invalid, "There is no such action: %s", firstKey(body))
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func firstKey(m map[string]any) string {
	for k := range m {
		return k
	}
	return ""
}
