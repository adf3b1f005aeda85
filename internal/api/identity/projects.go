package identity

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/policy"
)

func (a *API) listDomains(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_domains", policy.Target{}); err != nil {
		return err
	}
	ds, err := a.svc.Domains(r.Context(), novalite.DomainFilter{Names: nameFilters(r), Enabled: optionalBool(r, "enabled")})
	if err != nil {
		return err
	}
	return writeList(a, w, r, "domains", ds, a.domainView)
}

func (a *API) showDomain(w http.ResponseWriter, r *http.Request) error {
	// A token scoped to a project, or to a domain, may read that domain, as
	// Keystone's defaults allow (token.project.domain.id / token.domain.id).
	if c := httpx.Caller(r.Context()); c.ProjectDomainID != r.PathValue("id") {
		if err := authorize(r, "identity:get_domain", policy.Target{}); err != nil {
			return err
		}
	}
	d, err := a.svc.Domain(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"domain": a.domainView(r, d)})
	return nil
}

type domainBody struct {
	Domain *struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
		Enabled     *bool   `json:"enabled"`
	} `json:"domain"`
}

func applyDomain(d *novalite.Domain, b domainBody) {
	if b.Domain.Name != nil {
		d.Name = *b.Domain.Name
	}
	if b.Domain.Description != nil {
		d.Description = *b.Domain.Description
	}
	if b.Domain.Enabled != nil {
		d.Enabled = *b.Domain.Enabled
	}
}

func (a *API) createDomain(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:create_domain", policy.Target{}); err != nil {
		return err
	}
	var b domainBody
	if _, err := readEntity(r, &b, "domain", domainCreate); err != nil {
		return err
	}
	if b.Domain.Name == nil || *b.Domain.Name == "" {
		return required("name")
	}
	d := novalite.Domain{Enabled: true}
	applyDomain(&d, b)
	d, err := a.svc.CreateDomain(r.Context(), d)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"domain": a.domainView(r, d)})
	return nil
}

func (a *API) updateDomain(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:update_domain", policy.Target{}); err != nil {
		return err
	}
	var b domainBody
	if _, err := readEntity(r, &b, "domain", domainUpdate); err != nil {
		return err
	}
	d, err := a.svc.UpdateDomain(r.Context(), r.PathValue("id"), func(d *novalite.Domain) { applyDomain(d, b) })
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"domain": a.domainView(r, d)})
	return nil
}

func (a *API) deleteDomain(w http.ResponseWriter, r *http.Request) error {
	return deleteByID(w, r, "identity:delete_domain", a.svc.DeleteDomain)
}

func (a *API) listProjects(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_projects", policy.Target{}); err != nil {
		return err
	}
	ps, err := a.svc.Projects(r.Context(), novalite.ProjectFilter{Names: nameFilters(r),
		DomainID: optional(r, "domain_id"), Enabled: optionalBool(r, "enabled"),
		Tags: tagList(r, "tags"), TagsAny: tagList(r, "tags-any"),
		NotTags: tagList(r, "not-tags"), NotTagsAny: tagList(r, "not-tags-any")})
	if err != nil {
		return err
	}
	return writeList(a, w, r, "projects", ps, a.projectView)
}

func (a *API) showProject(w http.ResponseWriter, r *http.Request) error {
	c := httpx.Caller(r.Context())
	id := r.PathValue("id")
	// A member may read its own project, as Keystone's defaults allow.
	if c.ProjectID != id {
		if err := authorize(r, "identity:get_project", policy.Target{}); err != nil {
			return err
		}
	}
	p, err := a.svc.Project(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"project": a.projectView(r, p)})
	return nil
}

type projectBody struct {
	Project *struct {
		Name        *string   `json:"name"`
		DomainID    *string   `json:"domain_id"`
		Description *string   `json:"description"`
		Enabled     *bool     `json:"enabled"`
		Tags        *[]string `json:"tags"`
		ParentID    *string   `json:"parent_id"`
		IsDomain    *bool     `json:"is_domain"`
	} `json:"project"`
}

func (a *API) createProject(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:create_project", policy.Target{}); err != nil {
		return err
	}
	var b projectBody
	extra, err := readEntity(r, &b, "project", projectCreate, projectAttrs...)
	if err != nil {
		return err
	}
	if b.Project.Name == nil || *b.Project.Name == "" {
		return required("name")
	}
	p := novalite.Project{Name: *b.Project.Name, Enabled: true}
	if err := applyProject(&p, b, extra); err != nil {
		return err
	}
	if b.Project.DomainID != nil {
		p.DomainID = *b.Project.DomainID
	}
	if b.Project.IsDomain != nil && *b.Project.IsDomain {
		return novalite.Errorf(novalite.NotImplemented, "Projects acting as domains are not supported by novalite.")
	}
	parent := ""
	if b.Project.ParentID != nil {
		parent = *b.Project.ParentID
	}
	p, err = a.svc.CreateProject(r.Context(), p, parent)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"project": a.projectView(r, p)})
	return nil
}

// projectAttrs are the attributes of a project that are not extra.
var projectAttrs = []string{"name", "domain_id", "description", "enabled", "tags", "parent_id", "is_domain"}

func applyProject(p *novalite.Project, b projectBody, extra map[string]any) error {
	if b.Project.Name != nil {
		p.Name = *b.Project.Name
	}
	if b.Project.Description != nil {
		p.Description = *b.Project.Description
	}
	if b.Project.Enabled != nil {
		p.Enabled = *b.Project.Enabled
	}
	if b.Project.Tags != nil {
		if err := checkTags(*b.Project.Tags); err != nil {
			return err
		}
		p.Tags = *b.Project.Tags
	}
	mergeExtra(&p.Extra, extra)
	return nil
}

func (a *API) updateProject(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:update_project", policy.Target{}); err != nil {
		return err
	}
	var b projectBody
	extra, err := readEntity(r, &b, "project", projectUpdate, projectAttrs...)
	if err != nil {
		return err
	}
	if b.Project.Tags != nil {
		if err := checkTags(*b.Project.Tags); err != nil {
			return err
		}
	}
	if err := a.checkProjectUpdate(r, b); err != nil {
		return err
	}
	p, err := a.svc.UpdateProject(r.Context(), r.PathValue("id"), func(p *novalite.Project) { _ = applyProject(p, b, extra) })
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"project": a.projectView(r, p)})
	return nil
}

// checkProjectUpdate refuses what Keystone's update_project refuses:
// moving a project to another domain or parent, or making it a domain.
func (a *API) checkProjectUpdate(r *http.Request, b projectBody) error {
	if b.Project.IsDomain != nil && *b.Project.IsDomain {
		return novalite.Errorf(novalite.Invalid, "Update of `is_domain` is not allowed.")
	}
	if b.Project.DomainID == nil && b.Project.ParentID == nil {
		return nil
	}
	cur, err := a.svc.Project(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if b.Project.DomainID != nil && *b.Project.DomainID != cur.DomainID {
		return novalite.Errorf(novalite.Invalid, "Update of `domain_id` is not allowed.")
	}
	if b.Project.ParentID != nil && *b.Project.ParentID != cur.DomainID {
		return novalite.Errorf(novalite.Invalid, "Update of `parent_id` is not allowed.")
	}
	return nil
}

func (a *API) deleteProject(w http.ResponseWriter, r *http.Request) error {
	return deleteByID(w, r, "identity:delete_project", a.svc.DeleteProject)
}

func required(field string) error {
	return novalite.Errorf(novalite.Invalid, "Invalid input for field '%s': '%s' is a required property", field, field)
}
