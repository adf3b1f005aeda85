package store

import "context"

// The few places where SQLite and PostgreSQL need different SQL.

// jsonArrayHas is a condition true when the JSON array text in col holds
// the string bound to the next placeholder ("?" for where.add).
func (tx *Tx) jsonArrayHas(col string) string {
	if tx.engine == Postgres {
		return `jsonb_exists(` + col + `::jsonb, ?)`
	}
	return `EXISTS (SELECT 1 FROM json_each(` + col + `) WHERE json_each.value = ?)`
}

// jsonObjectValue is an expression for the value of key in the JSON
// object text in col (key is bound to the next placeholder), as text.
func (tx *Tx) jsonObjectValue(col string) string {
	if tx.engine == Postgres {
		return `(` + col + `::jsonb ->> ?)`
	}
	return `(SELECT json_each.value FROM json_each(` + col + `) WHERE json_each.key = ?)`
}

// inJSON is "col IN (…)" for a list of any length bound as one JSON
// array: SQLite's parser is quadratic in numbered placeholders, so a
// page of 1,000 servers must not become 1,000 of them. ints says the
// column is an integer (PostgreSQL compares typed values). PostgreSQL
// gets "col = ANY(ARRAY(…))": it guesses 100 values for an IN over a
// set-returning function and, with statistics, hashed a scan of the
// whole table for a batch's update; an array it guesses at 10 and looks
// the values up (TestBatchUpdatePlan).
func (tx *Tx) inJSON(col string, w *where, values any, ints bool) string {
	ph := w.arg(jsonText(values))
	if tx.engine == Postgres {
		elem := `jsonb_array_elements_text(` + ph + `::jsonb)`
		if ints {
			elem = `(` + elem + `)::bigint`
		}
		return col + ` = ANY(ARRAY(SELECT ` + elem + `))`
	}
	return col + ` IN (SELECT value FROM json_each(` + ph + `))`
}

// fromJSON is the FROM clause of table (with its alias) and a condition
// for WHERE, which together keep the rows whose col is one of values
// (distinct: a value twice would join its rows twice). On SQLite the
// values' json_each drives a join on col's index (CROSS JOIN keeps it
// outermost): inJSON's IN first copies every value into a temporary
// B-tree, which was 14 % of a page of 1,000 servers' CPU and a B-tree
// opened and created for each of a show's single-server reads.
// PostgreSQL keeps inJSON.
func (tx *Tx) fromJSON(table, col string, w *where, values any, ints bool) (from, cond string) {
	if tx.engine == Postgres {
		return table, tx.inJSON(col, w, values, ints)
	}
	ph := w.arg(jsonText(values))
	// The subquery (flattened by SQLite) names the one column it adds,
	// so that table's own columns need no qualifying.
	return `(SELECT value AS json_id FROM json_each(` + ph + `)) AS ids CROSS JOIN ` + table +
		` ON ` + col + ` = ids.json_id`, `TRUE`
}

// NetworkLockForAllocation makes IP allocations on a network take turns
// until tx ends. SQLite has one writer at a time already; PostgreSQL
// locks the network's row (NO KEY UPDATE: it does not conflict with the
// key-share locks that inserting ports of the network takes, so two
// allocations cannot deadlock).
func (tx *Tx) NetworkLockForAllocation(ctx context.Context, networkID string) error {
	if tx.engine != Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, `SELECT id FROM networks WHERE id = $1 FOR NO KEY UPDATE`, networkID)
	return err
}
