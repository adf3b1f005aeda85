package compute

import (
	"net/http"
	"strconv"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/policy"
	"novalite/internal/volume"
)

// Nova's deprecated block storage proxies, os-volumes and os-snapshots
// (nova/api/openstack/compute/volumes.py, snapshots.py), served up to
// microversion 2.35 from the block storage service, in Nova's views.

// volumeProxy returns a handler that checks the paging parameters of a
// list and the os-volumes rule, then answers with fn.
func volumeProxy(rule string, list bool, fn httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if list {
			for _, k := range []string{"limit", "offset"} {
				if _, err := nonNegativeParam(r, k); err != nil {
					return err
				}
			}
		}
		if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-volumes:"+rule,
			policy.Target{}); err != nil {
			return err
		}
		return fn(w, r)
	}
}

var (
	proxyVolumeCreate = obj{"type": "object", "properties": obj{"volume": obj{"type": "object", "properties": obj{
		"volume_type": obj{"type": "string"}, "metadata": obj{"type": "object"}, "snapshot_id": obj{"type": "string"},
		"size":              obj{"type": []any{"integer", "string"}, "pattern": "^[0-9]+$", "minimum": 1},
		"availability_zone": obj{"type": "string"}, "display_name": obj{"type": "string"},
		"display_description": obj{"type": "string"}}, "required": []any{"size"}, "additionalProperties": false}},
		"required": []any{"volume"}, "additionalProperties": false}
	proxySnapshotCreate = obj{"type": "object", "properties": obj{"snapshot": obj{"type": "object", "properties": obj{
		"volume_id": obj{"type": "string"}, "force": pBoolean, "display_name": obj{"type": "string"},
		"display_description": obj{"type": "string"}}, "required": []any{"volume_id"}, "additionalProperties": false}},
		"required": []any{"snapshot"}, "additionalProperties": false}
)

// proxyVolumeRequest is the volume of POST /os-volumes.
type proxyVolumeRequest struct {
	Type             string           `json:"volume_type"`
	SnapshotID       string           `json:"snapshot_id"`
	AvailabilityZone string           `json:"availability_zone"`
	Name             Optional[string] `json:"display_name"`
	Description      Optional[string] `json:"display_description"`
	Size             looseInt         `json:"size"`
	Metadata         stringValues     `json:"metadata"`
}

// cinderTime is how Nova passes Cinder's times through.
func cinderTime(v novalite.Volume) string {
	return v.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000")
}

// volumeProxyView is Nova's volume view; detail and summary are alike.
func (a *API) volumeProxyView(r *http.Request, v novalite.Volume) map[string]any {
	atts := []any{map[string]any{}}
	for _, at := range v.Attachments {
		if at.Status == novalite.AttachAttached {
			atts = []any{map[string]any{"id": v.ID, "volumeId": v.ID, "serverId": at.InstanceUUID,
				"device": emptyNil(at.Mountpoint)}}
			break
		}
	}
	meta := v.Metadata
	if meta == nil {
		meta = map[string]string{}
	}
	return map[string]any{"id": v.ID, "status": v.Status, "size": v.Size, "availabilityZone": v.AvailabilityZone,
		"createdAt": cinderTime(v), "attachments": atts, "displayName": deref(v.Name),
		"displayDescription": deref(v.Description), "volumeType": a.svc.Volumes.TypeName(r.Context(), v.TypeID),
		"snapshotId": emptyNil(v.SnapshotID), "metadata": meta}
}

func deref(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// limited is Nova's common.limited: offset and limit over a whole list.
func limited[T any](r *http.Request, xs []T) []T {
	q := r.URL.Query()
	off, _ := strconv.Atoi(q.Get("offset"))
	lim := maxLimit
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && q.Has("limit") {
		lim = min(n, maxLimit)
	}
	xs = xs[min(off, len(xs)):]
	return xs[:min(lim, len(xs))]
}

func (a *API) noVolumes() error {
	if a.svc.Volumes == nil {
		return novalite.Errorf(novalite.NotFound, "The resource could not be found.")
	}
	return nil
}

func (a *API) listVolumesProxy(detail bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := a.noVolumes(); err != nil {
			return err
		}
		vs, err := a.svc.Volumes.List(r.Context(), httpx.Caller(r.Context()), volume.ListParams{Limit: -1})
		if err != nil {
			return err
		}
		out := []any{}
		for _, v := range limited(r, vs) {
			out = append(out, a.volumeProxyView(r, v))
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"volumes": out})
		return nil
	}
}

