package cli_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"novalite/internal/app/apptest"
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

// BenchmarkControllerFailover measures how long after the leading
// controller's SIGKILL the standby leads (as its log says), two
// controllers on the database and nothing else, with the deployment
// tests' --leader-check 250ms and the default 1s: the bound the code
// gives is one interval, since PostgreSQL drops the dead session's
// advisory lock at once and the standby tries it every interval.
//
//	go test -run '^$' -bench ControllerFailover -benchtime 10x ./internal/cli
func BenchmarkControllerFailover(b *testing.B) {
	for _, check := range []string{"250ms", "1s"} {
		b.Run("leader-check="+check, func(b *testing.B) {
			d := &deployment{t: b, bin: binary, dsn: apptest.PostgresDatabase(b), agents: map[string]*proc{},
				commonArgs: []string{"--leader-check", check}}
			d.start(0, 2, 0)
			interval, err := time.ParseDuration(check)
			if err != nil {
				b.Fatal(err)
			}
			var total, worst time.Duration
			b.ResetTimer()
			for range b.N {
				// The kill at a random phase of the standby's tries, as a
				// crash comes: a kill right after the standby started
				// would meet its first try and measure nothing.
				b.StopTimer()
				for d.leader() == nil {
					time.Sleep(10 * time.Millisecond)
				}
				time.Sleep(interval + rand.N(interval))
				b.StartTimer()
				took := d.killLeader()
				total, worst = total+took, max(worst, took)
				b.StopTimer()
				for i, c := range d.controllers {
					if !c.running() {
						d.controllers[i] = d.startController() // a standby again
					}
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/failover")
			b.ReportMetric(float64(worst.Milliseconds()), "max-ms")
		})
	}
}
