package compute

import (
	"io"
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
	"novalite/internal/policy"
)

// /servers/{id}/tags[/{tag}] from 2.26 (nova/api/openstack/compute/server_tags.py).
// Unlike the other sub-resources, the policy is checked against the
// server's project before the server is loaded, so another project's
// server is 403, not 404. Nova gives these GETs no 2.102 query schema:
// unknown parameters stay ignored.

var tagsSchema = schema.New("server_tags", `{"type": "object", "properties": {"tags": {"type": "array",
	"items": {"type": "string", "pattern": "^[^,/]*$", "minLength": 1, "maxLength": 60}, "maxItems": 50}},
	"required": ["tags"], "additionalProperties": false}`)

var nullSchema = schema.New("null_body", `{"type": "null"}`)

// tagsAllowed checks rule against the
// project of the server, deleted or not (Nova's instance mapping).
func (a *API) tagsAllowed(r *http.Request, rule string) error {
	project, err := a.svc.Compute.ServerOwner(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return policy.Authorize(httpx.Caller(r.Context()), rule, policy.Target{ProjectID: project})
}

// tagsBody is the body of a server's tags.
type tagsBody struct {
	Tags []string `json:"tags"`
}

// listServerTags is GET /servers/{id}/tags.
func (a *API) listServerTags(w http.ResponseWriter, r *http.Request) error {
	if err := a.tagsAllowed(r, "os_compute_api:os-server-tags:index"); err != nil {
		return err
	}
	tags, err := a.svc.Compute.ServerTags(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, tagsBody{tags})
	return nil
}

// showServerTag is GET /servers/{id}/tags/{tag}: 204 when present.
func (a *API) showServerTag(w http.ResponseWriter, r *http.Request) error {
	if err := a.tagsAllowed(r, "os_compute_api:os-server-tags:show"); err != nil {
		return err
	}
	if err := a.svc.Compute.ServerHasTag(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), r.PathValue("tag")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

// replaceServerTags is PUT /servers/{id}/tags.
func (a *API) replaceServerTags(w http.ResponseWriter, r *http.Request) error {
	body, err := decodeRequest[struct {
		Tags []string `json:"tags"`
	}](r, tagsSchema)
	if err != nil {
		return err
	}
	if err := a.tagsAllowed(r, "os_compute_api:os-server-tags:update_all"); err != nil {
		return err
	}
	tags := body.Tags
	if tags == nil {
		tags = []string{}
	}
	out, err := a.svc.Compute.ReplaceServerTags(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), tags)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, tagsBody{out})
	return nil
}

// addServerTag is PUT /servers/{id}/tags/{tag}: no body (or null); 201
// with the tag's Location when added, 204 when it was there.
func (a *API) addServerTag(w http.ResponseWriter, r *http.Request) error {
	if err := nullBody(r); err != nil {
		return err
	}
	if err := a.tagsAllowed(r, "os_compute_api:os-server-tags:update"); err != nil {
		return err
	}
	id, tag := r.PathValue("id"), r.PathValue("tag")
	added, err := a.svc.Compute.AddServerTag(r.Context(), httpx.Caller(r.Context()), id, tag)
	if err != nil {
		return err
	}
	if !added {
		httpx.WriteEmpty(w, http.StatusNoContent)
		return nil
	}
	w.Header().Set("Location", a.versioned(r)+"/servers/"+id+"/tags/"+tag)
	httpx.WriteEmpty(w, http.StatusCreated)
	return nil
}

// nullBody accepts an empty body or JSON null (Nova's schema "type": "null").
func nullBody(r *http.Request) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil || strings.TrimSpace(string(raw)) == "" {
		return nil
	}
	doc, err := schema.Decode(raw)
	if err != nil {
		return novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	return nullSchema.Validate(doc)
}

// deleteServerTag is DELETE /servers/{id}/tags/{tag}.
func (a *API) deleteServerTag(w http.ResponseWriter, r *http.Request) error {
	if err := a.tagsAllowed(r, "os_compute_api:os-server-tags:delete"); err != nil {
		return err
	}
	if err := a.svc.Compute.DeleteServerTag(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), r.PathValue("tag")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

// deleteServerTags is DELETE /servers/{id}/tags.
func (a *API) deleteServerTags(w http.ResponseWriter, r *http.Request) error {
	if err := a.tagsAllowed(r, "os_compute_api:os-server-tags:delete_all"); err != nil {
		return err
	}
	if err := a.svc.Compute.DeleteServerTags(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
