package network

import (
	"net/http"
	"strings"

	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

// tagRoutes serves standard-attr-tag on every collection that has tags:
// …/{id}/tags (GET, PUT to replace, POST to add, DELETE all) and
// …/{id}/tags/{tag} (GET 204 or 404, PUT 201, DELETE 204).
func (a *API) tagRoutes(authed func(string, httpx.HandlerFunc)) {
	for coll := range network.TagCollections {
		base := "/v2.0/" + coll + "/{id}/tags"
		authed("GET "+base, a.listTags(coll))
		authed("PUT "+base, a.setTags(coll, true))
		authed("POST "+base, a.setTags(coll, false))
		authed("DELETE "+base, a.removeTag(coll, false))
		authed("GET "+base+"/{tag}", a.showTag(coll))
		authed("PUT "+base+"/{tag}", a.addTag(coll))
		authed("DELETE "+base+"/{tag}", a.removeTag(coll, true))
	}
}

func (a *API) listTags(coll string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		tags, err := a.svc.Tags(r.Context(), httpx.Caller(r.Context()), network.Tagged{Coll: coll, ID: r.PathValue("id")})
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"tags": orEmpty(tags)})
		return nil
	}
}

func (a *API) setTags(coll string, replace bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body any
		if _, err := httpx.ReadBody(r, &body, "Malformed request body"); err != nil {
			return err
		}
		set := a.svc.AddTags
		if replace {
			set = a.svc.ReplaceTags
		}
		tags, err := set(r.Context(), httpx.Caller(r.Context()), network.Tagged{Coll: coll, ID: r.PathValue("id")}, body)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if !replace {
			status = http.StatusCreated
		}
		httpx.WriteJSON(w, status, map[string]any{"tags": tags})
		return nil
	}
}

func (a *API) showTag(coll string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := a.svc.HasTag(r.Context(), httpx.Caller(r.Context()), network.Tagged{Coll: coll, ID: r.PathValue("id")}, r.PathValue("tag")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func (a *API) addTag(coll string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := a.svc.AddTag(r.Context(), httpx.Caller(r.Context()), network.Tagged{Coll: coll, ID: r.PathValue("id")}, r.PathValue("tag")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		return nil
	}
}

func (a *API) removeTag(coll string, one bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var tag *string
		if one {
			t := r.PathValue("tag")
			tag = &t
		}
		if err := a.svc.RemoveTag(r.Context(), httpx.Caller(r.Context()), network.Tagged{Coll: coll, ID: r.PathValue("id")}, tag); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// taggedKeys are the resources (singular, as their views are keyed)
// whose views show their tags.
var taggedKeys = map[string]bool{}

func init() {
	for _, s := range network.TagCollections {
		taggedKeys[strings.ReplaceAll(s, "-", "_")] = true
	}
}

// fillTags sets the "tags" of the views of a tagged resource kind (key,
// singular) from the store, in one query.
func (a *API) fillTags(r *http.Request, key string, items []map[string]any) error {
	if !taggedKeys[key] || len(items) == 0 {
		return nil
	}
	ids := make([]string, 0, len(items))
	for _, v := range items {
		if id, ok := v["id"].(string); ok {
			ids = append(ids, id)
		}
	}
	m, err := a.svc.TagsOf(r.Context(), ids)
	if err != nil {
		return err
	}
	for _, v := range items {
		id, _ := v["id"].(string)
		v["tags"] = orEmpty(m[id])
	}
	return nil
}
