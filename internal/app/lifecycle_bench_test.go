package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"novalite/internal/app/apptest"
)

// Benchmarks of the lifecycle over real HTTP with the zero-delay fake
// driver (DESIGN.md §9: POST → ACTIVE p50 ≤ 10 ms; ≥ 1,000 servers
// ACTIVE per second sustained). Each server is deleted once ACTIVE so that
// the default quota (10 instances per project) never refuses a create.
//
//	go test ./internal/app -run '^$' -bench Lifecycle -benchtime 2000x

// poll GETs the server until ok(status code, status) or 30 s.
func poll(b *testing.B, srv *apptest.Server, token, id string, every time.Duration, ok func(int, string) bool) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp := srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/servers/" + id, Token: token})
		st := ""
		if resp.Status == http.StatusOK {
			s := resp.JSON(b)["server"].(map[string]any)
			st, _ = s["status"].(string)
			if s["OS-EXT-STS:task_state"] != nil {
				st += "/" + s["OS-EXT-STS:task_state"].(string)
			}
		}
		if ok(resp.Status, st) {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("server %s stuck: %d %s", id, resp.Status, st)
		}
		time.Sleep(every)
	}
}

func isActive(code int, st string) bool { return code == http.StatusOK && st == "ACTIVE" }
func isGone(code int, _ string) bool    { return code == http.StatusNotFound }

// cycle creates a server, waits for ACTIVE, deletes it and waits until it
// is gone; it returns the time from POST to ACTIVE seen.
func cycle(b *testing.B, srv *apptest.Server, token, image string, every time.Duration) time.Duration {
	start := time.Now()
	resp := srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers", Token: token, Body: map[string]any{"server": map[string]any{
		"name": "bench", "imageRef": image, "flavorRef": "42", "networks": "none"}},
		Headers: map[string]string{"OpenStack-API-Version": "compute 2.100"}})
	if resp.Status != http.StatusAccepted {
		b.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	id := resp.JSON(b)["server"].(map[string]any)["id"].(string)
	poll(b, srv, token, id, every, isActive)
	d := time.Since(start)
	if resp := srv.Do(apptest.Request{Method: "DELETE", Path: "/compute/v2.1/servers/" + id, Token: token}); resp.Status != http.StatusNoContent {
		b.Fatalf("delete: %d %s", resp.Status, resp.Body)
	}
	poll(b, srv, token, id, every, isGone)
	return d
}

func benchImage(b *testing.B, srv *apptest.Server, token string) string {
	imgs, _ := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images", Token: token}).JSON(b)["images"].([]any)
	if len(imgs) == 0 {
		b.Fatal("no image")
	}
	return imgs[0].(map[string]any)["id"].(string)
}

func percentile(ds []time.Duration, p float64) time.Duration {
	slices.Sort(ds)
	return ds[int(float64(len(ds)-1)*p)]
}

// BenchmarkLifecycleCreateToActive: one client, one server at a time.
func BenchmarkLifecycleCreateToActive(b *testing.B) {
	srv := apptest.Start(b)
	token := srv.DemoToken()
	image := benchImage(b, srv, token)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lat = append(lat, cycle(b, srv, token, image, 200*time.Microsecond))
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.95).Microseconds())/1000, "p95-ms")

}

// BenchmarkLifecycleSustained: 10 concurrent clients per project in 10
// projects create, wait for ACTIVE and delete in a loop; b.N servers in
// all reach ACTIVE.
func BenchmarkLifecycleSustained(b *testing.B) {
	srv := apptest.Start(b)
	image := benchImage(b, srv, srv.DemoToken())
	const projects, perProject = 10, 10
	tokens := make([]string, projects)
	for i := range tokens {
		tokens[i], _ = srv.NewMember(fmt.Sprintf("bench%d", i))
	}
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for p := 0; p < projects; p++ {
		for w := 0; w < perProject; w++ {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					cycle(b, srv, tokens[p], image, 20*time.Millisecond)
				}
			})
		}
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "active/s")

}
