package cli_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// TestRolesRefuseForeignSchema starts each role of a deployment on a
// database that was never migrated and on one migrated by a newer
// binary: each must exit at once with a message that says what to do,
// and never touch the schema.
func TestRolesRefuseForeignSchema(t *testing.T) {
	apptest.PostgresPass(t) // the roles run on PostgreSQL whatever the pass
	t.Parallel()
	bin := build(t)
	empty := apptest.PostgresDatabase(t)
	newer := apptest.PostgresDatabase(t)
	run(t, bin, "migrate", "--database", newer, "--data-dir", t.TempDir())
	db := apptest.OpenPostgres(t, newer)
	if _, err := db.ExecContext(context.Background(),
		`INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	roles := [][]string{{"api", "--listen", "127.0.0.1:0"}, {"agent", "--host", "h1"}, {"controller"}}
	for _, tc := range []struct {
		name, dsn, want string
	}{
		{"unmigrated", empty, "run `novalite migrate"},
		{"newer", newer, "newer than this binary knows"},
	} {
		for _, role := range roles {
			t.Run(tc.name+"/"+role[0], func(t *testing.T) {
				args := append(append([]string{}, role...), "--database", tc.dsn, "--data-dir", t.TempDir())
				out, err := exec.Command(bin, args...).CombinedOutput()
				if err == nil {
					t.Fatalf("novalite %s started on a %s database:\n%s", role[0], tc.name, out)
				}
				if !strings.Contains(string(out), tc.want) {
					t.Errorf("novalite %s on a %s database said %q, want it to mention %q", role[0], tc.name, out, tc.want)
				}
			})
		}
	}
	var tables int
	edb := apptest.OpenPostgres(t, empty)
	if err := edb.QueryRow(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("the refused roles made %d tables in the unmigrated database", tables)
	}
}
