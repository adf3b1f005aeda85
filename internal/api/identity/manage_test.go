package identity_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

func TestVersionDocuments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		path, ref string
		status    int
	}{
		{"/identity/", "keystone-GET-root.http", http.StatusMultipleChoices},
		{"/identity/v3", "keystone-GET-v3.http", http.StatusOK},
		{"/identity/v3/", "keystone-GET-v3.http", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp := b.srv.Do("GET", tt.path, "", nil, nil)
			wantStatus(t, "get", resp, tt.status)
			want := reference(t, tt.ref, "http://127.0.0.1:5000", b.srv.URL+"/identity")
			if got := resp.JSON(t); !reflect.DeepEqual(any(got), want) {
				t.Errorf("body\n got %s\nwant %v", resp.Body, want)
			}
			if resp.Header.Get("Vary") != "X-Auth-Token" {
				t.Errorf("Vary %q", resp.Header.Get("Vary"))
			}
			if tt.status == http.StatusMultipleChoices && resp.Header.Get("Location") != b.srv.URL+"/identity/v3/" {
				t.Errorf("Location %q", resp.Header.Get("Location"))
			}
			if !strings.HasPrefix(resp.Header.Get("X-Openstack-Request-Id"), "req-") {
				t.Error("no request id")
			}
		})
	}
	resp := b.srv.Do("GET", "/identity/v3/nothing-here", b.admin, nil, nil)
	wantKeystoneError(t, b, "unknown path", resp, http.StatusNotFound, "The resource could not be found.")
}

