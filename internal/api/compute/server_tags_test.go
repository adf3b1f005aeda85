package compute_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestServerTagsAPI(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	base := "/servers/" + s.id + "/tags"
	unknown := "6a1e8c1e-5b3b-4c7e-9f0a-1d2e3f4a5b6c"
	long := strings.Repeat("t", 61)
	tests := []struct {
		name, method, path, token, mv string
		body                          any
		status                        int
		msg                           string
		want                          []string // tags in the body of a 200
	}{
		{"below 2.26", "GET", base, s.demo, "2.25", nil, 404, "The resource could not be found.", nil},
		{"add below 2.26", "PUT", base + "/a", s.demo, "2.25", nil, 404, "The resource could not be found.", nil},
		{"empty list", "GET", base, s.reader, "2.26", nil, 200, "", []string{}},
		{"add", "PUT", base + "/blue", s.demo, "2.26", nil, 201, "", nil},
		{"add again", "PUT", base + "/blue", s.demo, "2.26", nil, 204, "", nil},
		{"add with null body", "PUT", base + "/green", s.demo, "2.26", "null", 201, "", nil},
		{"add with a body", "PUT", base + "/red", s.demo, "2.26", map[string]any{}, 400, "{} is not of type 'null'", nil},
		{"check present", "GET", base + "/blue", s.reader, "2.26", nil, 204, "", nil},
		{"check absent", "GET", base + "/red", s.reader, "2.26", nil, 404, "Server " + s.id + " has no tag 'red'", nil},
		{"list", "GET", base, s.reader, "2.26", nil, 200, "", []string{"blue", "green"}},
		{"add by reader", "PUT", base + "/x", s.reader, "2.26", nil, 403, denied("os_compute_api:os-server-tags:update"), nil},
		{"list by other project", "GET", base, s.other, "2.26", nil, 403, denied("os_compute_api:os-server-tags:index"), nil},
		{"check by other project", "GET", base + "/blue", s.other, "2.26", nil, 403, denied("os_compute_api:os-server-tags:show"), nil},
		{"add by other project", "PUT", base + "/x", s.other, "2.26", nil, 403, denied("os_compute_api:os-server-tags:update"), nil},
		{"replace by other project", "PUT", base, s.other, "2.26", map[string]any{"tags": []string{}}, 403,
			denied("os_compute_api:os-server-tags:update_all"), nil},
		{"delete by other project", "DELETE", base + "/blue", s.other, "2.26", nil, 403, denied("os_compute_api:os-server-tags:delete"), nil},
		{"delete all by other project", "DELETE", base, s.other, "2.26", nil, 403, denied("os_compute_api:os-server-tags:delete_all"), nil},
		{"delete all by reader", "DELETE", base, s.reader, "2.26", nil, 403, denied("os_compute_api:os-server-tags:delete_all"), nil},
		{"unknown server", "GET", "/servers/" + unknown + "/tags", s.demo, "2.26", nil, 404,
			"Instance " + unknown + " has no mapping to a cell.", nil},
		{"comma", "PUT", base + "/a,b", s.demo, "2.26", nil, 400,
			"Tag 'a,b' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: 'a,b' does not match '^[^,/]*$'", nil},
		{"too long", "PUT", base + "/" + long, s.demo, "2.26", nil, 400,
			"Tag '" + long + "' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: '" + long + "' is too long", nil},
		{"delete", "DELETE", base + "/blue", s.demo, "2.26", nil, 204, "", nil},
		{"delete absent", "DELETE", base + "/blue", s.demo, "2.26", nil, 404, "Instance " + s.id + " has no tag 'blue'", nil},
		{"replace", "PUT", base, s.demo, "2.26", map[string]any{"tags": []string{"z", "y", "z"}}, 200, "", []string{"y", "z"}},
		{"replace bad tag", "PUT", base, s.demo, "2.26", map[string]any{"tags": []string{"ok", "a,b"}}, 400,
			"Invalid input for field/attribute 1. Value: a,b. 'a,b' does not match '^[^,/]*$'", nil},
		{"replace empty tag", "PUT", base, s.demo, "2.26", map[string]any{"tags": []string{""}}, 400,
			"Invalid input for field/attribute 0. Value: . '' is too short", nil},
		{"replace 51", "PUT", base, s.demo, "2.26", map[string]any{"tags": tagList(51)}, 400, "", nil},
		{"replace no key", "PUT", base, s.demo, "2.26", map[string]any{}, 400, "'tags' is a required property", nil},
		{"admin of another project", "PUT", base + "/admins", s.admin, "2.26", nil, 201, "", nil},
		{"list after", "GET", base, s.demo, "2.26", nil, 200, "", []string{"admins", "y", "z"}},
		{"unknown query ignored at 2.102", "GET", base + "?foo=1", s.demo, "2.102", nil, 200, "", []string{"admins", "y", "z"}},
		{"delete all", "DELETE", base, s.demo, "2.26", nil, 204, "", nil},
		{"list emptied", "GET", base, s.demo, "2.26", nil, 200, "", []string{}},
	}
	for _, tt := range tests {
		resp := s.do(tt.method, tt.path, tt.token, tt.mv, tt.body)
		status, msg := fault(t, resp)
		expect(t, tt.name, tt.status, tt.msg, status, msg)
		if tt.want != nil && status == http.StatusOK {
			got := []string{}
			for _, v := range resp.JSON(t)["tags"].([]any) {
				got = append(got, v.(string))
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: tags %v, want %v", tt.name, got, tt.want)
			}
		}
		if tt.name == "add" {
			if loc, want := resp.Header.Get("Location"), s.srv.URL+"/compute/v2.1/servers/"+s.id+"/tags/blue"; loc != want {
				t.Errorf("Location %q, want %q", loc, want)
			}
		}
	}
	if tags := s.show(t, s.demo, s.id, "2.26")["tags"].([]any); len(tags) != 0 {
		t.Errorf("server view tags after delete all: %v", tags)
	}
}

