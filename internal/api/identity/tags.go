package identity

import (
	"net/http"
	"slices"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/policy"
)

// maxTags is Keystone's limit on the tags of a project.
const maxTags = 80

// checkTags applies Keystone's rules for project tags: at most 80, each
// 1 to 255 characters without "," or "/".
func checkTags(tags []string) error {
	if len(tags) > maxTags {
		return novalite.Errorf(novalite.Invalid, "Invalid input for field 'tags': %d tags is more than the %d allowed.", len(tags), maxTags)
	}
	for _, t := range tags {
		if err := checkTag(t); err != nil {
			return err
		}
	}
	return nil
}

func checkTag(t string) error {
	if t == "" || len(t) > 255 || strings.ContainsAny(t, ",/") {
		return novalite.Errorf(novalite.Invalid, "Invalid input for field 'tags': '%s' is not a valid tag: it must have 1 to 255 characters, none of them ',' or '/'.", t)
	}
	return nil
}

func tagNotFound(tag string) error {
	return novalite.Errorf(novalite.NotFound, "Could not find project tag: %s.", tag)
}

func (a *API) writeTags(w http.ResponseWriter, r *http.Request, tags []string) {
	if tags == nil {
		tags = []string{}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"tags": tags, "links": a.listLinks(r)})
}

func (a *API) listProjectTags(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_project_tags", policy.Target{}); err != nil {
		return err
	}
	p, err := a.svc.Project(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	a.writeTags(w, r, p.Tags)
	return nil
}

func (a *API) checkProjectTag(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:get_project_tag", policy.Target{}); err != nil {
		return err
	}
	p, err := a.svc.Project(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !slices.Contains(p.Tags, r.PathValue("tag")) {
		return tagNotFound(r.PathValue("tag"))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) replaceProjectTags(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:update_project_tags", policy.Target{}); err != nil {
		return err
	}
	var b struct {
		Tags *[]string `json:"tags"`
	}
	null, err := httpx.ReadBody(r, &b, malformed)
	if err != nil {
		return err
	}
	if null || b.Tags == nil {
		return required("tags")
	}
	if err := checkTags(*b.Tags); err != nil {
		return err
	}
	p, err := a.svc.UpdateProject(r.Context(), r.PathValue("id"), func(p *novalite.Project) { p.Tags = *b.Tags })
	if err != nil {
		return err
	}
	a.writeTags(w, r, p.Tags)
	return nil
}

func (a *API) deleteProjectTags(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:delete_project_tags", policy.Target{}); err != nil {
		return err
	}
	if _, err := a.svc.UpdateProject(r.Context(), r.PathValue("id"), func(p *novalite.Project) { p.Tags = nil }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) addProjectTag(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:create_project_tag", policy.Target{}); err != nil {
		return err
	}
	tag := r.PathValue("tag")
	if err := checkTag(tag); err != nil {
		return err
	}
	var tooMany bool
	_, err := a.svc.UpdateProject(r.Context(), r.PathValue("id"), func(p *novalite.Project) {
		if !slices.Contains(p.Tags, tag) {
			tooMany = len(p.Tags) >= maxTags
			if !tooMany {
				p.Tags = append(p.Tags, tag)
			}
		}
	})
	if err != nil {
		return err
	}
	if tooMany {
		return checkTags(make([]string, maxTags+1))
	}
	w.Header().Set("Location", a.v3URL(r)+"/projects/"+r.PathValue("id")+"/tags/"+tag)
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (a *API) deleteProjectTag(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:delete_project_tag", policy.Target{}); err != nil {
		return err
	}
	tag := r.PathValue("tag")
	var found bool
	_, err := a.svc.UpdateProject(r.Context(), r.PathValue("id"), func(p *novalite.Project) {
		if i := slices.Index(p.Tags, tag); i >= 0 {
			found = true
			p.Tags = slices.Delete(p.Tags, i, i+1)
		}
	})
	if err != nil {
		return err
	}
	if !found {
		return tagNotFound(tag)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