func TestProjectsCRUD(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.srv.Do("POST", "/identity/v3/projects", b.admin, map[string]any{"project": map[string]any{
		"name": "p1", "description": "first", "domain_id": "default", "tags": []string{"a"}}}, nil)
	wantStatus(t, "create", resp, http.StatusCreated)
	p := get(t, resp.JSON(t), "project")
	pid := str(t, p, "id")
	if len(pid) != 32 || str(t, p, "name") != "p1" || str(t, p, "domain_id") != "default" ||
		str(t, p, "parent_id") != "default" || get(t, p, "enabled") != true || str(t, p, "description") != "first" ||
		str(t, p, "links", "self") != b.srv.URL+"/identity/v3/projects/"+pid {
		t.Errorf("created %v", p)
	}
	resp = b.srv.Do("POST", "/identity/v3/projects", b.admin, map[string]any{"project": map[string]any{"name": "p1"}}, nil)
	wantKeystoneError(t, b, "duplicate", resp, http.StatusConflict,
		"Conflict occurred attempting to store project - Duplicate entry found with name p1 at domain ID default.")
	resp = b.srv.Do("POST", "/identity/v3/projects", b.admin, map[string]any{"project": map[string]any{"description": "x"}}, nil)
	wantKeystoneError(t, b, "no name", resp, http.StatusBadRequest, "'name' is a required property")
	resp = b.srv.Do("POST", "/identity/v3/projects", b.admin, map[string]any{"project": map[string]any{"name": "p2", "domain_id": "nowhere"}}, nil)
	wantKeystoneError(t, b, "unknown domain", resp, http.StatusNotFound, "Could not find domain: nowhere.")

	resp = b.srv.Do("GET", "/identity/v3/projects/p1", b.admin, nil, nil)
	wantKeystoneError(t, b, "show by name", resp, http.StatusNotFound, "Could not find project: p1.")
	resp = b.srv.Do("GET", "/identity/v3/projects/"+pid, b.admin, nil, nil)
	wantStatus(t, "show", resp, http.StatusOK)
	for _, q := range []string{"?name=p1", "?name=p1&domain_id=default", "?domain_id=default&enabled=true"} {
		resp = b.srv.Do("GET", "/identity/v3/projects"+q, b.admin, nil, nil)
		if got := names(t, get(t, resp.JSON(t), "projects"), "name"); !contains(got, "p1") {
			t.Errorf("list %s: %v", q, got)
		}
	}
	resp = b.srv.Do("PATCH", "/identity/v3/projects/"+pid, b.admin, map[string]any{"project": map[string]any{
		"description": "changed", "enabled": false}}, nil)
	wantStatus(t, "update", resp, http.StatusOK)
	if p := get(t, resp.JSON(t), "project"); str(t, p, "description") != "changed" || get(t, p, "enabled") != false || str(t, p, "name") != "p1" {
		t.Errorf("updated %v", p)
	}
	resp = b.srv.Do("GET", "/identity/v3/projects?enabled=false", b.admin, nil, nil)
	if got := names(t, get(t, resp.JSON(t), "projects"), "name"); !reflect.DeepEqual(got, []string{"p1"}) {
		t.Errorf("disabled projects %v", got)
	}
	wantStatus(t, "delete", b.srv.Do("DELETE", "/identity/v3/projects/"+pid, b.admin, nil, nil), http.StatusNoContent)
	resp = b.srv.Do("DELETE", "/identity/v3/projects/"+pid, b.admin, nil, nil)
	wantKeystoneError(t, b, "delete again", resp, http.StatusNotFound, "Could not find project: "+pid+".")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestDisabledProject: tokens of a disabled project stop working, and none
// are issued for it.
func TestDisabledProject(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tok, pid := b.srv.NewMember("soon-off")
	wantStatus(t, "before", b.srv.Do("GET", "/compute/v2.1/servers", tok, nil, nil), http.StatusOK)
	wantStatus(t, "disable", b.srv.Do("PATCH", "/identity/v3/projects/"+pid, b.admin,
		map[string]any{"project": map[string]any{"enabled": false}}, nil), http.StatusOK)
	wantStatus(t, "after", b.srv.Do("GET", "/compute/v2.1/servers", tok, nil, nil), http.StatusUnauthorized)
	resp := b.srv.Do("POST", "/identity/v3/auth/tokens", "", auth(password(map[string]any{"name": "soon-off",
		"password": "member-secret", "domain": map[string]any{"id": "default"}}), map[string]any{"project": map[string]any{"id": pid}}), nil)
	wantKeystoneError(t, b, "issue", resp, http.StatusUnauthorized, "")
}

func TestUsersCRUD(t *testing.T) {
	t.Parallel()
	b := setup(t)
	demoProject := b.lookupID(t, "projects", "demo")
	resp := b.srv.Do("POST", "/identity/v3/users", b.admin, map[string]any{"user": map[string]any{
		"name": "u1", "password": "pw1", "email": "u1@example.org", "default_project_id": demoProject}}, nil)
	wantStatus(t, "create", resp, http.StatusCreated)
	u := get(t, resp.JSON(t), "user")
	uid := str(t, u, "id")
	if str(t, u, "name") != "u1" || str(t, u, "domain_id") != "default" || get(t, u, "enabled") != true ||
		str(t, u, "email") != "u1@example.org" || str(t, u, "default_project_id") != demoProject {
		t.Errorf("created %v", u)
	}
	if _, ok := u.(map[string]any)["password"]; ok {
		t.Error("password echoed")
	}
	resp = b.srv.Do("POST", "/identity/v3/users", b.admin, map[string]any{"user": map[string]any{"name": "u1"}}, nil)
	wantKeystoneError(t, b, "duplicate", resp, http.StatusConflict,
		"Conflict occurred attempting to store user - Duplicate entry found with name u1 at domain ID default.")
	resp = b.srv.Do("GET", "/identity/v3/users/u1", b.admin, nil, nil)
	wantKeystoneError(t, b, "show by name", resp, http.StatusNotFound, "Could not find user: u1.")
	resp = b.srv.Do("GET", "/identity/v3/users?domain_id=default&name=u1", b.admin, nil, nil)
	if got := names(t, get(t, resp.JSON(t), "users"), "id"); !reflect.DeepEqual(got, []string{uid}) {
		t.Errorf("list by name: %v", got)
	}

	// The password works; once changed, only the new one does.
	login := func(pw string) int {
		return b.srv.Do("POST", "/identity/v3/auth/tokens", "", auth(password(map[string]any{"id": uid, "password": pw}), "unscoped"), nil).Status
	}
	if s := login("pw1"); s != http.StatusCreated {
		t.Errorf("login: %d", s)
	}
	wantStatus(t, "update", b.srv.Do("PATCH", "/identity/v3/users/"+uid, b.admin,
		map[string]any{"user": map[string]any{"password": "pw2", "description": "d"}}, nil), http.StatusOK)
	if a, b := login("pw1"), login("pw2"); a != http.StatusUnauthorized || b != http.StatusCreated {
		t.Errorf("after password change: old %d, new %d", a, b)
	}

	// A user reads itself; its token dies with it.
	wantStatus(t, "grant", b.srv.Do("PUT", "/identity/v3/projects/"+demoProject+"/users/"+uid+"/roles/"+b.lookupID(t, "roles", "reader"),
		b.admin, nil, nil), http.StatusNoContent)
	resp = b.srv.Do("POST", "/identity/v3/auth/tokens", "", auth(password(map[string]any{"id": uid, "password": "pw2"}), nil), nil)
	wantStatus(t, "default-scoped login", resp, http.StatusCreated)
	tok := resp.Header.Get("X-Subject-Token")
	wantStatus(t, "show self", b.srv.Do("GET", "/identity/v3/users/"+uid, tok, nil, nil), http.StatusOK)
	wantStatus(t, "own projects", b.srv.Do("GET", "/identity/v3/users/"+uid+"/projects", tok, nil, nil), http.StatusOK)
	wantStatus(t, "delete", b.srv.Do("DELETE", "/identity/v3/users/"+uid, b.admin, nil, nil), http.StatusNoContent)
	wantStatus(t, "deleted user's token", b.srv.Do("GET", "/compute/v2.1/servers", tok, nil, nil), http.StatusUnauthorized)
	resp = b.srv.Do("DELETE", "/identity/v3/users/"+uid, b.admin, nil, nil)
	wantKeystoneError(t, b, "delete again", resp, http.StatusNotFound, "Could not find user: "+uid+".")
}

func TestRolesCRUD(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.srv.Do("GET", "/identity/v3/roles", b.admin, nil, nil)
	if got := names(t, get(t, resp.JSON(t), "roles"), "name"); !reflect.DeepEqual(got, []string{"admin", "manager", "member", "reader"}) {
		t.Errorf("bootstrap roles %v", got)
	}
	resp = b.srv.Do("POST", "/identity/v3/roles", b.admin, map[string]any{"role": map[string]any{"name": "r1"}}, nil)
	wantStatus(t, "create", resp, http.StatusCreated)
	rid := id(t, resp, "role")
	resp = b.srv.Do("POST", "/identity/v3/roles", b.admin, map[string]any{"role": map[string]any{"name": "r1"}}, nil)
	wantKeystoneError(t, b, "duplicate", resp, http.StatusConflict,
		"Conflict occurred attempting to store role - Duplicate entry found with name r1.")
	resp = b.srv.Do("GET", "/identity/v3/roles/r1", b.admin, nil, nil)
	wantKeystoneError(t, b, "show by name", resp, http.StatusNotFound, "Could not find role: r1.")
	resp = b.srv.Do("GET", "/identity/v3/roles?name=r1", b.admin, nil, nil)
	if got := names(t, get(t, resp.JSON(t), "roles"), "id"); !reflect.DeepEqual(got, []string{rid}) {
		t.Errorf("by name %v", got)
	}
	resp = b.srv.Do("PATCH", "/identity/v3/roles/"+rid, b.admin, map[string]any{"role": map[string]any{"description": "d"}}, nil)
	if wantStatus(t, "update", resp, http.StatusOK); str(t, resp.JSON(t), "role", "description") != "d" {
		t.Errorf("updated %s", resp.Body)
	}
	resp = b.srv.Do("GET", "/identity/v3/role_inferences", b.admin, nil, nil)
	wantStatus(t, "inferences", resp, http.StatusOK)
	if n := len(get(t, resp.JSON(t), "role_inferences").([]any)); n != 3 {
		t.Errorf("%d inferences, want 3 (admin→manager→member→reader)", n)
	}
	wantStatus(t, "delete", b.srv.Do("DELETE", "/identity/v3/roles/"+rid, b.admin, nil, nil), http.StatusNoContent)
	wantStatus(t, "show deleted", b.srv.Do("GET", "/identity/v3/roles/"+rid, b.admin, nil, nil), http.StatusNotFound)
}

func TestGrantsAndAssignments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.srv.Do("POST", "/identity/v3/projects", b.admin, map[string]any{"project": map[string]any{"name": "gp"}}, nil)
	pid := id(t, resp, "project")
	resp = b.srv.Do("POST", "/identity/v3/users", b.admin, map[string]any{"user": map[string]any{"name": "gu", "password": "pw"}}, nil)
	uid := id(t, resp, "user")
	member, reader := b.lookupID(t, "roles", "member"), b.lookupID(t, "roles", "reader")
	grant := "/identity/v3/projects/" + pid + "/users/" + uid + "/roles/" + member

	wantStatus(t, "check before", b.srv.Do("HEAD", grant, b.admin, nil, nil), http.StatusNotFound)
	wantStatus(t, "grant", b.srv.Do("PUT", grant, b.admin, nil, nil), http.StatusNoContent)
	wantStatus(t, "grant twice", b.srv.Do("PUT", grant, b.admin, nil, nil), http.StatusNoContent)
	wantStatus(t, "check", b.srv.Do("HEAD", grant, b.admin, nil, nil), http.StatusNoContent)
	resp = b.srv.Do("GET", "/identity/v3/projects/"+pid+"/users/"+uid+"/roles", b.admin, nil, nil)
	if got := names(t, get(t, resp.JSON(t), "roles"), "name"); !reflect.DeepEqual(got, []string{"member"}) {
		t.Errorf("grants %v", got)
	}
	resp = b.srv.Do("PUT", "/identity/v3/projects/"+pid+"/users/"+uid+"/roles/nope", b.admin, nil, nil)
	wantKeystoneError(t, b, "unknown role", resp, http.StatusNotFound, "Could not find role: nope.")
	resp = b.srv.Do("PUT", "/identity/v3/projects/nope/users/"+uid+"/roles/"+member, b.admin, nil, nil)
	wantKeystoneError(t, b, "unknown project", resp, http.StatusNotFound, "Could not find project: nope.")

	type row struct{ user, project, role string }
	list := func(q string) []row {
		t.Helper()
		resp := b.srv.Do("GET", "/identity/v3/role_assignments"+q, b.admin, nil, nil)
		wantStatus(t, "list "+q, resp, http.StatusOK)
		var out []row
		for _, a := range get(t, resp.JSON(t), "role_assignments").([]any) {
			out = append(out, row{str(t, a, "user", "id"), str(t, a, "scope", "project", "id"), str(t, a, "role", "id")})
		}
		return out
	}
	tests := []struct {
		query string
		want  []row
	}{
		{"?user.id=" + uid, []row{{uid, pid, member}}},
		{"?scope.project.id=" + pid, []row{{uid, pid, member}}},
		{"?user.id=" + uid + "&scope.project.id=" + pid + "&role.id=" + member, []row{{uid, pid, member}}},
		{"?scope.project.id=" + pid + "&role.id=" + reader, nil},
		{"?scope.project.id=" + pid + "&effective", []row{{uid, pid, member}, {uid, pid, reader}}},
		{"?scope.project.id=" + pid + "&effective&role.id=" + reader, []row{{uid, pid, reader}}},
		{"?group.id=whatever", nil},
	}
	for _, tt := range tests {
		if got := list(tt.query); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.query, got, tt.want)
		}
	}
	resp = b.srv.Do("GET", "/identity/v3/role_assignments?scope.project.id="+pid+"&include_names", b.admin, nil, nil)
	a := get(t, resp.JSON(t), "role_assignments").([]any)[0]
	if str(t, a, "user", "name") != "gu" || str(t, a, "role", "name") != "member" || str(t, a, "scope", "project", "name") != "gp" ||
		str(t, a, "user", "domain", "name") != "Default" || str(t, a, "scope", "project", "domain", "name") != "Default" {
		t.Errorf("include_names: %v", a)
	}
	if str(t, a, "links", "assignment") != b.srv.URL+grant {
		t.Errorf("assignment link %v", get(t, a, "links"))
	}

	wantStatus(t, "revoke", b.srv.Do("DELETE", grant, b.admin, nil, nil), http.StatusNoContent)
	wantStatus(t, "check after", b.srv.Do("HEAD", grant, b.admin, nil, nil), http.StatusNotFound)
	resp = b.srv.Do("DELETE", grant, b.admin, nil, nil)
	wantKeystoneError(t, b, "revoke again", resp, http.StatusNotFound, "")
}

