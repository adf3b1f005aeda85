package app_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"novalite"
	"novalite/internal/app/apptest"
	"novalite/internal/config"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
)

// BenchmarkBuildsToActive: b.N servers POSTed by 16 clients (networks
// none, quotas lifted), then awaited by counting ACTIVE servers in the
// store every 5 ms. It reports the process's CPU per server ACTIVE: the
// write path (the create request, the scheduler's and the agent's
// transactions) without the clients' status polls, whose number grows
// with the latency and so with the load of the machine.
//
//	go test ./internal/app -run '^$' -bench BuildsToActive -benchtime 2000x
func BenchmarkBuildsToActive(b *testing.B) {
	srv := apptest.Start(b, func(c *config.Config) {
		c.HostVCPUs, c.HostMemoryMB, c.HostDiskGB = 100_000_000, 100_000_000_000, 100_000_000_000
	})
	token := srv.DemoToken()
	image := benchImage(b, srv, token)
	demo := srv.Expect(b, apptest.Request{Method: "GET", Path: "/identity/v3/auth/projects", Token: token}, http.StatusOK)
	project := demo["projects"].([]any)[0].(map[string]any)["id"].(string)
	srv.Expect(b, apptest.Request{Method: "PUT", Path: "/compute/v2.1/os-quota-sets/" + project, Token: srv.AdminToken(),
		Body: map[string]any{"quota_set": map[string]any{"instances": -1, "cores": -1, "ram": -1}}}, http.StatusOK)
	body := map[string]any{"server": map[string]any{"name": "bench", "imageRef": image, "flavorRef": "42", "networks": "none"}}
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu, start := storetest.ProcessCPU(), time.Now()
	for range 16 {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				srv.Expect(b, apptest.Request{Method: "POST", Path: "/compute/v2.1/servers", Token: token, Body: body,
					Headers: map[string]string{"OpenStack-API-Version": "compute 2.100"}}, http.StatusAccepted)
			}
		})
	}
	wg.Wait()
	for active(b, srv) < b.N {
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64((storetest.ProcessCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/ACTIVE")
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ACTIVE/s")
}

// active counts the servers ACTIVE with no task.
func active(b *testing.B, srv *apptest.Server) int {
	var n int
	err := srv.App.DB.View(context.Background(), func(tx *store.Tx) error {
		counts, err := tx.InstanceCountByState(context.Background())
		for _, c := range counts {
			if c.VMState == novalite.VMActive && c.TaskState == "" {
				n += int(c.Count)
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
