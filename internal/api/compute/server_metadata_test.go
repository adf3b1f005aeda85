package compute_test

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
)

func TestServerMetadataAPI(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	base := "/servers/" + s.id + "/metadata"
	notFound := "Instance " + s.id + " could not be found."
	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
		msg                       string
		want                      map[string]any // the body on success
	}{
		{"list by reader", "GET", base, s.reader, nil, 200, "", map[string]any{"metadata": map[string]any{"a": "1"}}},
		{"list by other project", "GET", base, s.other, nil, 404, notFound, nil},
		{"show by member", "GET", base + "/a", s.demo, nil, 200, "", map[string]any{"meta": map[string]any{"a": "1"}}},
		{"show missing", "GET", base + "/nope", s.demo, nil, 404, "Metadata item was not found", nil},
		{"show by other project", "GET", base + "/a", s.other, nil, 404, notFound, nil},
		{"merge by reader", "POST", base, s.reader, map[string]any{"metadata": map[string]any{"b": "2"}}, 403,
			denied("os_compute_api:server-metadata:create"), nil},
		{"merge by other project", "POST", base, s.other, map[string]any{"metadata": map[string]any{"b": "2"}}, 404, notFound, nil},
		{"merge", "POST", base, s.demo, map[string]any{"metadata": map[string]any{"b": "2"}}, 200, "",
			map[string]any{"metadata": map[string]any{"a": "1", "b": "2"}}},
		{"merge overwrites", "POST", base, s.demo, map[string]any{"metadata": map[string]any{"a": "x"}}, 200, "",
			map[string]any{"metadata": map[string]any{"a": "x", "b": "2"}}},
		{"set one", "PUT", base + "/c", s.demo, map[string]any{"meta": map[string]any{"c": "3"}}, 200, "",
			map[string]any{"meta": map[string]any{"c": "3"}}},
		{"set one mismatch", "PUT", base + "/c", s.demo, map[string]any{"meta": map[string]any{"d": "3"}}, 400,
			"Request body and URI mismatch", nil},
		{"set one by reader", "PUT", base + "/c", s.reader, map[string]any{"meta": map[string]any{"c": "3"}}, 403,
			denied("os_compute_api:server-metadata:update"), nil},
		{"set two", "PUT", base + "/c", s.demo, map[string]any{"meta": map[string]any{"c": "3", "d": "4"}}, 400,
			"Invalid input for field/attribute meta. Value: {'c': '3', 'd': '4'}. {'c': '3', 'd': '4'} has too many properties", nil},
		{"set none", "PUT", base + "/c", s.demo, map[string]any{"meta": map[string]any{}}, 400,
			"Invalid input for field/attribute meta. Value: {}. {} does not have enough properties", nil},
		{"delete by reader", "DELETE", base + "/c", s.reader, nil, 403, denied("os_compute_api:server-metadata:delete"), nil},
		{"delete", "DELETE", base + "/c", s.demo, nil, 204, "", nil},
		{"delete missing", "DELETE", base + "/c", s.demo, nil, 404, "Metadata item was not found", nil},
		{"list after", "GET", base, s.demo, nil, 200, "", map[string]any{"metadata": map[string]any{"a": "x", "b": "2"}}},
		{"replace by reader", "PUT", base, s.reader, map[string]any{"metadata": map[string]any{}}, 403,
			denied("os_compute_api:server-metadata:update_all"), nil},
		{"replace", "PUT", base, s.demo, map[string]any{"metadata": map[string]any{"z": "26"}}, 200, "",
			map[string]any{"metadata": map[string]any{"z": "26"}}},
		{"admin of another project", "POST", base, s.admin, map[string]any{"metadata": map[string]any{"y": ""}}, 200, "",
			map[string]any{"metadata": map[string]any{"y": "", "z": "26"}}},
		{"replace with nothing", "PUT", base, s.demo, map[string]any{"metadata": map[string]any{}}, 200, "",
			map[string]any{"metadata": map[string]any{}}},
		{"number value", "POST", base, s.demo, map[string]any{"metadata": map[string]any{"k": 1}}, 400,
			"Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'", nil},
		{"null value", "POST", base, s.demo, map[string]any{"metadata": map[string]any{"k": nil}}, 400,
			"Invalid input for field/attribute k. Value: None. None is not of type 'string'", nil},
		{"bad key", "POST", base, s.demo, map[string]any{"metadata": map[string]any{"a/b": "1"}}, 400,
			"Invalid input for field/attribute metadata. Value: {'a/b': '1'}. 'a/b' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'", nil},
		{"long value", "POST", base, s.demo, map[string]any{"metadata": map[string]any{"k": strings.Repeat("v", 256)}}, 400,
			fmt.Sprintf("Invalid input for field/attribute k. Value: %[1]s. '%[1]s' is too long", strings.Repeat("v", 256)), nil},
		{"255-byte key and value", "POST", base, s.demo, map[string]any{"metadata": map[string]any{strings.Repeat("k", 255): strings.Repeat("v", 255)}}, 200, "",
			map[string]any{"metadata": map[string]any{strings.Repeat("k", 255): strings.Repeat("v", 255)}}},
		{"256-byte key", "POST", base, s.demo, map[string]any{"metadata": map[string]any{strings.Repeat("k", 256): "v"}}, 400, "", nil},
		{"no metadata key", "POST", base, s.demo, map[string]any{"meta": map[string]any{}}, 400, "", nil},
		{"unknown server", "GET", "/servers/6a1e8c1e-5b3b-4c7e-9f0a-1d2e3f4a5b6c/metadata", s.demo, nil, 404,
			"Instance 6a1e8c1e-5b3b-4c7e-9f0a-1d2e3f4a5b6c could not be found.", nil},
	}
	for _, tt := range tests {
		resp := s.do(tt.method, tt.path, tt.token, "2.1", tt.body)
		status, msg := fault(t, resp)
		expect(t, tt.name, tt.status, tt.msg, status, msg)
		if tt.want != nil && status == http.StatusOK {
			if got := resp.JSON(t); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("%s: body %v, want %v", tt.name, got, tt.want)
			}
		}
	}
}

