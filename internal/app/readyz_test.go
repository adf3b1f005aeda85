package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// /readyz is 200 while the database answers with exactly this binary's
// migrations, and 503 with the reason once a newer binary has migrated
// the database (this replica must be rolled); /healthz, for load
// balancers, still answers 200 then.
func TestReadyz(t *testing.T) {
	s := apptest.Start(t)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/readyz"); code != 200 || body != "ready\n" {
		t.Fatalf("/readyz on a current schema = %d %q", code, body)
	}
	if err := s.ExecSQL(`INSERT INTO schema_migrations (version, name) VALUES (99999, 'future.sql')`); err != nil {
		t.Fatal(err)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "newer than this binary") {
		t.Errorf("/readyz on a newer schema = %d %q, want 503 naming the migration", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz on a newer schema = %d, want 200", code)
	}
}
