package compute_test

import (
	"strings"
	"testing"
)

func TestLimitsByMicroversion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.create(t, b.demo, "one", nil) // m1.tiny: 1 vCPU, 512 MiB
	for _, tt := range []struct{ mv, sample string }{
		{"2.1", "limits/limit-get-resp.json"},
		{"2.36", "limits/v2.36/limit-get-resp.json"},
		{"2.39", "limits/v2.39/limit-get-resp.json"},
		{"2.57", "limits/v2.57/limit-get-resp.json"},
		{"2.100", "limits/v2.57/limit-get-resp.json"},
	} {
		t.Run(tt.mv, func(t *testing.T) {
			r := b.do("GET", "/limits", b.demo, tt.mv, nil)
			lim := r.JSON(t)["limits"].(map[string]any)
			abs := lim["absolute"].(map[string]any)
			want := sampleDoc(t, tt.sample)["limits"].(map[string]any)["absolute"].(map[string]any)
			sameKeys(t, "absolute", abs, want)
			if rate, ok := lim["rate"].([]any); !ok || len(rate) != 0 {
				t.Errorf("rate: %s", r.Body)
			}
			if abs["totalInstancesUsed"] != float64(1) || abs["totalCoresUsed"] != float64(1) ||
				abs["totalRAMUsed"] != float64(512) || abs["maxTotalInstances"] != float64(10) ||
				abs["maxTotalRAMSize"] != float64(51200) || abs["maxServerMeta"] != float64(128) {
				t.Errorf("values: %s", r.Body)
			}
		})
	}
	demoProject := b.project(t, b.demo)
	tests := []struct {
		name, token, mv, query string
		wantStatus             int
		wantMsg                string
		wantUsed               float64
	}{
		{"admin own", b.admin, "2.1", "", 200, "", 0},
		{"admin other project", b.admin, "2.1", "?tenant_id=" + demoProject, 200, "", 1},
		{"member other project", b.demo, "2.1", "?tenant_id=x", 403, "Policy doesn't allow os_compute_api:limits:other_project to be performed.", 0},
		{"unknown param ignored", b.demo, "2.74", "?foo=1", 200, "", 1},
		{"unknown param 2.75", b.demo, "2.75", "?foo=1", 400, "Additional properties are not allowed ('foo' was unexpected)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do("GET", "/limits"+tt.query, tt.token, tt.mv, nil)
			if !okOrFault(t, r, tt.wantStatus, tt.wantMsg) {
				return
			}
			abs := r.JSON(t)["limits"].(map[string]any)["absolute"].(map[string]any)
			if abs["totalInstancesUsed"] != tt.wantUsed {
				t.Errorf("totalInstancesUsed %v, want %v", abs["totalInstancesUsed"], tt.wantUsed)
			}
		})
	}
}

func TestQuotaSetViews(t *testing.T) {
	t.Parallel()
	b := setup(t)
	demoProject := b.project(t, b.demo)
	for _, tt := range []struct{ mv, dir string }{{"2.1", ""}, {"2.36", "v2.36/"}, {"2.57", "v2.57/"}} {
		t.Run(tt.mv, func(t *testing.T) {
			for _, c := range []struct{ path, sample string }{
				{"", "quotas-show-get-resp.json"},
				{"/detail", "quotas-show-detail-get-resp.json"},
				{"/defaults", "quotas-show-defaults-get-resp.json"},
			} {
				r := b.do("GET", "/os-quota-sets/"+demoProject+c.path, b.demo, tt.mv, nil)
				if r.Status != 200 {
					t.Fatalf("%s: %d %s", c.path, r.Status, r.Body)
				}
				got := r.JSON(t)["quota_set"].(map[string]any)
				sameKeys(t, c.path, got, sampleDoc(t, "os-quota-sets/"+tt.dir+c.sample)["quota_set"].(map[string]any))
				if got["id"] != demoProject {
					t.Errorf("%s id %v", c.path, got["id"])
				}
			}
		})
	}
	b.create(t, b.demo, "one", nil)
	r := b.do("GET", "/os-quota-sets/"+demoProject+"/detail", b.demo, "2.57", nil)
	inst := r.JSON(t)["quota_set"].(map[string]any)["instances"].(map[string]any)
	if inst["in_use"] != float64(1) || inst["limit"] != float64(10) || inst["reserved"] != float64(0) {
		t.Errorf("detail instances: %v", inst)
	}
}

func TestQuotaSetPolicyAndErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	demoProject := b.project(t, b.demo)
	adminProject := b.project(t, b.admin)
	b.create(t, b.demo, "one", nil)
	tests := []struct {
		name, method, path, token, mv string
		body                          any
		wantStatus                    int
		wantMsg                       string
	}{
		{"member other project", "GET", "/os-quota-sets/" + adminProject, b.demo, "2.1", nil, 403,
			"Policy doesn't allow os_compute_api:os-quota-sets:show to be performed."},
		{"member detail other project", "GET", "/os-quota-sets/" + adminProject + "/detail", b.demo, "2.1", nil, 403,
			"Policy doesn't allow os_compute_api:os-quota-sets:detail to be performed."},
		{"defaults any project", "GET", "/os-quota-sets/" + adminProject + "/defaults", b.demo, "2.1", nil, 200, ""},
		{"unknown project", "GET", "/os-quota-sets/nope", b.admin, "2.1", nil, 400, "Project ID nope is not a valid project."},
		{"unknown param 2.75", "GET", "/os-quota-sets/" + demoProject + "?foo=1", b.admin, "2.75", nil, 400, ""},
		{"update by member", "PUT", "/os-quota-sets/" + demoProject, b.demo, "2.1",
			map[string]any{"quota_set": map[string]any{"instances": 5}}, 403,
			"Policy doesn't allow os_compute_api:os-quota-sets:update to be performed."},
		{"update below usage", "PUT", "/os-quota-sets/" + demoProject, b.admin, "2.1",
			map[string]any{"quota_set": map[string]any{"instances": 0}}, 400,
			"Quota limit 0 for instances must be greater than or equal to already used and reserved 1."},
		{"update networks", "PUT", "/os-quota-sets/" + demoProject, b.admin, "2.1",
			map[string]any{"quota_set": map[string]any{"networks": 1}}, 400, "The networks quota has been removed"},
		{"update below -1", "PUT", "/os-quota-sets/" + demoProject, b.admin, "2.1",
			map[string]any{"quota_set": map[string]any{"cores": -2}}, 400, ""},
		{"update injected gone 2.57", "PUT", "/os-quota-sets/" + demoProject, b.admin, "2.57",
			map[string]any{"quota_set": map[string]any{"injected_files": 1}}, 400, ""},
		{"update security_groups gone 2.36", "PUT", "/os-quota-sets/" + demoProject, b.admin, "2.36",
			map[string]any{"quota_set": map[string]any{"security_groups": 1}}, 400, ""},
		{"delete by member", "DELETE", "/os-quota-sets/" + demoProject, b.demo, "2.1", nil, 403,
			"Policy doesn't allow os_compute_api:os-quota-sets:delete to be performed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(tt.method, tt.path, tt.token, tt.mv, tt.body)
			if tt.wantStatus == 200 {
				if r.Status != 200 {
					t.Errorf("got %d %s", r.Status, r.Body)
				}
				return
			}
			if status, msg := fault(t, r); status != tt.wantStatus || (tt.wantMsg != "" && msg != tt.wantMsg) {
				t.Errorf("got %d %q, want %d %q", status, msg, tt.wantStatus, tt.wantMsg)
			}
		})
	}

	// Update: no id in the answer; force allows going below usage; delete
	// puts the defaults back.
	r := b.do("PUT", "/os-quota-sets/"+demoProject, b.admin, "2.57",
		map[string]any{"quota_set": map[string]any{"instances": "20", "cores": 30, "key_pairs": -1}})
	qs := r.JSON(t)["quota_set"].(map[string]any)
	sameKeys(t, "update", qs, sampleDoc(t, "os-quota-sets/v2.57/quotas-update-post-resp.json")["quota_set"].(map[string]any))
	if qs["instances"] != float64(20) || qs["cores"] != float64(30) || qs["key_pairs"] != float64(-1) {
		t.Errorf("update: %s", r.Body)
	}
	r = b.do("PUT", "/os-quota-sets/"+demoProject, b.admin, "2.1",
		map[string]any{"quota_set": map[string]any{"instances": 0, "force": "True", "security_groups": 7}})
	if qs := r.JSON(t)["quota_set"].(map[string]any); qs["instances"] != float64(0) || qs["security_groups"] != float64(7) {
		t.Errorf("forced update: %d %s", r.Status, r.Body)
	}
	if r := b.do("DELETE", "/os-quota-sets/"+demoProject, b.admin, "2.1", nil); r.Status != 202 {
		t.Errorf("delete: %d", r.Status)
	}
	r = b.do("GET", "/os-quota-sets/"+demoProject, b.demo, "2.1", nil)
	if qs := r.JSON(t)["quota_set"].(map[string]any); qs["instances"] != float64(10) || qs["security_groups"] != float64(-1) {
		t.Errorf("after delete: %s", r.Body)
	}

	// A user's own limits: show and update with user_id.
	demoUser := b.userID(t, b.demo)
	r = b.do("PUT", "/os-quota-sets/"+demoProject+"?user_id="+demoUser, b.admin, "2.57",
		map[string]any{"quota_set": map[string]any{"instances": 11}})
	if status, msg := fault(t, r); status != 400 || msg != "Quota limit 11 for instances must be less than or equal to 10." {
		t.Errorf("user above project: %d %q", status, msg)
	}
	r = b.do("PUT", "/os-quota-sets/"+demoProject+"?user_id="+demoUser, b.admin, "2.57",
		map[string]any{"quota_set": map[string]any{"instances": 2}})
	if r.Status != 200 || r.JSON(t)["quota_set"].(map[string]any)["instances"] != float64(2) {
		t.Errorf("user update: %d %s", r.Status, r.Body)
	}
	r = b.do("GET", "/os-quota-sets/"+demoProject+"?user_id="+demoUser, b.demo, "2.57", nil)
	if r.JSON(t)["quota_set"].(map[string]any)["instances"] != float64(2) {
		t.Errorf("user show: %s", r.Body)
	}
	r = b.do("GET", "/os-quota-sets/"+demoProject, b.demo, "2.57", nil)
	if r.JSON(t)["quota_set"].(map[string]any)["instances"] != float64(10) {
		t.Errorf("project show after user update: %s", r.Body)
	}
}

