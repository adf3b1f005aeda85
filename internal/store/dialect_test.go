package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"novalite"
)

// fromJSON keeps exactly the rows whose column is one of the values
// (integers and strings), on both engines; on SQLite the values drive
// the join on the column's index, with no temporary B-tree for them (the
// plan of `col IN (SELECT value FROM json_each(?))` builds one: "LIST
// SUBQUERY").
func TestFromJSON(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		insertServers(t, db, 6, func(i int, v *novalite.Server) {
			v.Metadata = map[string]string{"k": fmt.Sprint(i), "other": "x"}
		})
		err := db.View(ctx, func(tx *Tx) error {
			for _, tc := range []struct {
				table, col, sel string
				values          any
				ints            bool
				want            []string
			}{
				{"instances i", "i.id", "i.uuid", []int64{2, 4, 99}, true,
					[]string{"00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000003"}},
				{"instances i", "i.uuid", "i.uuid", []string{"00000000-0000-4000-8000-000000000005", "nope"}, false,
					[]string{"00000000-0000-4000-8000-000000000005"}},
				{"instance_metadata m", "m.instance_id", "m.value", []int64{1, 6}, true, []string{"0", "5", "x", "x"}},
				{"instances i", "i.id", "i.uuid", []int64{}, true, nil},
			} {
				var w where
				from, cond := tx.fromJSON(tc.table, tc.col, &w, tc.values, tc.ints)
				q := `SELECT ` + tc.sel + ` FROM ` + from + ` WHERE ` + cond
				rows, err := tx.query(ctx, q, w.args...)
				got, err := collect(rows, err, func(r *sql.Rows) (string, error) {
					var s string
					return s, r.Scan(&s)
				})
				if err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
				slices.Sort(got)
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s %v: got %q, want %q", tc.col, tc.values, got, tc.want)
				}
				if db.Engine() != SQLite {
					continue
				}
				rows, err = tx.query(ctx, `EXPLAIN QUERY PLAN `+q, w.args...)
				plan, err := collect(rows, err, func(r *sql.Rows) (string, error) {
					var id, parent, unused int
					var detail string
					return detail, r.Scan(&id, &parent, &unused, &detail)
				})
				if err != nil {
					return err
				}
				// The values' scan first, then the table by its index.
				if len(plan) != 2 || !strings.HasPrefix(plan[0], "SCAN json_each") || !strings.HasPrefix(plan[1], "SEARCH ") {
					t.Errorf("plan of %s:\n%s", q, strings.Join(plan, "\n"))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
