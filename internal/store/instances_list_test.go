package store

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
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
			var got, uuids, ids, byUUID []string
			err := db.View(ctx, func(tx *Tx) error {
				list, err := tx.InstanceList(ctx, tt.p)
				if err != nil {
					return err
				}
				for _, v := range list {
					got = append(got, v.Name)
					uuids = append(uuids, v.ID)
				}
				if ids, err = tx.InstanceListIDs(ctx, tt.p); err != nil {
					return err
				}
				rows, err := tx.InstancesByUUID(ctx, append(slices.Clone(ids), "8f0e4b6a-0000-4000-8000-0000000000ff"), nil)
				for _, v := range rows {
					byUUID = append(byUUID, v.ID)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if !slices.Equal(ids, uuids) {
				t.Errorf("InstanceListIDs %v, InstanceList's %v", ids, uuids)
			}
			if slices.Sort(byUUID); !slices.Equal(byUUID, slices.Sorted(slices.Values(uuids))) {
				t.Errorf("InstancesByUUID of the page %v, want %v", byUUID, uuids)
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

// A list view's read (Columns) leaves what no list view shows, and the
// optional columns not asked for, unread; the rest of the row is read
// as by a full read.
func TestInstanceListColumns(t *testing.T) {
	forEachEngine(t, testInstanceListColumns)
}

func testInstanceListColumns(t *testing.T, db *DB) {
	ctx := context.Background()
	ud := "aGVsbG8="
	old := novalite.FlavorSnapshot{ID: "0", Name: "old"}
	full := novalite.Server{ID: "8f0e4b6a-0000-4000-8000-000000000001", Name: "full", ProjectID: "p1", UserID: "u1",
		Flavor: novalite.FlavorSnapshot{ID: "1", Name: "m1.tiny"}, OldFlavor: &old, VMState: novalite.VMActive,
		CreatedAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		KeyName: &ud, KeyData: "ssh-ed25519 AAAA", UserData: &ud, TrustedCerts: []string{"c1"},
		SchedulerHints: novalite.SchedulerHints{Group: []string{"g1"}}, ServerGroup: "g1", ImageProperties: map[string]string{"os": "l"},
		RequestedNetworks: `[{"uuid": "n1"}]`, AdminPasswordHash: "$2a$hash", EncryptedPassword: "enc"}
	if err := db.Tx(ctx, func(tx *Tx) error { return tx.InstanceInsert(ctx, &full) }); err != nil {
		t.Fatal(err)
	}
	unshown := func(v *novalite.Server) {
		v.OldFlavor, v.KeyData, v.ServerGroup, v.RequestedNetworks, v.AdminPasswordHash, v.EncryptedPassword = nil, "", "", "", "", ""
	}
	tests := []struct {
		name string
		cols *novalite.ServerColumns
		want func(*novalite.Server)
	}{
		{"every column", nil, func(*novalite.Server) {}},
		{"list view, nothing optional", &novalite.ServerColumns{}, func(v *novalite.Server) {
			unshown(v)
			v.UserData, v.TrustedCerts, v.SchedulerHints, v.ImageProperties = nil, nil, novalite.SchedulerHints{}, nil
		}},
		{"list view, all optional", &novalite.ServerColumns{UserData: true, TrustedCerts: true, ImageProperties: true,
			SchedulerHints: true}, unshown},
		{"list view, user data and hints", &novalite.ServerColumns{UserData: true, SchedulerHints: true}, func(v *novalite.Server) {
			unshown(v)
			v.TrustedCerts, v.ImageProperties = nil, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []*novalite.Server
			err := db.View(ctx, func(tx *Tx) error {
				var err error
				got, err = tx.InstanceList(ctx, novalite.ServerListParams{ProjectID: "p1", Limit: 10, Columns: tt.cols})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			want := full
			want.OldFlavor = &old
			tt.want(&want)
			if len(got) != 1 {
				t.Fatalf("%d servers, want 1", len(got))
			}
			g := *got[0]
			g.InternalID = want.InternalID
			if !reflect.DeepEqual(g, want) {
				a, _ := json.Marshal(g)
				b, _ := json.Marshal(want)
				t.Errorf("read\n%s\nwant\n%s", a, b)
			}
		})
	}
}
