package store

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateSnapshot = flag.Bool("update", false, "rewrite snapshot/sqlite.dump from the migrations")

// The dump is what the migrations leave, to the letter: the schema and
// rows of a database made from it are those of one the migrations made.
func TestSchemaSnapshot(t *testing.T) {
	ctx := context.Background()
	replayed := openSQLiteFile(t)
	if _, err := replayed.replay(ctx); err != nil {
		t.Fatal(err)
	}
	want := dumpSQLite(t, replayed)
	text := snapshotHeader + snapshotDigestLine + MigrationsDigest(string(SQLite)) + "\n" + want
	if *updateSnapshot {
		if err := os.WriteFile(filepath.Join("snapshot", "sqlite.dump"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if sqliteSnapshot != text {
		t.Fatal("snapshot/sqlite.dump is not what the migrations leave: go test ./internal/store -run TestSchemaSnapshot -update")
	}
	loaded := openSQLiteFile(t)
	if _, err := loaded.write.ExecContext(ctx, text); err != nil {
		t.Fatal(err)
	}
	if got := dumpSQLite(t, loaded); got != want {
		t.Errorf("a database made from the dump differs from the migrations':\n%s", firstDiff(got, want))
	}
}

// Migrate makes a new SQLite file from the dump, once: a second call,
// or a second process on the same file, finds the schema in place.
func TestMigrateNewFileFromSnapshot(t *testing.T) {
	if !snapshotFresh() {
		t.Fatal("snapshot/sqlite.dump is stale: go test ./internal/store -run TestSchemaSnapshot -update")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, ok, err := db.fromSnapshot(ctx)
	if err != nil || !ok || n != len(db.knownVersions()) {
		t.Fatalf("fromSnapshot on a new file = %d, %v, %v; want %d, true", n, ok, err, len(db.knownVersions()))
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	other, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if n, ok, err := other.fromSnapshot(ctx); err != nil || ok {
		t.Errorf("fromSnapshot on a migrated file = %d, %v, %v; want 0, false", n, ok, err)
	}
	if n, err := other.Migrate(ctx); err != nil || n != 0 {
		t.Errorf("Migrate on a file made from the dump applied %d (%v), want 0", n, err)
	}
}

const snapshotHeader = `-- The schema novalite's SQLite migrations leave in a new database, and
-- the rows they insert: Migrate loads it into a new file in one
-- transaction instead of replaying them (internal/store/snapshot.go).
-- Made by TestSchemaSnapshot; after adding a migration:
--   go test ./internal/store -run TestSchemaSnapshot -update
`

func openSQLiteFile(t *testing.T) *DB {
	t.Helper()
	db, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dumpSQLite writes db as SQL that makes it again in an empty file: the
// tables, their rows (sqlite_sequence's too), then the indexes, views
// and triggers, each kind in the order SQLite recorded it.
func dumpSQLite(t *testing.T, db *DB) string {
	t.Helper()
	ctx := context.Background()
	var schema, later strings.Builder
	var tables []string
	rows, err := db.write.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ, name, sql string
		if err := rows.Scan(&typ, &name, &sql); err != nil {
			t.Fatal(err)
		}
		if typ == "table" {
			fmt.Fprintf(&schema, "%s;\n", sql)
			tables = append(tables, name)
		} else {
			fmt.Fprintf(&later, "%s;\n", sql)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		schema.WriteString(dumpRows(t, db, table))
	}
	var seq int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if seq > 0 {
		if s := dumpRows(t, db, "sqlite_sequence"); s != "" {
			// The rows above set it already: replace, not add.
			schema.WriteString("DELETE FROM sqlite_sequence;\n" + s)
		}
	}
	return schema.String() + later.String()
}

// dumpRows is an INSERT per row of table (names quoted by state.go's
// quoteIdent), ordered by its values
// (quota_usages has no rowid).
func dumpRows(t *testing.T, db *DB, table string) string {
	t.Helper()
	ctx := context.Background()
	cols, err := db.write.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		t.Fatal(err)
	}
	var quoted, order []string
	for cols.Next() {
		var c string
		if err := cols.Scan(&c); err != nil {
			t.Fatal(err)
		}
		quoted = append(quoted, "quote("+quoteIdent(c)+")")
		order = append(order, quoteIdent(c))
	}
	if err := cols.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := db.write.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s ORDER BY %s`,
		strings.Join(quoted, " || ', ' || "), quoteIdent(table), strings.Join(order, ", ")))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var values string
		if err := rows.Scan(&values); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "INSERT INTO %s VALUES (%s);\n", quoteIdent(table), values)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// firstDiff is the first line where got and want differ, with its number.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, gl, wl)
		}
	}
	return "(none)"
}
