package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"novalite"
)

// TestInstanceCountLive: live servers are counted, deleted ones not, and
// the count stops at its bound.
func TestInstanceCountLive(t *testing.T) {
	forEachEngine(t, testInstanceCountLive)
}

func testInstanceCountLive(t *testing.T, db *DB) {
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	err := db.Tx(ctx, func(tx *Tx) error {
		for i := range 5 {
			v := novalite.Server{ID: fmt.Sprintf("8f0e4b6a-0000-4000-8000-%012d", i), ProjectID: "p1", UserID: "u1",
				VMState: novalite.VMActive, CreatedAt: now, UpdatedAt: now, Deleted: i == 4}
			if err := tx.InstanceInsert(ctx, &v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ upTo, want int }{{100, 4}, {4, 4}, {2, 2}, {0, 0}} {
		var got int
		err := db.View(ctx, func(tx *Tx) error {
			var err error
			got, err = tx.InstanceCountLive(ctx, c.upTo)
			return err
		})
		if err != nil || got != c.want {
			t.Errorf("up to %d: %d, %v; want %d", c.upTo, got, err, c.want)
		}
	}
}
