package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"novalite"
)

// openRowDB is a SQLite store for the jsonRow tests (SQLite only: the
// JSON rows are SQLite's form).
func openRowDB(t testing.TB) *DB {
	t.Helper()
	db, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "rows.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// compareRow selects the values as columns and as json_array of them,
// scans each into dest of the same types (made by mk) and fails when
// the two differ.
func compareRow(t *testing.T, db *DB, exprs []string, args []any, mk func() []any) {
	t.Helper()
	ctx := context.Background()
	cols := strings.Join(exprs, ", ")
	err := db.View(ctx, func(tx *Tx) error {
		want, got := mk(), mk()
		wantErr := tx.q.QueryRowContext(ctx, `SELECT `+cols, args...).Scan(want...)
		var row string
		if err := tx.q.QueryRowContext(ctx, `SELECT json_array(`+cols+`)`, args...).Scan(&row); err != nil {
			return err
		}
		gotErr := jsonRow(row).Scan(got...)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%s %q: columns' Scan error %v, JSON row's %v (row %s)", cols, args, wantErr, gotErr, row)
		}
		if wantErr != nil {
			return nil
		}
		for i := range want {
			if w, g := deref(want[i]), deref(got[i]); w != g {
				t.Errorf("%s %q: column %d: columns scan %#v, JSON row %#v (row %s)", cols, args, i, w, g, row)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func deref(p any) any {
	switch p := p.(type) {
	case *string:
		return *p
	case *sql.NullString:
		return *p
	case *int64:
		return *p
	case *int:
		return *p
	case *bool:
		return *p
	case *sql.NullInt64:
		return *p
	case *novalite.VMState:
		return *p
	}
	return p
}

func TestJSONRowScansAsColumns(t *testing.T) {
	db := openRowDB(t)
	strs := func() []any { return []any{new(string), new(sql.NullString)} }
	for _, tc := range []struct {
		name  string
		exprs []string
		args  []any
		mk    func() []any
	}{
		{"plain text", []string{"$1", "$1"}, []any{"vm-1"}, strs},
		{"empty text", []string{"$1", "$1"}, []any{""}, strs},
		{"quotes and backslashes", []string{"$1", "$1"}, []any{`say "hi" \ C:\path\`}, strs},
		{"control characters", []string{"$1", "$1"}, []any{"a\nb\tc\rd\x00e\x01f\x1fg\x7f\b\f"}, strs},
		{"non-ASCII", []string{"$1", "$1"}, []any{"größe ünïcödé 名前 🚀 \u2028\u2029"}, strs},
		{"JSON text", []string{"$1", "$1"}, []any{`{"id": "42", "extra_specs": {"a\"b": "c\\d"}}`}, strs},
		{"brackets in text", []string{"$1", "$1"}, []any{`[{"x": "]}"}]`}, strs},
		{"null", []string{"NULL", "NULL", "NULL"}, nil,
			func() []any { return []any{new(sql.NullString), new(sql.NullInt64), new(string)} }},
		{"integers", []string{"$1", "$1", "$1", "$2"}, []any{int64(1733400000123456), int64(-7)},
			func() []any { return []any{new(int64), new(sql.NullInt64), new(int), new(int)} }},
		{"booleans", []string{"$1", "$2", "TRUE", "FALSE"}, []any{true, false},
			func() []any { return []any{new(bool), new(bool), new(bool), new(bool)} }},
		{"string kind", []string{"$1"}, []any{"active"}, func() []any { return []any{new(novalite.VMState)} }},
		{"text into an integer", []string{"$1"}, []any{"x"}, func() []any { return []any{new(int64)} }},
		{"null into a string", []string{"NULL"}, nil, func() []any { return []any{new(string)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compareRow(t, db, tc.exprs, tc.args, tc.mk)
		})
	}
}

// A json_array element that is JSON itself (metadata and tags read with
// a server's row) scans as its JSON text; a row with more or fewer
// elements than destinations is an error.
func TestJSONRowNestedAndShape(t *testing.T) {
	db := openRowDB(t)
	ctx := context.Background()
	err := db.View(ctx, func(tx *Tx) error {
		var row string
		err := tx.q.QueryRowContext(ctx, `SELECT json_array('a', json_object('k', 'v"]}', 'n', json_array(1, 2)), json('[]'), 3)`).Scan(&row)
		if err != nil {
			return err
		}
		var a, obj, arr string
		var n int
		if err := jsonRow(row).Scan(&a, &obj, &arr, &n); err != nil {
			t.Fatalf("%s: %v", row, err)
		}
		if a != "a" || obj != `{"k":"v\"]}","n":[1,2]}` || arr != "[]" || n != 3 {
			t.Errorf("%s: scanned %q %q %q %d", row, a, obj, arr, n)
		}
		if err := jsonRow(row).Scan(&a, &obj, &arr); err == nil {
			t.Errorf("%s into 3 destinations: no error", row)
		}
		if err := jsonRow(row).Scan(&a, &obj, &arr, &n, &n); err == nil {
			t.Errorf("%s into 5 destinations: no error", row)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzJSONRow: any text reads the same through json_array and a JSON row
// as through a column.
func FuzzJSONRow(f *testing.F) {
	for _, s := range []string{"", "vm", `a"b\c`, "\x00\n\u2028", "🚀", "\xff\xfe", `\ud800`, "]},[{"} {
		f.Add(s)
	}
	db := openRowDB(f)
	f.Fuzz(func(t *testing.T, s string) {
		compareRow(t, db, []string{"$1", "$1", "length($1)"}, []any{s},
			func() []any { return []any{new(string), new(sql.NullString), new(int64)} })
	})
}
