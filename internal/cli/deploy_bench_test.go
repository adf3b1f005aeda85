package cli_test

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkDeployment measures creates per second and servers reaching
// ACTIVE per second through 1 or 3 api replicas onto 1 or 3 agents (two
// controllers), every role a process on this machine:
//
//	go test -run '^$' -bench Deployment -benchtime 300x ./internal/cli
//
// b.N servers are created by 24 clients, round-robin over the replicas.
func BenchmarkDeployment(b *testing.B) {
	for _, shape := range []struct{ apis, agents int }{{1, 1}, {3, 1}, {1, 3}, {3, 3}} {
		b.Run(fmt.Sprintf("apis=%d/agents=%d", shape.apis, shape.agents), func(b *testing.B) {
			d := deploy(b, shape.apis, 2, shape.agents, "--host-vcpus", "1000", "--instant")
			token := adminToken(b, d.apis[0].url)
			urls := make([]string, len(d.apis))
			for i, a := range d.apis {
				urls[i] = a.url
			}
			b.ResetTimer()
			begin := time.Now()
			accepted := createLoad(b, func() []string { return urls }, token, b.N, 24, nil)
			created := time.Since(begin)
			rows := settle(b, d.apis[0].url, token, 5*time.Minute)
			active := time.Since(begin)
			b.StopTimer()
			if len(accepted) != b.N || len(rows) != b.N {
				b.Fatalf("%d accepted, %d listed, want %d", len(accepted), len(rows), b.N)
			}
			b.ReportMetric(float64(b.N)/created.Seconds(), "creates/s")
			b.ReportMetric(float64(b.N)/active.Seconds(), "ACTIVE/s")
		})
	}
}
