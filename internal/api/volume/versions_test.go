package volume_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

func TestVersionsAndMicroversions(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	for _, tc := range []struct {
		path string
		want int
	}{{"/volume", 300}, {"/volume/", 300}, {"/volume/v3", 200}, {"/volume/v3/", 200}} {
		resp := srv.Do(apptest.Request{Method: "GET", Path: tc.path})
		if resp.Status != tc.want {
			t.Fatalf("GET %s: %d, want %d", tc.path, resp.Status, tc.want)
		}
		v := list(resp.JSON(t), "versions")[0].(map[string]any)
		if v["id"] != "v3.0" || v["version"] != "3.71" || v["min_version"] != "3.0" || v["status"] != "CURRENT" {
			t.Errorf("GET %s: %v", tc.path, v)
		}
	}
	demo := srv.DemoToken()
	for _, tc := range []struct {
		name, header string
		status       int
		echo         string
	}{
		{"none is 3.0", "", 200, "volume 3.0"},
		{"latest", "volume latest", 200, "volume 3.71"},
		{"in range", "volume 3.27", 200, "volume 3.27"},
		{"another service's header is ignored", "compute 2.90", 200, "volume 3.0"},
		{"above the maximum", "volume 3.72", 406, ""},
		{"below the minimum", "volume 2.0", 406, ""},
		{"malformed", "volume 3.x", 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.header != "" {
				h["OpenStack-API-Version"] = tc.header
			}
			resp := srv.Do(apptest.Request{Method: "GET", Path: "/volume/v3/volumes", Token: demo, Headers: h})
			if resp.Status != tc.status {
				t.Fatalf("%d, want %d: %s", resp.Status, tc.status, resp.Body)
			}
			if tc.echo != "" && resp.Header.Get("OpenStack-API-Version") != tc.echo {
				t.Errorf("echo %q, want %q", resp.Header.Get("OpenStack-API-Version"), tc.echo)
			}
			if tc.status == 406 {
				f := obj(resp.JSON(t), "computeFault")
				if f["code"] != 406.0 {
					t.Errorf("fault %v", f)
				}
			}
		})
	}
	if resp := srv.Do(apptest.Request{Method: "GET", Path: "/volume/v3/volumes"}); resp.Status != 401 {
		t.Errorf("no token: %d", resp.Status)
	}
	fault(t, srv, demo, "GET", "/v3/bogus", nil, 404, "itemNotFound")
}

// The catalog names the service as DevStack does, under both types;
// project ids in the URL are accepted when they are the token's.
func TestCatalogAndProjectURLs(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	resp := srv.Do(apptest.Request{Method: "POST", Path: "/identity/v3/auth/tokens", Body: map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []any{"password"}, "password": map[string]any{"user": map[string]any{
			"name": "demo", "domain": map[string]any{"id": "default"}, "password": apptest.DemoPassword}}},
		"scope": map[string]any{"project": map[string]any{"name": "demo", "domain": map[string]any{"id": "default"}}}}}})
	tok := resp.JSON(t)["token"].(map[string]any)
	types := map[string]string{}
	for _, s := range tok["catalog"].([]any) {
		sm := s.(map[string]any)
		types[sm["type"].(string)] = sm["endpoints"].([]any)[0].(map[string]any)["url"].(string)
	}
	for _, typ := range []string{"volumev3", "block-storage"} {
		if types[typ] != srv.URL+"/volume/v3" {
			t.Errorf("catalog %s: %q", typ, types[typ])
		}
	}
	project := tok["project"].(map[string]any)["id"].(string)
	demo := srv.DemoToken()
	v := createVolume(t, srv, demo, map[string]any{"size": 1, "name": "p"})
	got := obj(do(t, srv, demo, "GET", "/v3/"+project+"/volumes/"+v["id"].(string), nil, 200), "volume")
	if self := got["links"].([]any)[0].(map[string]any)["href"]; self != srv.URL+"/volume/v3/"+project+"/volumes/"+v["id"].(string) {
		t.Errorf("self link %v", self)
	}
	fault(t, srv, demo, "GET", "/v3/someoneelse/volumes", nil, 400, "badRequest")
}
