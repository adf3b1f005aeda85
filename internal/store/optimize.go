package store

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// SQLite plans queries from the statistics ANALYZE leaves in sqlite_stat1;
// without them it takes any index that spares it a sort. A list filtered
// by reservation_id (how clients find the servers of a max_count create)
// then walks the project's created_at index and tests every server of the
// project: 100,000 rows for a page of 100. PRAGMA optimize gathers the
// statistics where tables have grown since, sampling a bounded number of
// rows per index (analysis_limit) so that it costs milliseconds whatever
// the table's size.
//
// PostgreSQL's autovacuum gathers its own, but looks at a database once a
// minute (autovacuum_naptime): a new database that a CI run or a burst of
// creates fills within that minute is planned from the statistics of an
// empty one. The same list then ANDed two bitmap indexes that match every
// server (vm_state, project) and filtered 20,000 rows by reservation_id,
// ~100 ms a call, while the harness polled its max_count creates. So the
// leading controller asks every few seconds which tables autovacuum would
// analyze now (its own threshold) and analyzes them itself
// (internal/app's statisticsJob).

// optimizeEvery is how many write commits pass between two refreshes.
const optimizeEvery = 4096

// analysisLimit bounds the rows ANALYZE reads per index.
const analysisLimit = 1000

// Optimize refreshes the planner's statistics of the tables that changed
// much since their last refresh.
func (db *DB) Optimize(ctx context.Context) error {
	if db.engine == Postgres {
		return db.analyzeStale(ctx)
	}
	select {
	case db.writeMu <- struct{}{}:
		defer func() { <-db.writeMu }()
	case <-ctx.Done():
		return unavailable(ctx.Err())
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return unavailable(err)
	}
	defer conn.Close()
	// 0x10002: also tables never analyzed, as SQLite advises at open.
	for _, q := range []string{`PRAGMA analysis_limit = ` + strconv.Itoa(analysisLimit), `PRAGMA optimize = 0x10002`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return mapErr(err)
		}
	}
	db.gen.stats.Add(1) // the read connections read the new statistics (readConnector)
	return nil
}

// staleTables lists the tables of the current schema that autovacuum would
// analyze now: changed rows past autovacuum_analyze_threshold (50) and
// autovacuum_analyze_scale_factor (0.1) of the rows the statistics count
// (none yet: -1).
const staleTables = `SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
	WHERE s.schemaname = current_schema() AND s.n_mod_since_analyze > 50 + 0.1 * GREATEST(c.reltuples, 0)`

// analyzeStale analyzes the stale tables (PostgreSQL). SKIP_LOCKED passes
// over a table that autovacuum or another process is analyzing meanwhile
// instead of waiting for it.
func (db *DB) analyzeStale(ctx context.Context) error {
	rows, err := db.write.QueryContext(ctx, staleTables)
	if err != nil {
		return mapErr(err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return mapErr(err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return mapErr(err)
	}
	for _, t := range tables {
		if _, err := db.write.ExecContext(ctx, `ANALYZE (SKIP_LOCKED) `+pgx.Identifier{t}.Sanitize()); err != nil {
			return mapErr(err)
		}
	}
	return nil
}
