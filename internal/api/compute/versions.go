package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
)

func (a *API) v21Doc(r *http.Request, full bool) map[string]any {
	d := map[string]any{
		"id": "v2.1", "status": "CURRENT", "version": microversion.Max.String(),
		"min_version": microversion.Min.String(), "updated": "2013-07-23T11:33:21Z",
		"links": []map[string]any{{"rel": "self", "href": a.base(r) + "/v2.1/"}},
	}
	if full {
		d["links"] = append(d["links"].([]map[string]any),
			map[string]any{"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"})
		d["media-types"] = []map[string]any{{"base": "application/json",
			"type": "application/vnd.openstack.compute+json;version=2.1"}}
	}
	return d
}

func (a *API) v2Doc(r *http.Request, full bool) map[string]any {
	d := map[string]any{
		"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": "",
		"updated": "2011-01-21T11:33:21Z",
		"links":   []map[string]any{{"rel": "self", "href": a.base(r) + "/v2/"}},
	}
	if full {
		d["links"] = append(d["links"].([]map[string]any),
			map[string]any{"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"})
		d["media-types"] = []map[string]any{{"base": "application/json",
			"type": "application/vnd.openstack.compute+json;version=2"}}
	}
	return d
}

// versions answers GET / with every major version.
func (a *API) versions(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"versions": []any{a.v2Doc(r, false), a.v21Doc(r, false)}})
	return nil
}

// version answers GET /v2.1/ and GET /v2/.
func (a *API) version(w http.ResponseWriter, r *http.Request) error {
	if info(r.Context()).legacy {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"version": a.v2Doc(r, true)})
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"version": a.v21Doc(r, true)})
	return nil
}

// multipleChoices answers any other path of the root app with 300.
func (a *API) multipleChoices(w http.ResponseWriter, r *http.Request) error {
	choices := []any{}
	for _, d := range []map[string]any{a.v2Doc(r, true), a.v21Doc(r, true)} {
		choices = append(choices, map[string]any{"id": d["id"], "status": d["status"],
			"links":       []map[string]any{{"rel": "self", "href": d["links"].([]map[string]any)[0]["href"].(string) + r.URL.Path[1:]}},
			"media-types": d["media-types"]})
	}
	httpx.WriteJSON(w, http.StatusMultipleChoices, map[string]any{"choices": choices})
	return nil
}
