package identity

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
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
	body, err := readAuth(r)
	if err != nil {
		return err
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
	if err := scopeRequest(body.Auth.Scope, &req); err != nil {
		return err
	}
	tok, err := a.svc.Authenticate(r.Context(), req)
	if err != nil {
		return err
	}
	w.Header().Set("X-Subject-Token", tok.ID)
	httpx.WriteJSON(w, http.StatusCreated, a.tokenView(r, tok.Caller, true))
	return nil
}

// readAuth reads a POST /v3/auth/tokens body and checks it as Keystone's
// validate_issue_token_auth does: the token_issue schema, then an id or a
// name wherever a user, project or domain is named.
func readAuth(r *http.Request) (authBody, error) {
	var body authBody
	var raw json.RawMessage
	if null, err := httpx.ReadBody(r, &raw, malformed); err != nil {
		return body, err
	} else if null {
		return body, novalite.Errorf(novalite.Invalid, "'auth' is a required property")
	}
	doc, err := schema.Decode(raw)
	if err != nil {
		return body, novalite.Errorf(novalite.Invalid, malformed)
	}
	top, _ := doc.(map[string]any)
	auth, _ := top["auth"].(map[string]any)
	if auth == nil {
		return body, novalite.Errorf(novalite.Invalid, "'auth' is a required property")
	}
	if err := validate(authSchema, auth); err != nil {
		return body, err
	}
	for _, c := range []struct {
		path  []string
		field string
	}{
		{[]string{"identity", "password", "user"}, "identity/password/user"},
		{[]string{"identity", "password", "user", "domain"}, "identity/password/user/domain"},
		{[]string{"scope", "project"}, "scope/project"},
		{[]string{"scope", "project", "domain"}, "scope/project/domain"},
		{[]string{"scope", "domain"}, "scope/domain"},
	} {
		if m, ok := dig(auth, c.path).(map[string]any); ok && m["id"] == nil && m["name"] == nil {
			return body, novalite.Errorf(novalite.Invalid, "Invalid input for field %s: id or name must be present.", c.field)
		}
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.Auth == nil {
		return body, novalite.Errorf(novalite.Invalid, malformed)
	}
	return body, nil
}

func dig(v any, path []string) any {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// scopeRequest reads the scope into req. Keystone wants exactly one of
// project, domain, system, OS-TRUST:trust or unscoped in a scope that is
// given (as "unscoped", or {"unscoped": {}} from old keystoneauth).
func scopeRequest(raw json.RawMessage, req *identity.AuthRequest) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	const expecting = "Expecting to find system, project, domain, OS-TRUST:trust or unscoped in scope. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if !strings.Contains(s, "unscoped") {
			return novalite.Errorf(novalite.Invalid, expecting)
		}
		req.Unscoped = true
		return nil
	}
	var sc scopeBody
	var keys map[string]json.RawMessage
	if json.Unmarshal(raw, &sc) != nil || json.Unmarshal(raw, &keys) != nil {
		return novalite.Errorf(novalite.Invalid, malformed)
	}
	n := 0
	for _, k := range []string{"project", "domain", "unscoped", "system", "OS-TRUST:trust"} {
		if _, ok := keys[k]; ok {
			n++
		}
	}
	switch {
	case n != 1:
		return novalite.Errorf(novalite.Invalid, expecting)
	case sc.Project != nil:
		req.ProjectID, req.ProjectName = sc.Project.ID, sc.Project.Name
		if sc.Project.Domain != nil {
			req.ProjectDomainID, req.ProjectDomainName = sc.Project.Domain.ID, sc.Project.Domain.Name
		}
	case keys["unscoped"] != nil:
		req.Unscoped = true
	default:
		return novalite.Errorf(novalite.NotImplemented, "Domain and system scoped tokens are not supported by novalite.")
	}
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
	return noContent(w, a.svc.Revoke(r.Context(), r.Header.Get("X-Subject-Token")))
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
