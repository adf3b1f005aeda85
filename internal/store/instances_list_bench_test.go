package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
)

// BenchmarkInstanceList reads the first page of 1,000 of a project's
// 5,000 servers in Nova's default order (created_at desc), with the
// extras of the page, as GET /servers/detail?limit=1000 does.
func BenchmarkInstanceList(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for k := range 5 {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			for i := k * 1000; i < (k+1)*1000; i++ {
				v := novalite.Server{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: fmt.Sprintf("vm-%d", i),
					ProjectID: "p1", UserID: "u1", ImageRef: "img", VMState: novalite.VMActive, AvailabilityZone: "nova",
					CreatedAt: base.Add(time.Duration(i) * time.Millisecond), UpdatedAt: base, Flavor: storetest.Flavor}
				if err := tx.InstanceInsert(ctx, &v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	no := false
	p := novalite.ServerListParams{ProjectID: "p1", Deleted: &no, Limit: 1000,
		Sort: []novalite.ServerSort{{Column: "created_at", Desc: true}}}
	for b.Loop() {
		err := db.View(ctx, func(tx *store.Tx) error {
			page, err := tx.InstanceList(ctx, p)
			if err != nil {
				return err
			}
			if len(page) != 1000 {
				return fmt.Errorf("%d servers, want 1000", len(page))
			}
			return tx.InstanceLoadExtras(ctx, page)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
