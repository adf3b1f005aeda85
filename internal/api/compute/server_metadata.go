package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
	"novalite/internal/compute"
)

// /servers/{id}/metadata[/{key}] (nova/api/openstack/compute/server_metadata.py).
// Bodies are validated first, then the server is looked up (404), then
// the policy (403); writes are lock- and state-checked by the service.

var (
	metadataSchema = schema.New("server_metadata", `{"type": "object", "properties": {"metadata": `+
		metadataType(false)+`}, "required": ["metadata"], "additionalProperties": false}`)
	metaItemSchema = schema.New("server_metadata_item", `{"type": "object", "properties": {"meta": `+
		metadataType(true)+`}, "required": ["meta"], "additionalProperties": false}`)
)

// metadataType is Nova's parameter_types.metadata; one makes it hold
// exactly one pair.
func metadataType(one bool) string {
	s := `{"type": "object", "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255}}, "additionalProperties": false`
	if one {
		s += `, "minProperties": 1, "maxProperties": 1`
	}
	return s + `}`
}

// noQuery is the query schema of the sub-resource GETs from 2.102 on: no
// parameter at all (before, anything is accepted and ignored).
func noQuery(r *http.Request) error {
	if !requestMV(r).AtLeast(2, 102) {
		return nil
	}
	return onlyParams(r.URL.Query())
}

// findServerSub is findServer for a GET of a server's sub-resource:
// the query is checked (noQuery) before the server is looked up.
func (a *API) findServerSub(r *http.Request, rule string) (compute.ServerInfo, error) {
	if err := noQuery(r); err != nil {
		return compute.ServerInfo{}, err
	}
	return a.findServer(r, rule)
}

// metadataRequest is the body of a metadata write: all pairs
// (metadataSchema) or one (metaItemSchema).
type metadataRequest struct {
	Metadata map[string]string `json:"metadata"`
	Meta     map[string]string `json:"meta"`
}

// metadataBody is the body of a server's metadata.
type metadataBody struct {
	Metadata map[string]string `json:"metadata"`
}

// metaBody is the body of one metadata item.
type metaBody struct {
	Meta map[string]string `json:"meta"`
}

// listServerMetadata is GET /servers/{id}/metadata.
func (a *API) listServerMetadata(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServerSub(r, "os_compute_api:server-metadata:index")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, metadataBody{nonNilMap(s.Metadata)})
	return nil
}

// showServerMetadata is GET /servers/{id}/metadata/{key}.
func (a *API) showServerMetadata(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServerSub(r, "os_compute_api:server-metadata:show")
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	v, ok := s.Metadata[key]
	if !ok {
		return novalite.Errorf(novalite.NotFound, "Metadata item was not found")
	}
	httpx.WriteJSON(w, http.StatusOK, metaBody{map[string]string{key: v}})
	return nil
}

// createServerMetadata is POST /servers/{id}/metadata: a merge; the answer
// is every item after it (200, as Nova answers).
func (a *API) createServerMetadata(w http.ResponseWriter, r *http.Request) error {
	return a.writeServerMetadata(w, r, "os_compute_api:server-metadata:create", false)
}

// replaceServerMetadata is PUT /servers/{id}/metadata: replace them all.
func (a *API) replaceServerMetadata(w http.ResponseWriter, r *http.Request) error {
	return a.writeServerMetadata(w, r, "os_compute_api:server-metadata:update_all", true)
}

func (a *API) writeServerMetadata(w http.ResponseWriter, r *http.Request, rule string, replace bool) error {
	body, err := decodeRequest[metadataRequest](r, metadataSchema)
	if err != nil {
		return err
	}
	s, err := a.findServer(r, rule)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	md, err := a.svc.Compute.UpdateServerMetadata(r.Context(), c, s.ID,
		compute.MetadataUpdate{Metadata: body.Metadata, Replace: replace})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, metadataBody{nonNilMap(md)})
	return nil
}

// updateServerMetadataItem is PUT /servers/{id}/metadata/{key}: one pair
// whose key is the URL's.
func (a *API) updateServerMetadataItem(w http.ResponseWriter, r *http.Request) error {
	body, err := decodeRequest[metadataRequest](r, metaItemSchema)
	if err != nil {
		return err
	}
	s, err := a.findServer(r, "os_compute_api:server-metadata:update")
	if err != nil {
		return err
	}
	meta := body.Meta
	if _, ok := meta[r.PathValue("key")]; !ok {
		return novalite.Errorf(novalite.Invalid, "Request body and URI mismatch")
	}
	c := httpx.Caller(r.Context())
	if _, err := a.svc.Compute.UpdateServerMetadata(r.Context(), c, s.ID, compute.MetadataUpdate{Metadata: meta}); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, metaBody{meta})
	return nil
}

// deleteServerMetadataItem is DELETE /servers/{id}/metadata/{key}.
func (a *API) deleteServerMetadataItem(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServer(r, "os_compute_api:server-metadata:delete")
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := a.svc.Compute.DeleteServerMetadataItem(r.Context(), c, s.ID, r.PathValue("key")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
