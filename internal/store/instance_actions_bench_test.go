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

// BenchmarkActionEventFinish is what an agent writes for each finished
// build or delete besides the server's row: the event of the server's
// latest action, among 1,000 servers' actions.
func BenchmarkActionEventFinish(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	id := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i%1000) }
	if err := db.Tx(ctx, func(tx *store.Tx) error {
		for i := range 1000 {
			if _, err := tx.InstanceActionInsert(ctx, novalite.InstanceAction{InstanceUUID: id(i), RequestID: "req-" + id(i),
				Action: "create", ProjectID: "p1", UserID: "u1", Start: at}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	cpu := storetest.ProcessCPU()
	i := 0
	for b.Loop() {
		i++
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return tx.InstanceActionEventFinish(ctx, store.InstanceActionEventParams{InstanceUUID: id(i), Action: "create",
				Event: "compute__do_build_and_run_instance", Host: "h1", Start: at, Finish: at})
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((storetest.ProcessCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
}
