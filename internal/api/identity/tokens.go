package identity

import (
	"encoding/json"
	"net/http"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/identity"
	"novalite/internal/policy"
)

const malformed = "Expecting to find valid JSON in request body - the server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."

type domainRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type authBody struct {
	Auth *struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User struct {
					ID       string     `json:"id"`
					Name     string     `json:"name"`
					Password string     `json:"password"`
					Domain   *domainRef `json:"domain"`
				} `json:"user"`
			} `json:"password"`
			Token *struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"identity"`
		Scope json.RawMessage `json:"scope"`
	} `json:"auth"`
}

type scopeBody struct {
	Project *struct {
		ID     string     `json:"id"`
		Name   string     `json:"name"`
		Domain *domainRef `json:"domain"`
	} `json:"project"`
	Domain *domainRef `json:"domain"`
	System any        `json:"system"`
}

func (a *API) issueToken(w http.ResponseWriter, r *http.Request) error {
	var body authBody
	if null, err := httpx.ReadBody(r, &body, malformed); err != nil {
		return err
	} else if null || body.Auth == nil {
		return novalite.Errorf(novalite.Invalid, "'auth' is a required property")
	}
	id := body.Auth.Identity
	req := identity.AuthRequest{Methods: id.Methods}
	if id.Password != nil {
		u := id.Password.User
		req.UserID, req.UserName, req.Password = u.ID, u.Name, u.Password
		if u.Domain != nil {
			req.UserDomainID, req.UserDomainName = u.Domain.ID, u.Domain.Name
		}
	}
	if id.Token != nil {
		req.Token = id.Token.ID
	}
	if len(req.Methods) > 0 && req.Methods[0] == "token" && req.Token == "" {
		req.Token = r.Header.Get("X-Auth-Token")
	}
	if len(body.Auth.Scope) > 0 && string(body.Auth.Scope) != "null" {
		var s string
		if json.Unmarshal(body.Auth.Scope, &s) == nil {
			req.Unscoped = s == "unscoped"
		} else {
			var sc scopeBody
			if err := json.Unmarshal(body.Auth.Scope, &sc); err != nil {
				return novalite.Errorf(novalite.Invalid, malformed)
			}
			switch {
			case sc.Project != nil:
				req.ProjectID, req.ProjectName = sc.Project.ID, sc.Project.Name
				if sc.Project.Domain != nil {
					req.ProjectDomainID, req.ProjectDomainName = sc.Project.Domain.ID, sc.Project.Domain.Name
				}
			case sc.Domain != nil || sc.System != nil:
				return novalite.Errorf(novalite.NotImplemented, "Domain and system scoped tokens are not supported by novalite.")
			}
		}
	}
	tok, err := a.svc.Authenticate(r.Context(), req)
	if err != nil {
		return err
	}
	w.Header().Set("X-Subject-Token", tok.ID)
	httpx.WriteJSON(w, http.StatusCreated, a.tokenView(r, tok.Caller, true))
	return nil
}

// subject validates the token of X-Subject-Token and then authorizes rule
// with the token's user as the target, in Keystone's order: a subject that
// is not valid is 404 for anyone, another user's valid token is 403.
func (a *API) subject(r *http.Request, rule string) (*novalite.Caller, error) {
	sub := r.Header.Get("X-Subject-Token")
	if sub == "" {
		return nil, novalite.Errorf(novalite.NotFound, "Could not find token: .")
	}
	c, err := a.svc.ValidateSubject(r.Context(), sub)
	if err != nil {
		return nil, err
	}
	if err := authorize(r, rule, policy.Target{UserID: c.UserID}); err != nil {
		return nil, err
	}
	return c, nil
}

func (a *API) validateToken(w http.ResponseWriter, r *http.Request) error {
	c, err := a.subject(r, "identity:validate_token")
	if err != nil {
		return err
	}
	w.Header().Set("X-Subject-Token", r.Header.Get("X-Subject-Token"))
	_, nocatalog := r.URL.Query()["nocatalog"]
	httpx.WriteJSON(w, http.StatusOK, a.tokenView(r, c, !nocatalog))
	return nil
}

func (a *API) checkToken(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.subject(r, "identity:check_token"); err != nil {
		return err
	}
	w.Header().Set("X-Subject-Token", r.Header.Get("X-Subject-Token"))
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.subject(r, "identity:revoke_token"); err != nil {
		return err
	}
	if err := a.svc.Revoke(r.Context(), r.Header.Get("X-Subject-Token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// keystoneTime renders a time as Keystone does: six fractional digits, Z.
func keystoneTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func (a *API) tokenView(r *http.Request, c *novalite.Caller, withCatalog bool) map[string]any {
	t := map[string]any{
		"methods":    c.Methods,
		"audit_ids":  c.AuditIDs,
		"expires_at": keystoneTime(c.ExpiresAt),
		"issued_at":  keystoneTime(c.IssuedAt),
		"user": map[string]any{
			"id": c.UserID, "name": c.UserName, "password_expires_at": nil,
			"domain": map[string]any{"id": c.UserDomainID, "name": c.UserDomainName},
		},
	}
	if c.ProjectID != "" {
		t["project"] = map[string]any{"id": c.ProjectID, "name": c.ProjectName,
			"domain": map[string]any{"id": c.ProjectDomainID, "name": c.ProjectDomainName}}
		t["is_domain"] = false
		roles := []map[string]any{}
		for _, r := range c.Roles {
			roles = append(roles, map[string]any{"id": r.ID, "name": r.Name})
		}
		t["roles"] = roles
		if withCatalog {
			t["catalog"] = catalogView(a.svc.Catalog())
		}
	}
	return map[string]any{"token": t}
}

func catalogView(services []identity.CatalogService) []map[string]any {
	out := []map[string]any{}
	for _, s := range services {
		eps := []map[string]any{}
		for _, e := range s.Endpoints {
			eps = append(eps, map[string]any{"id": e.ID, "interface": e.Interface,
				"region_id": e.Region, "region": e.Region, "url": e.URL})
		}
		out = append(out, map[string]any{"id": s.ID, "type": s.Type, "name": s.Name, "endpoints": eps})
	}
	return out
}

func (a *API) authCatalog(w http.ResponseWriter, r *http.Request) error {
	c := httpx.Caller(r.Context())
	if c.ProjectID == "" {
		return novalite.Errorf(novalite.Forbidden, "A project-scoped token is required to produce a service catalog.")
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"catalog": catalogView(a.svc.Catalog()),
		"links": a.listLinks(r)})
	return nil
}

func (a *API) authProjects(w http.ResponseWriter, r *http.Request) error {
	ps, err := a.svc.UserProjects(r.Context(), httpx.Caller(r.Context()).UserID)
	if err != nil {
		return err
	}
	return a.writeList(w, r, "projects", ps, a.projectView)
}

func (a *API) authDomains(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"domains": []any{}, "links": a.listLinks(r)})
	return nil
}
