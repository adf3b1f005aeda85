package identity_test

import (
	"net/http"
	"testing"

	"novalite/internal/app/apptest"
)

// member is a user with the member role on a project of its own, made
// for one test case so that the cases cannot disturb each other.
type member struct {
	name, userID, projectID, domainID, password string
}

func newMember(t *testing.T, srv *apptest.Server, name, domainID string) member {
	t.Helper()
	admin := srv.AdminToken()
	m := member{name: name, domainID: domainID, password: "pw-" + name}
	r := srv.Do(apptest.Request{Method: "POST", Path: "/identity/v3/projects", Token: admin, Body: map[string]any{"project": map[string]any{"name": name, "domain_id": domainID}}})
	if r.Status != http.StatusCreated {
		t.Fatalf("project %s: %d %s", name, r.Status, r.Body)
	}
	m.projectID = r.JSON(t)["project"].(map[string]any)["id"].(string)
	r = srv.Do(apptest.Request{Method: "POST", Path: "/identity/v3/users", Token: admin, Body: map[string]any{"user": map[string]any{"name": name, "password": m.password, "domain_id": domainID}}})
	if r.Status != http.StatusCreated {
		t.Fatalf("user %s: %d %s", name, r.Status, r.Body)
	}
	m.userID = r.JSON(t)["user"].(map[string]any)["id"].(string)
	m.grant(t, srv)
	return m
}

func (m member) rolePath(t *testing.T, srv *apptest.Server) string {
	t.Helper()
	roles := srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/roles?name=member", Token: srv.AdminToken()}).JSON(t)["roles"].([]any)
	return "/identity/v3/projects/" + m.projectID + "/users/" + m.userID + "/roles/" + roles[0].(map[string]any)["id"].(string)
}

func (m member) grant(t *testing.T, srv *apptest.Server) {
	t.Helper()
	if r := srv.Do(apptest.Request{Method: "PUT", Path: m.rolePath(t, srv), Token: srv.AdminToken()}); r.Status != http.StatusNoContent {
		t.Fatalf("grant: %d %s", r.Status, r.Body)
	}
}

// token issues a token of m scoped to its project, or "" if refused.
func (m member) token(t *testing.T, srv *apptest.Server) string {
	t.Helper()
	r := srv.Do(apptest.Request{Method: "POST", Path: "/identity/v3/auth/tokens", Body: auth(password(map[string]any{"id": m.userID, "password": m.password}),
		map[string]any{"project": map[string]any{"id": m.projectID}})})
	if r.Status != http.StatusCreated {
		return ""
	}
	return r.Header.Get("X-Subject-Token")
}

// statusWith is the status of a compute list, an identity call and a
// validation of the token by itself, all of which must agree.
func statusWith(t *testing.T, srv *apptest.Server, tok string) int {
	t.Helper()
	compute := srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/servers", Token: tok}).Status
	ident := srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/auth/projects", Token: tok}).Status
	image := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images", Token: tok}).Status
	if compute != ident || compute != image {
		t.Errorf("compute %d, identity %d, image %d with the same token", compute, ident, image)
	}
	return compute
}

