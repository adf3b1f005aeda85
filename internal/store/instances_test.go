package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"novalite"
)

func TestInstanceRoundTrip(t *testing.T) {
	forEachEngine(t, testInstanceRoundTrip)
}

func testInstanceRoundTrip(t *testing.T, db *DB) {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 10, 0, 0, 123456000, time.UTC)
	desc, key := "d", "k1"
	in := novalite.Server{
		ID: "8f0e4b6a-0000-4000-8000-000000000001", Name: "vm1", Description: &desc, ProjectID: "p1", UserID: "u1",
		ImageRef: "img", ImageProperties: map[string]string{"os_distro": "cirros"},
		Flavor:  novalite.FlavorSnapshot{ID: "1", Name: "m1.tiny", VCPUs: 1, MemoryMB: 512, RootGB: 1, ExtraSpecs: map[string]string{}},
		VMState: novalite.VMBuilding, TaskState: novalite.TaskScheduling, CreatedAt: now, UpdatedAt: now,
		KeyName: &key, ReservationID: "r-abcdefgh", SchedulerHints: novalite.SchedulerHints{SameHost: []string{"x"}},
		Metadata: map[string]string{"a": "b"}, Tags: []string{"t1", "t2"},
	}
	err := db.Tx(ctx, func(tx *Tx) error { return tx.InstanceInsert(ctx, &in) })
	if err != nil {
		t.Fatal(err)
	}
	if in.InternalID == 0 {
		t.Fatal("internal id not set")
	}
	var got novalite.Server
	err = db.View(ctx, func(tx *Tx) error {
		var err error
		got, err = tx.InstanceGet(ctx, in.ID, "p1", false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	err = db.View(ctx, func(tx *Tx) error {
		_, err := tx.InstanceGet(ctx, in.ID, "other-project", false)
		return err
	})
	if !novalite.IsKind(err, novalite.NotFound) {
		t.Errorf("other project: err = %v, want NotFound", err)
	}
}

// TestInstanceUpdateNullable: a nullable field the update does not name
// keeps its value, a Null clears it, a value replaces it.
func TestInstanceUpdateNullable(t *testing.T) {
	forEachEngine(t, testInstanceUpdateNullable)
}

func testInstanceUpdateNullable(t *testing.T, db *DB) {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	desc, key, ud := "d", "k1", "dWQ="
	in := novalite.Server{ID: "8f0e4b6a-0000-4000-8000-000000000002", Name: "vm1", ProjectID: "p1", UserID: "u1",
		Flavor: novalite.FlavorSnapshot{ID: "1", Name: "m1.tiny", ExtraSpecs: map[string]string{}}, VMState: novalite.VMActive,
		CreatedAt: now, UpdatedAt: now, Description: &desc, KeyName: &key, UserData: &ud, PinnedAZ: "az1"}
	if err := db.Tx(ctx, func(tx *Tx) error { return tx.InstanceInsert(ctx, &in) }); err != nil {
		t.Fatal(err)
	}
	type fields struct{ Description, KeyName, UserData *string }
	cleared := novalite.Nullable[string]{Set: true, Null: true}
	for _, tc := range []struct {
		name string
		up   InstanceUpdateParams
		want fields
		pin  string
	}{
		{"left alone", InstanceUpdateParams{}, fields{&desc, &key, &ud}, "az1"},
		{"set", InstanceUpdateParams{Description: novalite.NullableOf("e"), KeyName: novalite.NullableOf("k2"),
			UserData: novalite.NullableOf("eA=="), PinnedAZ: novalite.NullableOf("az2")},
			fields{new("e"), new("k2"), new("eA==")}, "az2"},
		{"cleared", InstanceUpdateParams{Description: cleared, KeyName: cleared, UserData: cleared, PinnedAZ: cleared},
			fields{}, ""},
	} {
		up := tc.up
		up.InternalID, up.Now = in.InternalID, now
		var got novalite.Server
		err := db.Tx(ctx, func(tx *Tx) error {
			if err := tx.InstanceUpdate(ctx, up); err != nil {
				return err
			}
			var err error
			got, err = tx.InstanceGet(ctx, in.ID, "p1", false)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, fields{got.Description, got.KeyName, got.UserData}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
		if got.PinnedAZ != tc.pin {
			t.Errorf("%s: pinned zone %q, want %q", tc.name, got.PinnedAZ, tc.pin)
		}
	}
}
