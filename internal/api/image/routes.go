// Package image serves the Glance v2 subset under /image: version
// discovery, images (list, show, create, JSON-patch update, delete, tags)
// members (sharing) and their data (upload and download, streamed). Errors are rendered as
// Glance (webob) renders them. See README.md for the subset.
package image

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/image"
)

// API is the image HTTP API.
type API struct {
	svc     *image.Service
	prefix  string // mount prefix, e.g. "/image"
	handler http.Handler
}

// New returns the image API for mounting at prefix (stripped before
// routing). v validates tokens; identityURL goes into 401 answers.
func New(svc *image.Service, prefix string, v httpx.Validator, identityURL func(*http.Request) string) *API {
	a := &API{svc: svc, prefix: prefix}
	rt := httpx.NewRoutes(writeError, v, identityURL)
	open, authed := rt.Open, rt.Authed

	open("GET /{$}", a.versions)
	open("GET /versions", a.versionsOK)
	open("GET /v2", a.versions)
	open("GET /v2/{$}", a.versions)

	authed("GET /v2/images", a.listImages)
	authed("POST /v2/images", a.createImage)
	authed("GET /v2/images/{id}", a.showImage)
	authed("PATCH /v2/images/{id}", a.updateImage)
	authed("DELETE /v2/images/{id}", a.deleteImage)
	authed("PUT /v2/images/{id}/file", a.uploadImage)
	authed("GET /v2/images/{id}/file", a.downloadImage)
	authed("PUT /v2/images/{id}/tags/{tag}", a.addTag)
	authed("DELETE /v2/images/{id}/tags/{tag}", a.deleteTag)
	authed("POST /v2/images/{id}/members", a.addMember)
	authed("GET /v2/images/{id}/members", a.listMembers)
	authed("GET /v2/images/{id}/members/{member}", a.showMember)
	authed("PUT /v2/images/{id}/members/{member}", a.updateMember)
	authed("DELETE /v2/images/{id}/members/{member}", a.deleteMember)
	authed("GET /v2/schemas/image", serveSchema(imageSchema))
	authed("GET /v2/schemas/images", serveSchema(imagesSchema))
	authed("GET /v2/schemas/member", serveSchema(memberSchema))
	authed("GET /v2/schemas/members", serveSchema(membersSchema))

	a.handler = rt.Handler()
	return a
}

// ServeHTTP serves the API; the mount prefix is already stripped. An
// empty path (GET /image) is the root.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	httpx.ServeRoot(a.handler, w, r)
}
