package compute

import (
	"context"
	"testing"

	"novalite"
	"novalite/internal/store/storetest"
)

// BenchmarkDeleteServer is the delete transaction of DELETE /servers/{id}
// for an ACTIVE server on a host (task deleting, left to its agent),
// with 1,000 other servers in the project.
func BenchmarkDeleteServer(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	svc := New(db, Options{})
	for range 1000 {
		storetest.Server(b, db, novalite.Server{VMState: novalite.VMActive, Host: "h1", Node: "h1", CreatedAt: t0, UpdatedAt: t0})
	}
	ids := make([]string, 0, b.N)
	for range b.N {
		ids = append(ids, storetest.Server(b, db, novalite.Server{VMState: novalite.VMActive, Host: "h1", Node: "h1",
			CreatedAt: t0, UpdatedAt: t0, LaunchedAt: t0, Metadata: map[string]string{"k": "v"}, Tags: []string{"t"}}).ID)
	}
	b.ResetTimer()
	cpu := storetest.ProcessCPU()
	for _, id := range ids {
		if err := svc.DeleteServer(ctx, member, id); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((storetest.ProcessCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
}
