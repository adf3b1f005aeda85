package image

import (
	"net/http"

	"novalite/internal/api/httpx"
)

// versionIDs are the Glance v2 minor versions announced, newest first (as
// a Glance 25 without multi-store announces them).
var versionIDs = []string{"v2.15", "v2.9", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"}

func (a *API) versionDoc(r *http.Request) map[string]any {
	href := httpx.BaseURL(r) + a.prefix + "/v2/"
	vs := make([]map[string]any, len(versionIDs))
	for i, id := range versionIDs {
		st := "SUPPORTED"
		if i == 0 {
			st = "CURRENT"
		}
		vs[i] = map[string]any{"id": id, "status": st, "links": []map[string]any{{"rel": "self", "href": href}}}
	}
	return map[string]any{"versions": vs}
}

// versions answers the root with 300 Multiple Choices, as Glance does.
func (a *API) versions(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusMultipleChoices, a.versionDoc(r))
	return nil
}

// versionsOK answers GET /versions with the same list and 200.
func (a *API) versionsOK(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, a.versionDoc(r))
	return nil
}
