package identity_test

import (
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// Bodies Keystone's JSON schemas and checks refuse get Keystone's status
// and message, and change nothing.
func TestKeystoneInputRules(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin := srv.AdminToken()
	long := strings.Repeat("a", 100_000)
	name65, name256 := strings.Repeat("n", 65), strings.Repeat("n", 256)
	demoProject := projectID(t, srv, "demo")
	otherDomain := srv.Do(apptest.Request{Method: "POST", Path: "/identity/v3/domains", Token: admin, Body: map[string]any{"domain": map[string]any{"name": "other"}}}).JSON(t)["domain"].(map[string]any)["id"].(string)
	const expecting = "Expecting to find system, project, domain, OS-TRUST:trust or unscoped in scope. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."
	demo := password(map[string]any{"name": "demo", "password": apptest.DemoPassword, "domain": map[string]any{"id": "default"}})
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		msg                string // exact, or a prefix when it ends in "…"
	}{
		{"project name of 100,000 characters", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": long}}, 400, "Invalid input for field 'name': '" + long[:50] + "…"},
		{"project name of 65 characters", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": name65}}, 400, "Invalid input for field 'name': '" + name65 + "' is too long"},
		{"project name of spaces", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": "   "}}, 400, "Invalid input for field 'name': '   ' does not match '[\\S]+'"},
		{"project is_domain as a string", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": "p1", "is_domain": "true"}}, 400, "Invalid input for field 'is_domain': 'true' is not of type 'boolean'"},
		{"project enabled as a string", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": "p2", "enabled": "false"}}, 400, "Invalid input for field 'enabled': 'false' is not of type 'boolean'"},
		{"project with a parent that does not exist", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": "p3", "parent_id": "0123456789abcdef0123456789abcdef"}}, 404, "Could not find project: 0123456789abcdef0123456789abcdef."},
		{"project parent_id not an id", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": "p4", "parent_id": "a b"}}, 400, "Invalid input for field 'parent_id': 'a b' does not match '^[a-zA-Z0-9-]+$'"},
		{"project domain_id of 100,000 characters", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": "p5", "domain_id": long}}, 400, "Invalid input for field 'domain_id': '" + long[:50] + "…"},
		{"project description a number", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": "p6", "description": 5}}, 400, "Invalid input for field 'description': 5 is not of type 'string', 'null'"},
		{"project parent in another domain", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": "p7", "domain_id": "default", "parent_id": otherDomain}}, 400,
			"Cannot create project, since it specifies its domain_id default, but specifies a parent in a different domain (" + otherDomain + ")."},
		{"project under a project", "POST", "/identity/v3/projects",
			map[string]any{"project": map[string]any{"name": "p8", "parent_id": demoProject}}, 501, "Project hierarchies are not supported by novalite."},
		{"project update moves it to another domain", "PATCH", "/identity/v3/projects/" + demoProject,
			map[string]any{"project": map[string]any{"domain_id": otherDomain}}, 400, "Update of `domain_id` is not allowed."},
		{"project update gives it a parent", "PATCH", "/identity/v3/projects/" + demoProject,
			map[string]any{"project": map[string]any{"parent_id": otherDomain}}, 400, "Update of `parent_id` is not allowed."},
		{"project update makes it a domain", "PATCH", "/identity/v3/projects/" + demoProject,
			map[string]any{"project": map[string]any{"is_domain": true}}, 400, "Update of `is_domain` is not allowed."},
		{"project not an object", "POST", "/identity/v3/projects", map[string]any{"project": "x"}, 400, "'x' is not of type 'object'"},
		{"project without a name", "POST", "/identity/v3/projects", map[string]any{"project": map[string]any{"enabled": true}}, 400, "'name' is a required property"},
		{"project update name too long", "PATCH", "/identity/v3/projects/" + demoProject,
			map[string]any{"project": map[string]any{"name": long}}, 400, "Invalid input for field 'name': '" + long[:50] + "…"},
		{"project update is_domain", "PATCH", "/identity/v3/projects/" + demoProject,
			map[string]any{"project": map[string]any{"is_domain": "true"}}, 400, "Invalid input for field 'is_domain': 'true' is not of type 'boolean'"},
		{"project update empty", "PATCH", "/identity/v3/projects/" + demoProject,
			map[string]any{"project": map[string]any{}}, 400, "{} does not have enough properties"},
		{"user name of 100,000 characters", "POST", "/identity/v3/users",
			map[string]any{"user": map[string]any{"name": long}}, 400, "Invalid input for field 'name': '" + long[:50] + "…"},
		{"user name of 256 characters", "POST", "/identity/v3/users",
			map[string]any{"user": map[string]any{"name": name256}}, 400, "Invalid input for field 'name': '" + name256 + "' is too long"},
		{"user enabled as a string", "POST", "/identity/v3/users",
			map[string]any{"user": map[string]any{"name": "u1", "enabled": "true"}}, 400, "Invalid input for field 'enabled': 'true' is not of type 'boolean'"},
		{"user password a number", "POST", "/identity/v3/users",
			map[string]any{"user": map[string]any{"name": "u2", "password": 5}}, 400, "Invalid input for field 'password': 5 is not of type 'string', 'null'"},
		{"user default project not an id", "POST", "/identity/v3/users",
			map[string]any{"user": map[string]any{"name": "u3", "default_project_id": "../x"}}, 400, "Invalid input for field 'default_project_id': '../x' does not match '^[a-zA-Z0-9-]+$'"},
		{"domain name of 100,000 characters", "POST", "/identity/v3/domains",
			map[string]any{"domain": map[string]any{"name": long}}, 400, "Invalid input for field 'name': '" + long[:50] + "…"},
		{"domain enabled as a string", "POST", "/identity/v3/domains",
			map[string]any{"domain": map[string]any{"name": "d1", "enabled": "yes"}}, 400, "Invalid input for field 'enabled': 'yes' is not of type 'boolean'"},
		{"role name of 100,000 characters", "POST", "/identity/v3/roles",
			map[string]any{"role": map[string]any{"name": long}}, 400, "Invalid input for field 'name': '" + long[:50] + "…"},
		{"scope with project and domain", "POST", "/identity/v3/auth/tokens",
			auth(demo, map[string]any{"project": map[string]any{"id": demoProject}, "domain": map[string]any{"id": "default"}}), 400, expecting},
		{"empty scope", "POST", "/identity/v3/auth/tokens", auth(demo, map[string]any{}), 400, expecting},
		{"methods not a list", "POST", "/identity/v3/auth/tokens",
			auth(map[string]any{"methods": "password"}, nil), 400, "Invalid input for field 'identity/methods': 'password' is not of type 'array'"},
		{"password user without id or name", "POST", "/identity/v3/auth/tokens",
			auth(password(map[string]any{"password": "x"}), nil), 400, "Invalid input for field identity/password/user: id or name must be present."},
		{"scope project without id or name", "POST", "/identity/v3/auth/tokens",
			auth(demo, map[string]any{"project": map[string]any{}}), 400, "Invalid input for field scope/project: id or name must be present."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(apptest.Request{Method: tc.method, Path: tc.path, Token: admin, Body: tc.body})
			msg := keystoneError(t, r, tc.status)
			if prefix, ok := strings.CutSuffix(tc.msg, "…"); ok {
				if !strings.HasPrefix(msg, prefix) {
					t.Errorf("message %.200q, want it to start with %q", msg, prefix)
				}
			} else if msg != tc.msg {
				t.Errorf("message %.300q, want %q", msg, tc.msg)
			}
		})
	}
	// A parent that is the project's domain is what Keystone makes of a
	// top-level project; without domain_id the parent domain is used.
	r := srv.Do(apptest.Request{Method: "POST", Path: "/identity/v3/projects", Token: admin, Body: map[string]any{"project": map[string]any{"name": "top", "parent_id": otherDomain}}})
	if r.Status != 201 || r.JSON(t)["project"].(map[string]any)["domain_id"] != otherDomain {
		t.Errorf("project under its domain: %d %.300s", r.Status, r.Body)
	}
	// Nothing of the above was stored.
	for _, kind := range []string{"projects", "users", "domains", "roles"} {
		for _, x := range srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/" + kind, Token: admin}).JSON(t)[kind].([]any) {
			if n := x.(map[string]any)["name"].(string); len(n) > 64 || n[0] == 'p' && len(n) == 2 || n[0] == 'u' && len(n) == 2 {
				t.Errorf("%s: %.80s was stored", kind, n)
			}
		}
	}
	if r := srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/projects/" + demoProject, Token: admin}); r.JSON(t)["project"].(map[string]any)["name"] != "demo" {
		t.Errorf("demo project changed: %s", r.Body)
	}
}