func (a *API) showVolumeProxy(w http.ResponseWriter, r *http.Request) error {
	if err := a.noVolumes(); err != nil {
		return err
	}
	v, err := a.svc.Volumes.Get(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"volume": a.volumeProxyView(r, v)})
	return nil
}

// createVolumeProxy is POST /os-volumes: Cinder's refusals as Nova words
// them (over quota → 403, a bad request → 400).
func (a *API) createVolumeProxy(w http.ResponseWriter, r *http.Request) error {
	if err := a.noVolumes(); err != nil {
		return err
	}
	body, err := decodeRequest[struct {
		Volume proxyVolumeRequest `json:"volume"`
	}](r, schemaFor("os-volumes-create", microversion.Min, func(microversion.Version) obj { return proxyVolumeCreate }))
	if err != nil {
		return err
	}
	vb := body.Volume
	p := volume.CreateParams{Type: vb.Type, SnapshotID: vb.SnapshotID, AvailabilityZone: vb.AvailabilityZone,
		Name: vb.Name.Ptr(), Description: vb.Description.Ptr(), Size: int64(vb.Size), Metadata: map[string]string(vb.Metadata)}
	if p.Metadata == nil {
		p.Metadata = map[string]string{}
	}
	v, err := a.svc.Volumes.Create(r.Context(), httpx.Caller(r.Context()), p)
	switch novalite.KindOf(err) {
	case novalite.TooLarge:
		return &novalite.Error{Kind: novalite.Forbidden, Message: "Quota exceeded for resources: volumes", Err: err}
	case novalite.Internal:
		if err != nil && v.ID == "" {
			return err
		}
	default:
		if err != nil {
			return err
		}
	}
	w.Header().Set("Location", a.links(r, "os-volumes", v.ID)[0].Href)
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"volume": a.volumeProxyView(r, v)})
	return nil
}

func (a *API) deleteVolumeProxy(w http.ResponseWriter, r *http.Request) error {
	if err := a.noVolumes(); err != nil {
		return err
	}
	if err := a.svc.Volumes.Delete(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), volume.DeleteParams{}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func snapshotProxyView(s novalite.VolumeSnapshot) map[string]any {
	return map[string]any{"id": s.ID, "volumeId": s.VolumeID, "status": s.Status, "size": s.Size,
		"createdAt": s.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000"), "displayName": deref(s.Name),
		"displayDescription": deref(s.Description)}
}

func (a *API) listSnapshotsProxy(w http.ResponseWriter, r *http.Request) error {
	if err := a.noVolumes(); err != nil {
		return err
	}
	ss, err := a.svc.Volumes.Snapshots(r.Context(), httpx.Caller(r.Context()), volume.ListParams{Limit: -1})
	if err != nil {
		return err
	}
	out := []any{}
	for _, s := range limited(r, ss) {
		out = append(out, snapshotProxyView(s))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"snapshots": out})
	return nil
}

func (a *API) showSnapshotProxy(w http.ResponseWriter, r *http.Request) error {
	if err := a.noVolumes(); err != nil {
		return err
	}
	s, err := a.svc.Volumes.Snapshot(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"snapshot": snapshotProxyView(s)})
	return nil
}

func (a *API) createSnapshotProxy(w http.ResponseWriter, r *http.Request) error {
	if err := a.noVolumes(); err != nil {
		return err
	}
	body, err := decodeRequest[struct {
		Snapshot struct {
			VolumeID    string           `json:"volume_id"`
			Force       looseBool        `json:"force"`
			Name        Optional[string] `json:"display_name"`
			Description Optional[string] `json:"display_description"`
		} `json:"snapshot"`
	}](r, schemaFor("os-snapshots-create", microversion.Min, func(microversion.Version) obj { return proxySnapshotCreate }))
	if err != nil {
		return err
	}
	sb := body.Snapshot
	p := volume.SnapshotParams{VolumeID: sb.VolumeID, Force: bool(sb.Force), Name: sb.Name.Ptr(), Description: sb.Description.Ptr()}
	s, err := a.svc.Volumes.CreateSnapshot(r.Context(), httpx.Caller(r.Context()), p)
	switch {
	case novalite.IsKind(err, novalite.TooLarge):
		return &novalite.Error{Kind: novalite.Forbidden, Message: "Quota exceeded for resources: snapshots", Err: err}
	case err != nil && (s.ID == "" || !novalite.IsKind(err, novalite.Internal)):
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"snapshot": snapshotProxyView(s)})
	return nil
}

func (a *API) deleteSnapshotProxy(w http.ResponseWriter, r *http.Request) error {
	if err := a.noVolumes(); err != nil {
		return err
	}
	if err := a.svc.Volumes.DeleteSnapshot(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
