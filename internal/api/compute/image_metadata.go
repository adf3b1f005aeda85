package compute

import (
	"net/http"
	"sort"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/image"
)

// /images/{id}/metadata[/{key}] up to 2.38: Nova's image metadata proxy
// (nova/api/openstack/compute/image_metadata.py), the image's custom
// properties read and written through the image service.

// metaImage looks the image up as the proxy does: 404 "Image not found.".
func (a *API) metaImage(r *http.Request) (novalite.Image, error) {
	im, err := a.svc.Image.Get(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		if novalite.IsKind(err, novalite.Forbidden) {
			return im, err
		}
		return im, novalite.Errorf(novalite.NotFound, "Image not found.")
	}
	return im, nil
}

// writeImageProps makes the image's custom properties exactly want
// (Nova updates with purge_props=True) and returns them.
func (a *API) writeImageProps(r *http.Request, im novalite.Image, want map[string]string) (map[string]string, error) {
	var changes []image.Change
	ptr := func(k string) string { return "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k) }
	keys := make([]string, 0, len(im.Properties))
	for k := range im.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := want[k]; !ok {
			changes = append(changes, image.Change{Op: "remove", Path: ptr(k)})
		}
	}
	keys = keys[:0]
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if cur, ok := im.Properties[k]; !ok || cur != want[k] {
			changes = append(changes, image.Change{Op: "add", Path: ptr(k), Value: want[k]})
		}
	}
	if len(changes) == 0 {
		return nonNilMap(im.Properties), nil
	}
	out, err := a.svc.Image.Update(r.Context(), httpx.Caller(r.Context()), im.ID, changes)
	if err != nil {
		return nil, err
	}
	return nonNilMap(out.Properties), nil
}

// listImageMetadata is GET /images/{id}/metadata.
func (a *API) listImageMetadata(w http.ResponseWriter, r *http.Request) error {
	im, err := a.metaImage(r)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, metadataBody{nonNilMap(im.Properties)})
	return nil
}

// showImageMetadata is GET /images/{id}/metadata/{key}.
func (a *API) showImageMetadata(w http.ResponseWriter, r *http.Request) error {
	im, err := a.metaImage(r)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	v, ok := im.Properties[key]
	if !ok {
		return errNotFound
	}
	httpx.WriteJSON(w, http.StatusOK, metaBody{map[string]string{key: v}})
	return nil
}

// writeImageMetadata is POST (merge) and, with replace, PUT (replace
// all) /images/{id}/metadata: both answer with the resulting metadata.
func (a *API) writeImageMetadata(w http.ResponseWriter, r *http.Request, replace bool) error {
	body, err := decodeRequest[metadataRequest](r, metadataSchema)
	if err != nil {
		return err
	}
	im, err := a.metaImage(r)
	if err != nil {
		return err
	}
	md := body.Metadata
	want := md
	if !replace {
		want = map[string]string{}
		for k, v := range im.Properties {
			want[k] = v
		}
		for k, v := range md {
			want[k] = v
		}
	}
	if err := a.svc.Compute.CheckImageMetadataQuota(r.Context(), httpx.Caller(r.Context()).ProjectID, len(want)); err != nil {
		return err
	}
	out, err := a.writeImageProps(r, im, want)
	if err != nil {
		return err
	}
	if replace {
		out = md // Nova answers with the request's metadata
	}
	httpx.WriteJSON(w, http.StatusOK, metadataBody{out})
	return nil
}

// updateImageMetadataItem is PUT /images/{id}/metadata/{key}.
func (a *API) updateImageMetadataItem(w http.ResponseWriter, r *http.Request) error {
	body, err := decodeRequest[metadataRequest](r, metaItemSchema)
	if err != nil {
		return err
	}
	meta := body.Meta
	key := r.PathValue("key")
	if _, ok := meta[key]; !ok {
		return novalite.Errorf(novalite.Invalid, "Request body and URI mismatch")
	}
	im, err := a.metaImage(r)
	if err != nil {
		return err
	}
	want := map[string]string{key: meta[key]}
	for k, v := range im.Properties {
		if k != key {
			want[k] = v
		}
	}
	if err := a.svc.Compute.CheckImageMetadataQuota(r.Context(), httpx.Caller(r.Context()).ProjectID, len(want)); err != nil {
		return err
	}
	if _, err := a.writeImageProps(r, im, want); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, metaBody{meta})
	return nil
}

// deleteImageMetadataItem is DELETE /images/{id}/metadata/{key}.
func (a *API) deleteImageMetadataItem(w http.ResponseWriter, r *http.Request) error {
	im, err := a.metaImage(r)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	if _, ok := im.Properties[key]; !ok {
		return novalite.Errorf(novalite.NotFound, "Invalid metadata key")
	}
	want := map[string]string{}
	for k, v := range im.Properties {
		if k != key {
			want[k] = v
		}
	}
	if _, err := a.writeImageProps(r, im, want); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
