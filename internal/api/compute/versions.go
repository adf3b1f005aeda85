package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
)

// versionDoc is one major version as GET / lists it; GET of the version
// itself (full) adds the describedby link and the media types.
type versionDoc struct {
	ID         string      `json:"id"`
	Links      []typedLink `json:"links"`
	MediaTypes []mediaType `json:"media-types,omitempty"`
	MinVersion string      `json:"min_version"`
	Status     string      `json:"status"`
	Updated    string      `json:"updated"`
	Version    string      `json:"version"`
}

// typedLink is a link with a media type (a version's describedby).
type typedLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
	Type string `json:"type,omitempty"`
}

type mediaType struct {
	Base string `json:"base"`
	Type string `json:"type"`
}

// versionDocOf fills the parts the two versions share: path is the
// version's path below the base, mediaVersion the version in its media
// type.
func (a *API) versionDocOf(r *http.Request, d versionDoc, path, mediaVersion string, full bool) versionDoc {
	d.Links = []typedLink{{Href: a.base(r) + path, Rel: "self"}}
	if full {
		d.Links = append(d.Links, typedLink{Href: "http://docs.openstack.org/", Rel: "describedby", Type: "text/html"})
		d.MediaTypes = []mediaType{{Base: "application/json",
			Type: "application/vnd.openstack.compute+json;version=" + mediaVersion}}
	}
	return d
}

func (a *API) v21Doc(r *http.Request, full bool) versionDoc {
	return a.versionDocOf(r, versionDoc{ID: "v2.1", Status: "CURRENT", Version: microversion.Max.String(),
		MinVersion: microversion.Min.String(), Updated: "2013-07-23T11:33:21Z"}, "/v2.1/", "2.1", full)
}

func (a *API) v2Doc(r *http.Request, full bool) versionDoc {
	return a.versionDocOf(r, versionDoc{ID: "v2.0", Status: "SUPPORTED", Updated: "2011-01-21T11:33:21Z"},
		"/v2/", "2", full)
}

// versions answers GET / with every major version.
func (a *API) versions(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, struct {
		Versions []versionDoc `json:"versions"`
	}{[]versionDoc{a.v2Doc(r, false), a.v21Doc(r, false)}})
	return nil
}

// version answers GET /v2.1/ and GET /v2/.
func (a *API) version(w http.ResponseWriter, r *http.Request) error {
	d := a.v21Doc(r, true)
	if info(r.Context()).legacy {
		d = a.v2Doc(r, true)
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Version versionDoc `json:"version"`
	}{d})
	return nil
}

// versionChoice is a version offered for a path of no version.
type versionChoice struct {
	ID         string      `json:"id"`
	Links      []typedLink `json:"links"`
	MediaTypes []mediaType `json:"media-types"`
	Status     string      `json:"status"`
}

// multipleChoices answers any other path of the root app with 300.
func (a *API) multipleChoices(w http.ResponseWriter, r *http.Request) error {
	var choices []versionChoice
	for _, d := range []versionDoc{a.v2Doc(r, true), a.v21Doc(r, true)} {
		choices = append(choices, versionChoice{ID: d.ID, Status: d.Status, MediaTypes: d.MediaTypes,
			Links: []typedLink{{Href: d.Links[0].Href + r.URL.Path[1:], Rel: "self"}}})
	}
	httpx.WriteJSON(w, http.StatusMultipleChoices, struct {
		Choices []versionChoice `json:"choices"`
	}{choices})
	return nil
}
