package compute

import (
	"net/http"
	"strconv"
	"time"

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
func cinderTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000")
}

// proxiedVolume is Nova's volume view; detail and summary are alike.
type proxiedVolume struct {
	Attachments        []proxyAttachment `json:"attachments"`
	AvailabilityZone   string            `json:"availabilityZone"`
	CreatedAt          string            `json:"createdAt"`
	DisplayDescription *string           `json:"displayDescription"`
	DisplayName        *string           `json:"displayName"`
	ID                 string            `json:"id"`
	Metadata           map[string]string `json:"metadata"`
	Size               int64             `json:"size"`
	SnapshotID         *string           `json:"snapshotId"`
	Status             string            `json:"status"`
	VolumeType         string            `json:"volumeType"`
}

// proxyAttachment is the server a volume is attached to; a volume
// attached to none has one that is empty ({}), as Nova shows it.
type proxyAttachment struct {
	Device   Optional[*string] `json:"device,omitzero"`
	ID       string            `json:"id,omitempty"`
	ServerID string            `json:"serverId,omitempty"`
	VolumeID string            `json:"volumeId,omitempty"`
}

// volumeProxyView is v, of the type named typeName, as the proxy shows it.
func (a *API) volumeProxyView(r *http.Request, v novalite.Volume, typeName string) proxiedVolume {
	att := proxyAttachment{}
	for _, at := range v.Attachments {
		if at.Status == novalite.AttachAttached {
			att = proxyAttachment{ID: v.ID, VolumeID: v.ID, ServerID: at.InstanceUUID, Device: some(nilIfEmpty(at.Mountpoint))}
			break
		}
	}
	meta := v.Metadata
	if meta == nil {
		meta = map[string]string{}
	}
	return proxiedVolume{ID: v.ID, Status: v.Status, Size: v.Size, AvailabilityZone: v.AvailabilityZone,
		CreatedAt: cinderTime(v.CreatedAt), Attachments: []proxyAttachment{att}, DisplayName: v.Name,
		DisplayDescription: v.Description, VolumeType: typeName,
		SnapshotID: nilIfEmpty(v.SnapshotID), Metadata: meta}
}

// volumeProxyBody is the body of one volume.
type volumeProxyBody struct {
	Volume proxiedVolume `json:"volume"`
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
		out := struct {
			Volumes []proxiedVolume `json:"volumes"`
		}{[]proxiedVolume{}}
		typeName := a.svc.Volumes.TypeNamer(r.Context())
		for _, v := range limited(r, vs) {
			name, err := typeName(v.TypeID)
			if err != nil {
				return err
			}
			out.Volumes = append(out.Volumes, a.volumeProxyView(r, v, name))
		}
		httpx.WriteJSON(w, http.StatusOK, out)
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
	name, err := a.svc.Volumes.TypeName(r.Context(), v.TypeID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, volumeProxyBody{a.volumeProxyView(r, v, name)})
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
	v, typeName, err := a.svc.Volumes.Create(r.Context(), httpx.Caller(r.Context()), p)
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
	httpx.WriteJSON(w, http.StatusOK, volumeProxyBody{a.volumeProxyView(r, v, typeName)})
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

// proxiedSnapshot is Nova's snapshot view; detail and summary are alike.
type proxiedSnapshot struct {
	CreatedAt          string  `json:"createdAt"`
	DisplayDescription *string `json:"displayDescription"`
	DisplayName        *string `json:"displayName"`
	ID                 string  `json:"id"`
	Size               int64   `json:"size"`
	Status             string  `json:"status"`
	VolumeID           string  `json:"volumeId"`
}

func snapshotProxyView(s novalite.VolumeSnapshot) proxiedSnapshot {
	return proxiedSnapshot{ID: s.ID, VolumeID: s.VolumeID, Status: s.Status, Size: s.Size,
		CreatedAt: cinderTime(s.CreatedAt), DisplayName: s.Name, DisplayDescription: s.Description}
}

// snapshotProxyBody is the body of one snapshot.
type snapshotProxyBody struct {
	Snapshot proxiedSnapshot `json:"snapshot"`
}

func (a *API) listSnapshotsProxy(w http.ResponseWriter, r *http.Request) error {
	if err := a.noVolumes(); err != nil {
		return err
	}
	ss, err := a.svc.Volumes.Snapshots(r.Context(), httpx.Caller(r.Context()), volume.ListParams{Limit: -1})
	if err != nil {
		return err
	}
	out := struct {
		Snapshots []proxiedSnapshot `json:"snapshots"`
	}{[]proxiedSnapshot{}}
	for _, s := range limited(r, ss) {
		out.Snapshots = append(out.Snapshots, snapshotProxyView(s))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
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
	httpx.WriteJSON(w, http.StatusOK, snapshotProxyBody{snapshotProxyView(s)})
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
	httpx.WriteJSON(w, http.StatusOK, snapshotProxyBody{snapshotProxyView(s)})
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
