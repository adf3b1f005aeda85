package compute_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// ids returns the values of key of the list under coll.
func ids(t *testing.T, r apptest.Response, coll, key string) []string {
	t.Helper()
	var out []string
	list, _ := r.JSON(t)[coll].([]any)
	for _, it := range list {
		m := it.(map[string]any)
		if inner, ok := m["keypair"].(map[string]any); ok {
			m = inner
		}
		out = append(out, m[key].(string))
	}
	return out
}

func TestListFlavors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	all := []string{"1", "2", "3", "4", "42", "5", "84"}
	tests := []struct {
		name, token, mv, path string
		want                  []string
		wantStatus            int
		wantMsg               string
	}{
		{"default string order", b.demo, "2.1", "/flavors", all, 200, ""},
		{"detail", b.demo, "2.1", "/flavors/detail", all, 200, ""},
		{"minRam", b.demo, "2.1", "/flavors?minRam=4096", []string{"3", "4", "5"}, 200, ""},
		{"minDisk", b.demo, "2.1", "/flavors?minDisk=40", []string{"3", "4", "5"}, 200, ""},
		{"bad minRam", b.demo, "2.1", "/flavors?minRam=big", nil, 400, "Invalid minRam filter [big]"},
		{"bad minDisk", b.demo, "2.1", "/flavors?minDisk=1.5", nil, 400, "Invalid minDisk filter [1.5]"},
		{"sort by ram desc", b.demo, "2.1", "/flavors?sort_key=memory_mb&sort_dir=desc", []string{"5", "4", "3", "2", "1", "84", "42"}, 200, ""},
		{"bad sort key", b.demo, "2.1", "/flavors?sort_key=color", nil, 400, ""},
		{"bad sort dir", b.demo, "2.1", "/flavors?sort_dir=up", nil, 400,
			"Invalid input for query parameters sort_dir. Value: up. 'up' is not one of ['asc', 'desc']"},
		{"limit", b.demo, "2.1", "/flavors?limit=2", []string{"1", "2"}, 200, ""},
		{"marker", b.demo, "2.1", "/flavors?marker=4&limit=2", []string{"42", "5"}, 200, ""},
		{"unknown marker", b.demo, "2.1", "/flavors?marker=nope", nil, 400, "marker [nope] not found"},
		{"limit 0", b.demo, "2.1", "/flavors?limit=0", nil, 200, ""},
		{"bad limit", b.demo, "2.1", "/flavors?limit=-1", nil, 400, ""},
		{"unknown param ignored before 2.75", b.demo, "2.74", "/flavors?foo=1", all, 200, ""},
		{"unknown param 2.75", b.demo, "2.75", "/flavors?foo=1", nil, 400, "Additional properties are not allowed ('foo' was unexpected)"},
		{"name needs 2.102", b.demo, "2.101", "/flavors?name=nano", nil, 400, ""},
		{"name regex 2.102", b.demo, "2.102", "/flavors?name=^m1.(nano|micro)$", []string{"42", "84"}, 200, ""},
		{"is_public ignored for members", b.demo, "2.1", "/flavors?is_public=bogus", all, 200, ""},
		{"is_public bad for admin", b.admin, "2.1", "/flavors?is_public=bogus", nil, 400, "Invalid is_public filter [bogus]"},
		{"is_public false admin", b.admin, "2.1", "/flavors?is_public=false", nil, 200, ""},
		{"is_public none admin", b.admin, "2.1", "/flavors?is_public=None", all, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do("GET", tt.path, tt.token, tt.mv, nil)
			if !okOrFault(t, r, tt.wantStatus, tt.wantMsg) {
				return
			}
			if got := ids(t, r, "flavors", "id"); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFlavorPagingLinks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do("GET", "/flavors/detail?limit=2&minRam=0", b.demo, "2.1", nil)
	links, _ := r.JSON(t)["flavors_links"].([]any)
	if len(links) != 1 {
		t.Fatalf("flavors_links: %s", r.Body)
	}
	href := links[0].(map[string]any)["href"].(string)
	if !strings.HasSuffix(href, "/compute/v2.1/flavors/detail?limit=2&minRam=0&marker=2") {
		t.Errorf("next link %s", href)
	}
	r = b.do("GET", "/flavors?limit=10", b.demo, "2.1", nil)
	if _, ok := r.JSON(t)["flavors_links"]; ok {
		t.Errorf("links on a partial page: %s", r.Body)
	}
}

func TestFlavorViewsByMicroversion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		mv      string
		token   string
		present []string
		absent  []string
		swap    any
	}{
		{"2.1", "demo", []string{"rxtx_factor", "OS-FLV-DISABLED:disabled", "OS-FLV-EXT-DATA:ephemeral", "os-flavor-access:is_public"},
			[]string{"description", "extra_specs"}, ""},
		{"2.55", "demo", []string{"description"}, []string{"extra_specs"}, ""},
		{"2.61", "demo", []string{"description", "extra_specs"}, nil, ""},
		{"2.75", "demo", []string{"extra_specs", "rxtx_factor"}, nil, float64(0)},
		{"2.102", "admin", []string{"extra_specs", "description"}, []string{"rxtx_factor", "OS-FLV-DISABLED:disabled"}, float64(0)},
	}
	for _, tt := range tests {
		t.Run(tt.mv, func(t *testing.T) {
			tok := b.demo
			if tt.token == "admin" {
				tok = b.admin
			}
			r := b.do("GET", "/flavors/42", tok, tt.mv, nil)
			f := r.JSON(t)["flavor"].(map[string]any)
			for _, k := range tt.present {
				if _, ok := f[k]; !ok {
					t.Errorf("%s missing: %s", k, r.Body)
				}
			}
			for _, k := range tt.absent {
				if _, ok := f[k]; ok {
					t.Errorf("%s present: %s", k, r.Body)
				}
			}
			if f["swap"] != tt.swap {
				t.Errorf("swap %#v, want %#v", f["swap"], tt.swap)
			}
			if f["name"] != "m1.nano" || f["ram"] != float64(128) || f["vcpus"] != float64(1) || f["disk"] != float64(1) {
				t.Errorf("m1.nano: %s", r.Body)
			}
			if tt.mv == "2.1" && !strings.Contains(string(r.Body), `"rxtx_factor":1.0`) {
				t.Errorf("rxtx_factor not 1.0: %s", r.Body)
			}
		})
	}
	// Brief list entries carry description from 2.55.
	r := b.do("GET", "/flavors?limit=1", b.demo, "2.55", nil)
	f := r.JSON(t)["flavors"].([]any)[0].(map[string]any)
	if _, ok := f["description"]; !ok || len(f) != 4 {
		t.Errorf("brief 2.55: %v", f)
	}
	if r := b.do("GET", "/flavors/nope", b.demo, "2.1", nil); r.Status != 404 {
		t.Errorf("unknown flavor: %d", r.Status)
	} else if _, msg := fault(t, r); msg != "Flavor nope could not be found." {
		t.Errorf("message %q", msg)
	}
}

