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

// imageView is an image as Nova's proxy showed it
// (nova/api/openstack/compute/views/images.py).
type imageView struct {
	DiskConfig Optional[string]      `json:"OS-DCF:diskConfig,omitzero"` // when auto_disk_config is set
	Size       int64                 `json:"OS-EXT-IMG-SIZE:size"`
	Created    string                `json:"created"`
	ID         string                `json:"id"`
	Links      []imageLink           `json:"links"`
	Metadata   map[string]string     `json:"metadata"`
	MinDisk    int                   `json:"minDisk"`
	MinRAM     int                   `json:"minRam"`
	Name       string                `json:"name"`
	Progress   int                   `json:"progress"`
	Server     Optional[imageServer] `json:"server,omitzero"` // a snapshot's
	Status     string                `json:"status"`
	Updated    string                `json:"updated"`
}

// imageServer is the server a snapshot was taken of.
type imageServer struct {
	ID    string `json:"id"`
	Links []link `json:"links"`
}

// imageBrief is an image in GET /images.
type imageBrief struct {
	ID    string      `json:"id"`
	Links []imageLink `json:"links"`
	Name  string      `json:"name"`
}

func (a *API) imageDetail(r *http.Request, im novalite.Image) imageView {
	st, ok := proxyStatus[im.Status]
	if !ok {
		st = "UNKNOWN"
	}
	meta := map[string]string{}
	for k, v := range im.Properties {
		meta[k] = v
	}
	v := imageView{Created: im.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), ID: im.ID,
		Links: a.imageLinks(r, im.ID), Metadata: meta, MinDisk: im.MinDisk, MinRAM: im.MinRAM, Name: im.Name,
		Progress: proxyProgress[im.Status], Status: st, Updated: im.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")}
	if im.Size != nil {
		v.Size = *im.Size
	}
	if sid := im.Properties["instance_uuid"]; sid != "" {
		v.Server = some(imageServer{ID: sid, Links: a.links(r, "servers", sid)})
	}
	if dc, ok := imageDiskConfig(im.Properties); ok {
		v.DiskConfig = some(dc)
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
		marker := func(im novalite.Image) string { return im.ID }
		if !detail {
			out := imageList[imageBrief]{Images: make([]imageBrief, len(ims))}
			for i, im := range ims {
				out.Images[i] = imageBrief{ID: im.ID, Links: a.imageLinks(r, im.ID), Name: im.Name}
			}
			out.Links = nextLinks(a, r, "/images", pg, ims, marker)
			httpx.WriteJSON(w, http.StatusOK, out)
			return nil
		}
		out := imageList[imageView]{Images: make([]imageView, len(ims))}
		for i, im := range ims {
			out.Images[i] = a.imageDetail(r, im)
		}
		out.Links = nextLinks(a, r, "/images/detail", pg, ims, marker)
		httpx.WriteJSON(w, http.StatusOK, out)
		return nil
	}
}

// imageList is the body of the image lists.
type imageList[T any] struct {
	Images []T    `json:"images"`
	Links  []link `json:"images_links,omitempty"`
}

func (a *API) showImageProxy(w http.ResponseWriter, r *http.Request) error {
	im, err := a.svc.Image.Get(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return novalite.Errorf(novalite.NotFound, "Image not found.")
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Image imageView `json:"image"`
	}{a.imageDetail(r, im)})
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
