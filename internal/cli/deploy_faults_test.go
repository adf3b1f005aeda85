package cli_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"novalite/internal/app/apptest"
	"novalite/internal/virt/virttest"
)

// TestDeployment runs the shape of a multi-host deployment as separate
// processes on loopback — PostgreSQL, 3 api replicas, 2 controllers and
// 3 agents — creates 300 servers through the replicas round-robin and
// kills one process of each role with SIGKILL on the way: an api replica
// mid-requests (its clients go on with the others), the leading
// controller (the other leads), an agent during builds (restarted, it
// finishes its servers). Then every accepted server is ACTIVE, the
// servers are spread over the three hosts and none is over its vCPUs,
// and every replica (the killed one restarted) shows every server the
// same way.
func TestDeployment(t *testing.T) {
	apptest.PostgresPass(t) // the roles run on PostgreSQL whatever the pass
	t.Parallel()
	const (
		servers  = 300
		hostCPUs = 30 // × Nova's CPU allocation ratio 4 = 120 m1.nano per host: 300 need all three
	)
	d := deploy(t, 3, 2, 3, "--host-vcpus", "30", "--fake-delays", "spawn=50ms", "--instant")
	token := adminToken(t, d.apis[0].url)
	var (
		mu       sync.Mutex
		live     = []string{d.apis[0].url, d.apis[1].url, d.apis[2].url}
		failover = make(chan time.Duration, 1)
	)
	urls := func() []string { mu.Lock(); defer mu.Unlock(); return live }
	var once [3]sync.Once
	fault := func(k int) {
		switch {
		case k >= 60 && k < 200:
			once[0].Do(func() { d.apis[2].kill() }) // its clients see errors and go to the others
		case k >= 200 && k < 240:
			once[1].Do(func() { go func() { failover <- d.killLeader() }() })
		case k >= 240:
			once[2].Do(func() {
				d.agents["deploy-host-2"].kill() // during builds: 50 ms spawns
				d.startAgent("deploy-host-2")
			})
		}
	}
	begin := time.Now()
	accepted := createLoad(t, urls, token, servers, 12, fault)
	created := time.Since(begin)
	if len(accepted) != servers {
		t.Fatalf("%d of %d creates accepted", len(accepted), servers)
	}
	rows := settle(t, d.apis[0].url, token, 90*time.Second)
	t.Logf("%d creates in %s (%.0f/s); all settled after %s", servers, created.Round(time.Millisecond),
		float64(servers)/created.Seconds(), time.Since(begin).Round(time.Millisecond))
	select {
	case took := <-failover:
		t.Logf("controller fail-over: the standby led %s after the leader's SIGKILL", took.Round(time.Millisecond))
	case <-time.After(30 * time.Second):
		t.Fatal("no controller took the lead after the leader's SIGKILL")
	}

	byID := map[string]detailRow{}
	perHost := map[string]int{}
	for _, r := range rows {
		byID[r.ID] = r
		if r.Status != "ACTIVE" {
			t.Errorf("server %s ended %s", r.ID, r.Status)
		}
		perHost[r.Host] += r.Flavor.VCPUs
	}
	for _, id := range accepted {
		if _, ok := byID[id]; !ok {
			t.Errorf("accepted server %s is lost", id)
		}
	}
	hosts := make([]string, 0, len(perHost))
	for h, cpus := range perHost {
		hosts = append(hosts, h)
		if cpus > hostCPUs*4 {
			t.Errorf("host %s holds %d vCPUs, more than its %d", h, cpus, hostCPUs*4)
		}
	}
	sort.Strings(hosts)
	if len(hosts) != 3 {
		t.Errorf("servers on hosts %v (%v), want the three", hosts, perHost)
	}

	d.apis[2] = d.startAPI("127.0.0.1:0")
	want, _ := detail(t, d.apis[0].url, token)
	want = bytes.ReplaceAll(want, []byte(d.apis[0].url), []byte("BASE"))
	for _, api := range d.apis[1:] {
		got, _ := detail(t, api.url, token)
		if got = bytes.ReplaceAll(got, []byte(api.url), []byte("BASE")); !bytes.Equal(got, want) {
			t.Errorf("replica %s shows the servers differently from %s", api.url, d.apis[0].url)
		}
	}
	// The console log is on the agent's host: each replica asks it
	// through the database. Not of a server on deploy-host-2: its agent was
	// killed, and the fake driver's guests, console logs and all, with it
	// (the console answers 404 there, as for a guest that is gone).
	probe := ""
	for _, id := range accepted {
		if byID[id].Host != "deploy-host-2" {
			probe = id
			break
		}
	}
	for _, api := range d.apis {
		var out struct{ Output *string }
		body := map[string]any{"os-getConsoleOutput": map[string]any{"length": 5}}
		if code, err := try(api.url, token, "POST", "/compute/v2.1/servers/"+probe+"/action", body, &out); code != http.StatusOK || out.Output == nil {
			t.Errorf("console output through %s: %d %v", api.url, code, err)
		}
		// The VNC console too: the replica relays the websocket to the
		// agent's guest through host calls.
		var vnc struct {
			Console struct{ URL string } `json:"remote_console"`
		}
		body = map[string]any{"remote_console": map[string]any{"protocol": "vnc", "type": "novnc"}}
		if code, err := try(api.url, token, "POST", "/compute/v2.1/servers/"+probe+"/remote-consoles", body, &vnc); code != http.StatusOK {
			t.Errorf("VNC console through %s: %d %v", api.url, code, err)
			continue
		}
		if err := rfbThrough(vnc.Console.URL); err != nil {
			t.Errorf("VNC console through %s: %v", api.url, err)
		}
	}
}

// rfbThrough completes an RFB handshake through the websocket a noVNC
// console URL names.
func rfbThrough(consoleURL string) error {
	u, err := url.Parse(consoleURL)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+u.Host+"/"+u.Query().Get("path"),
		&websocket.DialOptions{Subprotocols: []string{"binary"}})
	if err != nil {
		return err
	}
	defer ws.CloseNow()
	_, err = virttest.RFBHandshake(websocket.NetConn(ctx, ws, websocket.MessageBinary))
	return err
}

// killLeader kills the leading controller with SIGKILL and returns how
// long until another one leads.
func (d *deployment) killLeader() time.Duration {
	l := d.leader()
	if l == nil {
		d.t.Error("no controller leads")
		return 0
	}
	l.kill()
	killed := time.Now()
	for time.Since(killed) < 30*time.Second {
		if d.leader() != nil {
			return time.Since(killed)
		}
		time.Sleep(10 * time.Millisecond)
	}
	d.t.Error("no controller took the lead")
	return 0
}
