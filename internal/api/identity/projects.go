package identity

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/identity"
	"novalite/internal/policy"
)

func (a *API) listDomains(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_domains", policy.Target{}); err != nil {
		return err
	}
	ds, err := a.svc.Domains(r.Context(), optional(r, "name"))
	if err != nil {
		return err
	}
	return writeList(a, w, r, "domains", ds, a.domainView)
}

func (a *API) showDomain(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:get_domain", policy.Target{}); err != nil {
		return err
	}
	d, err := a.svc.Domain(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"domain": a.domainView(r, d)})
	return nil
}

func (a *API) listProjects(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_projects", policy.Target{}); err != nil {
		return err
	}
	ps, err := a.svc.Projects(r.Context(), identity.ProjectFilter{Name: optional(r, "name"),
		DomainID: optional(r, "domain_id"), Enabled: optionalBool(r, "enabled")})
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
	} `json:"project"`
}

func (a *API) createProject(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:create_project", policy.Target{}); err != nil {
		return err
	}
	var b projectBody
	if err := readEntity(r, &b, func() bool { return b.Project != nil }, "project"); err != nil {
		return err
	}
	if b.Project.Name == nil || *b.Project.Name == "" {
		return required("name")
	}
	p := novalite.Project{Name: *b.Project.Name, Enabled: true}
	applyProject(&p, b)
	if b.Project.DomainID != nil {
		p.DomainID = *b.Project.DomainID
	}
	p, err := a.svc.CreateProject(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"project": a.projectView(r, p)})
	return nil
}

func applyProject(p *novalite.Project, b projectBody) {
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
		p.Tags = *b.Project.Tags
	}
}

func (a *API) updateProject(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:update_project", policy.Target{}); err != nil {
		return err
	}
	var b projectBody
	if err := readEntity(r, &b, func() bool { return b.Project != nil }, "project"); err != nil {
		return err
	}
	p, err := a.svc.UpdateProject(r.Context(), r.PathValue("id"), func(p *novalite.Project) { applyProject(p, b) })
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"project": a.projectView(r, p)})
	return nil
}

func (a *API) deleteProject(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:delete_project", policy.Target{}); err != nil {
		return err
	}
	if err := a.svc.DeleteProject(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// readEntity decodes a body that must hold the object key.
func readEntity(r *http.Request, v any, present func() bool, key string) error {
	null, err := httpx.ReadBody(r, v, malformed)
	if err != nil {
		return err
	}
	if null || !present() {
		return required(key)
	}
	return nil
}

// required is Keystone's schema error for a missing property (without
// the schema dump that Keystone appends).
func required(field string) error {
	return novalite.Errorf(novalite.Invalid, "'%s' is a required property", field)
}
