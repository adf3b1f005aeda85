package compute_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// GET /os-migrations filters as Nova's database API does at every
// version (migration_type below 2.23 too, project_id below 2.80 too), and
// from 2.59 checks the query against Nova's schema.
func TestMigrationsQuery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Now().UnixMicro()
	for i, typ := range []string{"resize", "live-migration", "migration"} {
		project := "p1"
		if i == 2 {
			project = "p2"
		}
		if err := b.execSQL(`INSERT INTO migrations (uuid, instance_uuid, migration_type, status, old_flavor, new_flavor,
			project_id, user_id, created_at, updated_at) VALUES ($1, $2, $3, 'completed', '{}', '{}', $4, 'u', $5, $5)`,
			fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i), "00000000-0000-4000-8000-0000000000aa",
			typ, project, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		query, mv string
		status    int
		n         int
		msg       string
	}{
		{"", "2.1", 200, 3, ""},
		{"?migration_type=resize", "2.1", 200, 1, ""},
		{"?migration_type=live-migration", "2.22", 200, 1, ""},
		{"?migration_type=migration", "2.23", 200, 1, ""},
		{"?project_id=p1", "2.1", 200, 2, ""},
		{"?project_id=p2", "2.80", 200, 1, ""},
		{"?anything=1", "2.58", 200, 3, ""},
		{"?anything=1", "2.59", 400, 0, "Additional properties are not allowed ('anything' was unexpected)"},
		{"?project_id=p1", "2.79", 400, 0, "Additional properties are not allowed ('project_id' was unexpected)"},
		{"?changes-before=2026-01-01T00:00:00Z", "2.65", 400, 0, "Additional properties are not allowed ('changes-before' was unexpected)"},
	} {
		resp := b.do("GET", "/os-migrations"+tc.query, b.admin, tc.mv, nil)
		st, msg := fault(t, resp)
		if st != tc.status || msg != tc.msg {
			t.Errorf("%s at %s: %d %q, want %d %q", tc.query, tc.mv, st, msg, tc.status, tc.msg)
			continue
		}
		if st == http.StatusOK {
			if n := len(resp.JSON(t)["migrations"].([]any)); n != tc.n {
				t.Errorf("%s at %s: %d migrations, want %d", tc.query, tc.mv, n, tc.n)
			}
		}
	}
	// The schema is checked before the policy: a member's bad query is 400.
	if st, _ := fault(t, b.do("GET", "/os-migrations?bad=1", b.demo, "2.59", nil)); st != http.StatusBadRequest {
		t.Errorf("member, bad query: %d, want 400", st)
	}
	if st, _ := fault(t, b.do("GET", "/os-migrations", b.demo, "2.59", nil)); st != http.StatusForbidden {
		t.Errorf("member: %d, want 403", st)
	}
}

// From 2.59 os-migrations pages as Nova's do: newest first (created_at,
// then id), at most max_limit per page, a full page linking to the next
// by the last migration's uuid, an unknown marker 400 and limit=0 none.
// From 2.23 a live migration in progress links to its server's migration.
func TestMigrationsPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const server = "00000000-0000-4000-8000-0000000000bb"
	base := time.Now().Add(-time.Hour).UnixMicro()
	// Five migrations, the last two created in the same microsecond: the
	// id orders them. uuids[0] is the oldest.
	uuids := make([]string, 5)
	for i := range uuids {
		uuids[i] = fmt.Sprintf("00000000-0000-4000-8000-00000000010%d", i)
		typ, status := "resize", "completed"
		if i == 2 {
			typ, status = "live-migration", "running"
		}
		if i == 3 {
			typ = "live-migration"
		}
		created := base + int64(min(i, 3))*1000
		if err := b.execSQL(`INSERT INTO migrations (uuid, instance_uuid, migration_type, status, old_flavor, new_flavor,
			project_id, user_id, created_at, updated_at) VALUES ($1, $2, $3, $4, '{}', '{}', 'p', 'u', $5, $5)`,
			uuids[i], server, typ, status, created); err != nil {
			t.Fatal(err)
		}
	}
	list := func(t *testing.T, path, mv string) ([]string, map[string]any) {
		t.Helper()
		resp := b.do("GET", path, b.admin, mv, nil)
		if resp.Status != http.StatusOK {
			t.Fatalf("GET %s at %s: %d %s", path, mv, resp.Status, resp.Body)
		}
		body := resp.JSON(t)
		var got []string
		for _, m := range body["migrations"].([]any) {
			u, _ := m.(map[string]any)["uuid"].(string) // none before 2.59
			got = append(got, u)
		}
		return got, body
	}
	newest := []string{uuids[4], uuids[3], uuids[2], uuids[1], uuids[0]}

	// Page by page through the links, as a client follows them.
	var seen []string
	path := "/os-migrations?limit=2"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatalf("more than 3 pages: %v", seen)
		}
		got, body := list(t, path, "2.59")
		seen = append(seen, got...)
		path = ""
		if l, ok := body["migrations_links"].([]any); ok {
			link := l[0].(map[string]any)
			href := link["href"].(string)
			want := "/v2.1/os-migrations?limit=2&marker=" + got[len(got)-1]
			if link["rel"] != "next" || !strings.HasSuffix(href, want) {
				t.Fatalf("link %v, want rel next and an href ending %s", link, want)
			}
			path = href[strings.Index(href, "/os-migrations"):]
		}
	}
	if !slices.Equal(seen, newest) {
		t.Errorf("pages: %v, want %v", seen, newest)
	}

	for _, tc := range []struct {
		name, query, mv string
		want            []string
		links           bool
	}{
		{"no limit: one page of at most 1000, no link", "", "2.59", newest, false},
		{"a full page links to the next, even if it is empty", "?limit=5", "2.59", newest, true},
		{"a page that is not full has no link", "?limit=6", "2.59", newest, false},
		{"a marker alone", "?marker=" + uuids[3], "2.59", newest[2:], false},
		{"limit 0: none, the marker unread", "?limit=0&marker=nothing", "2.59", nil, false},
		{"before 2.59 limit and marker are ignored", "?limit=1&marker=nothing", "2.58", []string{"", "", "", "", ""}, false},
	} {
		got, body := list(t, "/os-migrations"+tc.query, tc.mv)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		if _, has := body["migrations_links"]; has != tc.links {
			t.Errorf("%s: migrations_links %v", tc.name, body["migrations_links"])
		}
	}

	for _, tc := range []struct {
		query, mv, msg string
	}{
		{"?marker=00000000-0000-4000-8000-000000000999", "2.59", "Marker 00000000-0000-4000-8000-000000000999 could not be found."},
		{"?changes-since=2026-01-02T00:00:00Z&changes-before=2026-01-01T00:00:00Z", "2.66",
			"The value of changes-since must be less than or equal to changes-before."},
		{"?limit=-1", "2.59", "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"},
	} {
		if st, msg := fault(t, b.do("GET", "/os-migrations"+tc.query, b.admin, tc.mv, nil)); st != http.StatusBadRequest || msg != tc.msg {
			t.Errorf("%s at %s: %d %q, want 400 %q", tc.query, tc.mv, st, msg, tc.msg)
		}
	}

	// The running live migration's links, from 2.23 only.
	for _, mv := range []string{"2.22", "2.23", "2.80"} {
		resp := b.do("GET", "/os-migrations", b.admin, mv, nil)
		for _, m := range resp.JSON(t)["migrations"].([]any) {
			m := m.(map[string]any)
			links, has := m["links"].([]any)
			running := m["status"] == "running"
			if has != (running && mv != "2.22") {
				t.Errorf("at %s, %s %s: links %v", mv, m["migration_type"], m["status"], m["links"])
			}
			if has {
				want := fmt.Sprintf("/servers/%s/migrations/%v", server, m["id"])
				self, bookmark := links[0].(map[string]any), links[1].(map[string]any)
				if self["rel"] != "self" || !strings.HasSuffix(self["href"].(string), "/v2.1"+want) ||
					bookmark["rel"] != "bookmark" || strings.Contains(bookmark["href"].(string), "/v2.1") ||
					!strings.HasSuffix(bookmark["href"].(string), want) {
					t.Errorf("at %s: links %v, want self and bookmark of %s", mv, links, want)
				}
			}
		}
	}
}

