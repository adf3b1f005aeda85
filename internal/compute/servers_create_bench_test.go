package compute

import (
	"context"
	"testing"

	"novalite/internal/store/storetest"
)

// BenchmarkCreateServer is the create transaction of POST /servers (one
// server, no network): the flavor, the quota check and the insert, with
// 1,000 servers already in the project, under unlimited quotas and under
// finite ones (which read what the project uses).
func BenchmarkCreateServer(b *testing.B) {
	for _, c := range []struct {
		name  string
		limit int64
	}{{"unlimited", -1}, {"limited", 1 << 40}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			svc := New(storetest.Open(b), Options{})
			if err := svc.BootstrapFlavors(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := svc.UpdateQuotaSet(ctx, member.ProjectID,
				QuotaSetUpdate{Limits: map[string]int64{"instances": c.limit, "cores": c.limit, "ram": c.limit}, Force: true}); err != nil {
				b.Fatal(err)
			}
			p := CreateServersParams{Name: "bench", FlavorRef: "42", ImageRef: "img", NetworksMode: "none", MinCount: 100, MaxCount: 100}
			for range 10 {
				if _, err := svc.CreateServers(ctx, member, p); err != nil {
					b.Fatal(err)
				}
			}
			p.MinCount, p.MaxCount = 1, 1
			cpu := storetest.ProcessCPU()
			for b.Loop() {
				if _, err := svc.CreateServers(ctx, member, p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((storetest.ProcessCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}
