package compute_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestListServerFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	before := time.Now().UTC().Add(-time.Second).Format(time.RFC3339)
	web1 := b.create(t, b.demo, "web1", map[string]any{"tags": []any{"a", "b"}})
	b.create(t, b.demo, "web11", map[string]any{"tags": []any{"a"}})
	db1 := b.create(t, b.demo, "db1", map[string]any{"flavorRef": "42"})
	b.launch(t, web1)
	b.create(t, b.admin, "adminvm", nil)
	// db1 is locked, and web1 has a task that shows as REBOOT.
	if r := b.do("POST", "/servers/"+db1+"/action", b.demo, "2.73", map[string]any{"lock": nil}); r.Status != 202 {
		t.Fatalf("lock: %d %s", r.Status, r.Body)
	}
	tests := []struct {
		name, token, mv, query string
		want                   []string // names, or nil with wantStatus
		wantStatus             int
		wantMsg                string
	}{
		{"default own project", b.demo, "2.1", "", []string{"db1", "web1", "web11"}, 200, ""},
		{"admin own project", b.admin, "2.1", "", []string{"adminvm"}, 200, ""},
		{"admin all_tenants", b.admin, "2.1", "all_tenants=1", []string{"adminvm", "db1", "web1", "web11"}, 200, ""},
		{"admin all_tenants no value", b.admin, "2.1", "all_tenants", []string{"adminvm", "db1", "web1", "web11"}, 200, ""},
		{"admin all_tenants false", b.admin, "2.1", "all_tenants=no", []string{"adminvm"}, 200, ""},
		{"all_tenants bad value", b.admin, "2.1", "all_tenants=maybe", nil, 400,
			"Invalid input received: Unrecognized value 'maybe', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"},
		{"member all_tenants", b.demo, "2.1", "all_tenants=1", nil, 403,
			"Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed."},
		{"name regex unanchored", b.demo, "2.1", "name=eb1", []string{"web1", "web11"}, 200, ""},
		{"name regex anchored", b.demo, "2.1", "name=^web1$", []string{"web1"}, 200, ""},
		{"name empty", b.demo, "2.1", "name=", nil, 400, "Invalid input for query parameters name. Value: . '' is not a 'regex'"},
		{"flavor exact", b.demo, "2.1", "flavor=42", []string{"db1"}, 200, ""},
		{"flavor unknown", b.demo, "2.1", "flavor=nope", []string{}, 200, ""},
		{"image exact", b.demo, "2.1", "image=" + b.image, []string{"db1", "web1", "web11"}, 200, ""},
		{"status ACTIVE", b.demo, "2.1", "status=ACTIVE", []string{"web1"}, 200, ""},
		{"status build lower", b.demo, "2.1", "status=build", []string{"db1", "web11"}, 200, ""},
		{"status repeated", b.demo, "2.1", "status=BUILD&status=ACTIVE", []string{"db1", "web1", "web11"}, 200, ""},
		{"status invalid 2.38", b.demo, "2.38", "status=FOO", nil, 400, "Invalid status value"},
		{"status invalid 2.37", b.demo, "2.37", "status=FOO", []string{}, 200, ""},
		{"status DELETED member", b.demo, "2.1", "status=DELETED", nil, 403, "Only administrators may list deleted instances"},
		{"tags all", b.demo, "2.26", "tags=a,b", []string{"web1"}, 200, ""},
		{"tags any", b.demo, "2.26", "tags-any=a,b", []string{"web1", "web11"}, 200, ""},
		{"not-tags", b.demo, "2.26", "not-tags=a,b", []string{"db1", "web11"}, 200, ""},
		{"not-tags-any", b.demo, "2.26", "not-tags-any=a", []string{"db1"}, 200, ""},
		{"tags ignored below 2.26", b.demo, "2.25", "tags=a,b", []string{"db1", "web1", "web11"}, 200, ""},
		{"locked 2.73", b.demo, "2.73", "locked=true", []string{"db1"}, 200, ""},
		{"locked bad", b.demo, "2.73", "locked=maybe", nil, 400,
			"Invalid input received: Unrecognized value 'maybe', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"},
		{"vm_state ignored for member below 2.83", b.demo, "2.82", "vm_state=active", []string{"db1", "web1", "web11"}, 200, ""},
		{"vm_state member 2.83", b.demo, "2.83", "vm_state=active", []string{"web1"}, 200, ""},
		{"vm_state admin", b.admin, "2.1", "all_tenants=1&vm_state=active", []string{"web1"}, 200, ""},
		{"host ignored for member", b.demo, "2.1", "host=host1", []string{"db1", "web1", "web11"}, 200, ""},
		{"host admin", b.admin, "2.1", "all_tenants=1&host=host1", []string{"web1"}, 200, ""},
		{"node regex admin", b.admin, "2.1", "all_tenants=1&node=ost", []string{"web1"}, 200, ""},
		{"uuid admin", b.admin, "2.1", "all_tenants=1&uuid=" + db1, []string{"db1"}, 200, ""},
		{"project_id needs all_tenants", b.admin, "2.1", "project_id=x", []string{"adminvm"}, 200, ""},
		{"changes-since", b.demo, "2.1", "changes-since=" + url.QueryEscape(before), []string{"db1", "web1", "web11"}, 200, ""},
		{"changes-since future", b.demo, "2.1", "changes-since=2999-01-01T00:00:00Z", []string{}, 200, ""},
		{"changes-since bad", b.demo, "2.1", "changes-since=yesterday", nil, 400,
			"Invalid input for query parameters changes-since. Value: yesterday. 'yesterday' is not a 'date-time'"},
		{"changes-before < since", b.demo, "2.66", "changes-since=2020-01-02T00:00:00Z&changes-before=2020-01-01T00:00:00Z", nil, 400,
			"The value of changes-since must be less than or equal to changes-before."},
		{"unknown param 2.74", b.demo, "2.74", "foo=1", []string{"db1", "web1", "web11"}, 200, ""},
		{"unknown param 2.75", b.demo, "2.75", "foo=1", nil, 400, "Additional properties are not allowed ('foo' was unexpected)"},
		{"joined table admin", b.admin, "2.1", "metadata=x", nil, 400, "Invalid filter field: metadata."},
		{"joined table member ignored", b.demo, "2.1", "metadata=x", []string{"db1", "web1", "web11"}, 200, ""},
		{"ip without ports", b.demo, "2.1", "ip=10.0", []string{}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/servers?", "/servers/detail?"} {
				resp := b.do("GET", path+tt.query, tt.token, tt.mv, nil)
				status, msg := fault(t, resp)
				wantMsg := tt.wantMsg
				if path == "/servers?" {
					wantMsg = strings.Replace(wantMsg, "servers:detail:", "servers:index:", 1)
				}
				if status != tt.wantStatus || (wantMsg != "" && msg != wantMsg) {
					t.Fatalf("%s: got %d %q\nwant %d %q", path, status, msg, tt.wantStatus, wantMsg)
				}
				if tt.want == nil {
					continue
				}
				if got := names(t, resp); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
					t.Errorf("%s: names = %v, want %v", path, got, tt.want)
				}
			}
		})
	}
}