func TestFlavorManage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	flavor := func(extra map[string]any) map[string]any {
		f := map[string]any{"name": "custom", "ram": 1024, "vcpus": 2, "disk": 10}
		for k, v := range extra {
			f[k] = v
		}
		return map[string]any{"flavor": f}
	}
	tests := []struct {
		name, token, mv string
		body            any
		wantStatus      int
		wantMsg         string
	}{
		{"member refused", b.demo, "2.1", flavor(nil), 403, "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed."},
		{"missing ram", b.admin, "2.1", map[string]any{"flavor": map[string]any{"name": "x", "vcpus": 1, "disk": 1}}, 400,
			"Invalid input for field/attribute flavor. Value: {'disk': 1, 'name': 'x', 'vcpus': 1}. 'ram' is a required property"},
		{"zero vcpus", b.admin, "2.1", flavor(map[string]any{"vcpus": 0}), 400, ""},
		{"bad id", b.admin, "2.1", flavor(map[string]any{"id": " x"}), 400,
			"Invalid input for field/attribute id. Value:  x. ' x' does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'"},
		{"description before 2.55", b.admin, "2.54", flavor(map[string]any{"description": "d"}), 400, ""},
		{"rxtx_factor gone 2.102", b.admin, "2.102", flavor(map[string]any{"rxtx_factor": 2.0}), 400, ""},
		{"duplicate id", b.admin, "2.1", flavor(map[string]any{"name": "other", "id": "1"}), 409, "Flavor with ID 1 already exists."},
		{"duplicate name", b.admin, "2.1", flavor(map[string]any{"name": "m1.tiny"}), 409, "Flavor with name m1.tiny already exists."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, msg := fault(t, b.do("POST", "/flavors", tt.token, tt.mv, tt.body))
			if status != tt.wantStatus || (tt.wantMsg != "" && msg != tt.wantMsg) {
				t.Errorf("got %d %q, want %d %q", status, msg, tt.wantStatus, tt.wantMsg)
			}
		})
	}

	r := b.do("POST", "/flavors", b.admin, "2.61", flavor(map[string]any{"id": 10, "swap": "512", "rxtx_factor": 2.5,
		"description": "my flavor", "OS-FLV-EXT-DATA:ephemeral": 5}))
	if r.Status != http.StatusOK {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	f := r.JSON(t)["flavor"].(map[string]any)
	if f["id"] != "10" || f["swap"] != float64(512) || f["rxtx_factor"] != 2.5 || f["description"] != "my flavor" ||
		f["OS-FLV-EXT-DATA:ephemeral"] != float64(5) || f["os-flavor-access:is_public"] != true {
		t.Errorf("created: %s", r.Body)
	}
	if specs, ok := f["extra_specs"].(map[string]any); !ok || len(specs) != 0 {
		t.Errorf("extra_specs: %s", r.Body)
	}
	// A generated id is a uuid.
	r = b.do("POST", "/flavors", b.admin, "2.1", flavor(map[string]any{"name": "auto"}))
	if id, _ := r.JSON(t)["flavor"].(map[string]any)["id"].(string); len(id) != 36 {
		t.Errorf("generated id %q", id)
	}

	// Update the description (2.55+ only, admin only).
	body := map[string]any{"flavor": map[string]any{"description": "new"}}
	if r := b.do("PUT", "/flavors/10", b.admin, "2.54", body); r.Status != 405 {
		t.Errorf("update at 2.54: %d", r.Status)
	}
	if r := b.do("PUT", "/flavors/10", b.demo, "2.55", body); r.Status != 403 {
		t.Errorf("update by member: %d", r.Status)
	}
	if r := b.do("PUT", "/flavors/10", b.admin, "2.55", map[string]any{"flavor": map[string]any{"name": "x"}}); r.Status != 400 {
		t.Errorf("update without description: %d", r.Status)
	}
	r = b.do("PUT", "/flavors/10", b.admin, "2.55", body)
	if r.Status != 200 || r.JSON(t)["flavor"].(map[string]any)["description"] != "new" {
		t.Errorf("update: %d %s", r.Status, r.Body)
	}
	if r := b.do("PUT", "/flavors/404", b.admin, "2.55", body); r.Status != 404 {
		t.Errorf("update unknown: %d", r.Status)
	}

	// Delete: 202, then gone; servers keep their copy.
	srv := b.create(t, b.demo, "keeps", map[string]any{"flavorRef": "10"})
	if r := b.do("DELETE", "/flavors/10", b.demo, "2.1", nil); r.Status != 403 {
		t.Errorf("delete by member: %d", r.Status)
	}
	if r := b.do("DELETE", "/flavors/10", b.admin, "2.1", nil); r.Status != 202 {
		t.Errorf("delete: %d %s", r.Status, r.Body)
	}
	if r := b.do("GET", "/flavors/10", b.admin, "2.1", nil); r.Status != 404 {
		t.Errorf("deleted flavor: %d", r.Status)
	}
	if r := b.do("DELETE", "/flavors/10", b.admin, "2.1", nil); r.Status != 404 {
		t.Errorf("delete again: %d", r.Status)
	}
	s := b.show(t, b.demo, srv, "2.47")
	if fl := s["flavor"].(map[string]any); fl["original_name"] != "custom" || fl["vcpus"] != float64(2) {
		t.Errorf("server flavor after delete: %v", fl)
	}
}