// A manager (Nova since 2026.1) lists the migrations of their own
// project by naming it, and their servers' live migrations, with the
// hosts' fields null; forcing and aborting pass the policy; a member
// does none of it. An admin sees the hosts.
func TestMigrationsManager(t *testing.T) {
	t.Parallel()
	b := setup(t)
	manager, project := b.srv.NewWithRole("mgr", "manager")
	id := b.create(t, manager, "mine", nil)
	now := time.Now().UnixMicro()
	for i, p := range []string{project, "someone-else"} {
		if err := b.execSQL(`INSERT INTO migrations (uuid, instance_uuid, migration_type, status, source_compute,
			source_node, dest_compute, dest_node, old_flavor, new_flavor, project_id, user_id, created_at, updated_at)
			VALUES ($1, $2, 'live-migration', 'running', 'h1', 'h1', 'h2', 'h2', '{}', '{}', $3, 'u', $4, $4)`,
			fmt.Sprintf("00000000-0000-4000-8000-00000000020%d", i), id, p, now); err != nil {
			t.Fatal(err)
		}
	}
	hosts := func(m any) []any {
		v := m.(map[string]any)
		return []any{v["source_compute"], v["source_node"], v["dest_compute"], v["dest_node"], v["dest_host"]}
	}
	for _, tc := range []struct {
		name, path, token string
		status, n         int
		withHosts         bool
	}{
		{"manager, own project", "/os-migrations?project_id=" + project, manager, 200, 1, false},
		{"manager, every project", "/os-migrations", manager, 403, 0, false},
		{"manager, another project", "/os-migrations?project_id=someone-else", manager, 403, 0, false},
		{"member", "/os-migrations?project_id=" + project, b.demo, 403, 0, false},
		{"admin", "/os-migrations", b.admin, 200, 2, true},
		{"manager, own server", "/servers/" + id + "/migrations", manager, 200, 2, false},
		{"admin, a server", "/servers/" + id + "/migrations", b.admin, 200, 2, true},
	} {
		resp := b.do("GET", tc.path, tc.token, "2.80", nil)
		if resp.Status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.Status, resp.Body, tc.status)
			continue
		}
		if tc.status != 200 {
			continue
		}
		list := resp.JSON(t)["migrations"].([]any)
		if len(list) != tc.n {
			t.Errorf("%s: %d migrations, want %d", tc.name, len(list), tc.n)
		}
		for _, m := range list {
			for _, h := range hosts(m) {
				if (h != nil) != tc.withHosts {
					t.Errorf("%s: hosts %v, want shown %v", tc.name, hosts(m), tc.withHosts)
					break
				}
			}
		}
	}
	// Aborting: the member's 403 is the policy's; the manager's answer is
	// the migration's (none of this server's is one the driver runs).
	path := "/servers/" + id + "/migrations/1"
	if st, _ := fault(t, b.do("DELETE", path, b.demo, "2.80", nil)); st != http.StatusNotFound {
		t.Errorf("member abort of another project's server: %d, want 404", st)
	}
	if st, _ := fault(t, b.do("DELETE", path, manager, "2.80", nil)); st == http.StatusForbidden {
		t.Errorf("manager abort: 403")
	}
}
