package image_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// TestImageLimits: Glance keeps at most 128 tags and 128 custom
// properties per image and answers 413 beyond, however they arrive.
func TestImageLimits(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	tags := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("t%d", i)
		}
		return out
	}
	props := func(n int) map[string]any {
		out := map[string]any{"name": "p"}
		for i := range n {
			out[fmt.Sprintf("p%d", i)] = "v"
		}
		return out
	}
	full := createImage(t, srv, demo, map[string]any{"name": "full", "tags": tags(128)})["id"].(string)
	fullProps := createImage(t, srv, demo, props(128))["id"].(string)
	const tagsMsg = "The limit has been exceeded on the number of allowed image tags. Attempted: 129, Maximum: 128"
	const propsMsg = "The limit has been exceeded on the number of allowed image properties. Attempted: 129, Maximum: 128"
	tests := []struct {
		name, method, path string
		body               any
		headers            map[string]string
		message            string
	}{
		{"create with 200 tags", "POST", "/image/v2/images", map[string]any{"name": "x", "tags": tags(200)}, jsonAccept,
			"The limit has been exceeded on the number of allowed image tags. Attempted: 200, Maximum: 128"},
		{"create with 129 properties", "POST", "/image/v2/images", props(129), jsonAccept, propsMsg},
		{"tag a full image", "PUT", "/image/v2/images/" + full + "/tags/one-more", nil, jsonAccept, tagsMsg},
		{"patch tags past the limit", "PATCH", "/image/v2/images/" + full,
			[]any{map[string]any{"op": "replace", "path": "/tags", "value": tags(129)}}, patchHeaders(), tagsMsg},
		{"patch a property past the limit", "PATCH", "/image/v2/images/" + fullProps,
			[]any{map[string]any{"op": "add", "path": "/extra", "value": "v"}}, patchHeaders(), propsMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := srv.Do(apptest.Request{Method: tt.method, Path: tt.path, Token: demo, Body: tt.body, Headers: tt.headers})
			if resp.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(resp.Body), tt.message) {
				t.Errorf("got %d %s, want 413 with %q", resp.Status, resp.Body, tt.message)
			}
		})
	}
	resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + full, Token: demo, Headers: jsonAccept})
	if n := len(resp.JSON(t)["tags"].([]any)); n != 128 {
		t.Errorf("full image has %d tags, want 128", n)
	}
	if n := len(srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images?name=x", Token: demo, Headers: jsonAccept}).JSON(t)["images"].([]any)); n != 0 {
		t.Errorf("%d refused images stored", n)
	}
}
