// Package volume serves the Block Storage (Cinder v3) subset under
// /volume: version discovery, volumes and their actions, attachments,
// snapshots, volume types, quota sets, limits and availability zones,
// with Cinder's microversions (OpenStack-API-Version: volume 3.x).
// Errors are Cinder's faults ({"itemNotFound": {"code", "message"}}).
// See README.md for the subset.
package volume

import (
	"context"
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

// API is the block storage HTTP API.
type API struct {
	svc     *volume.Service
	prefix  string
	handler http.Handler
}

// New returns the block storage API for mounting at prefix (stripped
// before routing). v validates tokens; identityURL goes into 401 answers.
func New(svc *volume.Service, prefix string, v httpx.Validator, identityURL func(*http.Request) string) *API {
	a := &API{svc: svc, prefix: prefix}
	rt := httpx.NewRoutes(writeError, v, identityURL)
	open := rt.Open
	authed := func(pattern string, h httpx.HandlerFunc) { rt.Authed(pattern, versioned(h)) }

	vm, sm := a.volumeMetadata(), a.snapshotMetadata()
	open("GET /{$}", a.versions)
	open("GET /v3", a.version)
	open("GET /v3/{$}", a.version)

	authed("GET /v3/volumes", a.listVolumes(false))
	authed("GET /v3/volumes/detail", a.listVolumes(true))
	authed("POST /v3/volumes", a.createVolume)
	authed("GET /v3/volumes/summary", a.showVolumeSummary)
	authed("GET /v3/volumes/{id}", a.showVolume)
	authed("PUT /v3/volumes/{id}", a.updateVolume)
	authed("DELETE /v3/volumes/{id}", a.deleteVolume)
	authed("POST /v3/volumes/{id}/action", a.volumeAction)
	authed("GET /v3/volumes/{id}/metadata", vm.show)
	authed("POST /v3/volumes/{id}/metadata", vm.setAll(false))
	authed("PUT /v3/volumes/{id}/metadata", vm.setAll(true))
	authed("GET /v3/volumes/{id}/metadata/{key}", vm.showItem)
	authed("PUT /v3/volumes/{id}/metadata/{key}", vm.setItem)
	authed("DELETE /v3/volumes/{id}/metadata/{key}", vm.deleteItem)

	authed("GET /v3/attachments", a.listAttachments(false))
	authed("GET /v3/attachments/detail", a.listAttachments(true))
	authed("POST /v3/attachments", a.createAttachment)
	authed("GET /v3/attachments/{id}", a.showAttachment)
	authed("PUT /v3/attachments/{id}", a.updateAttachment)
	authed("DELETE /v3/attachments/{id}", a.deleteAttachment)
	authed("POST /v3/attachments/{id}/action", a.attachmentAction)

	authed("GET /v3/snapshots", a.listSnapshots(false))
	authed("GET /v3/snapshots/detail", a.listSnapshots(true))
	authed("POST /v3/snapshots", a.createSnapshot)
	authed("GET /v3/snapshots/{id}", a.showSnapshot)
	authed("PUT /v3/snapshots/{id}", a.updateSnapshot)
	authed("DELETE /v3/snapshots/{id}", a.deleteSnapshot)
	authed("POST /v3/snapshots/{id}/action", a.snapshotAction)
	authed("GET /v3/snapshots/{id}/metadata", sm.show)
	authed("POST /v3/snapshots/{id}/metadata", sm.setAll(false))
	authed("PUT /v3/snapshots/{id}/metadata", sm.setAll(true))
	authed("GET /v3/snapshots/{id}/metadata/{key}", sm.showItem)
	authed("PUT /v3/snapshots/{id}/metadata/{key}", sm.setItem)
	authed("DELETE /v3/snapshots/{id}/metadata/{key}", sm.deleteItem)

	authed("GET /v3/types", a.listTypes)
	authed("GET /v3/types/{id}", a.showType)
	authed("POST /v3/types", a.createType)
	authed("PUT /v3/types/{id}", a.updateType)
	authed("DELETE /v3/types/{id}", a.deleteType)
	authed("GET /v3/types/{id}/extra_specs", a.listSpecs)
	authed("POST /v3/types/{id}/extra_specs", a.setSpecs)
	authed("GET /v3/types/{id}/extra_specs/{key}", a.showSpec)
	authed("PUT /v3/types/{id}/extra_specs/{key}", a.setSpec)
	authed("DELETE /v3/types/{id}/extra_specs/{key}", a.deleteSpec)

	authed("GET /v3/os-quota-sets/{project}", a.showQuotas)
	authed("GET /v3/os-quota-sets/{project}/defaults", a.showQuotaDefaults)
	authed("PUT /v3/os-quota-sets/{project}", a.updateQuotas)
	authed("DELETE /v3/os-quota-sets/{project}", a.deleteQuotas)
	authed("GET /v3/limits", a.showLimits)
	authed("GET /v3/os-availability-zone", a.listZones)
	authed("GET /v3/extensions", a.listExtensions)
	authed("GET /v3/os-services", a.listServices)

	a.handler = rt.Handler()
	return a
}

// collections are the first path segments after /v3 that name a
// resource; any other segment there is a project id (Cinder's URLs with
// /v3/{project_id}/…, which DevStack registered until 2023).
var collections = map[string]bool{"volumes": true, "attachments": true, "snapshots": true, "types": true,
	"os-quota-sets": true, "limits": true, "os-availability-zone": true, "extensions": true, "os-services": true}

type ctxKey struct{}

// ServeHTTP serves the API; the mount prefix is already stripped. A
// project id in the path is taken out before routing and checked
// against the token's project after authentication.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "" {
		r.URL.Path = "/"
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/v3/"); ok {
		seg, tail, more := strings.Cut(rest, "/")
		if more && seg != "" && !collections[seg] {
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, seg))
			r.URL.Path = "/v3/" + tail
			r.URL.RawPath = ""
		}
	}
	a.handler.ServeHTTP(w, r)
}

// checkProject is Cinder's 400 for a URL naming another project than
// the token's.
func checkProject(r *http.Request) error {
	p, _ := r.Context().Value(ctxKey{}).(string)
	if p == "" {
		return nil
	}
	if c := httpx.Caller(r.Context()); c != nil && c.ProjectID != p {
		return novalite.Errorf(novalite.Invalid, "Malformed request url")
	}
	return nil
}
