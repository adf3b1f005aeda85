package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"novalite"
)

func TestInstanceList(t *testing.T) {
	forEachEngine(t, testInstanceList)
}

func testInstanceList(t *testing.T, db *DB) {
	ctx := context.Background()
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	names := []string{"web1", "web11", "db1", "Web2"}
	err := db.Tx(ctx, func(tx *Tx) error {
		for i, n := range names {
			v := novalite.Server{ID: fmt.Sprintf("8f0e4b6a-0000-4000-8000-00000000000%d", i), Name: n, ProjectID: "p1",
				UserID: "u1", Flavor: novalite.FlavorSnapshot{ID: "1"}, VMState: novalite.VMActive,
				CreatedAt: base.Add(time.Duration(i) * time.Minute), UpdatedAt: base, ReservationID: "r-1",
				Tags: []string{"t" + fmt.Sprint(i%2)}}
			if i == 3 {
				v.VMState = novalite.VMSoftDeleted
			}
			if err := tx.InstanceInsert(ctx, &v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	live := false
	tests := []struct {
		name string
		p    novalite.ServerListParams
		want []string
	}{
		{"default order", novalite.ServerListParams{Deleted: &live}, []string{"db1", "web11", "web1"}},
		{"regex case-insensitive", novalite.ServerListParams{Deleted: &live, SoftDeleted: true,
			Regex: []novalite.ServerMatch{{Column: "display_name", Values: []string{"^WEB"}}}}, []string{"Web2", "web11", "web1"}},
		{"name asc", novalite.ServerListParams{Sort: []novalite.ServerSort{{Column: "display_name"}}}, []string{"Web2", "db1", "web1", "web11"}},
		{"mixed directions", novalite.ServerListParams{Sort: []novalite.ServerSort{{Column: "vm_state"}, {Column: "display_name", Desc: true}}},
			[]string{"web11", "web1", "db1", "Web2"}},
		{"marker", novalite.ServerListParams{Deleted: &live, Marker: "8f0e4b6a-0000-4000-8000-000000000001"}, []string{"web1"}},
		{"marker mixed", novalite.ServerListParams{Sort: []novalite.ServerSort{{Column: "vm_state"}, {Column: "display_name", Desc: true}},
			Marker: "8f0e4b6a-0000-4000-8000-000000000000"}, []string{"db1", "Web2"}},
		{"tags", novalite.ServerListParams{Tags: []string{"t1"}}, []string{"Web2", "web11"}},
		{"not tags any", novalite.ServerListParams{NotTagsAny: []string{"t1"}}, []string{"db1", "web1"}},
		{"task state none", novalite.ServerListParams{Exact: []novalite.ServerMatch{{Column: "task_state", Values: []string{""}}}, Limit: 1}, []string{"Web2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.p.Limit == 0 {
				tt.p.Limit = 10
			}
			var got []string
			err := db.View(ctx, func(tx *Tx) error {
				list, err := tx.InstanceList(ctx, tt.p)
				for _, v := range list {
					got = append(got, v.Name)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	err = db.View(ctx, func(tx *Tx) error {
		_, err := tx.InstanceList(ctx, novalite.ServerListParams{Marker: "nope", Limit: 1})
		return err
	})
	if !novalite.IsKind(err, novalite.NotFound) {
		t.Errorf("unknown marker: %v, want NotFound", err)
	}
}