func TestFlavorAccess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do("POST", "/flavors", b.admin, "2.1", map[string]any{"flavor": map[string]any{
		"name": "secret", "id": "s1", "ram": 256, "vcpus": 1, "disk": 1, "os-flavor-access:is_public": false}})
	if r.Status != 200 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	demoProject := b.project(t, b.demo)
	create := map[string]any{"server": map[string]any{"name": "p", "imageRef": b.image, "flavorRef": "s1", "networks": "none"}}

	// Not shared: invisible to the member, even on create.
	if r := b.do("GET", "/flavors/s1", b.demo, "2.1", nil); r.Status != 404 {
		t.Errorf("member sees private flavor: %d", r.Status)
	}
	if got := ids(t, b.do("GET", "/flavors", b.demo, "2.1", nil), "flavors", "id"); slices.Contains(got, "s1") {
		t.Errorf("private flavor listed: %v", got)
	}
	if status, msg := fault(t, b.do("POST", "/servers", b.demo, "2.37", create)); status != 400 || msg != "Flavor s1 could not be found." {
		t.Errorf("create with private flavor: %d %q", status, msg)
	}
	if got := ids(t, b.do("GET", "/flavors?is_public=false", b.admin, "2.1", nil), "flavors", "id"); !slices.Equal(got, []string{"s1"}) {
		t.Errorf("admin private list: %v", got)
	}

	action := func(tok, mv, name, tenant string) apptest.Response {
		return b.do("POST", "/flavors/s1/action", tok, mv, map[string]any{name: map[string]any{"tenant": tenant}})
	}
	tests := []struct {
		name       string
		resp       func() apptest.Response
		wantStatus int
		wantMsg    string
	}{
		{"list by member", func() apptest.Response { return b.do("GET", "/flavors/s1/os-flavor-access", b.demo, "2.1", nil) },
			403, "Policy doesn't allow os_compute_api:os-flavor-access to be performed."},
		{"list of public flavor", func() apptest.Response { return b.do("GET", "/flavors/1/os-flavor-access", b.admin, "2.1", nil) },
			404, "Access list not available for public flavors."},
		{"add by member", func() apptest.Response { return action(b.demo, "2.1", "addTenantAccess", demoProject) },
			403, "Policy doesn't allow os_compute_api:os-flavor-access:add_tenant_access to be performed."},
		{"add unknown project", func() apptest.Response { return action(b.admin, "2.1", "addTenantAccess", "nope") },
			400, "Project ID nope is not a valid project."},
		{"add to public 2.7", func() apptest.Response {
			return b.do("POST", "/flavors/1/action", b.admin, "2.7", map[string]any{"addTenantAccess": map[string]any{"tenant": demoProject}})
		}, 409, "Can not add access to a public flavor."},
		{"remove absent", func() apptest.Response { return action(b.admin, "2.1", "removeTenantAccess", demoProject) },
			404, "Flavor access not found for s1 / " + demoProject + " combination."},
		{"unknown action", func() apptest.Response {
			return b.do("POST", "/flavors/s1/action", b.admin, "2.1", map[string]any{"grant": nil})
		}, 400, "There is no such action: grant"},
		{"missing tenant", func() apptest.Response {
			return b.do("POST", "/flavors/s1/action", b.admin, "2.1", map[string]any{"addTenantAccess": map[string]any{}})
		}, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, msg := fault(t, tt.resp())
			if status != tt.wantStatus || (tt.wantMsg != "" && msg != tt.wantMsg) {
				t.Errorf("got %d %q, want %d %q", status, msg, tt.wantStatus, tt.wantMsg)
			}
		})
	}

	r = action(b.admin, "2.1", "addTenantAccess", demoProject)
	want := `{"flavor_access":[{"flavor_id":"s1","tenant_id":"` + demoProject + `"}]}`
	if r.Status != 200 || strings.TrimSpace(string(r.Body)) != want {
		t.Errorf("add: %d %s", r.Status, r.Body)
	}
	if status, msg := fault(t, action(b.admin, "2.1", "addTenantAccess", demoProject)); status != 409 ||
		msg != "Flavor access already exists for flavor s1 and project "+demoProject+" combination." {
		t.Errorf("add twice: %d %q", status, msg)
	}
	if r := b.do("GET", "/flavors/s1/os-flavor-access", b.admin, "2.1", nil); strings.TrimSpace(string(r.Body)) != want {
		t.Errorf("access list: %s", r.Body)
	}
	if r := b.do("GET", "/flavors/s1", b.demo, "2.1", nil); r.Status != 200 {
		t.Errorf("shared flavor hidden: %d", r.Status)
	}
	if got := ids(t, b.do("GET", "/flavors", b.demo, "2.1", nil), "flavors", "id"); !slices.Contains(got, "s1") {
		t.Errorf("shared flavor not listed: %v", got)
	}
	if r := b.do("POST", "/servers", b.demo, "2.37", create); r.Status != 202 {
		t.Errorf("create with shared flavor: %d %s", r.Status, r.Body)
	}
	r = action(b.admin, "2.1", "removeTenantAccess", demoProject)
	if r.Status != 200 || strings.TrimSpace(string(r.Body)) != `{"flavor_access":[]}` {
		t.Errorf("remove: %d %s", r.Status, r.Body)
	}
}

