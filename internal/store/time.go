package store

import (
	"database/sql"
	"time"
)

// Times are stored as integer microseconds since the Unix epoch in UTC:
// the same in SQLite and PostgreSQL (BIGINT), sortable, and exact to the
// microsecond that Nova's and Keystone's formats show.

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// nullMicros stores the zero time as NULL.
func nullMicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

func fromNullMicros(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromMicros(n.Int64)
}

// addChangedBetween filters col (stored microseconds) by Nova's
// changes-since and changes-before (zero = not given), both inclusive.
// The API shows whole seconds (floor), so that a timestamp read back from
// it finds the row it came from: changes-since compares the exact time
// (u >= s holds for s = floor(u), and a client's own sub-second clock
// reading before a change finds it, as novaclient's functional
// test_list_with_changes_since expects, and as Nova on PostgreSQL
// compares); changes-before compares the shown second (floor(u) <= b).
func addChangedBetween(w *where, col string, since, before time.Time) {
	if !since.IsZero() {
		w.add(col+` >= ?`, micros(since))
	}
	if !before.IsZero() {
		// floor(u) <= b  ⇔  u < b's second + 1 s.
		w.add(col+` < ?`, micros(before.Truncate(time.Second).Add(time.Second)))
	}
}
