package compute_test

import (
	"fmt"
	"net/http"
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
