package identity_test

import (
	"net/http"
	"reflect"
	"sort"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// lookupID returns the id of the entity called name in a collection.
func (b *testBundle) lookupID(t *testing.T, coll, name string) string {
	t.Helper()
	resp := b.srv.Do("GET", "/identity/v3/"+coll+"?name="+name, b.admin, nil, nil)
	wantStatus(t, "list "+coll, resp, http.StatusOK)
	list := get(t, resp.JSON(t), coll).([]any)
	if len(list) != 1 {
		t.Fatalf("%s called %s: %d found", coll, name, len(list))
	}
	return list[0].(map[string]any)["id"].(string)
}

func TestIssueToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	adminID := b.lookupID(t, "users", "admin")
	adminProject := b.lookupID(t, "projects", "admin")
	demoProject := b.lookupID(t, "projects", "demo")
	byName := func(user, pw string) map[string]any {
		return password(map[string]any{"name": user, "password": pw, "domain": map[string]any{"name": "Default"}})
	}
	// A user without a default project, member of demo.
	resp := b.srv.Do("POST", "/identity/v3/users", b.admin, map[string]any{"user": map[string]any{
		"name": "nodefault", "password": "pw-nodefault"}}, nil)
	wantStatus(t, "create user", resp, http.StatusCreated)
	nodefault := id(t, resp, "user")
	member := b.lookupID(t, "roles", "member")
	wantStatus(t, "grant", b.srv.Do("PUT", "/identity/v3/projects/"+demoProject+"/users/"+nodefault+"/roles/"+member, b.admin, nil, nil), http.StatusNoContent)

	tests := []struct {
		name        string
		body        any
		wantProject string // "" = unscoped
		wantUser    string
	}{
		{"user id, project id", auth(password(map[string]any{"id": adminID, "password": apptest.AdminPassword}),
			map[string]any{"project": map[string]any{"id": adminProject}}), adminProject, "admin"},
		{"user name and domain id, project name and domain id",
			auth(password(map[string]any{"name": "admin", "password": apptest.AdminPassword, "domain": map[string]any{"id": "default"}}),
				map[string]any{"project": map[string]any{"name": "admin", "domain": map[string]any{"id": "default"}}}), adminProject, "admin"},
		{"user name and domain name, project name and domain name", auth(byName("demo", apptest.DemoPassword),
			map[string]any{"project": map[string]any{"name": "demo", "domain": map[string]any{"name": "Default"}}}), demoProject, "demo"},
		{"no scope: the default project", auth(byName("demo", apptest.DemoPassword), nil), demoProject, "demo"},
		{"explicitly unscoped", auth(byName("admin", apptest.AdminPassword), "unscoped"), "", "admin"},
		{"no scope and no default project", auth(byName("nodefault", "pw-nodefault"), nil), "", "nodefault"},
		{"token method", auth(tokenMethod(b.demo), map[string]any{"project": map[string]any{"id": demoProject}}), demoProject, "demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := b.srv.Do("POST", "/identity/v3/auth/tokens", "", tt.body, nil)
			wantStatus(t, "issue", resp, http.StatusCreated)
			if resp.Header.Get("X-Subject-Token") == "" {
				t.Error("no X-Subject-Token")
			}
			tok := resp.JSON(t)
			if got := str(t, tok, "token", "user", "name"); got != tt.wantUser {
				t.Errorf("user %q, want %q", got, tt.wantUser)
			}
			if got := str(t, tok, "token", "user", "domain", "name"); got != "Default" {
				t.Errorf("user domain %q", got)
			}
			var gotProject string
			if p, ok := get(t, tok, "token").(map[string]any)["project"]; ok {
				gotProject = str(t, p, "id")
			}
			if gotProject != tt.wantProject {
				t.Errorf("project %q, want %q", gotProject, tt.wantProject)
			}
			_, hasCatalog := get(t, tok, "token").(map[string]any)["catalog"]
			_, hasRoles := get(t, tok, "token").(map[string]any)["roles"]
			if scoped := tt.wantProject != ""; hasCatalog != scoped || hasRoles != scoped {
				t.Errorf("catalog %v, roles %v for a token scoped %v", hasCatalog, hasRoles, scoped)
			}
			if tt.wantProject != "" && str(t, tok, "token", "project", "domain", "id") != "default" {
				t.Errorf("project domain: %v", get(t, tok, "token", "project"))
			}
			for _, k := range []string{"expires_at", "issued_at"} {
				if s := str(t, tok, "token", k); !keystoneTime.MatchString(s) {
					t.Errorf("%s %q is not Keystone's format", k, s)
				}
			}
			if len(get(t, tok, "token", "audit_ids").([]any)) == 0 {
				t.Error("no audit_ids")
			}
		})
	}
}

func TestIssueTokenRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := func(pw string) map[string]any {
		return password(map[string]any{"name": "admin", "password": pw, "domain": map[string]any{"id": "default"}})
	}
	const authn = "The request you have made requires authentication."
	resp := b.srv.Do("POST", "/identity/v3/users", b.admin, map[string]any{"user": map[string]any{
		"name": "roleless", "password": "pw-roleless"}}, nil)
	wantStatus(t, "create user", resp, http.StatusCreated)
	roleless := id(t, resp, "user")
	demoProject := b.lookupID(t, "projects", "demo")
	tests := []struct {
		name   string
		body   any
		status int
		msg    string
	}{
		{"wrong password", auth(admin("nope"), nil), 401, authn},
		{"unknown user", auth(password(map[string]any{"name": "ghost", "password": "x", "domain": map[string]any{"id": "default"}}), nil), 401, authn},
		{"unknown user domain", auth(password(map[string]any{"name": "admin", "password": apptest.AdminPassword, "domain": map[string]any{"name": "Nowhere"}}), nil), 401, authn},
		{"unknown project", auth(admin(apptest.AdminPassword), map[string]any{"project": map[string]any{"id": "0123456789abcdef"}}), 401, authn},
		{"no role on the project", auth(password(map[string]any{"id": roleless, "password": "pw-roleless"}),
			map[string]any{"project": map[string]any{"id": demoProject}}), 401, "User " + roleless + " has no access to project " + demoProject},
		{"bad token", auth(tokenMethod("gAAAAAnotatoken"), nil), 401, authn},
		{"user name without domain", auth(password(map[string]any{"name": "admin", "password": "x"}), nil), 400,
			"Expecting to find domain in user - the server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."},
		{"project name without domain", auth(admin(apptest.AdminPassword), map[string]any{"project": map[string]any{"name": "admin"}}), 400,
			"Expecting to find domain in project - the server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."},
		{"malformed JSON", `{"auth": `, 400,
			"Expecting to find valid JSON in request body - the server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := b.srv.Do("POST", "/identity/v3/auth/tokens", "", tt.body, nil)
			wantKeystoneError(t, b, "issue", resp, tt.status, tt.msg)
		})
	}
}

// TestTokenMatchesReference compares the shape of a token with a real
// Keystone's, and checks the roles and the catalog.
func TestTokenMatchesReference(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.srv.Do("GET", "/identity/v3/auth/tokens", b.admin, nil, map[string]string{"X-Subject-Token": b.admin})
	wantStatus(t, "validate", resp, http.StatusOK)
	tok := resp.JSON(t)
	want := reference(t, "keystone-POST-v3-auth-tokens.response.json", "", "")
	if got, want := shape(tok), shape(want); !reflect.DeepEqual(got, want) {
		t.Errorf("token shape\n got %v\nwant %v", got, want)
	}
	for _, tc := range []struct {
		token string
		roles []string
	}{
		{b.admin, []string{"admin", "manager", "member", "reader"}},
		{b.demo, []string{"member", "reader"}},
	} {
		resp := b.srv.Do("GET", "/identity/v3/auth/tokens", b.admin, nil, map[string]string{"X-Subject-Token": tc.token})
		if got := names(t, get(t, resp.JSON(t), "token", "roles"), "name"); !reflect.DeepEqual(got, tc.roles) {
			t.Errorf("roles %v, want %v", got, tc.roles)
		}
	}
	checkCatalog(t, b, get(t, tok, "token", "catalog"))
}

