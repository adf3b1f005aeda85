package volume

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

var createVolumeSchema = mustSchema("volume-create", obj{"type": "object", "required": []any{"volume"},
	"properties": obj{"volume": obj{"type": "object", "properties": obj{
		"name": pName, "display_name": pName, "description": pName, "display_description": pName,
		"size": pSize, "volume_type": obj{"type": []any{"string", "null"}, "maxLength": 255},
		"availability_zone": obj{"type": []any{"string", "null"}, "maxLength": 255},
		"snapshot_id":       obj{"type": []any{"string", "null"}}, "source_volid": obj{"type": []any{"string", "null"}},
		"imageRef": obj{"type": []any{"string", "null"}}, "image_id": obj{"type": []any{"string", "null"}},
		"backup_id": obj{"type": []any{"string", "null"}}, "metadata": pMetadata, "multiattach": pBool,
		"consistencygroup_id": obj{"type": []any{"string", "null"}}, "group_id": obj{"type": []any{"string", "null"}},
	}}, "OS-SCH-HNT:scheduler_hints": obj{"type": []any{"object", "null"}}}})

var updateVolumeSchema = mustSchema("volume-update", obj{"type": "object", "required": []any{"volume"},
	"properties": obj{"volume": obj{"type": "object", "properties": obj{
		"name": pName, "display_name": pName, "description": pName, "display_description": pName,
		"metadata": pMetadata}, "additionalProperties": false}}, "additionalProperties": false})

// listVolumes is GET /v3/volumes and /v3/volumes/detail.
func (a *API) listVolumes(detail bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := authorize(r, "volume:get_all", ""); err != nil {
			return err
		}
		lq, err := readList(r, volumeAttrs)
		if err != nil {
			return err
		}
		p := volume.ListParams{AllProjects: lq.all, ProjectID: lq.q.Get("project_id"), Marker: lq.marker,
			Limit: lq.storeLimit(), Sort: lq.sort}
		if lq.q.Has("name") {
			p.Name = new(lq.q.Get("name"))
		} else if lq.q.Has("display_name") {
			p.Name = new(lq.q.Get("display_name"))
		}
		if lq.q.Has("status") {
			p.Status = new(lq.q.Get("status"))
		}
		if s := lq.q.Get("bootable"); s != "" {
			b, err := asBool(s)
			if err != nil {
				return err
			}
			p.Bootable = &b
		}
		if s := lq.q.Get("metadata"); s != "" {
			p.Metadata = pyDict(s)
		}
		vs, err := a.svc.List(r.Context(), httpx.Caller(r.Context()), p)
		if err != nil {
			return err
		}
		vs = skipOffset(lq, vs)
		out := make([]any, 0, len(vs))
		typeName := a.svc.TypeNamer(r.Context())
		for _, v := range vs {
			if detail {
				name, err := typeName(v.TypeID)
				if err != nil {
					return err
				}
				out = append(out, a.volumeView(r, v, name))
			} else {
				out = append(out, a.volumeSummary(r, v))
			}
		}
		body := obj{"volumes": out}
		last := ""
		if len(vs) > 0 {
			last = vs[len(vs)-1].ID
		}
		coll := "volumes"
		if detail {
			coll = "volumes/detail"
		}
		if l := a.nextLinks(r, coll, len(vs), lq, last); l != nil {
			body["volumes_links"] = l
		}
		if requestMV(r).AtLeast(3, 45) && lq.q.Get("with_count") != "" {
			if b, _ := asBool(lq.q.Get("with_count")); b {
				p.Marker, p.Limit = "", -1
				all, err := a.svc.List(r.Context(), httpx.Caller(r.Context()), p)
				if err != nil {
					return err
				}
				body["count"] = len(all)
			}
		}
		httpx.WriteJSON(w, http.StatusOK, body)
		return nil
	}
}

// pyDict reads Cinder's metadata filter, a Python-literal dict such as
// {'k': 'v'} (or JSON); anything else filters on nothing.
func pyDict(s string) map[string]string {
	out := map[string]string{}
	s = trimAny(s, "{}")
	for _, kv := range splitTop(s) {
		k, v, ok := cut(kv, ":")
		if !ok {
			continue
		}
		out[trimAny(k, " '\"")] = trimAny(v, " '\"")
	}
	return out
}

