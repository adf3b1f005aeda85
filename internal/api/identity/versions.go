package identity

import (
	"net/http"

	"novalite/internal/api/httpx"
)

// base is the public URL of this API, e.g. http://host/identity.
func (a *API) base(r *http.Request) string { return httpx.BaseURL(r) + a.prefix }

func (a *API) v3URL(r *http.Request) string { return a.base(r) + "/v3" }

func (a *API) versionDoc(r *http.Request) map[string]any {
	return map[string]any{
		"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
		"links": []map[string]any{{"rel": "self", "href": a.v3URL(r) + "/"}},
		"media-types": []map[string]any{{"base": "application/json",
			"type": "application/vnd.openstack.identity-v3+json"}},
	}
}

// versions answers GET / with 300 Multiple Choices, as Keystone does.
func (a *API) versions(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Location", a.v3URL(r)+"/")
	w.Header().Set("Vary", "X-Auth-Token")
	httpx.WriteJSON(w, http.StatusMultipleChoices, map[string]any{
		"versions": map[string]any{"values": []any{a.versionDoc(r)}}})
	return nil
}

func (a *API) version(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Vary", "X-Auth-Token")
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"version": a.versionDoc(r)})
	return nil
}
