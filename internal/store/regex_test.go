package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"novalite"
)

// TestRegexDialect: both engines accept the same patterns and match the
// same names; what either cannot match is Invalid (400), never a driver
// error (500).
func TestRegexDialect(t *testing.T) {
	forEachEngine(t, testRegexDialect)
}

func testRegexDialect(t *testing.T, db *DB) {
	ctx := context.Background()
	names := []string{"web1", "web11", "db1", "Web2", "naïve", "a.b"}
	err := db.Tx(ctx, func(tx *Tx) error {
		for i, n := range names {
			v := novalite.Server{ID: fmt.Sprintf("8f0e4b6a-0000-4000-8000-00000000000%d", i), Name: n, ProjectID: "p1",
				UserID: "u1", Flavor: novalite.FlavorSnapshot{ID: "1"}, VMState: novalite.VMActive,
				CreatedAt: time.Unix(int64(i), 0), UpdatedAt: time.Unix(0, 0), ReservationID: "r-1"}
			if err := tx.InstanceInsert(ctx, &v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	invalid := []string{"INVALID"}
	cases := []struct {
		pattern string
		want    []string // sorted names, or invalid
	}{
		{"^web1$", []string{"web1"}},
		{`web1\z`, []string{"web1"}},
		{`\Aweb`, []string{"Web2", "web1", "web11"}},
		{`web1\b`, []string{"web1"}},
		{`\d\d`, []string{"web11"}},
		{"[0-9]{2}", []string{"web11"}},
		{"w.b", []string{"Web2", "web1", "web11"}},
		{`a\.b`, []string{"a.b"}},
		{"^(db1|WEB2)$", []string{"Web2", "db1"}},
		{"(?:we)+b1{2,}", []string{"web11"}},
		{"ï", []string{"naïve"}},
		{"[^a-z0-9.]", []string{"naïve"}},
		{"x*", []string{"Web2", "a.b", "db1", "naïve", "web1", "web11"}},
		{"a{300}", invalid},
		{"(?P<x>a)", invalid},
		{`\pL`, invalid},
		{`\p{Greek}`, invalid},
		{"(?m)^web$", invalid},
		{"[", invalid},
		{"a**", invalid},
		{`[^\x00-\x{10FFFF}]`, invalid},
		{"(a{255}){255}", invalid},
		{strings.Repeat("a", regexMaxLen+1), invalid},
	}
	for _, c := range cases {
		t.Run(c.pattern[:min(len(c.pattern), 20)], func(t *testing.T) {
			var got []string
			err := db.View(ctx, func(tx *Tx) error {
				list, err := tx.InstanceList(ctx, novalite.ServerListParams{Limit: 100,
					Regex: []novalite.ServerMatch{{Column: "display_name", Values: []string{c.pattern}}}})
				for _, v := range list {
					got = append(got, v.Name)
				}
				return err
			})
			if slices.Equal(c.want, invalid) {
				if novalite.KindOf(err) != novalite.Invalid {
					t.Fatalf("err %v (kind %v), want Invalid", err, novalite.KindOf(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestRegexCacheBounded: distinct patterns do not accumulate compiled.
func TestRegexCacheBounded(t *testing.T) {
	t.Parallel()
	c := newRegexCache(8)
	for i := range 100 {
		if _, err := c.get(fmt.Sprintf("pattern-%d", i)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.get("kept"); err != nil { // the most recently used stays
			t.Fatal(err)
		}
	}
	if n := c.len(); n != 8 {
		t.Errorf("cache holds %d patterns, want 8", n)
	}
	c.mu.Lock()
	_, kept := c.byPat["kept"]
	c.mu.Unlock()
	if !kept {
		t.Error("the most recently used pattern was evicted")
	}
}
