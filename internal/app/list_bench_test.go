package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"novalite"
	"novalite/internal/app/apptest"
	"novalite/internal/config"
	"novalite/internal/store"
)

// Benchmarks of reads with many servers stored (DESIGN.md §9):
// GET /servers/detail?limit=1000 with 100k servers (p50 ≤ 30 ms), GET
// /servers/{id}, and the heap in use with them all stored.
//
//	go test ./internal/app -run '^$' -bench 'List|Show' -benchtime 50x
//	NOVALITE_BENCH_SERVERS=10000 to seed fewer

// benchServers is how many servers the list benchmarks seed:
// NOVALITE_BENCH_SERVERS, else 100,000.
func benchServers() int {
	if n, err := strconv.Atoi(os.Getenv("NOVALITE_BENCH_SERVERS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// seed inserts n ACTIVE servers of the demo project straight into the
// store, 1,000 per transaction.
func seed(b *testing.B, srv *apptest.Server, projectID, userID string, n int) string {
	ctx := context.Background()
	now := time.Now().UTC()
	var last string
	for done := 0; done < n; {
		err := srv.App.DB.Tx(ctx, func(tx *store.Tx) error {
			for i := 0; i < 1000 && done < n; i++ {
				v := novalite.Server{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", done), Name: fmt.Sprintf("vm-%d", done),
					ProjectID: projectID, UserID: userID, ImageRef: "img", VMState: novalite.VMActive,
					PowerState: novalite.PowerRunning, Host: "novalite-compute-1", Node: "novalite-compute-1",
					AvailabilityZone: "nova", CreatedAt: now.Add(time.Duration(done) * time.Microsecond),
					UpdatedAt: now, LaunchedAt: now, ReservationID: "r-bench000",
					Flavor: novalite.FlavorSnapshot{ID: "42", Name: "m1.nano", VCPUs: 1, MemoryMB: 128, RootGB: 1}}
				if err := tx.InstanceInsert(ctx, &v); err != nil {
					return err
				}
				last = v.ID
				done++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return last
}

type listBench struct {
	srv   *apptest.Server
	token string
	id    string
}

// listSetup starts a novalite with benchServers servers (each benchmark
// run seeds its own: apptest stops the app when the run ends).
func listSetup(b *testing.B) *listBench {
	srv := apptest.Start(b, func(c *config.Config) { c.NoLoops = true })
	token := srv.AdminToken()
	resp := srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/auth/tokens", Token: token, Headers: map[string]string{"X-Subject-Token": token}})
	tok := resp.JSON(b)["token"].(map[string]any)
	project := tok["project"].(map[string]any)["id"].(string)
	user := tok["user"].(map[string]any)["id"].(string)
	start := time.Now()
	n := benchServers()
	id := seed(b, srv, project, user, n)
	b.Logf("seeded %d servers in %s", n, time.Since(start).Round(time.Millisecond))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.Logf("heap in use with %d servers stored: %d MiB", n, ms.HeapInuse>>20)
	return &listBench{srv: srv, token: token, id: id}
}

func timed(b *testing.B, f func()) {
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		f()
		ds = append(ds, time.Since(t))
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(ds, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(ds, 0.95).Microseconds())/1000, "p95-ms")
}

func BenchmarkListDetail1000(b *testing.B) {
	l := listSetup(b)
	timed(b, func() {
		resp := l.srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/servers/detail?limit=1000", Token: l.token})
		if resp.Status != http.StatusOK {
			b.Fatalf("list: %d", resp.Status)
		}
	})
}

// BenchmarkListIndex1000 is GET /servers?limit=1000 (ids, names and
// links), with the server CPU per page: on a shared machine the steady
// measure.
func BenchmarkListIndex1000(b *testing.B) {
	l := listSetup(b)
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	timed(b, func() {
		resp := l.srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/servers?limit=1000", Token: l.token})
		if resp.Status != http.StatusOK {
			b.Fatalf("list: %d", resp.Status)
		}
	})
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()
	b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
}

func BenchmarkShowServer(b *testing.B) {
	l := listSetup(b)
	timed(b, func() {
		resp := l.srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/servers/" + l.id, Token: l.token})
		if resp.Status != http.StatusOK {
			b.Fatalf("show: %d", resp.Status)
		}
	})
}