func TestServerMetadataStateAndLock(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	write := func(token string) (int, string) {
		return fault(t, s.do("POST", "/servers/"+s.id+"/metadata", token, "2.1", map[string]any{"metadata": map[string]any{"k": "v"}}))
	}
	del := func(token string) (int, string) {
		if err := s.execSQL(`INSERT INTO instance_metadata (instance_id, key, value) SELECT id, 'k', 'v' FROM instances
			WHERE uuid = $1 ON CONFLICT DO NOTHING`, s.id); err != nil {
			t.Fatal(err)
		}
		return fault(t, s.do("DELETE", "/servers/"+s.id+"/metadata/k", token, "2.1", nil))
	}
	tests := []struct {
		name, vm, task string
		launched       bool
		status         int
		msg            string
	}{
		{"active", "active", "", true, 200, ""},
		{"active while rebooting", "active", "rebooting", true, 200, ""},
		{"paused", "paused", "", true, 200, ""},
		{"suspended", "suspended", "", true, 200, ""},
		{"stopped", "stopped", "", true, 200, ""},
		{"building", "building", "spawning", false, 409, "Cannot 'update metadata' instance %s while it is in vm_state building"},
		{"error", "error", "", true, 409, "Cannot 'update metadata' instance %s while it is in vm_state error"},
		{"shelved", "shelved_offloaded", "", true, 409, "Cannot 'update metadata' instance %s while it is in vm_state shelved_offloaded"},
		{"never launched", "active", "", false, 409, "Instance %s is in an invalid state for 'update metadata'"},
	}
	for _, tt := range tests {
		s.setState(t, s.id, tt.vm, tt.task, tt.launched)
		want := tt.msg
		if want != "" {
			want = fmt.Sprintf(want, s.id)
		}
		status, msg := write(s.demo)
		expect(t, tt.name+" update", tt.status, want, status, msg)
		status, msg = del(s.demo)
		wantDel := strings.Replace(want, "update metadata", "delete metadata", 1)
		expect(t, tt.name+" delete", map[int]int{200: 204}[tt.status]+map[bool]int{true: tt.status}[tt.status != 200], wantDel, status, msg)
	}

	s.setState(t, s.id, "active", "", true)
	s.lockAs(t, s.demo, s.id)
	locked := "Instance " + s.id + " is locked"
	for _, c := range []struct {
		name   string
		status int
		do     func() (int, string)
	}{
		{"merge by owner", 409, func() (int, string) { return write(s.demo) }},
		{"replace by owner", 409, func() (int, string) {
			return fault(t, s.do("PUT", "/servers/"+s.id+"/metadata", s.demo, "2.1", map[string]any{"metadata": map[string]any{}}))
		}},
		{"set one by owner", 409, func() (int, string) {
			return fault(t, s.do("PUT", "/servers/"+s.id+"/metadata/k", s.demo, "2.1", map[string]any{"meta": map[string]any{"k": "v"}}))
		}},
		{"delete by owner", 409, func() (int, string) { return del(s.demo) }},
		{"merge by admin", 200, func() (int, string) { return write(s.admin) }},
		{"read by owner", 200, func() (int, string) { return fault(t, s.do("GET", "/servers/"+s.id+"/metadata", s.demo, "2.1", nil)) }},
	} {
		status, msg := c.do()
		want := ""
		if c.status == 409 {
			want = locked
		}
		expect(t, c.name, c.status, want, status, msg)
	}
}

func TestServerMetadataQuota(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	base := "/servers/" + s.id + "/metadata"
	items := func(n int, prefix string) map[string]any {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("%s%03d", prefix, i)] = "v"
		}
		return m
	}
	const over = "Maximum number of metadata items exceeds 128"
	// The server has one item ("a"): 127 more fit, 128 more do not.
	status, msg := fault(t, s.do("POST", base, s.demo, "2.1", map[string]any{"metadata": items(128, "k")}))
	expect(t, "merge past the limit", 403, over, status, msg)
	status, msg = fault(t, s.do("POST", base, s.demo, "2.1", map[string]any{"metadata": items(127, "k")}))
	expect(t, "merge up to the limit", 200, "", status, msg)
	status, msg = fault(t, s.do("PUT", base+"/one-more", s.demo, "2.1", map[string]any{"meta": map[string]any{"one-more": "v"}}))
	expect(t, "one item past the limit", 403, over, status, msg)
	status, msg = fault(t, s.do("PUT", base+"/a", s.demo, "2.1", map[string]any{"meta": map[string]any{"a": "changed"}}))
	expect(t, "overwrite at the limit", 200, "", status, msg)
	status, msg = fault(t, s.do("PUT", base, s.demo, "2.1", map[string]any{"metadata": items(129, "r")}))
	expect(t, "replace past the limit", 403, over, status, msg)
	resp := s.do("PUT", base, s.demo, "2.1", map[string]any{"metadata": items(128, "r")})
	if got := resp.JSON(t)["metadata"].(map[string]any); resp.Status != 200 || !maps.EqualFunc(got, items(128, "r"), func(a, b any) bool { return a == b }) {
		t.Errorf("replace at the limit: %d, %d items", resp.Status, len(got))
	}
}