func checkCatalog(t *testing.T, b *testBundle, catalog any) {
	t.Helper()
	paths := map[string]string{"identity": "/identity/v3", "compute": "/compute/v2.1", "image": "/image", "network": "/network"}
	seen := map[string]bool{}
	for _, s := range catalog.([]any) {
		typ := str(t, s, "type")
		path, ok := paths[typ]
		if !ok {
			t.Errorf("unexpected service %q", typ)
			continue
		}
		seen[typ] = true
		if str(t, s, "id") == "" || str(t, s, "name") == "" {
			t.Errorf("%s: no id or name", typ)
		}
		var ifaces []string
		for _, e := range get(t, s, "endpoints").([]any) {
			ifaces = append(ifaces, str(t, e, "interface"))
			if str(t, e, "region") != "RegionOne" || str(t, e, "region_id") != "RegionOne" || str(t, e, "id") == "" {
				t.Errorf("%s endpoint: %v", typ, e)
			}
			if got := str(t, e, "url"); got != b.srv.URL+path {
				t.Errorf("%s url %q, want %q", typ, got, b.srv.URL+path)
			}
		}
		sort.Strings(ifaces)
		if !reflect.DeepEqual(ifaces, []string{"admin", "internal", "public"}) {
			t.Errorf("%s interfaces %v", typ, ifaces)
		}
	}
	if len(seen) != len(paths) {
		t.Errorf("services %v, want %v", seen, paths)
	}
}

func TestAuthCatalogAndProjects(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.srv.Do("GET", "/identity/v3/auth/catalog", b.demo, nil, nil)
	wantStatus(t, "catalog", resp, http.StatusOK)
	checkCatalog(t, b, get(t, resp.JSON(t), "catalog"))

	resp = b.srv.Do("GET", "/identity/v3/auth/projects", b.demo, nil, nil)
	wantStatus(t, "auth projects", resp, http.StatusOK)
	if got := names(t, get(t, resp.JSON(t), "projects"), "name"); !reflect.DeepEqual(got, []string{"demo"}) {
		t.Errorf("demo's projects %v", got)
	}

	resp = b.srv.Do("POST", "/identity/v3/auth/tokens", "", auth(password(map[string]any{"name": "demo",
		"password": apptest.DemoPassword, "domain": map[string]any{"id": "default"}}), "unscoped"), nil)
	unscoped := resp.Header.Get("X-Subject-Token")
	resp = b.srv.Do("GET", "/identity/v3/auth/catalog", unscoped, nil, nil)
	wantKeystoneError(t, b, "unscoped catalog", resp, http.StatusForbidden, "A project-scoped token is required to produce a service catalog.")
	resp = b.srv.Do("GET", "/identity/v3/auth/projects", unscoped, nil, nil)
	wantStatus(t, "unscoped auth projects", resp, http.StatusOK)
}

func TestValidateToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	subject := func(tok string) map[string]string { return map[string]string{"X-Subject-Token": tok} }
	tests := []struct {
		name, method, caller, subject string
		status                        int
	}{
		{"admin validates another's token", "GET", b.admin, b.demo, 200},
		{"a user validates its own", "GET", b.demo, b.demo, 200},
		{"head", "HEAD", b.admin, b.demo, 200},
		{"a user validates another's", "GET", b.demo, b.admin, 403},
		{"garbage subject", "GET", b.admin, "gAAAAAgarbage", 404},
		{"no subject", "GET", b.admin, "", 404},
		{"no caller token", "GET", "", b.demo, 401},
		{"garbage caller token", "GET", "gAAAAAgarbage", b.demo, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := subject(tt.subject)
			if tt.subject == "" {
				h = nil
			}
			resp := b.srv.Do(tt.method, "/identity/v3/auth/tokens", tt.caller, nil, h)
			if tt.status != 200 {
				if tt.method == "GET" {
					wantKeystoneError(t, b, "validate", resp, tt.status, "")
				}
				wantStatus(t, "validate", resp, tt.status)
				return
			}
			wantStatus(t, "validate", resp, 200)
			if resp.Header.Get("X-Subject-Token") != tt.subject {
				t.Error("X-Subject-Token not echoed")
			}
			if tt.method == "HEAD" {
				if len(resp.Body) != 0 {
					t.Errorf("HEAD body %q", resp.Body)
				}
				return
			}
			if str(t, resp.JSON(t), "token", "user", "name") != "demo" {
				t.Errorf("subject %s", resp.Body)
			}
		})
	}
	resp := b.srv.Do("GET", "/identity/v3/auth/tokens?nocatalog", b.admin, nil, subject(b.demo))
	if _, ok := get(t, resp.JSON(t), "token").(map[string]any)["catalog"]; ok {
		t.Error("nocatalog: catalog present")
	}
}

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	issue := func(body any) string {
		t.Helper()
		resp := b.srv.Do("POST", "/identity/v3/auth/tokens", "", body, nil)
		wantStatus(t, "issue", resp, http.StatusCreated)
		return resp.Header.Get("X-Subject-Token")
	}
	demo := password(map[string]any{"name": "demo", "password": apptest.DemoPassword, "domain": map[string]any{"id": "default"}})
	tok := issue(auth(demo, nil))
	child := issue(auth(tokenMethod(tok), nil))
	other := issue(auth(demo, nil))
	// Both work on the compute API before (and are cached there).
	for _, x := range []string{tok, child, other} {
		wantStatus(t, "servers before", b.srv.Do("GET", "/compute/v2.1/servers", x, nil, nil), http.StatusOK)
	}
	// A user revokes its own token with that very token.
	wantStatus(t, "revoke", b.srv.Do("DELETE", "/identity/v3/auth/tokens", tok, nil, map[string]string{"X-Subject-Token": tok}), http.StatusNoContent)

	resp := b.srv.Do("GET", "/identity/v3/auth/tokens", b.admin, nil, map[string]string{"X-Subject-Token": tok})
	wantKeystoneError(t, b, "validate revoked", resp, http.StatusNotFound, "")
	resp = b.srv.Do("GET", "/compute/v2.1/servers", tok, nil, nil)
	wantStatus(t, "servers with the revoked token", resp, http.StatusUnauthorized)
	// Tokens made from a revoked token are revoked with it (novalite
	// checks the whole audit chain); other tokens of the user are not.
	wantStatus(t, "servers with a token made from it", b.srv.Do("GET", "/compute/v2.1/servers", child, nil, nil), http.StatusUnauthorized)
	wantStatus(t, "servers with another token", b.srv.Do("GET", "/compute/v2.1/servers", other, nil, nil), http.StatusOK)
	resp = b.srv.Do("POST", "/identity/v3/auth/tokens", "", auth(tokenMethod(tok), nil), nil)
	wantKeystoneError(t, b, "exchange a revoked token", resp, http.StatusUnauthorized, "")
	resp = b.srv.Do("DELETE", "/identity/v3/auth/tokens", b.admin, nil, map[string]string{"X-Subject-Token": tok})
	wantKeystoneError(t, b, "revoke again", resp, http.StatusNotFound, "")
	// Another user's token may not be revoked by a non-admin.
	resp = b.srv.Do("DELETE", "/identity/v3/auth/tokens", other, nil, map[string]string{"X-Subject-Token": b.admin})
	wantKeystoneError(t, b, "revoke another's", resp, http.StatusForbidden, "You are not authorized to perform the requested action: identity:revoke_token.")
}

// TestTokenTTL issues tokens on a server configured with another lifetime.
func TestTokenTTL(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, func(c *config.Config) { c.TokenTTL = 90 * time.Minute })
	resp := srv.Do("POST", "/identity/v3/auth/tokens", "", auth(password(map[string]any{"name": "demo",
		"password": apptest.DemoPassword, "domain": map[string]any{"id": "default"}}), nil), nil)
	wantStatus(t, "issue", resp, http.StatusCreated)
	tok := resp.JSON(t)
	issued, err1 := time.Parse(time.RFC3339Nano, str(t, tok, "token", "issued_at"))
	expires, err2 := time.Parse(time.RFC3339Nano, str(t, tok, "token", "expires_at"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if d := expires.Sub(issued); d != 90*time.Minute {
		t.Errorf("lifetime %s, want 1h30m", d)
	}
	if d := time.Since(issued); d < 0 || d > time.Minute {
		t.Errorf("issued_at %s is not now", issued)
	}
}