func tagList(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("t%02d", i)
	}
	return out
}

func TestServerTagsLimitAndState(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	base := "/servers/" + s.id + "/tags"
	if resp := s.do("PUT", base, s.demo, "2.26", map[string]any{"tags": tagList(50)}); resp.Status != 200 {
		t.Fatalf("50 tags: %d %s", resp.Status, resp.Body)
	}
	const full = "The number of tags exceeded the per-server limit 50"
	status, msg := fault(t, s.do("PUT", base+"/one-more", s.demo, "2.26", nil))
	expect(t, "51st tag", 400, full, status, msg)
	// Nova counts before it looks: re-adding a present tag at the limit is refused too.
	status, msg = fault(t, s.do("PUT", base+"/t00", s.demo, "2.26", nil))
	expect(t, "present tag at the limit", 400, full, status, msg)

	if resp := s.do("DELETE", base, s.demo, "2.26", nil); resp.Status != 204 {
		t.Fatalf("delete all: %d %s", resp.Status, resp.Body)
	}

	// Writes need one of four vm_states, whatever the task, launched or
	// not, and ignore locks.
	s.lockAs(t, s.demo, s.id)
	writes := []struct{ action, method, path string }{
		{"update tag", "PUT", base + "/x"}, {"update tags", "PUT", base},
		{"delete tag", "DELETE", base + "/t01"}, {"delete tags", "DELETE", base},
	}
	states := []struct {
		vm, task string
		ok       bool
	}{
		{"building", "spawning", false}, {"error", "", false}, {"shelved_offloaded", "", false},
		{"stopped", "", true}, {"paused", "", true}, {"suspended", "", true}, {"active", "rebooting", true},
	}
	for _, st := range states {
		for _, w := range writes {
			s.setState(t, s.id, st.vm, st.task, false)
			_ = s.execSQL(`INSERT INTO instance_tags (instance_id, tag) SELECT id, 't01' FROM instances WHERE uuid = $1
				ON CONFLICT DO NOTHING`, s.id)
			var body any
			if w.action == "update tags" {
				body = map[string]any{"tags": []string{"t01"}}
			}
			status, msg := fault(t, s.do(w.method, w.path, s.demo, "2.26", body))
			label := st.vm + " " + w.action
			if st.ok {
				if status >= 400 {
					t.Errorf("%s: %d %q", label, status, msg)
				}
				continue
			}
			want := fmt.Sprintf("Cannot '%s' instance %s while it is in vm_state %s", w.action, s.id, st.vm)
			expect(t, label, 409, want, status, msg)
		}
	}
	// Reads work in any state.
	s.setState(t, s.id, "building", "spawning", false)
	status, msg = fault(t, s.do("GET", base, s.reader, "2.26", nil))
	expect(t, "list while building", 200, "", status, msg)

	// A deleted server still has its mapping: policy passes, then 404.
	if err := s.execSQL(`UPDATE instances SET deleted = TRUE, vm_state = 'deleted' WHERE uuid = $1`, s.id); err != nil {
		t.Fatal(err)
	}
	gone := "Instance " + s.id + " could not be found."
	status, msg = fault(t, s.do("GET", base, s.demo, "2.26", nil))
	expect(t, "list of a deleted server", 404, gone, status, msg)
	status, msg = fault(t, s.do("GET", base, s.other, "2.26", nil))
	expect(t, "other project, deleted server", 403, denied("os_compute_api:os-server-tags:index"), status, msg)
}
