package network_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// TestTags is standard-attr-tag on every tagged collection: replace, add
// and remove one or all, the resource's view, the four list filters,
// Neutron's validation, and another project's 404.
func TestTags(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	other, _ := srv.NewMember("other")
	netID, subnetID := netWithSubnet(t, srv, demo, "tagged", "10.71.0.0/24", 4)
	pubID := list(do(t, srv, demo, "GET", "/v2.0/networks?name=public", nil, 200), "networks")[0].(map[string]any)["id"]
	create := func(coll, key string, body map[string]any) string {
		return obj(do(t, srv, demo, "POST", "/v2.0/"+coll, map[string]any{key: body}, 201), key)["id"].(string)
	}
	exts := fmt.Sprint(do(t, srv, demo, "GET", "/v2.0/extensions/standard-attr-tag", nil, 200))
	if !strings.Contains(exts, "standard-attr-tag") {
		t.Fatalf("extension: %s", exts)
	}
	for _, tc := range []struct{ coll, key, id string }{
		{"networks", "network", netID},
		{"subnets", "subnet", subnetID},
		{"ports", "port", create("ports", "port", map[string]any{"network_id": netID})},
		{"security-groups", "security_group", create("security-groups", "security_group", map[string]any{"name": "tagged"})},
		{"routers", "router", create("routers", "router", map[string]any{"name": "tagged"})},
		{"floatingips", "floatingip", create("floatingips", "floatingip", map[string]any{"floating_network_id": pubID})},
	} {
		base := "/v2.0/" + tc.coll + "/" + tc.id
		tagsOf := func() []any { return list(obj(do(t, srv, demo, "GET", base, nil, 200), tc.key), "tags") }
		if got := tagsOf(); len(got) != 0 {
			t.Fatalf("%s: new resource's tags %v", tc.coll, got)
		}
		// listed reports whether a list with the filter q holds the resource.
		listed := func(q string) bool {
			items := list(do(t, srv, demo, "GET", "/v2.0/"+tc.coll+"?"+q, nil, 200), strings.ReplaceAll(tc.coll, "-", "_"))
			return slices.ContainsFunc(items, func(v any) bool { return v.(map[string]any)["id"] == tc.id })
		}
		for _, st := range []struct {
			method, path string
			body         any
			status       int
			errType      string
			tags         string // the resource's tags after, sorted, comma-separated
		}{
			{"PUT", "/tags", map[string]any{"tags": []string{"red", "blue"}}, 200, "", "blue,red"},
			{"PUT", "/tags/green", nil, 201, "", "blue,green,red"},
			{"PUT", "/tags/green", nil, 201, "", "blue,green,red"},
			{"GET", "/tags/green", nil, 204, "", "blue,green,red"},
			{"GET", "/tags/nope", nil, 404, "TagNotFound", "blue,green,red"},
			{"DELETE", "/tags/red", nil, 204, "", "blue,green"},
			{"DELETE", "/tags/red", nil, 404, "TagNotFound", "blue,green"},
			{"PUT", "/tags", map[string]any{"tags": "red"}, 400, "InvalidInput", "blue,green"},
			{"PUT", "/tags", map[string]any{"tags": []string{"a", "a"}}, 400, "InvalidInput", "blue,green"},
			{"PUT", "/tags", map[string]any{"tag": []string{"a"}}, 400, "InvalidInput", "blue,green"},
			{"PUT", "/tags", map[string]any{"tags": manyTags(51)}, 400, "HTTPBadRequest", "blue,green"},
			{"PUT", "/tags/" + strings.Repeat("x", 256), nil, 400, "InvalidInput", "blue,green"},
			{"POST", "/tags", map[string]any{"tags": []string{"red"}}, 201, "", "blue,green,red"},
			{"DELETE", "/tags", nil, 204, "", ""},
			{"PUT", "/tags", map[string]any{"tags": []string{"blue", "green"}}, 200, "", "blue,green"},
		} {
			name := tc.coll + ": " + st.method + " " + st.path
			if st.errType != "" {
				neutronError(t, srv, demo, st.method, base+st.path, st.body, st.status, st.errType)
			} else {
				do(t, srv, demo, st.method, base+st.path, st.body, st.status)
			}
			var got []string
			for _, v := range tagsOf() {
				got = append(got, v.(string))
			}
			if strings.Join(got, ",") != st.tags {
				t.Fatalf("%s: tags %v, want %s", name, got, st.tags)
			}
			if all := list(do(t, srv, demo, "GET", base+"/tags", nil, 200), "tags"); len(all) != len(got) {
				t.Fatalf("%s: GET tags %v, view %v", name, all, got)
			}
		}
		for q, want := range map[string]bool{
			"tags=blue,green": true, "tags=blue&tags=green": true, "tags=blue,red": false,
			"tags-any=red,green": true, "tags-any=red": false,
			"not-tags=blue,red": true, "not-tags=blue,green": false,
			"not-tags-any=red": true, "not-tags-any=red,blue": false,
		} {
			if got := listed(q); got != want {
				t.Errorf("%s?%s: listed %v, want %v", tc.coll, q, got, want)
			}
		}
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			if resp := srv.Do(apptest.Request{Method: m, Path: "/network" + base + "/tags", Token: other, Body: map[string]any{"tags": []string{}}}); resp.Status != http.StatusNotFound {
				t.Errorf("%s: another project's %s tags: %d %s", tc.coll, m, resp.Status, resp.Body)
			}
		}
	}
}

func manyTags(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("t%d", i)
	}
	return out
}
