package store

import (
	"context"
	"strconv"
)

// SQLite plans queries from the statistics ANALYZE leaves in sqlite_stat1;
// without them it takes any index that spares it a sort. A list filtered
// by reservation_id (how clients find the servers of a max_count create)
// then walks the project's created_at index and tests every server of the
// project: 100,000 rows for a page of 100. PRAGMA optimize gathers the
// statistics where tables have grown since, sampling a bounded number of
// rows per index (analysis_limit) so that it costs milliseconds whatever
// the table's size. PostgreSQL's autovacuum keeps its own.

// optimizeEvery is how many write commits pass between two refreshes.
const optimizeEvery = 4096

// analysisLimit bounds the rows ANALYZE reads per index.
const analysisLimit = 1000

// Optimize refreshes SQLite's planner statistics (nothing on PostgreSQL).
func (db *DB) Optimize(ctx context.Context) error {
	if db.engine != SQLite {
		return nil
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
