package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"novalite"
)

// TestListMemo: on serve's SQLite a list page read twice at one write
// generation is read once; any commit, and a write transaction's own
// writes, are seen by the next page. PostgreSQL keeps nothing.
func TestListMemo(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		insertServers(t, db, 30, func(int, *novalite.Server) {})
		live := false
		p := novalite.ServerListParams{ProjectID: "p1", Deleted: &live, Limit: 10}
		page := func() []string {
			t.Helper()
			var ids []string
			err := db.View(ctx, func(tx *Tx) error {
				var err error
				ids, err = tx.InstanceListIDs(ctx, p)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return ids
		}
		first := page()
		if want := fmt.Sprintf("00000000-0000-4000-8000-%012d", 29); len(first) != 10 || first[0] != want {
			t.Fatalf("first page %v, want 10 servers from %s", first, want)
		}
		filed := len(db.lists.m)
		if _, exact := db.Generation(); exact != (db.Engine() == SQLite) || filed != map[bool]int{true: 1, false: 0}[exact] {
			t.Fatalf("%s: %d pages filed, exact generation %v", db.Engine(), filed, exact)
		}
		if db.Engine() == SQLite {
			// Served, not read again: a page put in its place comes back.
			for k := range db.lists.m {
				db.lists.m[k] = []string{"served"}
			}
			if got := page(); !slices.Equal(got, []string{"served"}) {
				t.Fatalf("second read at the same generation: %v, want the memo's page", got)
			}
		}

		// A commit: the next page has the new server first.
		newer := novalite.Server{ID: "00000000-0000-4000-8000-000000000100", Name: "vm", ProjectID: "p1",
			UserID: "u1", Flavor: novalite.FlavorSnapshot{ID: "1"}, VMState: novalite.VMActive,
			CreatedAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Now()}
		if err := db.Tx(ctx, func(tx *Tx) error { return tx.InstanceInsert(ctx, &newer) }); err != nil {
			t.Fatal(err)
		}
		if got := page(); len(got) != 10 || got[0] != newer.ID || !slices.Equal(got[1:], first[:9]) {
			t.Fatalf("after a commit: %v, want %s then %v", got, newer.ID, first[:9])
		}

		// A write transaction sees its own insert, and files nothing.
		before := len(db.lists.m)
		newest := newer
		newest.ID, newest.CreatedAt = "00000000-0000-4000-8000-000000000101", newer.CreatedAt.Add(time.Hour)
		err := db.Tx(ctx, func(tx *Tx) error {
			if err := tx.InstanceInsert(ctx, &newest); err != nil {
				return err
			}
			ids, err := tx.InstanceListIDs(ctx, p)
			if err == nil && (len(ids) == 0 || ids[0] != newest.ID) {
				err = fmt.Errorf("in the writing transaction: %v, want %s first", ids, newest.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(db.lists.m) != before {
			t.Errorf("a write transaction filed a page: %d pages, were %d", len(db.lists.m), before)
		}
	})
}

// TestListMemoGenerations: a page read at an older generation than the
// memo's is not filed; a newer one replaces the older generation's pages.
func TestListMemoGenerations(t *testing.T) {
	var m listMemo
	m.put(5, "a", []string{"x"})
	m.put(4, "b", []string{"old"})
	if _, ok := m.get(5, "b"); ok {
		t.Error("a page of generation 4 was filed under 5")
	}
	if ids, ok := m.get(5, "a"); !ok || !slices.Equal(ids, []string{"x"}) {
		t.Errorf("get(5, a) = %v, %v", ids, ok)
	}
	if _, ok := m.get(6, "a"); ok {
		t.Error("generation 5's page served at 6")
	}
	m.put(6, "c", []string{"y"})
	if _, ok := m.get(5, "a"); ok || len(m.m) != 1 {
		t.Errorf("generation 5's pages kept after 6's: %v", m.m)
	}
	for i := range listMemoMax + 10 {
		m.put(6, fmt.Sprint(i), nil)
	}
	if len(m.m) != listMemoMax {
		t.Errorf("%d pages kept, at most %d", len(m.m), listMemoMax)
	}
}

// TestListMemoKey: keys tell apart what the database would, and refuse an
// argument they cannot spell.
func TestListMemoKey(t *testing.T) {
	at := time.Date(2026, 12, 7, 1, 2, 3, 4, time.UTC)
	cases := [][]any{
		{"a\x00sb"}, {"a", "b"}, {"a"}, {"ab"}, {1}, {int64(1)}, {"1"}, {true}, {"true"},
		{at}, {at.Add(time.Nanosecond)}, {},
	}
	seen := map[string]int{}
	for i, args := range cases {
		k, ok := listMemoKey("SELECT uuid", args)
		if !ok {
			t.Fatalf("case %d %#v: no key", i, args)
		}
		if j, dup := seen[k]; dup && !(i == 5 && j == 4) { // int and int64 bind alike
			t.Errorf("case %d %#v has the key of case %d %#v", i, args, j, cases[j])
		}
		seen[k] = i
	}
	if _, ok := listMemoKey("SELECT uuid", []any{1.5}); ok {
		t.Error("a float argument was given a key")
	}
}
