package image_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"novalite/internal/app/apptest"
)

// python-glanceclient fetches these schemas and checks every image it
// receives against them, so what novalite serves must pass them.
func TestSchemas(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	created := createImage(t, srv, tok, map[string]any{"name": "with-props", "disk_format": "raw",
		"container_format": "bare", "hw_rescue_bus": "usb", "tags": []string{"x"}})
	list := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images", Token: tok})
	one := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + created["id"].(string), Token: tok})

	for _, tc := range []struct {
		name  string
		doc   []byte
		links int
	}{
		{"image", one.Body, 3},
		{"images", list.Body, 3},
		{"member", []byte(`{"member_id": "p", "image_id": "` + created["id"].(string) +
			`", "status": "pending", "created_at": "x", "updated_at": "y", "schema": "/v2/schemas/member"}`), 0},
		{"members", []byte(`{"members": [], "schema": "/v2/schemas/members"}`), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/schemas/" + tc.name}); r.Status != http.StatusUnauthorized {
				t.Errorf("no token: %d", r.Status)
			}
			resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/schemas/" + tc.name, Token: tok})
			if resp.Status != http.StatusOK {
				t.Fatalf("GET schema: %d %s", resp.Status, resp.Body)
			}
			body := resp.JSON(t)
			if body["name"] != tc.name {
				t.Errorf("name %v", body["name"])
			}
			if links, _ := body["links"].([]any); len(links) != tc.links {
				t.Errorf("links %v", body["links"])
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(resp.Body))
			if err != nil {
				t.Fatal(err)
			}
			c := jsonschema.NewCompiler()
			if err := c.AddResource("s.json", doc); err != nil {
				t.Fatal(err)
			}
			s, err := c.Compile("s.json")
			if err != nil {
				t.Fatalf("compile %s: %v", tc.name, err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(inst); err != nil {
				t.Errorf("%s does not pass its schema: %v\n%s", tc.name, err, tc.doc)
			}
		})
	}

	// The image schema is permissive for strings only, as Glance's.
	body := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/schemas/image", Token: tok}).JSON(t)
	if ap, _ := body["additionalProperties"].(map[string]any); ap["type"] != "string" {
		t.Errorf("additionalProperties %v", body["additionalProperties"])
	}
	if _, ok := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/schemas/member", Token: tok}).JSON(t)["additionalProperties"]; ok {
		t.Error("member schema is served minimal, without additionalProperties")
	}
}
