package network_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// TestListSort: sort_key/sort_dir order a list as Neutron's sorting
// extension does (then by id), pages continue after the marker's sort
// values, and a key the resource does not have or a direction other
// than asc/desc is Neutron's 400. The Terraform provider's subnet_ids
// data source lists with sort_key=name.
func TestListSort(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	netID, _ := netWithSubnet(t, srv, demo, "sorted", "10.75.0.0/24", 4)
	// Names out of creation order, two alike (ordered by id among them).
	for i, name := range []string{"b", "d", "a", "c", "a"} {
		do(t, srv, demo, "POST", "/v2.0/subnets", map[string]any{"subnet": map[string]any{
			"network_id": netID, "cidr": fmt.Sprintf("10.75.%d.0/24", i+1), "ip_version": 4, "name": name}}, 201)
	}
	subnets := func(query string) (names, ids []string, next string) {
		body := do(t, srv, demo, "GET", "/v2.0/subnets?network_id="+netID+"&"+query, nil, 200)
		for _, it := range list(body, "subnets") {
			m := it.(map[string]any)
			names = append(names, m["name"].(string))
			ids = append(ids, m["id"].(string))
		}
		if links, ok := body["subnets_links"].([]any); ok {
			next = links[0].(map[string]any)["href"].(string)
		}
		return names, ids, next
	}
	_, all, _ := subnets("sort_key=name&sort_dir=asc")
	for _, tc := range []struct {
		name, query, want string
	}{
		{"by name", "sort_key=name&sort_dir=asc", "a a b c d sorted-subnet"},
		{"by name, descending", "sort_key=name&sort_dir=desc", "sorted-subnet d c b a a"},
		{"by cidr, descending", "sort_key=cidr&sort_dir=desc", "a c a d b sorted-subnet"},
		{"two keys", "sort_key=ip_version&sort_dir=asc&sort_key=name&sort_dir=desc", "sorted-subnet d c b a a"},
		{"a page", "sort_key=name&sort_dir=asc&limit=3", "a a b"},
		{"after the second a", "sort_key=name&sort_dir=asc&limit=3&marker=" + all[1], "b c d"},
		{"after the first a", "sort_key=name&sort_dir=asc&marker=" + all[0], "a b c d sorted-subnet"},
		{"descending after c", "sort_key=name&sort_dir=desc&marker=" + all[3], "b a a"},
	} {
		if got, _, _ := subnets(tc.query); strings.Join(got, " ") != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, got, tc.want)
		}
	}
	// The next link of a sorted page keeps the sort.
	if _, _, next := subnets("sort_key=name&sort_dir=desc&limit=2"); !strings.Contains(next, "sort_key=name") || !strings.Contains(next, "sort_dir=desc") {
		t.Errorf("next link %q lost the sort", next)
	}
	for _, tc := range []struct {
		path, message string
	}{
		{"/v2.0/subnets?sort_key=name", "The number of sort_keys and sort_dirs must be same"},
		{"/v2.0/subnets?sort_key=name&sort_dir=up", "['up'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'"},
		{"/v2.0/networks?sort_key=colour&sort_dir=asc", "['colour'] is invalid attribute for sort_keys"},
		{"/v2.0/ports?sort_key=name&sort_dir=asc&sort_key=size&sort_dir=desc", "['size'] is invalid attribute for sort_keys"},
	} {
		if got := neutronError(t, srv, demo, "GET", tc.path, nil, 400, "HTTPBadRequest"); got != tc.message {
			t.Errorf("%s: %q, want %q", tc.path, got, tc.message)
		}
	}
	// Every list takes a sort over its own fields.
	for _, tc := range []struct{ path, coll string }{{"/v2.0/networks", "networks"}, {"/v2.0/ports", "ports"},
		{"/v2.0/security-groups", "security_groups"}, {"/v2.0/security-group-rules", "security_group_rules"},
		{"/v2.0/routers", "routers"}, {"/v2.0/floatingips", "floatingips"}} {
		items := list(do(t, srv, demo, "GET", tc.path+"?sort_key=id&sort_dir=desc", nil, 200), tc.coll)
		for i := 1; i < len(items); i++ {
			if a, b := items[i-1].(map[string]any)["id"].(string), items[i].(map[string]any)["id"].(string); a < b {
				t.Errorf("%s by id, descending: %s before %s", tc.path, a, b)
			}
		}
	}
}

// TestListSortNullKey: a sort key some rows hold no value for (a rule's
// protocol) sorts NULL lowest, as Neutron on MySQL, and pages walked by
// marker from such a row go on to the end, on both engines.
func TestListSortNullKey(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	sg := do(t, srv, demo, "POST", "/v2.0/security-groups", map[string]any{"security_group": map[string]any{"name": "nulls"}}, 201)
	sgID := sg["security_group"].(map[string]any)["id"].(string)
	for _, proto := range []string{"udp", "tcp", "icmp"} { // beside the two egress rules of no protocol
		do(t, srv, demo, "POST", "/v2.0/security-group-rules", map[string]any{"security_group_rule": map[string]any{
			"security_group_id": sgID, "direction": "ingress", "protocol": proto}}, 201)
	}
	page := func(query string) (protos, ids []string) {
		body := do(t, srv, demo, "GET", "/v2.0/security-group-rules?security_group_id="+sgID+"&"+query, nil, 200)
		for _, it := range list(body, "security_group_rules") {
			m := it.(map[string]any)
			p, _ := m["protocol"].(string)
			protos = append(protos, cmp.Or(p, "-"))
			ids = append(ids, m["id"].(string))
		}
		return protos, ids
	}
	for _, tc := range []struct{ dir, want string }{{"asc", "- - icmp tcp udp"}, {"desc", "udp tcp icmp - -"}} {
		sort := "sort_key=protocol&sort_dir=" + tc.dir
		protos, all := page(sort)
		if got := strings.Join(protos, " "); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.dir, got, tc.want)
		}
		var walked []string
		for marker := ""; len(walked) <= len(all); {
			q := sort + "&limit=1"
			if marker != "" {
				q += "&marker=" + marker
			}
			_, ids := page(q)
			if len(ids) == 0 {
				break
			}
			walked = append(walked, ids...)
			marker = ids[0]
		}
		if !slices.Equal(walked, all) {
			t.Errorf("%s, one per page by marker: %v, want %v", tc.dir, walked, all)
		}
	}
}
