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
// Nova's database keeps whole seconds, and the API shows them, so the
// stored time is compared as its whole second: a timestamp read back
// from the API then finds the row it came from.
func addChangedBetween(w *where, col string, since, before time.Time) {
	if !since.IsZero() {
		// floor(u) >= s  ⇔  u >= s rounded up to its second.
		s := since.Truncate(time.Second)
		if s.Before(since) {
			s = s.Add(time.Second)
		}
		w.add(col+` >= ?`, micros(s))
	}
	if !before.IsZero() {
		// floor(u) <= b  ⇔  u < b's second + 1 s.
		w.add(col+` < ?`, micros(before.Truncate(time.Second).Add(time.Second)))
	}
}