// Every event after which Keystone stops accepting a token makes the very
// next request with it answer 401, on the replica that saw the event and
// on another replica over the same database; undoing the event (enabling
// again, granting again) does not bring the token back, and tokens issued
// afterwards work.
func TestRevocationEvents(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	b := a.Replica()
	admin := a.AdminToken()
	patch := func(t *testing.T, path, key string, attrs map[string]any) {
		t.Helper()
		if r := a.Do(apptest.Request{Method: "PATCH", Path: path, Token: admin, Body: map[string]any{key: attrs}}); r.Status != http.StatusOK {
			t.Fatalf("PATCH %s: %d %s", path, r.Status, r.Body)
		}
	}
	del := func(t *testing.T, path, tok string, hdr map[string]string) {
		t.Helper()
		if r := a.Do(apptest.Request{Method: "DELETE", Path: path, Token: tok, Headers: hdr}); r.Status != http.StatusNoContent {
			t.Fatalf("DELETE %s: %d %s", path, r.Status, r.Body)
		}
	}
	for _, tc := range []struct {
		name   string
		domain bool // the member lives in a domain of its own
		// event happens through replica a; tok is the member's token.
		event func(t *testing.T, m member, tok string)
		// undo reverses the event where Keystone allows it.
		undo func(t *testing.T, m member)
		// fresh: a new token may be issued afterwards.
		fresh bool
	}{
		{name: "own password change", fresh: true, event: func(t *testing.T, m member, _ string) {
			r := a.Do(apptest.Request{Method: "POST", Path: "/identity/v3/users/" + m.userID + "/password", Body: map[string]any{"user": map[string]any{
				"original_password": m.password, "password": m.password}}})
			if r.Status != http.StatusNoContent {
				t.Fatalf("change password: %d %s", r.Status, r.Body)
			}
		}},
		{name: "password set by an admin", fresh: true, event: func(t *testing.T, m member, _ string) {
			patch(t, "/identity/v3/users/"+m.userID, "user", map[string]any{"password": m.password})
		}},
		{name: "user disabled", fresh: true, event: func(t *testing.T, m member, _ string) {
			patch(t, "/identity/v3/users/"+m.userID, "user", map[string]any{"enabled": false})
		}, undo: func(t *testing.T, m member) {
			patch(t, "/identity/v3/users/"+m.userID, "user", map[string]any{"enabled": true})
		}},
		{name: "user deleted", event: func(t *testing.T, m member, _ string) {
			del(t, "/identity/v3/users/"+m.userID, admin, nil)
		}},
		{name: "role assignment removed", fresh: true, event: func(t *testing.T, m member, _ string) {
			del(t, m.rolePath(t, a), admin, nil)
		}, undo: func(t *testing.T, m member) { m.grant(t, a) }},
		{name: "project disabled", fresh: true, event: func(t *testing.T, m member, _ string) {
			patch(t, "/identity/v3/projects/"+m.projectID, "project", map[string]any{"enabled": false})
		}, undo: func(t *testing.T, m member) {
			patch(t, "/identity/v3/projects/"+m.projectID, "project", map[string]any{"enabled": true})
		}},
		{name: "project deleted", event: func(t *testing.T, m member, _ string) {
			del(t, "/identity/v3/projects/"+m.projectID, admin, nil)
		}},
		{name: "domain disabled", domain: true, fresh: true, event: func(t *testing.T, m member, _ string) {
			patch(t, "/identity/v3/domains/"+m.domainID, "domain", map[string]any{"enabled": false})
		}, undo: func(t *testing.T, m member) {
			patch(t, "/identity/v3/domains/"+m.domainID, "domain", map[string]any{"enabled": true})
		}},
		{name: "token revoked by its owner", fresh: true, event: func(t *testing.T, _ member, tok string) {
			del(t, "/identity/v3/auth/tokens", tok, map[string]string{"X-Subject-Token": tok})
		}},
		{name: "token revoked by an admin", fresh: true, event: func(t *testing.T, _ member, tok string) {
			del(t, "/identity/v3/auth/tokens", admin, map[string]string{"X-Subject-Token": tok})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			domainID := "default"
			name := "rev-" + safeName(tc.name)
			if tc.domain {
				r := a.Do(apptest.Request{Method: "POST", Path: "/identity/v3/domains", Token: admin, Body: map[string]any{"domain": map[string]any{"name": name}}})
				domainID = r.JSON(t)["domain"].(map[string]any)["id"].(string)
			}
			m := newMember(t, a, name, domainID)
			tok := m.token(t, a)
			// Validated (and cached) on both replicas first.
			for i, srv := range []*apptest.Server{a, b} {
				if got := statusWith(t, srv, tok); got != http.StatusOK {
					t.Fatalf("replica %d before the event: %d", i, got)
				}
			}
			tc.event(t, m, tok)
			for i, srv := range []*apptest.Server{b, a} {
				if got := statusWith(t, srv, tok); got != http.StatusUnauthorized {
					t.Errorf("replica %d after the event: %d, want 401", 1-i, got)
				}
				if r := srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/auth/tokens", Token: admin, Headers: map[string]string{"X-Subject-Token": tok}}); r.Status != http.StatusNotFound {
					t.Errorf("replica %d validates the token for an admin: %d, want 404", 1-i, r.Status)
				}
			}
			if tc.undo != nil {
				tc.undo(t, m)
				for i, srv := range []*apptest.Server{b, a} {
					if got := statusWith(t, srv, tok); got != http.StatusUnauthorized {
						t.Errorf("replica %d after undoing the event: %d, want 401", 1-i, got)
					}
				}
			}
			if tc.fresh {
				fresh := m.token(t, a)
				if fresh == "" {
					t.Fatal("no new token after the event")
				}
				if got := statusWith(t, b, fresh); got != http.StatusOK {
					t.Errorf("a token issued after the event: %d", got)
				}
			}
		})
	}
}

