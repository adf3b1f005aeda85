package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"novalite"
)

// TestReservationFilter: a reservation_id filter matches what the
// unanchored, case-insensitive regex matches, whether or not the pattern
// names one id (and so takes the reservation index).
func TestReservationFilter(t *testing.T) {
	ids := []string{"r-0a1b2c3d", "r-0a1b2c3e", "r-zzzzzzzz", "r-skkkkkkk"}
	cases := []struct {
		pattern string
		indexed bool // reservationLiteral names an id
	}{
		{"r-0a1b2c3d", true},
		{"R-0A1B2C3D", true}, // as MySQL matches: whatever the case
		{`r\-0a1b2c3e`, true},
		{"r-00000000", true}, // names an id no server has
		{"r-0a1b2c3", false}, // shorter: a part of two ids
		{"0a1b2c3d", false},
		{"^r-0a1b2c3d$", false},
		{"r-0a1b2c3.", false},
		{"r-zzzzzzzzz", false},    // longer than any id
		{"r-ſkkkkkkk", true},      // ſ folds to s, as the regex matches it
		{"r-\u212akkkkkkk", true}, // and the Kelvin sign to k
		{"r-é0000000", false},
	}
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		insertServers(t, db, len(ids), func(i int, v *novalite.Server) { v.ReservationID = ids[i] })
		for _, c := range cases {
			t.Run(c.pattern, func(t *testing.T) {
				if _, ok := reservationLiteral("reservation_id", c.pattern); ok != c.indexed {
					t.Errorf("reservationLiteral(%q) ok = %v, want %v", c.pattern, ok, c.indexed)
				}
				re := regexp.MustCompile("(?i)" + c.pattern)
				var want []string
				for i, id := range ids {
					if re.MatchString(id) {
						want = append(want, fmt.Sprintf("00000000-0000-4000-8000-%012d", i))
					}
				}
				var got []string
				err := db.View(ctx, func(tx *Tx) error {
					list, err := tx.InstanceList(ctx, novalite.ServerListParams{ProjectID: "p1", Limit: 10,
						Regex: []novalite.ServerMatch{{Column: "reservation_id", Values: []string{c.pattern}}}})
					for _, v := range list {
						got = append(got, v.ID)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("servers matching %q: %v, want %v", c.pattern, got, want)
				}
			})
		}
	})
}
