package identity_test

import (
	"net/http"
	"testing"

	"novalite/internal/app/apptest"
)

// GET, HEAD and DELETE /v3/auth/tokens act on another user's token only
// for an admin (and GET also for a service), as Keystone's
// identity:validate_token, check_token and revoke_token rules: the token's
// own user may act on any of its tokens; anyone else gets 403 and the
// token is left alone. A subject token that is not valid is 404 first.
func TestTokenOwnership(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin := srv.AdminToken()
	owner := newMember(t, srv, "owner", "default")
	other := newMember(t, srv, "other", "default")
	svc := newMember(t, srv, "svc", "default")
	r := srv.Do(apptest.Request{Method: "POST", Path: "/identity/v3/roles", Token: admin, Body: map[string]any{"role": map[string]any{"name": "service"}}})
	svcRole := r.JSON(t)["role"].(map[string]any)["id"].(string)
	srv.Do(apptest.Request{Method: "PUT", Path: "/identity/v3/projects/" + svc.projectID + "/users/" + svc.userID + "/roles/" + svcRole, Token: admin})
	ownerTok, otherTok, svcTok := owner.token(t, srv), other.token(t, srv), svc.token(t, srv)
	ownerTok2 := owner.token(t, srv)

	const denied = "You are not authorized to perform the requested action: "
	for _, tc := range []struct {
		name, method, caller string
		status               int
		rule                 string // on 403
	}{
		{"another user validates", "GET", otherTok, 403, "identity:validate_token"},
		{"another user checks", "HEAD", otherTok, 403, "identity:check_token"},
		{"another user revokes", "DELETE", otherTok, 403, "identity:revoke_token"},
		{"a service checks", "HEAD", svcTok, 403, "identity:check_token"},
		{"a service revokes", "DELETE", svcTok, 403, "identity:revoke_token"},
		{"a service validates", "GET", svcTok, 200, ""},
		{"the owner validates with another of its tokens", "GET", ownerTok2, 200, ""},
		{"the owner checks", "HEAD", ownerTok2, 200, ""},
		{"an admin validates", "GET", admin, 200, ""},
		{"an admin checks", "HEAD", admin, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(apptest.Request{Method: tc.method, Path: "/identity/v3/auth/tokens", Token: tc.caller, Headers: map[string]string{"X-Subject-Token": ownerTok}})
			if tc.status != 403 {
				if r.Status != tc.status {
					t.Fatalf("%d %s, want %d", r.Status, r.Body, tc.status)
				}
				return
			}
			msg := keystoneError(t, r, 403)
			if tc.method != "HEAD" && msg != denied+tc.rule+"." {
				t.Errorf("message %q", msg)
			}
			if r.Header.Get("X-Subject-Token") != "" {
				t.Error("403 echoes the subject token")
			}
		})
	}
	// Nothing above revoked the owner's token.
	if got := statusWith(t, srv, ownerTok); got != http.StatusOK {
		t.Fatalf("owner's token after the refusals: %d", got)
	}
	// An invalid subject is 404 whoever asks.
	keystoneError(t, srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/auth/tokens", Token: otherTok, Headers: map[string]string{"X-Subject-Token": "garbage"}}), 404)
	// The owner may revoke its token with another of its tokens; an admin
	// may revoke anyone's.
	if r := srv.Do(apptest.Request{Method: "DELETE", Path: "/identity/v3/auth/tokens", Token: ownerTok2, Headers: map[string]string{"X-Subject-Token": ownerTok}}); r.Status != http.StatusNoContent {
		t.Errorf("owner revokes: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(apptest.Request{Method: "DELETE", Path: "/identity/v3/auth/tokens", Token: admin, Headers: map[string]string{"X-Subject-Token": otherTok}}); r.Status != http.StatusNoContent {
		t.Errorf("admin revokes: %d %s", r.Status, r.Body)
	}
	for _, tok := range []string{ownerTok, otherTok} {
		if got := statusWith(t, srv, tok); got != http.StatusUnauthorized {
			t.Errorf("revoked token: %d", got)
		}
	}
}