func TestListServerSortAndPaging(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, n := range []string{"c", "a", "b", "e", "d"} {
		b.create(t, b.demo, n, nil)
	}
	order := func(r interface {
		JSON(testing.TB) map[string]any
	}) []string {
		var out []string
		for _, s := range r.JSON(t)["servers"].([]any) {
			out = append(out, s.(map[string]any)["name"].(string))
		}
		return out
	}
	sorts := []struct {
		name, token, mv, query string
		want                   []string
		wantStatus             int
		wantMsg                string
	}{
		{"default created desc", b.demo, "2.1", "", []string{"d", "e", "b", "a", "c"}, 200, ""},
		{"name asc", b.demo, "2.1", "sort_key=display_name&sort_dir=asc", []string{"a", "b", "c", "d", "e"}, 200, ""},
		{"name default dir desc", b.demo, "2.1", "sort_key=display_name", []string{"e", "d", "c", "b", "a"}, 200, ""},
		{"two keys", b.demo, "2.1", "sort_key=vm_state&sort_key=display_name&sort_dir=asc&sort_dir=asc", []string{"a", "b", "c", "d", "e"}, 200, ""},
		{"ignored key below 2.75", b.demo, "2.74", "sort_key=vcpus&sort_dir=asc", []string{"d", "e", "b", "a", "c"}, 200, ""},
		{"ignored key 2.75", b.demo, "2.75", "sort_key=vcpus", nil, 400, ""},
		{"unknown key", b.demo, "2.1", "sort_key=foo", nil, 400, ""},
		{"host by member", b.demo, "2.1", "sort_key=host", nil, 403, "Only administrators can sort servers by host"},
		{"node by member", b.demo, "2.1", "sort_key=node", nil, 403, "Only administrators can sort servers by node"},
		{"host by admin", b.admin, "2.1", "sort_key=host&all_tenants=1", []string{"d", "e", "b", "a", "c"}, 200, ""},
		{"bad dir", b.demo, "2.1", "sort_key=display_name&sort_dir=up", nil, 400,
			"Invalid input received: Unknown sort direction, must be 'desc' or 'asc'"},
		{"more dirs than keys", b.demo, "2.1", "sort_key=display_name&sort_dir=asc&sort_dir=asc", nil, 400,
			"Invalid input received: Sort direction size exceeds sort key size"},
	}
	for _, tt := range sorts {
		t.Run(tt.name, func(t *testing.T) {
			resp := b.do("GET", "/servers?"+tt.query, tt.token, tt.mv, nil)
			status, msg := fault(t, resp)
			if status != tt.wantStatus || (tt.wantMsg != "" && msg != tt.wantMsg) {
				t.Fatalf("got %d %q, want %d %q", status, msg, tt.wantStatus, tt.wantMsg)
			}
			if tt.want != nil && !slices.Equal(order(resp), tt.want) {
				t.Errorf("order = %v, want %v", order(resp), tt.want)
			}
		})
	}
	t.Run("pages", func(t *testing.T) {
		var got []string
		path := "/servers/detail?limit=2&sort_key=display_name&sort_dir=asc"
		for pages := 0; path != ""; pages++ {
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			resp := b.do("GET", path, b.demo, "2.1", nil)
			if resp.Status != 200 {
				t.Fatalf("%s: %d %s", path, resp.Status, resp.Body)
			}
			got = append(got, order(resp)...)
			path = ""
			if links, ok := resp.JSON(t)["servers_links"].([]any); ok {
				href := links[0].(map[string]any)["href"].(string)
				if !strings.Contains(href, "/compute/v2.1/servers/detail?limit=2&") || !strings.Contains(href, "marker=") {
					t.Fatalf("next = %s", href)
				}
				path = href[strings.Index(href, "/servers/detail"):]
			}
		}
		if want := []string{"a", "b", "c", "d", "e"}; !slices.Equal(got, want) {
			t.Errorf("paged = %v, want %v", got, want)
		}
	})
	t.Run("full last page has a next link", func(t *testing.T) {
		resp := b.do("GET", "/servers?limit=5", b.demo, "2.1", nil)
		if _, ok := resp.JSON(t)["servers_links"]; !ok {
			t.Error("no servers_links on a full page")
		}
		resp = b.do("GET", "/servers?limit=6", b.demo, "2.1", nil)
		if _, ok := resp.JSON(t)["servers_links"]; ok {
			t.Error("servers_links on a partial page")
		}
		if n := len(order(b.do("GET", "/servers?limit=0", b.demo, "2.1", nil))); n != 0 {
			t.Errorf("limit=0 gave %d servers", n)
		}
	})
	t.Run("bad marker and limit", func(t *testing.T) {
		status, msg := fault(t, b.do("GET", "/servers?marker=nope", b.demo, "2.1", nil))
		if status != 400 || msg != "marker [nope] not found" {
			t.Errorf("marker: %d %q", status, msg)
		}
		if status, _ := fault(t, b.do("GET", "/servers?limit=-1", b.demo, "2.1", nil)); status != http.StatusBadRequest {
			t.Errorf("limit=-1: %d", status)
		}
	})
}