func safeName(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == ' ' {
			out[i] = '-'
		}
	}
	return string(out)
}

// Revoking a token also revokes the tokens obtained from it with the
// token method (they share its audit chain), but not the token it was
// obtained from nor its siblings — as Keystone's revocation by audit id.
func TestRevokeAuditChain(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	b := a.Replica()
	m := newMember(t, a, "chain", "default")
	rescope := func(tok string) string {
		r := a.Do(apptest.Request{Method: "POST", Path: "/identity/v3/auth/tokens", Body: auth(map[string]any{"methods": []string{"token"}, "token": map[string]any{"id": tok}},
			map[string]any{"project": map[string]any{"id": m.projectID}})})
		if r.Status != http.StatusCreated {
			t.Fatalf("rescope: %d %s", r.Status, r.Body)
		}
		return r.Header.Get("X-Subject-Token")
	}
	root := m.token(t, a)
	child, sibling := rescope(root), rescope(root)
	for _, tok := range []string{root, child, sibling} {
		if got := statusWith(t, b, tok); got != http.StatusOK {
			t.Fatalf("before: %d", got)
		}
	}
	// Revoking the child leaves its parent and its sibling alone.
	a.Do(apptest.Request{Method: "DELETE", Path: "/identity/v3/auth/tokens", Token: child, Headers: map[string]string{"X-Subject-Token": child}})
	for _, tc := range []struct {
		name string
		tok  string
		want int
	}{{"child", child, 401}, {"root", root, 200}, {"sibling", sibling, 200}} {
		if got := statusWith(t, b, tc.tok); got != tc.want {
			t.Errorf("%s after revoking the child: %d, want %d", tc.name, got, tc.want)
		}
	}
	// Revoking the root takes every token of its chain with it.
	a.Do(apptest.Request{Method: "DELETE", Path: "/identity/v3/auth/tokens", Token: root, Headers: map[string]string{"X-Subject-Token": root}})
	for _, tok := range []string{root, sibling} {
		if got := statusWith(t, b, tok); got != http.StatusUnauthorized {
			t.Errorf("after revoking the root: %d, want 401", got)
		}
	}
}

// A token is accepted only in the exact form it was issued: characters
// appended to it, or padding added or taken away, make it unknown.
func TestTokenExactForm(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	if got := statusWith(t, srv, tok); got != http.StatusOK {
		t.Fatalf("the token itself: %d", got)
	}
	for _, tc := range []struct{ name, tok string }{
		{"x appended", tok + "x"},
		{"== appended", tok + "=="},
		{"= appended", tok + "="},
		{"AA appended", tok + "AA"},
		{"AAAA appended", tok + "AAAA"},
		{"standard alphabet", toStdAlphabet(tok)},
		{"last character changed", tok[:len(tok)-1] + flip(tok[len(tok)-1])},
		{"truncated", tok[:len(tok)-4]},
	} {
		if tc.tok == tok {
			continue // the alphabets agree on this token
		}
		t.Run(tc.name, func(t *testing.T) {
			if r := srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/servers", Headers: map[string]string{"X-Auth-Token": tc.tok}}); r.Status != http.StatusUnauthorized {
				t.Errorf("compute: %d, want 401", r.Status)
			}
			r := srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/auth/tokens", Token: srv.AdminToken(), Headers: map[string]string{"X-Subject-Token": tc.tok}})
			if r.Status != http.StatusNotFound {
				t.Errorf("validation: %d, want 404", r.Status)
			}
		})
	}
}

func toStdAlphabet(s string) string {
	out := []byte(s)
	for i, c := range out {
		switch c {
		case '-':
			out[i] = '+'
		case '_':
			out[i] = '/'
		}
	}
	return string(out)
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
