package volume

import (
	"context"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

// metadataAPI answers Cinder's metadata routes of one kind of resource,
// …/{id}/metadata and …/{id}/metadata/{key}: volumes and snapshots have
// the same API with their own policies, service calls and 404.
type metadataAPI struct {
	// get reads the resource of the request's id, authorized by rule.
	get                  func(r *http.Request, rule string) (id string, meta map[string]string, err error)
	set                  func(ctx context.Context, c *novalite.Caller, id string, u volume.MetadataUpdate) (map[string]string, error)
	del                  func(ctx context.Context, c *novalite.Caller, id, key string) error
	notFound             func(id, key string) error
	read, update, remove string // policy rules
}

var metadataSchema = mustSchema("volume-metadata", obj{"type": "object", "required": []any{"metadata"},
	"properties": obj{"metadata": pMetadata}, "additionalProperties": false})

var metaItemSchema = mustSchema("volume-metadata-item", obj{"type": "object", "required": []any{"meta"},
	"properties": obj{"meta": obj{"type": "object", "minProperties": 1, "maxProperties": 1,
		"patternProperties":    obj{"^[a-zA-Z0-9-_:. /]{1,255}$": obj{"type": "string", "maxLength": 255}},
		"additionalProperties": false}}, "additionalProperties": false})

// volumeMetadata is the metadata API of volumes.
func (a *API) volumeMetadata() metadataAPI {
	return metadataAPI{
		get: func(r *http.Request, rule string) (string, map[string]string, error) {
			v, err := a.getVolume(r, rule)
			return v.ID, v.Metadata, err
		},
		set: a.svc.SetMetadata, del: a.svc.DeleteMetadata,
		notFound: func(id, key string) error {
			return novalite.Errorf(novalite.NotFound, "Volume %s has no metadata with key %s.", id, key)
		},
		read: "volume:get_volume_metadata", update: "volume:update_volume_metadata",
		remove: "volume:delete_volume_metadata",
	}
}

// snapshotMetadata is the metadata API of snapshots.
func (a *API) snapshotMetadata() metadataAPI {
	return metadataAPI{
		get: func(r *http.Request, rule string) (string, map[string]string, error) {
			s, err := a.getSnapshot(r, rule)
			return s.ID, s.Metadata, err
		},
		set: a.svc.SetSnapshotMetadata, del: a.svc.DeleteSnapshotMetadata,
		notFound: volume.SnapshotMetadataNotFound,
		read:     "volume:get_snapshot_metadata", update: "volume:update_snapshot_metadata",
		remove: "volume:delete_snapshot_metadata",
	}
}

// show is GET …/metadata.
func (m metadataAPI) show(w http.ResponseWriter, r *http.Request) error {
	_, meta, err := m.get(r, m.read)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"metadata": meta})
	return nil
}

// setAll is POST (merge) and PUT (replace) …/metadata.
func (m metadataAPI) setAll(replace bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		body, err := decode(r, metadataSchema)
		if err != nil {
			return err
		}
		if _, _, err := m.get(r, m.update); err != nil {
			return err
		}
		out, err := m.set(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"),
			volume.MetadataUpdate{Metadata: stringMap(body["metadata"]), Replace: replace})
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, obj{"metadata": out})
		return nil
	}
}

// showItem is GET …/metadata/{key}.
func (m metadataAPI) showItem(w http.ResponseWriter, r *http.Request) error {
	id, meta, err := m.get(r, m.read)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	val, ok := meta[key]
	if !ok {
		return m.notFound(id, key)
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"meta": obj{key: val}})
	return nil
}

// setItem is PUT …/metadata/{key}.
func (m metadataAPI) setItem(w http.ResponseWriter, r *http.Request) error {
	body, err := decode(r, metaItemSchema)
	if err != nil {
		return err
	}
	item := stringMap(body["meta"])
	if _, ok := item[r.PathValue("key")]; !ok {
		return novalite.Errorf(novalite.Invalid, "Request body and URI mismatch")
	}
	if _, _, err := m.get(r, m.update); err != nil {
		return err
	}
	if _, err := m.set(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), volume.MetadataUpdate{Metadata: item}); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"meta": item})
	return nil
}

// deleteItem is DELETE …/metadata/{key}.
func (m metadataAPI) deleteItem(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := m.get(r, m.remove); err != nil {
		return err
	}
	if err := m.del(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), r.PathValue("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
