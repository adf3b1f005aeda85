package image

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/image"
)

// Glance's [DEFAULT] limit_param_default and api_limit_max.
const (
	defaultLimit = 25
	maxLimit     = 1000
)

func (a *API) listImages(w http.ResponseWriter, r *http.Request) error {
	p, err := listParams(r.URL.Query())
	if err != nil {
		return err
	}
	ims, err := a.svc.List(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	views := make([]map[string]any, len(ims))
	for i, im := range ims {
		views[i] = imageView(im)
	}
	body := map[string]any{"images": views, "first": "/v2/images", "schema": "/v2/schemas/images"}
	q := r.URL.Query()
	q.Del("marker")
	if len(q) > 0 {
		body["first"] = "/v2/images?" + q.Encode()
	}
	if len(ims) > 0 && len(ims) == p.Limit {
		q.Set("marker", ims[len(ims)-1].ID)
		body["next"] = "/v2/images?" + q.Encode()
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

func invalid(format string, args ...any) error {
	return novalite.Errorf(novalite.Invalid, format, args...)
}

// listParams reads Glance's list query (glance/api/v2/images.py,
// RequestDeserializer.index).
func listParams(q url.Values) (image.ListParams, error) {
	p := image.ListParams{Limit: defaultLimit}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return p, invalid("limit param must be an integer")
		}
		if n < 0 {
			return p, invalid("limit param must be positive")
		}
		p.Limit = min(n, maxLimit)
	}
	p.Marker = q.Get("marker")
	str := func(k string) *string {
		if vs, ok := q[k]; ok {
			return &vs[0]
		}
		return nil
	}
	p.Name, p.Status, p.Owner = str("name"), str("status"), str("owner")
	p.ContainerFormat, p.DiskFormat = str("container_format"), str("disk_format")
	if v := str("visibility"); v != nil {
		if !slices.Contains([]string{"community", "public", "private", "shared", "all"}, *v) {
			return p, invalid("Invalid visibility value: %s", *v)
		}
		p.Visibility = v
	}
	for _, k := range []string{"os_hidden", "protected"} {
		v := str(k)
		if v == nil {
			continue
		}
		b, err := strconv.ParseBool(*v)
		if err != nil || (*v != "true" && *v != "false" && *v != "True" && *v != "False") {
			return p, invalid("Invalid value '%s' for '%s' filter. Valid values are 'true' or 'false'.", *v, k)
		}
		if k == "os_hidden" {
			p.Hidden = &b
		} else {
			p.Protected = &b
		}
	}
	if v := str("id"); v != nil {
		if ids, ok := strings.CutPrefix(*v, "in:"); ok {
			p.IDs = splitIn(ids)
		} else {
			p.IDs = []string{*v}
		}
	}
	if v := str("member_status"); v != nil {
		if !slices.Contains([]string{"pending", "accepted", "rejected", "all"}, *v) {
			return p, invalid("Invalid status: %s", *v)
		}
		p.MemberStatus = *v
	}
	if q.Has("changes-since") {
		return p, invalid(`The "changes-since" filter is no longer available on v2.`)
	}
	p.Tags = q["tag"]
	// Glance v2 takes any other key as a filter on an additional property.
	for k, vs := range q {
		if !listKeys[k] {
			if p.Properties == nil {
				p.Properties = map[string]string{}
			}
			p.Properties[k] = vs[0]
		}
	}
	var err error
	p.Sort, err = sortParams(q)
	return p, err
}

// listKeys are the query keys of a list that are not property filters.
var listKeys = map[string]bool{"limit": true, "marker": true, "sort": true, "sort_key": true, "sort_dir": true,
	"name": true, "status": true, "owner": true, "container_format": true, "disk_format": true, "visibility": true,
	"os_hidden": true, "protected": true, "id": true, "member_status": true, "tag": true, "changes-since": true,
	"size_min": true, "size_max": true, "created_at": true, "updated_at": true, "checksum": true,
	"os_hash_value": true, "member": true}

// splitIn splits the operand of an "in:" filter: comma-separated,
// optionally double-quoted.
func splitIn(s string) []string {
	out := []string{}
	for _, v := range strings.Split(s, ",") {
		out = append(out, strings.Trim(strings.TrimSpace(v), `"`))
	}
	return out
}

// sortParams reads the classic (sort_key/sort_dir) or the new
// (sort=key:dir,…) syntax; the default is created_at desc.
func sortParams(q url.Values) ([]novalite.ImageSort, error) {
	var keys, dirs []string
	if q.Has("sort") {
		if q.Has("sort_key") || q.Has("sort_dir") {
			return nil, invalid("Old and new sorting syntax cannot be combined")
		}
		for _, part := range strings.Split(strings.TrimSpace(q.Get("sort")), ",") {
			k, d, _ := strings.Cut(part, ":")
			if d == "" {
				d = "desc"
			}
			keys, dirs = append(keys, strings.TrimSpace(k)), append(dirs, strings.TrimSpace(d))
		}
	} else {
		for _, k := range q["sort_key"] {
			keys = append(keys, strings.TrimSpace(k))
		}
		for _, d := range q["sort_dir"] {
			dirs = append(dirs, strings.TrimSpace(d))
		}
		if len(dirs) > 1 && len(dirs) != len(keys) {
			return nil, invalid("Number of sort dirs does not match the number of sort keys")
		}
	}
	if len(keys) == 0 {
		keys = []string{"created_at"}
	}
	var out []novalite.ImageSort
	for i, k := range keys {
		if !slices.Contains(image.SortKeys, k) {
			return nil, invalid("Invalid sort key: %s. It must be one of the following: %s.", k, strings.Join(image.SortKeys, ", "))
		}
		d := "desc"
		switch {
		case i < len(dirs):
			d = dirs[i]
		case len(dirs) == 1:
			d = dirs[0]
		}
		if d != "asc" && d != "desc" {
			return nil, invalid("Invalid sort direction: %s", d)
		}
		out = append(out, novalite.ImageSort{Key: k, Desc: d == "desc"})
	}
	return out, nil
}

func (a *API) showImage(w http.ResponseWriter, r *http.Request) error {
	im, err := a.svc.Get(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, imageView(im))
	return nil
}

func (a *API) createImage(w http.ResponseWriter, r *http.Request) error {
	var body map[string]any
	null, err := httpx.ReadBody(r, &body, "Malformed JSON in request body.")
	if err != nil {
		return err
	}
	if null {
		return invalid("Body expected in request.")
	}
	im, err := a.svc.Create(r.Context(), httpx.Caller(r.Context()), body)
	if err != nil {
		return err
	}
	w.Header().Set("Location", httpx.BaseURL(r)+a.prefix+"/v2/images/"+im.ID)
	httpx.WriteJSON(w, http.StatusCreated, imageView(im))
	return nil
}

var patchTypes = []string{"application/openstack-images-v2.0-json-patch", "application/openstack-images-v2.1-json-patch"}

func (a *API) updateImage(w http.ResponseWriter, r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !slices.Contains(patchTypes, ct) {
		w.Header().Set("Accept-Patch", strings.Join(patchTypes, ", "))
		return novalite.Errorf(novalite.BadMediaType, "Image PATCH expects Content-Type one of: %s", strings.Join(patchTypes, ", "))
	}
	var raw []map[string]any
	if null, err := httpx.ReadBody(r, &raw, "Request body must be a JSON array of operation objects."); err != nil {
		return err
	} else if null {
		return invalid("Body expected in request.")
	}
	changes, err := patchChanges(raw, ct == patchTypes[0])
	if err != nil {
		return err
	}
	im, err := a.svc.Update(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), changes)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, imageView(im))
	return nil
}

