package compute

import (
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/image"
)

// Nova's deprecated image proxy (nova/api/openstack/compute/images.py,
// views/images.py), served up to microversion 2.35 from the image store.

var proxyStatus = map[string]string{
	novalite.ImageActive: "ACTIVE", novalite.ImageQueued: "SAVING", novalite.ImageSaving: "SAVING",
	novalite.ImageDeleted: "DELETED", novalite.ImagePendingDelete: "DELETED", novalite.ImageKilled: "ERROR",
}

var proxyProgress = map[string]int{novalite.ImageQueued: 25, novalite.ImageSaving: 50, novalite.ImageActive: 100}

// imageLink is a link of an image, whose alternate (Glance's) names its
// media type.
type imageLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
	Type string `json:"type,omitempty"`
}

func (a *API) imageLinks(r *http.Request, id string) []imageLink {
	ls := a.links(r, "images", id)
	return []imageLink{{Href: ls[0].Href, Rel: ls[0].Rel}, {Href: ls[1].Href, Rel: ls[1].Rel},
		{Href: httpx.BaseURL(r) + "/image/images/" + id, Rel: "alternate", Type: "application/vnd.openstack.image"}}
}

func (a *API) imageDetail(r *http.Request, im novalite.Image) map[string]any {
	st, ok := proxyStatus[im.Status]
	if !ok {
		st = "UNKNOWN"
	}
	meta := map[string]string{}
	for k, v := range im.Properties {
		meta[k] = v
	}
	v := map[string]any{"id": im.ID, "name": im.Name, "minRam": im.MinRAM, "minDisk": im.MinDisk,
		"metadata": meta, "created": im.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"updated": im.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"), "status": st,
		"progress": proxyProgress[im.Status], "links": a.imageLinks(r, im.ID)}
	if im.Size != nil {
		v["OS-EXT-IMG-SIZE:size"] = *im.Size
	} else {
		v["OS-EXT-IMG-SIZE:size"] = 0
	}
	if sid := im.Properties["instance_uuid"]; sid != "" {
		v["server"] = map[string]any{"id": sid, "links": a.links(r, "servers", sid)}
	}
	if dc, ok := imageDiskConfig(im.Properties); ok {
		v["OS-DCF:diskConfig"] = dc
	}
	return v
}

// imageDiskConfig is an image's OS-DCF:diskConfig, shown when it has an
// auto_disk_config property: AUTO when oslo's bool_from_string reads it
// as true (nova/api/openstack/compute/views/images.py), so "yes", "on"
// or " True " too; anything else, "disabled" included, is MANUAL.
func imageDiskConfig(props map[string]string) (string, bool) {
	adc, ok := props["auto_disk_config"]
	if !ok {
		return "", false
	}
	if b, _ := novalite.BoolFromString(adc); b {
		return "AUTO", true
	}
	return "MANUAL", true
}

func (a *API) listImagesProxy(detail bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		pg, err := readPage(r)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		p := image.ListParams{Limit: pg.Limit, Marker: pg.Marker}
		if v := q.Get("name"); v != "" {
			p.Name = &v
		}
		if v := q.Get("status"); v != "" {
			for gl, nova := range proxyStatus {
				if nova == v {
					gl := gl
					p.Status = &gl
					break
				}
			}
		}
		// server (an id or a link to one) and type filter on the
		// properties a snapshot carries, as Nova's proxy asks Glance.
		p.Properties = map[string]string{}
		if v := q.Get("server"); v != "" {
			p.Properties["instance_uuid"] = v[strings.LastIndex(v, "/")+1:]
		}
		if v := q.Get("type"); v != "" {
			p.Properties["image_type"] = v
		}
		ims, err := a.svc.Image.List(r.Context(), httpx.Caller(r.Context()), p)
		if err != nil {
			if novalite.KindOf(err) == novalite.Invalid {
				return novalite.Errorf(novalite.Invalid, "marker [%s] not found", pg.Marker)
			}
			return err
		}
		out := make([]map[string]any, len(ims))
		for i, im := range ims {
			if detail {
				out[i] = a.imageDetail(r, im)
			} else {
				out[i] = map[string]any{"id": im.ID, "name": im.Name, "links": a.imageLinks(r, im.ID)}
			}
		}
		body := map[string]any{"images": out}
		path := "/images"
		if detail {
			path = "/images/detail"
		}
		addNextLinks(a, r, body, "images_links", path, pg, ims, func(im novalite.Image) string { return im.ID })
		httpx.WriteJSON(w, http.StatusOK, body)
		return nil
	}
}

func (a *API) showImageProxy(w http.ResponseWriter, r *http.Request) error {
	im, err := a.svc.Image.Get(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return novalite.Errorf(novalite.NotFound, "Image not found.")
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"image": a.imageDetail(r, im)})
	return nil
}

func (a *API) deleteImageProxy(w http.ResponseWriter, r *http.Request) error {
	err := a.svc.Image.Delete(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	switch novalite.KindOf(err) {
	case novalite.NotFound:
		return novalite.Errorf(novalite.NotFound, "Image not found.")
	case novalite.Forbidden:
		return novalite.Errorf(novalite.Forbidden, "You are not allowed to delete the image.")
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
