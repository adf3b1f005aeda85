package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// dialectOf names the API whose JSON error body b is ("" when it is none
// of them: not JSON, or another shape).
func dialectOf(b []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	switch {
	case m["NeutronError"] != nil:
		return "network"
	case m["error"] != nil && len(m) == 1:
		return "identity"
	case m["title"] != nil && m["message"] != nil && m["code"] != nil:
		return "image"
	case len(m) == 1:
		for _, v := range m {
			var f map[string]any
			if json.Unmarshal(v, &f) == nil && f["code"] != nil && f["message"] != nil {
				return "compute"
			}
		}
	}
	return ""
}

// apiOf is the API a path is addressed to, by the dialect of its
// errors: Cinder's faults have Nova's shape.
func apiOf(path string) string {
	for _, p := range []string{"identity", "image", "network"} {
		if strings.HasPrefix(path, "/"+p) {
			return p
		}
	}
	return "compute"
}

// TestEdge: bytes no engine can store, unclean paths, oversized bodies
// and unknown routes or methods get the addressed API's status and JSON
// error body, and no redirect.
func TestEdge(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin := srv.AdminToken()
	img := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images", Token: admin}).JSON(t)["images"].([]any)[0].(map[string]any)["id"].(string)
	big := []byte(`{"server": {"name": "` + strings.Repeat("a", 200000) + `"}}`)
	cases := []struct {
		name, method, target string
		body                 string
		ctype                string
		want                 int
	}{
		{"compute id NUL", "GET", "/compute/v2.1/servers/%00", "", "", 404},
		{"compute id 0xFF", "GET", "/compute/v2.1/servers/%ff", "", "", 404},
		{"identity id 0xFF", "GET", "/identity/v3/users/%ff", "", "", 404},
		{"image id NUL", "GET", "/image/v2/images/%00", "", "", 404},
		{"network id 0xFF", "GET", "/network/v2.0/networks/%ff", "", "", 404},
		{"compute filter NUL", "GET", "/compute/v2.1/servers?name=%00", "", "", 400},
		{"compute filter name 0xFF", "GET", "/compute/v2.1/servers/detail?%ff=1", "", "", 400},
		{"identity filter 0xFF", "GET", "/identity/v3/users?name=%ff", "", "", 400},
		{"image filter NUL", "GET", "/image/v2/images?name=%00", "", "", 400},
		{"network filter 0xFF", "GET", "/network/v2.0/networks?name=%ff", "", "", 400},
		{"bad query escape", "GET", "/network/v2.0/networks?name=%zz", "", "", 400},
		{"compute body NUL", "POST", "/compute/v2.1/os-keypairs", `{"keypair": {"name": "p\u0000"}}`, "", 400},
		{"identity body NUL", "POST", "/identity/v3/projects", `{"project": {"name": "p\u0000"}}`, "", 400},
		{"network body 0xFF", "POST", "/network/v2.0/networks", "{\"network\": {\"name\": \"\xff\"}}", "", 400},
		{"image property key NUL", "PATCH", "/image/v2/images/" + img,
			`[{"op": "add", "path": "/k\u0000", "value": "v"}]`, "application/openstack-images-v2.1-json-patch", 400},
		{"traversal", "GET", "/compute/v2.1/servers/../../../identity/v3/users", "", "", 404},
		{"encoded traversal", "GET", "/compute/v2.1/servers/%2e%2e%2f%2e%2e%2fidentity", "", "", 404},
		{"identity traversal", "GET", "/identity/v3/users/..", "", "", 404},
		{"double slash", "GET", "/compute//v2.1/servers", "", "", 404},
		{"network double slash", "GET", "/network/v2.0//networks", "", "", 404},
		{"leading double slash", "GET", "//compute/v2.1/servers", "", "", 404},
		{"identity double slash", "GET", "/identity//v3", "", "", 404},
		{"image double slash", "GET", "/image//v2/images", "", "", 404},
		{"too large", "POST", "/compute/v2.1/servers", string(big), "", 413},
		{"identity too large", "POST", "/identity/v3/auth/tokens", string(big), "", 413},
		{"network too large", "POST", "/network/v2.0/networks", string(big), "", 413},
		{"unknown compute route", "GET", "/compute/v2.1/nothing-here", "", "", 404},
		{"unknown identity route", "GET", "/identity/v3/nothing-here", "", "", 404},
		{"unknown image route", "GET", "/image/v2/nothing-here", "", "", 404},
		{"unknown top route", "GET", "/nothing-here", "", "", 404},
		{"compute method", "DELETE", "/compute/v2.1/servers", "", "", 405},
		{"identity method", "PUT", "/identity/v3/users", "", "", 405},
		{"network method", "PATCH", "/network/v2.0/networks", "", "", 405},
		{"compute media type", "POST", "/compute/v2.1/os-keypairs", `{}`, "text/xml", 415},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := map[string]string{"X-Auth-Token": admin, "Accept": "application/json"}
			var body []byte
			if c.body != "" {
				body = []byte(c.body)
				h["Content-Type"] = "application/json"
				if c.ctype != "" {
					h["Content-Type"] = c.ctype
				}
			}
			resp := srv.Raw(apptest.Request{Method: c.method, Path: c.target, Headers: h, Body: body})
			if resp.Status != c.want {
				t.Fatalf("%s %q = %d %s, want %d", c.method, c.target, resp.Status, resp.Body, c.want)
			}
			if got, want := dialectOf(resp.Body), apiOf(c.target); got != want {
				t.Errorf("body %s is in dialect %q, want %q", resp.Body, got, want)
			}
			if loc := resp.Header.Get("Location"); loc != "" {
				t.Errorf("Location %q on an error", loc)
			}
		})
	}
	// The refused property key left nothing behind that breaks filtering.
	if resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images?k=v", Token: admin}); resp.Status != 200 {
		t.Errorf("property-filtered list = %d %s", resp.Status, resp.Body)
	}
}

// TestRootsWithoutRedirect: the API roots answer as Keystone and Nova do,
// never with a redirect.
func TestRootsWithoutRedirect(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	cases := []struct {
		target string
		want   int
		key    string
	}{
		{"/identity", http.StatusMultipleChoices, "versions"},
		{"/identity/", http.StatusMultipleChoices, "versions"},
		{"/compute", http.StatusOK, "versions"},
		{"/compute/", http.StatusOK, "versions"},
		{"/image", http.StatusMultipleChoices, "versions"},
		{"/network", http.StatusOK, "versions"},
	}
	for _, c := range cases {
		resp := srv.Raw(apptest.Request{Method: "GET", Path: c.target, Headers: map[string]string{"Accept": "application/json"}})
		if resp.Status != c.want {
			t.Errorf("GET %s = %d %s, want %d", c.target, resp.Status, resp.Body, c.want)
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(resp.Body, &m); err != nil || m[c.key] == nil {
			t.Errorf("GET %s: body %s has no %q", c.target, resp.Body, c.key)
		}
	}
}
