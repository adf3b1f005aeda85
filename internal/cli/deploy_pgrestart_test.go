package cli_test

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"novalite/internal/app/apptest"
)

// pgResult is one request of the load that runs across the restart.
type pgResult struct {
	op      string
	status  int // 0: no HTTP answer
	elapsed time.Duration
	id      string // the server a 202 create made
}

// TestPostgresRestart crashes the PostgreSQL server of a deployment (2 api
// replicas, 2 controllers, 2 agents, each a process) under load of creates,
// shows and health checks, keeps it down for 4 s and starts it again.
// Every request answers 2xx or 503 within the replicas' request timeout
// (none hangs for the outage), some answer 503; afterwards every process
// still runs (none was restarted) and each does its work again: every
// replica accepts creates, the scheduler places them, each agent builds
// the server forced onto its host and heartbeats, a controller leads.
// Nothing is half-written: every accepted server is there and ACTIVE, none
// is stuck, and the quota usage and the hosts' vCPU usage count exactly
// the servers that exist.
func TestPostgresRestart(t *testing.T) {
	apptest.PostgresPass(t) // the roles run on PostgreSQL whatever the pass
	t.Parallel()
	const timeout = 3 * time.Second
	pg := newPGServer(t)
	d := &deployment{t: t, bin: binary, dsn: pg.dsn(), agents: map[string]*proc{},
		agentArgs: []string{"--host-vcpus", "64", "--fake-delays", "spawn=50ms", "--instant"},
		apiArgs:   []string{"--request-timeout", timeout.String()}}
	d.start(2, 2, 2)
	token := adminToken(t, d.apis[0].url)

	var (
		mu       sync.Mutex
		results  []pgResult
		accepted atomic.Int64
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	record := func(op string, begin time.Time, code int, err error, id string) {
		if err != nil {
			code = 0
		}
		mu.Lock()
		results = append(results, pgResult{op, code, time.Since(begin), id})
		mu.Unlock()
	}
	for w := range 6 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				base := d.apis[(w+i)%len(d.apis)].url
				begin := time.Now()
				switch i % 3 {
				case 0:
					var out struct {
						Server struct{ ID string } `json:"server"`
					}
					body := map[string]any{"server": map[string]any{"name": fmt.Sprintf("pg-%d-%d", w, i),
						"imageRef": "6dbdba19-0015-5025-907e-0100e29feb67", "flavorRef": "42", "networks": "none"}}
					code, err := try(base, token, "POST", "/compute/v2.1/servers", body, &out)
					record("create", begin, code, err, out.Server.ID)
					if code == http.StatusAccepted {
						accepted.Add(1)
					}
				case 1:
					code, err := try(base, token, "GET", "/compute/v2.1/servers/detail?limit=5", nil, nil)
					record("list", begin, code, err, "")
				default:
					code, err := try(base, token, "GET", "/healthz", nil, nil)
					record("health", begin, code, err, "")
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	for deadline := time.Now().Add(30 * time.Second); accepted.Load() < 20; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			close(stop)
			wg.Wait()
			t.Fatalf("only %d creates accepted before the restart", accepted.Load())
		}
	}
	pg.crash()
	time.Sleep(4 * time.Second)
	pg.start()
	up := time.Now()
	time.Sleep(3 * time.Second) // the load goes on while the roles reconnect
	close(stop)
	wg.Wait()

	refused := 0
	mu.Lock()
	for _, r := range results {
		switch {
		case r.status == http.StatusServiceUnavailable:
			refused++
		case r.status < 200 || r.status > 299:
			t.Errorf("%s answered %d", r.op, r.status)
		}
		if r.elapsed > timeout+5*time.Second { // slack for a loaded machine
			t.Errorf("%s took %s, past the request timeout of %s", r.op, r.elapsed, timeout)
		}
	}
	mu.Unlock()
	if t.Failed() {
		for _, a := range d.apis {
			t.Logf("api %s:\n%s", a.url, a.lines())
		}
	}
	t.Logf("%d requests, %d answered 503, %d creates accepted", len(results), refused, accepted.Load())
	if refused == 0 {
		t.Error("no request answered 503 while PostgreSQL was down")
	}

	// Every role works again, in the same processes: each replica
	// accepts a server forced onto each host (the scheduler places it,
	// the host's agent builds it).
	forced := map[string]string{}
	for i, api := range d.apis {
		for host := range d.agents {
			id := createRetry(t, api.url, token, fmt.Sprintf("after-%d-%s", i, host), "nova:"+host, 60*time.Second)
			forced[id] = host
		}
	}
	rows := settle(t, d.apis[0].url, token, 90*time.Second)
	listed, vcpus := map[string]bool{}, 0
	for _, r := range rows {
		listed[r.ID] = true
		vcpus += r.Flavor.VCPUs
		if r.Status != "ACTIVE" {
			t.Errorf("server %s ended %s", r.ID, r.Status)
		}
		if h, ok := forced[r.ID]; ok && r.Host != h {
			t.Errorf("server %s forced onto %s is on %q", r.ID, h, r.Host)
		}
	}
	for _, r := range results {
		if r.op == "create" && r.status == http.StatusAccepted && !listed[r.id] {
			t.Errorf("accepted server %s is lost", r.id)
		}
	}
	for id := range forced {
		if !listed[id] {
			t.Errorf("server %s created after the restart is lost", id)
		}
	}
	_, project := login(t, d.apis[1].url)
	checkUsage(t, d.apis[1].url, token, project, len(rows), vcpus)
	d.checkRecovered(token, up)
}