func TestFlavorExtraSpecs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	specs := map[string]any{"extra_specs": map[string]any{"hw:cpu_policy": "shared", "hw:numa_nodes": 1}}
	tests := []struct {
		name, method, path, token string
		body                      any
		wantStatus                int
		wantBody                  string // exact JSON, or a fault message
	}{
		{"create by member", "POST", "/flavors/1/os-extra_specs", "demo", specs, 403,
			"Policy doesn't allow os_compute_api:os-flavor-extra-specs:create to be performed."},
		{"create", "POST", "/flavors/1/os-extra_specs", "admin", specs, 200,
			`{"extra_specs":{"hw:cpu_policy":"shared","hw:numa_nodes":"1"}}`},
		{"create bad key", "POST", "/flavors/1/os-extra_specs", "admin", map[string]any{"extra_specs": map[string]any{"a/b": "x"}}, 400, ""},
		{"create unknown flavor", "POST", "/flavors/99/os-extra_specs", "admin", specs, 404, "Flavor 99 could not be found."},
		{"list by member", "GET", "/flavors/1/os-extra_specs", "demo", nil, 200,
			`{"extra_specs":{"hw:cpu_policy":"shared","hw:numa_nodes":"1"}}`},
		{"show", "GET", "/flavors/1/os-extra_specs/hw:numa_nodes", "demo", nil, 200, `{"hw:numa_nodes":"1"}`},
		{"show missing", "GET", "/flavors/1/os-extra_specs/nope", "demo", nil, 404, "Flavor 1 has no extra specs with key nope."},
		{"update mismatch", "PUT", "/flavors/1/os-extra_specs/hw:numa_nodes", "admin", map[string]any{"hw:cpu_policy": "x"}, 400,
			"Request body and URI mismatch"},
		{"update two keys", "PUT", "/flavors/1/os-extra_specs/a", "admin", map[string]any{"a": "1", "b": "2"}, 400, ""},
		{"update by member", "PUT", "/flavors/1/os-extra_specs/a", "demo", map[string]any{"a": "1"}, 403, ""},
		{"update", "PUT", "/flavors/1/os-extra_specs/hw:numa_nodes", "admin", map[string]any{"hw:numa_nodes": "2"}, 200, `{"hw:numa_nodes":"2"}`},
		{"delete by member", "DELETE", "/flavors/1/os-extra_specs/hw:numa_nodes", "demo", nil, 403, ""},
		{"delete", "DELETE", "/flavors/1/os-extra_specs/hw:numa_nodes", "admin", nil, 200, ""},
		{"delete missing", "DELETE", "/flavors/1/os-extra_specs/hw:numa_nodes", "admin", nil, 404,
			"Flavor 1 has no extra specs with key hw:numa_nodes."},
		{"after delete", "GET", "/flavors/1/os-extra_specs", "demo", nil, 200, `{"extra_specs":{"hw:cpu_policy":"shared"}}`},
	}
	for _, tt := range tests { // in order: each step builds on the last
		tok := map[string]string{"demo": b.demo, "admin": b.admin}[tt.token]
		r := b.do(tt.method, tt.path, tok, "2.1", tt.body)
		if tt.wantStatus == 200 {
			if r.Status != 200 || (tt.wantBody != "" && strings.TrimSpace(string(r.Body)) != tt.wantBody) {
				t.Errorf("%s: got %d %s, want %s", tt.name, r.Status, r.Body, tt.wantBody)
			}
			continue
		}
		if status, msg := fault(t, r); status != tt.wantStatus || (tt.wantBody != "" && msg != tt.wantBody) {
			t.Errorf("%s: got %d %q, want %d %q", tt.name, status, msg, tt.wantStatus, tt.wantBody)
		}
	}
	// Servers created now carry the flavor's extra specs (2.47+ view).
	id := b.create(t, b.demo, "specs", nil)
	fl := b.show(t, b.demo, id, "2.47")["flavor"].(map[string]any)
	if es := fl["extra_specs"].(map[string]any); es["hw:cpu_policy"] != "shared" {
		t.Errorf("server flavor extra_specs: %v", fl)
	}
}

