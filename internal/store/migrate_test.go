package store

import (
	"context"
	"testing"
)

func TestMigrateTwiceChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		n, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second Migrate applied %d migrations, want 0", n)
		}
	})
}
