package volume_test

import (
	"sync"
	"testing"

	"novalite/internal/app/apptest"
)

// Parallel creates cannot together go over a limit: of 12 creates
// against a limit of 4 volumes (and of 10 gigabytes for 2 GiB each),
// exactly as many succeed as fit, the rest are Cinder's 413.
func TestQuotaRace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		set   map[string]any
		size  int
		fit   int
		inMsg string
	}{
		{"volumes", map[string]any{"volumes": 4}, 1, 4, "Maximum number of volumes allowed (4) exceeded for quota 'volumes'."},
		{"gigabytes", map[string]any{"gigabytes": 10}, 2, 5, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := apptest.Start(t)
			tok, project := srv.NewMember("q" + tc.name)
			do(t, srv, srv.AdminToken(), "PUT", "/v3/os-quota-sets/"+project, map[string]any{"quota_set": tc.set}, 200)
			var wg sync.WaitGroup
			codes := make(chan int, 12)
			for range 12 {
				wg.Go(func() {
					resp := srv.Do(apptest.Request{Method: "POST", Path: "/volume/v3/volumes", Token: tok, Body: map[string]any{"volume": map[string]any{"size": tc.size}}})
					codes <- resp.Status
				})
			}
			wg.Wait()
			close(codes)
			n := map[int]int{}
			for c := range codes {
				n[c]++
			}
			if n[202] != tc.fit || n[413] != 12-tc.fit {
				t.Fatalf("answers %v, want %d × 202 and the rest 413", n, tc.fit)
			}
			if tc.inMsg != "" {
				if msg := fault(t, srv, tok, "POST", "/v3/volumes", map[string]any{"volume": map[string]any{"size": 1}}, 413, "overLimit"); msg != tc.inMsg {
					t.Errorf("message %q", msg)
				}
			}
			q := obj(do(t, srv, tok, "GET", "/v3/os-quota-sets/"+project+"?usage=true", nil, 200), "quota_set")
			if u := q["volumes"].(map[string]any); u["in_use"] != float64(tc.fit) {
				t.Errorf("usage %v", u)
			}
			abs := obj(obj(do(t, srv, tok, "GET", "/v3/limits", nil, 200), "limits"), "absolute")
			if abs["totalVolumesUsed"] != float64(tc.fit) || abs["totalGigabytesUsed"] != float64(tc.fit*tc.size) {
				t.Errorf("limits %v", abs)
			}
		})
	}
}

func TestQuotaSets(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	tok, project := srv.NewMember("quotas")
	q := obj(do(t, srv, tok, "GET", "/v3/os-quota-sets/"+project, nil, 200), "quota_set")
	if q["volumes"] != 10.0 || q["gigabytes"] != 1000.0 || q["snapshots"] != 10.0 || q["volumes___DEFAULT__"] != -1.0 {
		t.Errorf("defaults: %v", q)
	}
	fault(t, srv, demo, "GET", "/v3/os-quota-sets/"+project, nil, 403, "forbidden")
	fault(t, srv, tok, "PUT", "/v3/os-quota-sets/"+project, map[string]any{"quota_set": map[string]any{"volumes": 1}}, 403, "forbidden")
	fault(t, srv, srv.AdminToken(), "PUT", "/v3/os-quota-sets/"+project, map[string]any{"quota_set": map[string]any{"bogus": 1}}, 400, "badRequest")
	do(t, srv, srv.AdminToken(), "PUT", "/v3/os-quota-sets/"+project, map[string]any{"quota_set": map[string]any{"snapshots": 0}}, 200)
	v := createVolume(t, srv, tok, map[string]any{"size": 1})
	msg := fault(t, srv, tok, "POST", "/v3/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": v["id"]}}, 413, "overLimit")
	if msg != "Maximum number of snapshots allowed (0) exceeded for quota 'snapshots'." {
		t.Errorf("snapshot quota: %q", msg)
	}
	do(t, srv, srv.AdminToken(), "DELETE", "/v3/os-quota-sets/"+project, nil, 200)
	do(t, srv, tok, "POST", "/v3/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": v["id"]}}, 202)
}
