package image_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// TestImageMembers walks Glance's member API through one shared image's
// life as its owner, a member project and a stranger see it: who may
// offer, answer, list and withdraw, when the member sees the image, and
// Glance's error texts.
func TestImageMembers(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	owner := srv.DemoToken()
	sharee, shareeID := srv.NewMember("sharee")
	stranger, _ := srv.NewMember("stranger")
	img := createImage(t, srv, owner, map[string]any{"name": "shared-img", "visibility": "shared"})["id"].(string)
	priv := createImage(t, srv, owner, map[string]any{"name": "private-img", "visibility": "private"})["id"].(string)
	rep := strings.NewReplacer("{img}", img, "{priv}", priv, "{sharee}", shareeID)

	// listed reports whether the list at path holds img.
	listed := func(tok, path string) bool {
		resp := srv.Do(apptest.Request{Method: "GET", Path: path, Token: tok, Headers: jsonAccept})
		if resp.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.Status, resp.Body)
		}
		return slices.ContainsFunc(resp.JSON(t)["images"].([]any), func(v any) bool { return v.(map[string]any)["id"] == img })
	}
	for _, tc := range []struct {
		name, tok, method, path string
		body                    any
		status                  int
		want                    string // in the body
		sees, listsDefault      bool   // after the step: GET image, the default list, as the sharee
	}{
		{"offer to no one", owner, "POST", "/v2/images/{img}/members", map[string]any{}, 400, "Member to be added not specified", false, false},
		{"offer empty", owner, "POST", "/v2/images/{img}/members", map[string]any{"member": ""}, 400, "Member can't be empty", false, false},
		{"offer not an object", owner, "POST", "/v2/images/{img}/members", []any{"x"}, 400, `Expected a member in the form: {\"member\": \"image_id\"}`, false, false},
		{"offer a private image", owner, "POST", "/v2/images/{priv}/members", map[string]any{"member": "{sharee}"}, 403, "Not allowed to create members for image {priv}.", false, false},
		{"members of a private image", owner, "GET", "/v2/images/{priv}/members", nil, 403, "Not allowed to list members for image {priv}: Only shared images have members.", false, false},
		{"offer", owner, "POST", "/v2/images/{img}/members", map[string]any{"member": "{sharee}"}, 200, `"status":"pending"`, true, false},
		{"offer again", owner, "POST", "/v2/images/{img}/members", map[string]any{"member": "{sharee}"}, 409, "Member {sharee} is duplicated for image {img}", true, false},
		{"stranger lists members", stranger, "GET", "/v2/images/{img}/members", nil, 404, "Image {img} not found.", true, false},
		{"member offers on", sharee, "POST", "/v2/images/{img}/members", map[string]any{"member": "x"}, 403, "Not allowed to create members for image {img}.", true, false},
		{"owner answers for the member", owner, "PUT", "/v2/images/{img}/members/{sharee}", map[string]any{"status": "accepted"}, 403, "Not allowed to update members for image {img}.", true, false},
		{"bad status", sharee, "PUT", "/v2/images/{img}/members/{sharee}", map[string]any{"status": "maybe"}, 400, `Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".`, true, false},
		{"no status", sharee, "PUT", "/v2/images/{img}/members/{sharee}", map[string]any{}, 400, "Status not specified", true, false},
		{"accept", sharee, "PUT", "/v2/images/{img}/members/{sharee}", map[string]any{"status": "accepted"}, 200, `"status":"accepted"`, true, true},
		{"owner lists", owner, "GET", "/v2/images/{img}/members", nil, 200, `"member_id":"{sharee}"`, true, true},
		{"member shows itself", sharee, "GET", "/v2/images/{img}/members/{sharee}", nil, 200, `"schema":"/v2/schemas/member"`, true, true},
		{"member shows another", sharee, "GET", "/v2/images/{img}/members/other", nil, 404, "You are not authorized to lookup the members of the image {img}.", true, true},
		{"owner shows a non-member", owner, "GET", "/v2/images/{img}/members/other", nil, 404, "other not found in the member list of the image {img}.", true, true},
		{"reject", sharee, "PUT", "/v2/images/{img}/members/{sharee}", map[string]any{"status": "rejected"}, 200, `"status":"rejected"`, true, false},
		{"member withdraws", sharee, "DELETE", "/v2/images/{img}/members/{sharee}", nil, 403, "Not allowed to delete members for image {img}.", true, false},
		{"owner withdraws", owner, "DELETE", "/v2/images/{img}/members/{sharee}", nil, 204, "", false, false},
		{"withdraw again", owner, "DELETE", "/v2/images/{img}/members/{sharee}", nil, 404, "{sharee} not found in the member list of the image {img}.", false, false},
	} {
		body := tc.body
		if m, ok := body.(map[string]any); ok {
			for k, v := range m {
				if s, ok := v.(string); ok {
					m[k] = rep.Replace(s)
				}
			}
		}
		resp := srv.Do(apptest.Request{Method: tc.method, Path: "/image" + rep.Replace(tc.path), Token: tc.tok, Body: body, Headers: jsonAccept})
		if resp.Status != tc.status || !strings.Contains(string(resp.Body), rep.Replace(tc.want)) {
			t.Fatalf("%s: %d %s, want %d with %s", tc.name, resp.Status, resp.Body, tc.status, rep.Replace(tc.want))
		}
		if got := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + img, Token: sharee}).Status == http.StatusOK; got != tc.sees {
			t.Errorf("%s: sharee sees the image: %v, want %v", tc.name, got, tc.sees)
		}
		if got := listed(sharee, "/image/v2/images"); got != tc.listsDefault {
			t.Errorf("%s: default list holds it: %v, want %v", tc.name, got, tc.listsDefault)
		}
		if got := listed(sharee, "/image/v2/images?visibility=shared"); got != tc.listsDefault {
			t.Errorf("%s: visibility=shared holds it: %v, want %v", tc.name, got, tc.listsDefault)
		}
		if got := listed(sharee, "/image/v2/images?member_status=all"); got != tc.sees {
			t.Errorf("%s: member_status=all holds it: %v, want %v", tc.name, got, tc.sees)
		}
		if !listed(owner, "/image/v2/images?visibility=shared") {
			t.Errorf("%s: the owner's shared list lacks its image", tc.name)
		}
		if listed(stranger, "/image/v2/images?member_status=all&visibility=all") {
			t.Errorf("%s: a stranger lists the image", tc.name)
		}
	}
}