// patchChanges reads the operations of both JSON-patch dialects: draft 10
// ({"op", "path", "value"}) and draft 4 ({"replace": "/path", "value"}).
func patchChanges(raw []map[string]any, draft4 bool) ([]image.Change, error) {
	var out []image.Change
	ops := []string{"add", "remove", "replace"}
	for _, rc := range raw {
		var ch image.Change
		if draft4 {
			for _, op := range ops {
				if p, ok := rc[op]; ok {
					if ch.Op != "" {
						return nil, invalid(`Operation objects must contain only one member named "add", "remove", or "replace".`)
					}
					ch.Op, ch.Path = op, toString(p)
				}
			}
			if ch.Op == "" {
				return nil, invalid(`Operation objects must contain exactly one member named "add", "remove", or "replace".`)
			}
		} else {
			op, ok := rc["op"]
			if !ok {
				return nil, invalid("Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.")
			}
			ch.Op = toString(op)
			if !slices.Contains(ops, ch.Op) {
				return nil, invalid("Invalid operation: `%s`. It must be one of the following: add, remove, replace.", ch.Op)
			}
			p, ok := rc["path"]
			if !ok {
				return nil, invalid("Unable to find 'path' in JSON Schema change")
			}
			ch.Path = toString(p)
		}
		if ch.Op != "remove" {
			v, ok := rc["value"]
			if !ok {
				return nil, invalid(`Operation "%s" requires a member named "value".`, ch.Op)
			}
			ch.Value = v
		}
		out = append(out, ch)
	}
	return out, nil
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (a *API) deleteImage(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Delete(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) addTag(w http.ResponseWriter, r *http.Request) error {
	return a.tag(w, r, a.svc.AddTag)
}

func (a *API) deleteTag(w http.ResponseWriter, r *http.Request) error {
	return a.tag(w, r, a.svc.RemoveTag)
}

func (a *API) tag(w http.ResponseWriter, r *http.Request, op func(context.Context, *novalite.Caller, string, string) error) error {
	if err := op(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), r.PathValue("tag")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// uploadImage streams the body into the image (PUT /v2/images/{id}/file).
// The route is mounted outside the request-body limit of the other APIs.
func (a *API) uploadImage(w http.ResponseWriter, r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/octet-stream" {
		return novalite.Errorf(novalite.BadMediaType, "Invalid content type %s", r.Header.Get("Content-Type"))
	}
	if err := a.svc.Upload(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), r.Body); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// downloadImage streams the image's bytes; an image without data is 204.
func (a *API) downloadImage(w http.ResponseWriter, r *http.Request) error {
	f, im, err := a.svc.Open(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	if f == nil {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	if im.Checksum != "" {
		h.Set("Content-MD5", im.Checksum)
	}
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// imageView is Glance's image representation (ImagesController's
// _format_image): additional properties at the top level beside the
// base attributes.
func imageView(im novalite.Image) map[string]any {
	v := make(map[string]any, len(im.Properties)+24)
	for k, p := range im.Properties {
		v[k] = p
	}
	var size, vsize any
	if im.Size != nil {
		size = *im.Size
	}
	if im.VirtualSize != nil {
		vsize = *im.VirtualSize
	}
	tags := im.Tags
	if tags == nil {
		tags = []string{}
	}
	for k, x := range map[string]any{
		"name": nullable(im.Name), "disk_format": nullable(im.DiskFormat),
		"container_format": nullable(im.ContainerFormat), "visibility": im.Visibility, "size": size,
		"virtual_size": vsize, "status": im.Status, "checksum": nullable(im.Checksum),
		"protected": im.Protected, "min_ram": im.MinRAM, "min_disk": im.MinDisk, "owner": nullable(im.Owner),
		"os_hidden": im.Hidden, "os_hash_algo": nullable(im.HashAlgo), "os_hash_value": nullable(im.HashValue),
		"id": im.ID, "created_at": isoTime(im.CreatedAt), "updated_at": isoTime(im.UpdatedAt), "tags": tags,
		"self": "/v2/images/" + im.ID, "file": "/v2/images/" + im.ID + "/file", "schema": "/v2/schemas/image",
	} {
		v[k] = x
	}
	return v
}