// createVolume is POST /v3/volumes.
func (a *API) createVolume(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume:create", ""); err != nil {
		return err
	}
	body, err := decode(r, createVolumeSchema)
	if err != nil {
		return err
	}
	vb, _ := body["volume"].(map[string]any)
	p := volume.CreateParams{Name: strOrNil(vb, "name"), Description: strOrNil(vb, "description"),
		Type: str(vb, "volume_type"), AvailabilityZone: str(vb, "availability_zone"),
		SnapshotID: str(vb, "snapshot_id"), SourceVolID: str(vb, "source_volid"), ImageRef: str(vb, "imageRef"),
		Metadata: stringMap(vb["metadata"])}
	if p.Name == nil {
		p.Name = strOrNil(vb, "display_name")
	}
	if p.Description == nil {
		p.Description = strOrNil(vb, "display_description")
	}
	if p.ImageRef == "" {
		p.ImageRef = str(vb, "image_id")
	}
	if n, ok := asInt(vb["size"]); ok {
		p.Size = n
	}
	if b := vb["multiattach"]; b != nil {
		if p.Multiattach, err = asBool(b); err != nil {
			return err
		}
	}
	if str(vb, "backup_id") != "" {
		return novalite.Errorf(novalite.NotFound, "Backup %s could not be found.", str(vb, "backup_id"))
	}
	v, typeName, err := a.svc.Create(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil && v.ID == "" || err != nil && novalite.KindOf(err) != novalite.Internal {
		return err
	}
	if err != nil { // the data failed after the record: Cinder shows "error" later
		httpx.LogError(r, err)
	}
	httpx.WriteJSON(w, http.StatusAccepted, obj{"volume": a.volumeBaseView(r, v, typeName)})
	return nil
}

// landedTypeName is the type name for the answer to an update that has
// landed: a failure to read it is logged and the name left empty, as
// answering an error would have the client retry what is done.
func (a *API) landedTypeName(r *http.Request, v novalite.Volume) string {
	name, err := a.svc.TypeName(r.Context(), v.TypeID)
	if err != nil {
		httpx.LogError(r, err)
	}
	return name
}

// getVolume reads a volume the caller may see after the rule.
func (a *API) getVolume(r *http.Request, rule string) (novalite.Volume, error) {
	c := httpx.Caller(r.Context())
	v, err := a.svc.Get(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return v, err
	}
	return v, authorize(r, rule, v.ProjectID)
}

// showVolume is GET /v3/volumes/{id}.
func (a *API) showVolume(w http.ResponseWriter, r *http.Request) error {
	v, err := a.getVolume(r, "volume:get")
	if err != nil {
		return err
	}
	name, err := a.svc.TypeName(r.Context(), v.TypeID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"volume": a.volumeView(r, v, name)})
	return nil
}

// nameUpdate reads the name and description of an update body, under
// either of Cinder's two names for each (the v1 display_* ones too).
func nameUpdate(b map[string]any) volume.UpdateParams {
	var p volume.UpdateParams
	for _, k := range []string{"name", "display_name"} {
		if n := stringChange(b, k); n.Set {
			p.Name = n
		}
	}
	for _, k := range []string{"description", "display_description"} {
		if n := stringChange(b, k); n.Set {
			p.Description = n
		}
	}
	return p
}

// updateVolume is PUT /v3/volumes/{id}.
func (a *API) updateVolume(w http.ResponseWriter, r *http.Request) error {
	body, err := decode(r, updateVolumeSchema)
	if err != nil {
		return err
	}
	if _, err := a.getVolume(r, "volume:update"); err != nil {
		return err
	}
	vb, _ := body["volume"].(map[string]any)
	p := nameUpdate(vb)
	if m, ok := vb["metadata"]; ok {
		p.Metadata = stringMap(m)
		if p.Metadata == nil {
			p.Metadata = map[string]string{}
		}
	}
	v, err := a.svc.Update(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"volume": a.volumeBaseView(r, v, a.landedTypeName(r, v))})
	return nil
}

// deleteVolume is DELETE /v3/volumes/{id}[?cascade=true][&force=true].
func (a *API) deleteVolume(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.getVolume(r, "volume:delete"); err != nil {
		return err
	}
	q := r.URL.Query()
	var cascade, force bool
	var err error
	if s := q.Get("cascade"); s != "" {
		if cascade, err = asBool(s); err != nil {
			return err
		}
	}
	if s := q.Get("force"); s != "" && requestMV(r).AtLeast(3, 23) {
		if force, err = asBool(s); err != nil {
			return err
		}
		if force {
			if err := authorize(r, "volume:force_delete", ""); err != nil {
				return err
			}
		}
	}
	if err := a.svc.Delete(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), volume.DeleteParams{Cascade: cascade, Force: force}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
