package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tryClient bounds a request that hangs, so that a test fails and says
// so instead of waiting for go test's timeout.
var tryClient = &http.Client{Timeout: 2 * time.Minute}

// try makes one JSON request to base as the holder of token and reports
// a transport error instead of failing (the replica may be dead).
func try(base, token, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-OpenStack-Nova-API-Version", "2.79")
	req.Header.Set("X-Auth-Token", token)
	resp, err := tryClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode, nil
}

// createLoad creates n servers with workers concurrent clients, request
// i through replica i mod len(urls()) — the next live one when that
// replica does not answer — and calls fault(k) after the k-th accepted
// create. It returns the ids of the accepted (202) servers.
func createLoad(t testing.TB, urls func() []string, token string, n, workers int, fault func(k int)) []string {
	t.Helper()
	var (
		mu       sync.Mutex
		accepted []string
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				id, err := createOne(urls, token, i)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				accepted = append(accepted, id)
				k := len(accepted)
				mu.Unlock()
				if fault != nil {
					fault(k)
				}
			}
		})
	}
	wg.Wait()
	return accepted
}

// createOne creates server i, trying each replica in turn until one
// accepts it. A request a replica died in the middle of may have been
// committed or not; it is not counted as accepted, and its retry makes
// a server of the same name.
func createOne(urls func() []string, token string, i int) (string, error) {
	body := map[string]any{"server": map[string]any{"name": fmt.Sprintf("load-%d", i),
		"imageRef": "6dbdba19-0015-5025-907e-0100e29feb67", "flavorRef": "42", "networks": "none"}}
	var last error
	for attempt := 0; attempt < 30; attempt++ {
		us := urls()
		var out struct {
			Server struct{ ID string } `json:"server"`
		}
		code, err := try(us[(i+attempt)%len(us)], token, "POST", "/compute/v2.1/servers", body, &out)
		if err == nil && code == http.StatusAccepted {
			return out.Server.ID, nil
		}
		last = fmt.Errorf("create %d: %d %v", i, code, err)
		if err == nil && code != http.StatusServiceUnavailable {
			return "", last
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "", last
}

// detailRow is what the deployment test checks of a server.
type detailRow struct {
	ID     string  `json:"id"`
	Status string  `json:"status"`
	Task   *string `json:"OS-EXT-STS:task_state"`
	Host   string  `json:"OS-EXT-SRV-ATTR:host"`
	Flavor struct {
		VCPUs int `json:"vcpus"`
	} `json:"flavor"`
}

// detail lists every server through base, raw and decoded.
func detail(t testing.TB, base, token string) ([]byte, []detailRow) {
	t.Helper()
	var raw json.RawMessage
	code, err := try(base, token, "GET", "/compute/v2.1/servers/detail?limit=1000", nil, &raw)
	if err != nil || code != http.StatusOK {
		t.Fatalf("list through %s: %d %v", base, code, err)
	}
	var out struct {
		Servers []detailRow `json:"servers"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return raw, out.Servers
}

// settle waits until every server listed through base has no task and is
// ACTIVE or ERROR, and returns them.
func settle(t testing.TB, base, token string, within time.Duration) []detailRow {
	t.Helper()
	var last string
	for deadline := time.Now().Add(within); ; {
		_, rows := detail(t, base, token)
		busy := 0
		for _, r := range rows {
			if r.Task != nil || (r.Status != "ACTIVE" && r.Status != "ERROR") {
				busy++
			}
		}
		if busy == 0 {
			return rows
		}
		last = fmt.Sprintf("%d of %d servers still busy", busy, len(rows))
		if time.Now().After(deadline) {
			t.Fatalf("not settled after %s: %s", within, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// adminToken logs in as admin through base and lifts the admin
// project's quotas.
func adminToken(t testing.TB, base string) string {
	t.Helper()
	c, project := login(t, base)
	token := c.token
	quota := map[string]any{"quota_set": map[string]any{"instances": -1, "cores": -1, "ram": -1}}
	if code, err := try(base, token, "PUT", "/compute/v2.1/os-quota-sets/"+project, quota, nil); code != http.StatusOK {
		t.Fatalf("quota: %d %v", code, err)
	}
	return token
}
