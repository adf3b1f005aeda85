package cli_test

import (
	"testing"
	"time"

	"novalite/internal/app/apptest"
)

// TestStatisticsAcrossProcesses: the leading controller analyzes a table
// whose planner statistics went stale (here 500 rows in a table never
// analyzed) within seconds, not at autovacuum's next visit (a minute;
// autovacuum's own runs set last_autoanalyze, not last_analyze).
func TestStatisticsAcrossProcesses(t *testing.T) {
	apptest.PostgresPass(t) // the roles run on PostgreSQL whatever the pass
	t.Parallel()
	d := &deployment{t: t, bin: binary, dsn: apptest.PostgresDatabase(t), agents: map[string]*proc{}}
	d.start(0, 1, 0)
	db := apptest.OpenPostgres(t, d.dsn)
	if _, err := db.Exec(`INSERT INTO server_changes (instance_uuid) SELECT 'stale-' || g FROM generate_series(1, 500) g`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var analyzed bool
		if err := db.QueryRow(`SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'server_changes'`).Scan(&analyzed); err != nil {
			t.Fatal(err)
		}
		if analyzed {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("server_changes not analyzed by the controller within 30 s of 500 rows written")
		}
	}
}