// TestNonAdmin: a member is refused the admin APIs with Keystone's 403
// but may read what is its own.
func TestNonAdmin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	demoID := str(t, b.srv.Do("GET", "/identity/v3/auth/tokens", b.demo, nil, map[string]string{"X-Subject-Token": b.demo}).JSON(t), "token", "user", "id")
	demoProject := str(t, b.srv.Do("GET", "/identity/v3/auth/tokens", b.demo, nil, map[string]string{"X-Subject-Token": b.demo}).JSON(t), "token", "project", "id")
	adminID := b.lookupID(t, "users", "admin")
	forbidden := []struct{ method, path, rule string }{
		{"GET", "/identity/v3/projects", "identity:list_projects"},
		{"POST", "/identity/v3/projects", "identity:create_project"},
		{"GET", "/identity/v3/users", "identity:list_users"},
		{"POST", "/identity/v3/users", "identity:create_user"},
		{"GET", "/identity/v3/users/" + adminID, "identity:get_user"},
		{"DELETE", "/identity/v3/users/" + adminID, "identity:delete_user"},
		{"GET", "/identity/v3/roles", "identity:list_roles"},
		{"POST", "/identity/v3/roles", "identity:create_role"},
		{"GET", "/identity/v3/role_assignments", "identity:list_role_assignments"},
		{"PUT", "/identity/v3/projects/" + demoProject + "/users/" + demoID + "/roles/x", "identity:create_grant"},
		{"GET", "/identity/v3/domains", "identity:list_domains"},
		{"GET", "/identity/v3/services", "identity:list_services"},
		{"GET", "/identity/v3/endpoints", "identity:list_endpoints"},
	}
	for _, tt := range forbidden {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var body any
			if tt.method == "POST" {
				body = map[string]any{}
			}
			resp := b.srv.Do(tt.method, tt.path, b.demo, body, nil)
			wantKeystoneError(t, b, tt.rule, resp, http.StatusForbidden,
				"You are not authorized to perform the requested action: "+tt.rule+".")
		})
	}
	for _, path := range []string{"/identity/v3/projects/" + demoProject, "/identity/v3/users/" + demoID,
		"/identity/v3/users/" + demoID + "/projects", "/identity/v3/auth/projects", "/identity/v3/regions"} {
		wantStatus(t, path, b.srv.Do("GET", path, b.demo, nil, nil), http.StatusOK)
	}
	resp := b.srv.Do("GET", "/identity/v3/projects", "", nil, nil)
	wantKeystoneError(t, b, "no token", resp, http.StatusUnauthorized, "The request you have made requires authentication.")
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tok, _ := b.srv.NewMember("changer")
	uid := str(t, b.srv.Do("GET", "/identity/v3/auth/tokens", tok, nil, map[string]string{"X-Subject-Token": tok}).JSON(t), "token", "user", "id")
	resp := b.srv.Do("POST", "/identity/v3/users/"+uid+"/password", tok, map[string]any{"user": map[string]any{
		"original_password": "wrong", "password": "new-secret"}}, nil)
	wantKeystoneError(t, b, "wrong original", resp, http.StatusUnauthorized, "")
	resp = b.srv.Do("POST", "/identity/v3/users/"+uid+"/password", tok, map[string]any{"user": map[string]any{
		"original_password": "member-secret", "password": "new-secret"}}, nil)
	wantStatus(t, "change", resp, http.StatusNoContent)
	resp = b.srv.Do("POST", "/identity/v3/auth/tokens", "", auth(password(map[string]any{"id": uid, "password": "new-secret"}), nil), nil)
	wantStatus(t, "login with the new password", resp, http.StatusCreated)
	resp = b.srv.Do("POST", "/identity/v3/users/"+b.lookupID(t, "users", "admin")+"/password", tok, map[string]any{"user": map[string]any{
		"original_password": apptest.AdminPassword, "password": "x"}}, nil)
	wantKeystoneError(t, b, "another's password", resp, http.StatusForbidden, "")
}