// createRetry creates a server named name in zone (if not "") through base, retrying
// while the replica answers 503 (it reconnects), and returns its id.
func createRetry(t *testing.T, base, token, name, zone string, within time.Duration) string {
	t.Helper()
	server := map[string]any{"name": name, "imageRef": "6dbdba19-0015-5025-907e-0100e29feb67", "flavorRef": "42", "networks": "none"}
	if zone != "" {
		server["availability_zone"] = zone
	}
	body := map[string]any{"server": server}
	for deadline := time.Now().Add(within); ; time.Sleep(200 * time.Millisecond) {
		var out struct {
			Server struct{ ID string } `json:"server"`
		}
		code, err := try(base, token, "POST", "/compute/v2.1/servers", body, &out)
		if code == http.StatusAccepted {
			return out.Server.ID
		}
		if (err == nil && code != http.StatusServiceUnavailable) || time.Now().After(deadline) {
			t.Fatalf("create %s through %s: %d %v", name, base, code, err)
		}
	}
}

// checkUsage compares project's quota usage and the hosts'
// vCPU usage with the servers that exist (m1.nano: one vCPU each).
func checkUsage(t *testing.T, base, token, project string, servers, vcpus int) {
	t.Helper()
	var q struct {
		QuotaSet map[string]struct {
			InUse int `json:"in_use"`
		} `json:"quota_set"`
	}
	if code, err := try(base, token, "GET", "/compute/v2.1/os-quota-sets/"+project+"/detail", nil, &q); code != http.StatusOK {
		t.Fatalf("quota detail: %d %v", code, err)
	}
	if q.QuotaSet["instances"].InUse != servers || q.QuotaSet["cores"].InUse != vcpus {
		t.Errorf("quota usage: %d instances, %d cores; the servers that exist: %d, %d vCPUs",
			q.QuotaSet["instances"].InUse, q.QuotaSet["cores"].InUse, servers, vcpus)
	}
	var hv struct {
		Hypervisors []struct {
			Name  string `json:"hypervisor_hostname"`
			VCPUs int    `json:"vcpus_used"`
		} `json:"hypervisors"`
	}
	if code, err := try(base, token, "GET", "/compute/v2.1/os-hypervisors/detail", nil, &hv); code != http.StatusOK {
		t.Fatalf("hypervisors: %d %v", code, err)
	}
	used := 0
	for _, h := range hv.Hypervisors {
		used += h.VCPUs
	}
	if used != vcpus {
		t.Errorf("the hosts count %d vCPUs used (%+v); the servers that exist have %d", used, hv.Hypervisors, vcpus)
	}
}

// checkRecovered checks that every process of d still runs, that each
// agent heartbeated after since (its os-services updated_at) and that a
// controller leads.
func (d *deployment) checkRecovered(token string, since time.Time) {
	t := d.t
	t.Helper()
	for _, p := range append(append(append([]*proc{}, d.apis...), d.controllers...), d.agentList()...) {
		if !p.running() {
			t.Errorf("novalite %v exited:\n%s", p.args[0], p.lines())
		}
	}
	var last string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var out struct {
			Services []struct {
				Binary, Host, State string
				UpdatedAt           string `json:"updated_at"`
			} `json:"services"`
		}
		code, err := try(d.apis[0].url, token, "GET", "/compute/v2.1/os-services?binary=nova-compute", nil, &out)
		fresh := 0
		last = fmt.Sprintf("%d %v %+v", code, err, out.Services)
		for _, s := range out.Services {
			at, perr := time.Parse("2006-01-02T15:04:05.000000", s.UpdatedAt)
			if perr == nil && s.State == "up" && at.After(since) {
				fresh++
			}
		}
		if fresh == len(d.agents) && d.leader() != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("30 s after PostgreSQL came back: leader %v, compute services %s", d.leader() != nil, last)
		}
	}
}

// agentList is d's agents in no particular order.
func (d *deployment) agentList() []*proc {
	out := make([]*proc, 0, len(d.agents))
	for _, p := range d.agents {
		out = append(out, p)
	}
	return out
}
