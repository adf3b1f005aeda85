package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"novalite"
)

// A state dump is every row of the cloud's tables as JSON, for the
// control API's export, import and reset. It leaves out what belongs to
// the running processes rather than to the cloud: the schema record, the
// Fernet keys and revocation events (tokens stay valid across an
// import), the compute hosts (registered by their agents), host calls,
// the clock, the snapshots themselves, the quota usage rows (kept by
// triggers as the servers and groups are deleted and inserted) and the
// server change log (written by triggers as the rows are, read by the
// processes' view caches).
var notState = map[string]bool{
	"schema_migrations": true, "fernet_keys": true, "token_revocations": true, "revocation_events": true,
	"identity_epoch": true, "compute_nodes": true, "host_calls": true, "clock_offset": true,
	"control_snapshots": true, "quota_usages": true, "server_changes": true, "server_changes_pruned": true,
}

// State is a dump: the rows of each table, each row a JSON object of
// column to value, in the engine's own representation.
type State struct {
	Engine string                       `json:"engine"`
	Schema int                          `json:"schema"`
	Tables map[string][]json.RawMessage `json:"tables"`
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// stateTables returns the tables of a dump, parents before the tables
// whose foreign keys point at them.
func (tx *Tx) stateTables(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	fk := `SELECT m.name, f."table" FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`
	if tx.engine == Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
		fk = `SELECT c.relname, p.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
			JOIN pg_class p ON p.oid = k.confrelid WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`
	}
	names, err := rawCollect(ctx, tx, func(r *sql.Rows) (string, error) {
		var s string
		err := r.Scan(&s)
		return s, err
	}, q)
	if err != nil {
		return nil, mapErr(err)
	}
	parents := map[string][]string{}
	type edge struct{ child, parent string }
	edges, err := rawCollect(ctx, tx, func(r *sql.Rows) (edge, error) {
		var e edge
		err := r.Scan(&e.child, &e.parent)
		return e, err
	}, fk)
	if err != nil {
		return nil, mapErr(err)
	}
	for _, e := range edges {
		if e.child != e.parent {
			parents[e.child] = append(parents[e.child], e.parent)
		}
	}
	slices.Sort(names)
	var out []string
	done := map[string]bool{}
	var visit func(string, int) error
	visit = func(t string, depth int) error {
		if done[t] {
			return nil
		}
		if depth > len(names) {
			return fmt.Errorf("foreign keys form a cycle at %s", t)
		}
		for _, p := range parents[t] {
			if err := visit(p, depth+1); err != nil {
				return err
			}
		}
		done[t] = true
		if !notState[t] {
			out = append(out, t)
		}
		return nil
	}
	for _, t := range names {
		if err := visit(t, 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// columns returns the columns of a table, in order.
func (tx *Tx) columns(ctx context.Context, table string) ([]string, error) {
	q := `SELECT name FROM pragma_table_info($1) ORDER BY cid`
	if tx.engine == Postgres {
		q = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`
	}
	cols, err := rawCollect(ctx, tx, func(r *sql.Rows) (string, error) {
		var s string
		err := r.Scan(&s)
		return s, err
	}, q, table)
	return cols, mapErr(err)
}

// StateExport dumps the cloud's tables.
func (tx *Tx) StateExport(ctx context.Context, schema int) (State, error) {
	st := State{Engine: string(tx.engine), Schema: schema, Tables: map[string][]json.RawMessage{}}
	tables, err := tx.stateTables(ctx)
	if err != nil {
		return st, err
	}
	for _, t := range tables {
		q := `SELECT row_to_json(t)::text FROM ` + quoteIdent(t) + ` t ORDER BY 1`
		if tx.engine != Postgres {
			cols, err := tx.columns(ctx, t)
			if err != nil {
				return st, err
			}
			parts := make([]string, len(cols))
			for i, c := range cols {
				parts[i] = "'" + strings.ReplaceAll(c, "'", "''") + "', " + quoteIdent(c)
			}
			q = `SELECT json_object(` + strings.Join(parts, ", ") + `) FROM ` + quoteIdent(t) + ` ORDER BY rowid`
		}
		rows, err := rawCollect(ctx, tx, func(r *sql.Rows) (json.RawMessage, error) {
			var s string
			err := r.Scan(&s)
			return json.RawMessage(s), err
		}, q)
		if err != nil {
			return st, mapErr(err)
		}
		st.Tables[t] = rows
	}
	return st, nil
}

// StateImport replaces the cloud's tables with st's rows, in this
// transaction: a dump of another engine or schema is refused, and a row
// that does not fit leaves the cloud as it was.
func (tx *Tx) StateImport(ctx context.Context, st State, schema int) error {
	if st.Engine != string(tx.engine) || st.Schema != schema {
		return novalite.Errorf(novalite.Invalid, "Invalid state: made by engine %q at schema %d; this cloud is %q at schema %d.",
			st.Engine, st.Schema, string(tx.engine), schema)
	}
	tables, err := tx.stateTables(ctx)
	if err != nil {
		return err
	}
	for t := range st.Tables {
		if !slices.Contains(tables, t) {
			return novalite.Errorf(novalite.Invalid, "Invalid state: unknown table %q.", t)
		}
	}
	if tx.engine == Postgres {
		quoted := make([]string, len(tables))
		for i, t := range tables {
			quoted[i] = quoteIdent(t)
		}
		if _, err := tx.q.ExecContext(ctx, `LOCK TABLE `+strings.Join(quoted, ", ")+` IN EXCLUSIVE MODE`); err != nil {
			return mapErr(err)
		}
	}
	for _, t := range slices.Backward(tables) {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM `+quoteIdent(t)); err != nil {
			return mapErr(err)
		}
	}
	for _, t := range tables {
		rows := st.Tables[t]
		if len(rows) == 0 {
			continue
		}
		arr, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		if err := tx.insertJSON(ctx, t, string(arr)); err != nil {
			return novalite.Wrap(novalite.Invalid, err, fmt.Sprintf("Invalid state: rows of %s do not fit.", t))
		}
	}
	return tx.afterImport(ctx, tables)
}

// insertJSON inserts the rows of a JSON array of objects into table.
func (tx *Tx) insertJSON(ctx context.Context, table, arr string) error {
	if tx.engine == Postgres {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO `+quoteIdent(table)+` SELECT * FROM json_populate_recordset(NULL::`+
			quoteIdent(table)+`, $1::json)`, arr)
		return err
	}
	cols, err := tx.columns(ctx, table)
	if err != nil {
		return err
	}
	quoted := make([]string, len(cols))
	vals := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
		vals[i] = `json_extract(value, '$."` + strings.ReplaceAll(c, "'", "''") + `"')`
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO `+quoteIdent(table)+` (`+strings.Join(quoted, ", ")+`) SELECT `+
		strings.Join(vals, ", ")+` FROM json_each($1)`, arr)
	return err
}

// afterImport moves PostgreSQL's identity sequences past the imported
// ids (never back, so that no id is handed out twice) and recounts the
// hosts' usage from the servers now placed on them.
func (tx *Tx) afterImport(ctx context.Context, tables []string) error {
	if tx.engine == Postgres {
		type col struct{ table, column string }
		cols, err := rawCollect(ctx, tx, func(r *sql.Rows) (col, error) {
			var c col
			err := r.Scan(&c.table, &c.column)
			return c, err
		}, `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`)
		if err != nil {
			return mapErr(err)
		}
		for _, c := range cols {
			if !slices.Contains(tables, c.table) {
				continue
			}
			var seq string
			if err := tx.q.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, $2)`, quoteIdent(c.table), c.column).Scan(&seq); err != nil {
				return mapErr(err)
			}
			if _, err := tx.q.ExecContext(ctx, `SELECT setval($1, GREATEST((SELECT last_value FROM `+seq+`),
				COALESCE((SELECT MAX(`+quoteIdent(c.column)+`) FROM `+quoteIdent(c.table)+`), 1)))`, seq); err != nil {
				return mapErr(err)
			}
		}
	}
	_, err := tx.Exec(ctx, `UPDATE compute_nodes SET
		vcpus_used = (SELECT COALESCE(SUM(vcpus), 0) FROM instances WHERE host = compute_nodes.host AND deleted = $1),
		memory_mb_used = (SELECT COALESCE(SUM(memory_mb), 0) FROM instances WHERE host = compute_nodes.host AND deleted = $1),
		local_gb_used = (SELECT COALESCE(SUM(root_gb), 0) FROM instances WHERE host = compute_nodes.host AND deleted = $1)`, false)
	if err != nil {
		return err
	}
	return tx.IdentityEpochBump(ctx) // every replica forgets cached identity
}

// SnapshotSave keeps st under name (the bootstrap state, for reset),
// unless keep and one is there already.
func (tx *Tx) SnapshotSave(ctx context.Context, name string, st State, keep bool) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	q := `INSERT INTO control_snapshots (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = excluded.data`
	if keep {
		q = `INSERT INTO control_snapshots (name, data) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`
	}
	_, err = tx.Exec(ctx, q, name, string(b))
	return err
}

// Snapshot returns the snapshot name.
func (tx *Tx) Snapshot(ctx context.Context, name string) (State, error) {
	var st State
	var raw string
	if err := tx.queryRow(ctx, `SELECT data FROM control_snapshots WHERE name = $1`, name).Scan(&raw); err != nil {
		return st, mapErr(err)
	}
	return st, json.Unmarshal([]byte(raw), &st)
}

// rawCollect is collect over a query run outside the statement cache
// (the dump's queries are built per table).
func rawCollect[T any](ctx context.Context, tx *Tx, scan func(*sql.Rows) (T, error), q string, args ...any) ([]T, error) {
	rows, err := tx.q.QueryContext(ctx, q, args...)
	return collect(rows, err, scan)
}