func TestQuotaEnforcement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	demoProject := b.project(t, b.demo)
	demoUser := b.userID(t, b.demo)
	setQuota := func(query string, set map[string]any) {
		t.Helper()
		if r := b.do("PUT", "/os-quota-sets/"+demoProject+query, b.admin, "2.1", map[string]any{"quota_set": set}); r.Status != 200 {
			t.Fatalf("set quota: %d %s", r.Status, r.Body)
		}
	}
	server := func(extra map[string]any) map[string]any {
		s := map[string]any{"name": "q", "imageRef": b.image, "flavorRef": "1", "networks": "none"}
		for k, v := range extra {
			s[k] = v
		}
		return map[string]any{"server": s}
	}
	b.create(t, b.demo, "first", nil)

	setQuota("", map[string]any{"instances": 3, "metadata_items": 1, "key_pairs": 1})
	tests := []struct {
		name    string
		body    map[string]any
		wantMsg string
	}{
		{"range does not fit", server(map[string]any{"min_count": 3, "max_count": 4}),
			"Quota exceeded for instances: Requested 3-4, but already used 1 of 3 instances"},
		{"metadata", server(map[string]any{"metadata": map[string]any{"a": "1", "b": "2"}}),
			"Maximum number of metadata items exceeds 1"},
		{"instances and cores", server(map[string]any{"flavorRef": "5", "min_count": 3}),
			"Quota exceeded for instances, cores: Requested 3, 24, but already used 1, 1 of 3, 20 instances, cores"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, msg := fault(t, b.do("POST", "/servers", b.demo, "2.37", tt.body)); status != 403 || msg != tt.wantMsg {
				t.Errorf("got %d %q, want 403 %q", status, msg, tt.wantMsg)
			}
		})
	}
	// As many as fit of a range: 2 of 1..5.
	r := b.do("POST", "/servers", b.demo, "2.37", server(map[string]any{"min_count": 1, "max_count": 5, "return_reservation_id": true}))
	if r.Status != 202 {
		t.Fatalf("range create: %d %s", r.Status, r.Body)
	}
	if got := names(t, b.do("GET", "/servers", b.demo, "2.1", nil)); len(got) != 3 {
		t.Errorf("servers after range create: %v", got)
	}
	if status, msg := fault(t, b.do("POST", "/servers", b.demo, "2.37", server(nil))); status != 403 ||
		msg != "Quota exceeded for instances: Requested 1, but already used 3 of 3 instances" {
		t.Errorf("full: %d %q", status, msg)
	}

	// A user's own limit applies under a roomy project limit.
	setQuota("", map[string]any{"instances": 10})
	setQuota("?user_id="+demoUser, map[string]any{"instances": 3, "force": true})
	if status, msg := fault(t, b.do("POST", "/servers", b.demo, "2.37", server(nil))); status != 403 ||
		!strings.HasPrefix(msg, "Quota exceeded for instances: Requested 1, but already used 3 of 3 instances") {
		t.Errorf("user limit: %d %q", status, msg)
	}
	if r := b.do("POST", "/servers", b.admin, "2.37", server(nil)); r.Status != 202 {
		t.Errorf("admin unaffected: %d %s", r.Status, r.Body)
	}

	// key_pairs.
	kp := func(name string) map[string]any {
		return map[string]any{"keypair": map[string]any{"name": name, "public_key": sampleKey}}
	}
	if r := b.do("POST", "/os-keypairs", b.demo, "2.2", kp("k1")); r.Status != 201 {
		t.Fatalf("first keypair: %d %s", r.Status, r.Body)
	}
	if status, msg := fault(t, b.do("POST", "/os-keypairs", b.demo, "2.2", kp("k2"))); status != 403 || msg != "Quota exceeded, too many key pairs." {
		t.Errorf("keypair quota: %d %q", status, msg)
	}
}
