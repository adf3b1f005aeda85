package compute_test

import (
	"slices"
	"strings"
	"testing"
)

func TestQuotaClassSets(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := []string{"cores", "instances", "key_pairs", "metadata_items", "ram"}
	network := []string{"fixed_ips", "floating_ips", "security_group_rules", "security_groups"}
	injected := []string{"injected_file_content_bytes", "injected_file_path_bytes", "injected_files"}
	groups := []string{"server_group_members", "server_groups"}
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		slices.Sort(out)
		return out
	}
	for _, tt := range []struct {
		mv   string
		want []string // without id
	}{
		{"2.1", join(base, network, injected)},
		{"2.49", join(base, network, injected)},
		{"2.50", join(base, injected, groups)},
		{"2.57", join(base, groups)},
		{"2.102", join(base, groups)},
	} {
		t.Run(tt.mv, func(t *testing.T) {
			r := b.do("GET", "/os-quota-class-sets/default", b.admin, tt.mv, nil)
			got := r.JSON(t)["quota_class_set"].(map[string]any)
			if got["id"] != "default" || got["cores"] != float64(20) {
				t.Errorf("show: %s", r.Body)
			}
			if keys := sortedKeys(got); !slices.Equal(keys, join(tt.want, []string{"id"})) {
				t.Errorf("show keys %v, want %v", keys, tt.want)
			}
			r = b.do("PUT", "/os-quota-class-sets/c"+strings.ReplaceAll(tt.mv, ".", ""), b.admin, tt.mv,
				map[string]any{"quota_class_set": map[string]any{"ram": 1024, "key_pairs": "7"}})
			got = r.JSON(t)["quota_class_set"].(map[string]any)
			if got["ram"] != float64(1024) || got["key_pairs"] != float64(7) || got["cores"] != float64(20) {
				t.Errorf("update: %s", r.Body)
			}
			if keys := sortedKeys(got); !slices.Equal(keys, tt.want) {
				t.Errorf("update keys %v, want %v", keys, tt.want)
			}
		})
	}

	long := strings.Repeat("x", 256)
	for _, tt := range []struct {
		name, method, path, token, mv string
		body                          any
		wantStatus                    int
		wantMsg                       string
	}{
		{"member show", "GET", "/os-quota-class-sets/default", b.demo, "2.1", nil, 403,
			"Policy doesn't allow os_compute_api:os-quota-class-sets:show to be performed."},
		{"member update", "PUT", "/os-quota-class-sets/default", b.demo, "2.1",
			map[string]any{"quota_class_set": map[string]any{"ram": 1}}, 403,
			"Policy doesn't allow os_compute_api:os-quota-class-sets:update to be performed."},
		{"network field at 2.50", "PUT", "/os-quota-class-sets/x", b.admin, "2.50",
			map[string]any{"quota_class_set": map[string]any{"floating_ips": 1}}, 400,
			"Invalid input for field/attribute quota_class_set. Value: {'floating_ips': 1}. Additional properties are not allowed ('floating_ips' was unexpected)"},
		{"below -1", "PUT", "/os-quota-class-sets/x", b.admin, "2.1",
			map[string]any{"quota_class_set": map[string]any{"ram": -2}}, 400, ""},
		{"no body key", "PUT", "/os-quota-class-sets/x", b.admin, "2.1", map[string]any{}, 400, ""},
		{"name too long", "PUT", "/os-quota-class-sets/" + long, b.admin, "2.1",
			map[string]any{"quota_class_set": map[string]any{"ram": 1}}, 400,
			"quota_class_name has 256 characters, more than 255."},
		{"query at 2.102", "GET", "/os-quota-class-sets/default?x=1", b.admin, "2.102", nil, 400,
			"Additional properties are not allowed ('x' was unexpected)"},
		{"query before 2.102", "GET", "/os-quota-class-sets/default?x=1", b.admin, "2.101", nil, 200, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(tt.method, tt.path, tt.token, tt.mv, tt.body)
			status, msg := fault(t, r)
			if status != tt.wantStatus || (tt.wantMsg != "" && msg != tt.wantMsg) {
				t.Errorf("got %d %q", status, msg)
			}
		})
	}
}

// TestQuotaClassDefault checks that the default class is what projects
// without limits of their own get, and that their own limits still win.
func TestQuotaClassDefault(t *testing.T) {
	t.Parallel()
	b := setup(t)
	demo := b.project(t, b.demo)
	if r := b.do("PUT", "/os-quota-sets/"+demo, b.admin, "2.1",
		map[string]any{"quota_set": map[string]any{"cores": 3}}); r.Status != 200 {
		t.Fatalf("quota set: %d %s", r.Status, r.Body)
	}
	if r := b.do("PUT", "/os-quota-class-sets/default", b.admin, "2.1",
		map[string]any{"quota_class_set": map[string]any{"instances": 4, "cores": 40}}); r.Status != 200 {
		t.Fatalf("quota class: %d %s", r.Status, r.Body)
	}
	for _, path := range []string{"/os-quota-sets/" + demo, "/os-quota-sets/" + demo + "/defaults"} {
		got := b.do("GET", path, b.demo, "2.1", nil).JSON(t)["quota_set"].(map[string]any)
		wantCores := float64(3)
		if strings.HasSuffix(path, "/defaults") {
			wantCores = 40
		}
		if got["instances"] != float64(4) || got["cores"] != wantCores || got["ram"] != float64(51200) {
			t.Errorf("%s: %v", path, got)
		}
	}
	abs := b.do("GET", "/limits", b.demo, "2.1", nil).JSON(t)["limits"].(map[string]any)["absolute"].(map[string]any)
	if abs["maxTotalInstances"] != float64(4) || abs["maxTotalCores"] != float64(3) {
		t.Errorf("limits: %v", abs)
	}
}
