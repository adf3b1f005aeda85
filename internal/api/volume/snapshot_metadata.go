package volume

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

// Snapshot metadata: the routes and answers of the volume metadata
// API, under /v3/snapshots/{id}/metadata, with the snapshot policies.

// showSnapshotMetadata is GET /v3/snapshots/{id}/metadata.
func (a *API) showSnapshotMetadata(w http.ResponseWriter, r *http.Request) error {
	s, err := a.getSnapshot(r, "volume:get_snapshot_metadata")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"metadata": s.Metadata})
	return nil
}

// setSnapshotMetadata is POST (merge) and PUT (replace)
// /v3/snapshots/{id}/metadata.
func (a *API) setSnapshotMetadata(replace bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		body, err := decode(r, metadataSchema)
		if err != nil {
			return err
		}
		if _, err := a.getSnapshot(r, "volume:update_snapshot_metadata"); err != nil {
			return err
		}
		m, err := a.svc.SetSnapshotMetadata(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"),
			volume.MetadataUpdate{Metadata: stringMap(body["metadata"]), Replace: replace})
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, obj{"metadata": m})
		return nil
	}
}

// showSnapshotMetadataItem is GET /v3/snapshots/{id}/metadata/{key}.
func (a *API) showSnapshotMetadataItem(w http.ResponseWriter, r *http.Request) error {
	s, err := a.getSnapshot(r, "volume:get_snapshot_metadata")
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	val, ok := s.Metadata[key]
	if !ok {
		return volume.SnapshotMetadataNotFound(s.ID, key)
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"meta": obj{key: val}})
	return nil
}

// setSnapshotMetadataItem is PUT /v3/snapshots/{id}/metadata/{key}.
func (a *API) setSnapshotMetadataItem(w http.ResponseWriter, r *http.Request) error {
	body, err := decode(r, metaItemSchema)
	if err != nil {
		return err
	}
	m := stringMap(body["meta"])
	if _, ok := m[r.PathValue("key")]; !ok {
		return novalite.Errorf(novalite.Invalid, "Request body and URI mismatch")
	}
	if _, err := a.getSnapshot(r, "volume:update_snapshot_metadata"); err != nil {
		return err
	}
	if _, err := a.svc.SetSnapshotMetadata(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"),
		volume.MetadataUpdate{Metadata: m}); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"meta": m})
	return nil
}

// deleteSnapshotMetadataItem is DELETE /v3/snapshots/{id}/metadata/{key}.
func (a *API) deleteSnapshotMetadataItem(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.getSnapshot(r, "volume:delete_snapshot_metadata"); err != nil {
		return err
	}
	if err := a.svc.DeleteSnapshotMetadata(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), r.PathValue("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
