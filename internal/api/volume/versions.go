package volume

import (
	"net/http"

	"novalite/internal/api/httpx"
)

func (a *API) versionDoc(r *http.Request) map[string]any {
	return map[string]any{"id": "v3.0", "status": "CURRENT", "version": maxVersion.String(),
		"min_version": minVersion.String(), "updated": "2023-08-31T00:00:00Z",
		"links": []any{
			map[string]any{"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
			map[string]any{"rel": "self", "href": httpx.BaseURL(r) + a.prefix + "/v3/"},
		},
		"media-types": []any{map[string]any{"base": "application/json",
			"type": "application/vnd.openstack.volume+json;version=3"}}}
}

// versions answers GET /volume/ with Cinder's 300 and its one version.
func (a *API) versions(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusMultipleChoices, map[string]any{"versions": []any{a.versionDoc(r)}})
	return nil
}

// version answers GET /volume/v3/ (Cinder lists the version there too).
func (a *API) version(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"versions": []any{a.versionDoc(r)}})
	return nil
}