// A list's detailed view reads fewer columns than show (only those it can
// show at the microversion, for the caller): each server in it is still
// show's view of it, but for server_groups, which only show has (2.71+).
func TestListDetailIsShow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if r := b.do("POST", "/os-keypairs", b.demo, "2.1", map[string]any{"keypair": map[string]any{"name": "k1"}}); r.Status != 200 {
		t.Fatalf("keypair: %d %s", r.Status, r.Body)
	}
	r := b.do("POST", "/os-server-groups", b.demo, "2.64", map[string]any{"server_group": map[string]any{"name": "g", "policy": "anti-affinity"}})
	if r.Status != 200 {
		t.Fatalf("server group: %d %s", r.Status, r.Body)
	}
	group := r.JSON(t)["server_group"].(map[string]any)["id"].(string)
	r = b.do("POST", "/servers", b.demo, "2.100", map[string]any{"server": map[string]any{"name": "full", "imageRef": b.image,
		"flavorRef": "1", "networks": "none", "key_name": "k1", "user_data": "aGVsbG8=", "trusted_image_certificates": []any{"c1"},
		"metadata": map[string]any{"role": "web"}, "tags": []any{"t1"}}, "os:scheduler_hints": map[string]any{"group": group}})
	if r.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	id := r.JSON(t)["server"].(map[string]any)["id"].(string)
	b.launch(t, id)
	if err := b.execSQL(`UPDATE instances SET image_properties = '{"os_distro": "cirros"}' WHERE uuid = $1`, id); err != nil {
		t.Fatal(err)
	}
	b.create(t, b.demo, "plain", nil)
	full := b.show(t, b.admin, id, "2.100")
	for _, k := range []string{"OS-EXT-SRV-ATTR:user_data", "trusted_image_certificates", "scheduler_hints", "server_groups", "key_name"} {
		if v, ok := full[k]; !ok || v == nil || fmt.Sprint(v) == "map[]" || fmt.Sprint(v) == "[]" {
			t.Fatalf("show at 2.100 has %s = %v: the comparison below would not check it", k, v)
		}
	}
	if props := full["image"].(map[string]any)["properties"]; fmt.Sprint(props) != "map[os_distro:cirros]" {
		t.Fatalf("show at 2.100 has image properties %v", props)
	}
	for _, mv := range []string{"2.1", "2.3", "2.16", "2.19", "2.26", "2.47", "2.63", "2.71", "2.73", "2.96", "2.98", "2.100"} {
		for _, who := range []struct{ name, token, query string }{{"admin", b.admin, "?all_tenants=1"}, {"member", b.demo, ""}} {
			t.Run(mv+"/"+who.name, func(t *testing.T) {
				r := b.do("GET", "/servers/detail"+who.query, who.token, mv, nil)
				if r.Status != 200 {
					t.Fatalf("detail: %d %s", r.Status, r.Body)
				}
				var listed map[string]any
				for _, s := range r.JSON(t)["servers"].([]any) {
					if s := s.(map[string]any); s["id"] == id {
						listed = s
					}
				}
				show := b.show(t, who.token, id, mv)
				delete(show, "server_groups")
				if !reflect.DeepEqual(listed, show) {
					got, _ := json.MarshalIndent(listed, "", " ")
					want, _ := json.MarshalIndent(show, "", " ")
					t.Errorf("listed\n%s\nshow\n%s", got, want)
				}
			})
		}
	}
}