// project returns the id of the project a token is scoped to.
func (b *testBundle) project(t *testing.T, token string) string {
	t.Helper()
	r := b.srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/auth/tokens", Token: b.admin, Headers: map[string]string{"X-Subject-Token": token}})
	p, _ := r.JSON(t)["token"].(map[string]any)["project"].(map[string]any)
	if p == nil {
		t.Fatalf("token project: %d %s", r.Status, r.Body)
	}
	return p["id"].(string)
}

// TestFlavorExtraSpecValidation: from 2.86 extra specs are checked
// against Nova's registered validators (nova/api/validation/extra_specs/,
// validators.validate): a known spec needs a value its validator takes,
// an unknown spec in a namespace Nova knows is refused, one in an
// unknown namespace (or with none) is kept. Before 2.86 anything goes.
func TestFlavorExtraSpecValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const bad = "Validation failed; "
	tests := []struct {
		key   string
		value any
		msg   string // "" for accepted at 2.86
	}{
		{"hw:cpu_policy", "dedicated", ""},
		{"hw:cpu_policy", "fast", bad + "'fast' is not one of: dedicated, shared, mixed."},
		{"hw:numa_nodes", 2, ""},
		{"hw:numa_nodes", "two", bad + "'two' is not a valid integer value."},
		{"hw:numa_nodes", "0", bad + "'0' is less than the min value of '1'."},
		{"hw:numa_cpus.0", "0-3", ""}, // a name with a parameter
		{"hw:numa_cpus.x", "0-3", bad + "extra spec 'hw:numa_cpus.x' does not appear to be a valid extra spec."},
		{"hw:mem_page_size", "2MB", ""},
		{"hw:mem_page_size", "huge", bad + "'huge' is not of the format '(large|small|any|\\d+([kKMGT]i?)?(b|bit|B)?)'."},
		{"hw:cpu_realtime", "yes", ""},
		{"hw:cpu_realtime", "maybe", bad + "'maybe' is not a valid boolean-like value."},
		{"hw:nonsense", "1", bad + "extra spec 'hw:nonsense' does not appear to be a valid extra spec."},
		{"hw_rng:allowed", true, ""},
		{"hw_rng:rate_bytes", "-1", bad + "'-1' is less than the min value of '0'."},
		{"hw_video:ram_max_mb", "64", ""},
		{"quota:cpu_quota", "-1", ""},
		{"quota:disk_read_bytes_sec", "fast", bad + "'fast' is not a valid integer value."},
		{"resources:VCPU", "2", ""},
		{"resources1:CUSTOM_GPU", "1", ""},
		{"resources:VCPUS", "2", bad + "extra spec 'resources:VCPUS' does not appear to be a valid extra spec."},
		{"resources:MEMORY_MB", "lots", bad + "'lots' is not a valid integer value."},
		{"trait:HW_CPU_X86_AVX2", "required", ""},
		{"trait_a:CUSTOM_FOO", "forbidden", ""},
		{"trait:HW_CPU_X86_AVX2", "preferred", bad + "'preferred' is not one of: required, forbidden."},
		{"aggregate_instance_extra_specs:ssd", "true", ""},
		{"capabilities:cpu_info:arch", "x86_64", ""},
		{"os:secure_boot", "required", ""},
		{"os:secure_boot", "on", bad + "'on' is not one of: disabled, required."},
		{"pci_passthrough:alias", "gpu:2", ""},
		{"accel:device_profile", "p1", ""},
		{"group_policy", "none", ""},
		{"group_policy", "some", bad + "'some' is not one of: isolate, none."},
		{"vmware:hw_version", "vmx-13", ""},
		// Unknown namespaces and keys without one are the operator's.
		{"mycloud:tier", "gold", ""},
		{"plainkey", "x", ""},
	}
	for _, tc := range tests {
		label := fmt.Sprintf("%s=%v", tc.key, tc.value)
		for _, mv := range []string{"2.85", "2.86"} {
			want := 200
			if mv == "2.86" && tc.msg != "" {
				want = 400
			}
			create := b.do("POST", "/flavors/1/os-extra_specs", b.admin, mv, map[string]any{"extra_specs": map[string]any{tc.key: tc.value}})
			update := b.do("PUT", "/flavors/1/os-extra_specs/"+tc.key, b.admin, mv, map[string]any{tc.key: tc.value})
			for what, r := range map[string]apptest.Response{"create": create, "update": update} {
				if want == 200 {
					if r.Status != 200 {
						t.Errorf("%s %s at %s: %d %s", what, label, mv, r.Status, r.Body)
					}
					continue
				}
				status, msg := fault(t, r)
				expect(t, what+" "+label+" at "+mv, want, tc.msg, status, msg)
			}
		}
	}
	// The check comes before the flavor is looked up, and before the
	// update's key is matched to the path (Nova's order).
	for _, tc := range []struct {
		name, method, path string
		body               map[string]any
	}{
		{"unknown flavor", "POST", "/flavors/99/os-extra_specs", map[string]any{"extra_specs": map[string]any{"hw:cpu_policy": "fast"}}},
		{"key mismatch", "PUT", "/flavors/1/os-extra_specs/other", map[string]any{"hw:cpu_policy": "fast"}},
	} {
		status, msg := fault(t, b.do(tc.method, tc.path, b.admin, "2.86", tc.body))
		expect(t, tc.name, 400, bad+"'fast' is not one of: dedicated, shared, mixed.", status, msg)
	}
}
