package compute_test

import (
	"slices"
	"testing"
)

func TestCreateServerGroup(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sg := func(fields map[string]any) map[string]any { return map[string]any{"server_group": fields} }
	tests := []struct {
		name, mv   string
		body       any
		wantStatus int
		wantMsg    string
		sample     string
	}{
		{"policies 2.1", "2.1", sg(map[string]any{"name": "g1", "policies": []any{"anti-affinity"}}), 200, "", "os-server-groups/server-groups-post-resp.json"},
		{"project and user 2.13", "2.13", sg(map[string]any{"name": "g2", "policies": []any{"affinity"}}), 200, "", "os-server-groups/v2.13/server-groups-post-resp.json"},
		{"soft before 2.15", "2.14", sg(map[string]any{"name": "g3", "policies": []any{"soft-affinity"}}), 400, "", ""},
		{"soft 2.15", "2.15", sg(map[string]any{"name": "g3", "policies": []any{"soft-affinity"}}), 200, "", ""},
		{"two policies", "2.15", sg(map[string]any{"name": "g4", "policies": []any{"affinity", "soft-affinity"}}), 400, "", ""},
		{"policy 2.64", "2.64", sg(map[string]any{"name": "g5", "policy": "anti-affinity", "rules": map[string]any{"max_server_per_host": 3}}), 200, "",
			"os-server-groups/v2.64/server-groups-post-resp.json"},
		{"policies at 2.64", "2.64", sg(map[string]any{"name": "g6", "policies": []any{"affinity"}}), 400, "", ""},
		{"rules need anti-affinity", "2.64", sg(map[string]any{"name": "g7", "policy": "affinity", "rules": map[string]any{"max_server_per_host": 2}}), 400,
			"Only anti-affinity policy supports rules.", ""},
		{"no name", "2.1", sg(map[string]any{"policies": []any{"affinity"}}), 400, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do("POST", "/os-server-groups", b.demo, tt.mv, tt.body)
			if !okOrFault(t, r, tt.wantStatus, tt.wantMsg) {
				return
			}
			if tt.sample != "" {
				sameKeys(t, tt.name, r.JSON(t)["server_group"].(map[string]any), sampleDoc(t, tt.sample)["server_group"].(map[string]any))
			}
		})
	}
}

func TestServerGroupLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	create := func(tok, name string) string {
		t.Helper()
		r := b.do("POST", "/os-server-groups", tok, "2.64", map[string]any{"server_group": map[string]any{"name": name, "policy": "affinity"}})
		if r.Status != 200 {
			t.Fatalf("create %s: %d %s", name, r.Status, r.Body)
		}
		return r.JSON(t)["server_group"].(map[string]any)["id"].(string)
	}
	g1 := create(b.demo, "g1")
	g2 := create(b.demo, "g2")
	ga := create(b.admin, "ga")

	tests := []struct {
		name, token, mv, query string
		want                   []string
		wantStatus             int
	}{
		{"own project", b.demo, "2.1", "", []string{"g1", "g2"}, 200},
		{"all_projects ignored for members", b.demo, "2.1", "?all_projects=True", []string{"g1", "g2"}, 200},
		{"admin all_projects", b.admin, "2.1", "?all_projects=True", []string{"g1", "g2", "ga"}, 200},
		{"limit", b.demo, "2.1", "?limit=1", []string{"g1"}, 200},
		{"offset", b.demo, "2.1", "?offset=1", []string{"g2"}, 200},
		{"bad limit", b.demo, "2.1", "?limit=-1", nil, 400},
		{"unknown param 2.75", b.demo, "2.75", "?foo=1", nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do("GET", "/os-server-groups"+tt.query, tt.token, tt.mv, nil)
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d %s", r.Status, r.Body)
			}
			if tt.wantStatus == 200 {
				if got := ids(t, r, "server_groups", "name"); !slices.Equal(got, tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}

	// Members come from create's group hint; the 2.71 server view shows it.
	r := b.do("POST", "/servers", b.demo, "2.37", map[string]any{
		"server":             map[string]any{"name": "member", "imageRef": b.image, "flavorRef": "1", "networks": "none"},
		"os:scheduler_hints": map[string]any{"group": g1}})
	if r.Status != 202 {
		t.Fatalf("create member: %d %s", r.Status, r.Body)
	}
	srv := r.JSON(t)["server"].(map[string]any)["id"].(string)
	r = b.do("GET", "/os-server-groups/"+g1, b.demo, "2.1", nil)
	if m := r.JSON(t)["server_group"].(map[string]any)["members"].([]any); len(m) != 1 || m[0] != srv {
		t.Errorf("members: %s", r.Body)
	}
	if s := b.show(t, b.demo, srv, "2.71"); !slices.Equal(s["server_groups"].([]any), []any{g1}) {
		t.Errorf("server_groups: %v", s["server_groups"])
	}
	body := map[string]any{"server": map[string]any{"name": "x", "imageRef": b.image, "flavorRef": "1", "networks": "none"},
		"os:scheduler_hints": map[string]any{"group": "00000000-0000-0000-0000-000000000000"}}
	if status, _ := fault(t, b.do("POST", "/servers", b.demo, "2.37", body)); status != 400 {
		t.Errorf("unknown group on create: %d", status)
	}

	if r := b.do("GET", "/os-server-groups/"+ga, b.demo, "2.1", nil); r.Status != 403 {
		t.Errorf("other project's group: %d", r.Status)
	}
	if status, msg := fault(t, b.do("GET", "/os-server-groups/nope", b.demo, "2.1", nil)); status != 404 || msg != "Instance group nope could not be found." {
		t.Errorf("unknown group: %d %q", status, msg)
	}
	if r := b.do("DELETE", "/os-server-groups/"+g2, b.demo, "2.1", nil); r.Status != 204 {
		t.Errorf("delete: %d %s", r.Status, r.Body)
	}
	if r := b.do("DELETE", "/os-server-groups/"+g2, b.demo, "2.1", nil); r.Status != 404 {
		t.Errorf("delete again: %d", r.Status)
	}
	if r := b.do("GET", "/limits", b.demo, "2.1", nil); r.JSON(t)["limits"].(map[string]any)["absolute"].(map[string]any)["totalServerGroupsUsed"] != float64(1) {
		t.Errorf("totalServerGroupsUsed: %s", r.Body)
	}

	// Quotas: server_groups and server_group_members.
	demoProject := b.project(t, b.demo)
	if r := b.do("PUT", "/os-quota-sets/"+demoProject, b.admin, "2.1", map[string]any{"quota_set": map[string]any{
		"server_groups": 1, "server_group_members": 1}}); r.Status != 200 {
		t.Fatalf("quota: %d %s", r.Status, r.Body)
	}
	r = b.do("POST", "/os-server-groups", b.demo, "2.64", map[string]any{"server_group": map[string]any{"name": "over", "policy": "affinity"}})
	if status, msg := fault(t, r); status != 403 || msg != "Quota exceeded, too many server groups." {
		t.Errorf("group quota: %d %q", status, msg)
	}
	body["os:scheduler_hints"] = map[string]any{"group": g1}
	if status, msg := fault(t, b.do("POST", "/servers", b.demo, "2.37", body)); status != 403 || msg != "Quota exceeded, too many servers in group" {
		t.Errorf("member quota: %d %q", status, msg)
	}
}
