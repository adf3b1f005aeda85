package cli_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"novalite/internal/app/apptest"
)

// TestHostDownAcrossProcesses kills an agent with SIGKILL and waits out
// service_down_time without its heartbeat, every role given a short one
// (--service-down-time 6s, --report-interval 1s): an admin asking another
// api replica than the one that created the servers sees their
// host_status UNKNOWN (2.16+), os-services shows the host's nova-compute
// down and the other up (its 1 s heartbeat keeps it so), and new servers
// all go to the other host (the controller's scheduler judges by the
// same 6 s). Each wait is bounded below Nova's default 60 s, so a role
// that ignored the option fails the test. The agent restarted, the host's
// servers are UP and its service up again.
func TestHostDownAcrossProcesses(t *testing.T) {
	apptest.PostgresPass(t) // the roles run on PostgreSQL whatever the pass
	t.Parallel()
	const dead = "deploy-host-1"
	d := &deployment{t: t, bin: binary, dsn: apptest.PostgresDatabase(t), agents: map[string]*proc{},
		agentArgs: []string{"--instant"}, commonArgs: []string{"--service-down-time", "6s", "--report-interval", "1s"}}
	d.start(2, 1, 2)
	token := adminToken(t, d.apis[0].url)
	var mine []string
	for i := range 2 {
		mine = append(mine, createRetry(t, d.apis[0].url, token, fmt.Sprintf("on-dead-%d", i), "nova:"+dead, 10*time.Second))
	}
	settle(t, d.apis[0].url, token, 30*time.Second)

	d.agents[dead].kill()
	other := d.apis[1].url
	waitHost(t, other, token, mine, "UNKNOWN", 30*time.Second)
	if got := serviceStates(t, other, token); got[dead] != "down" || got["deploy-host-2"] != "up" {
		t.Errorf("os-services with %s dead: %v", dead, got)
	}
	var placed []string
	for i := range 4 {
		placed = append(placed, createRetry(t, other, token, fmt.Sprintf("while-dead-%d", i), "", 10*time.Second))
	}
	hosts := map[string]string{}
	for _, r := range settle(t, other, token, 30*time.Second) {
		hosts[r.ID] = r.Host
	}
	for _, id := range placed {
		if hosts[id] != "deploy-host-2" {
			t.Errorf("server %s was placed on %q while %s was down", id, hosts[id], dead)
		}
	}

	d.startAgent(dead)
	waitHost(t, other, token, mine, "UP", 30*time.Second)
	if got := serviceStates(t, other, token); got[dead] != "up" || got["deploy-host-2"] != "up" {
		t.Errorf("os-services with %s back: %v", dead, got)
	}
}

// waitHost waits until base shows every server of ids with host_status
// want.
func waitHost(t *testing.T, base, token string, ids []string, want string, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(500 * time.Millisecond) {
		var got []string
		for _, id := range ids {
			var out struct {
				Server struct {
					HostStatus string `json:"host_status"`
				} `json:"server"`
			}
			if code, err := try(base, token, "GET", "/compute/v2.1/servers/"+id, nil, &out); code != http.StatusOK {
				t.Fatalf("show %s: %d %v", id, code, err)
			}
			if out.Server.HostStatus != want {
				got = append(got, out.Server.HostStatus)
			}
		}
		if len(got) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, host_status %v, want %s", within, got, want)
		}
	}
}

// serviceStates is the state of each host's nova-compute in os-services.
func serviceStates(t *testing.T, base, token string) map[string]string {
	t.Helper()
	var out struct {
		Services []struct{ Host, State string } `json:"services"`
	}
	if code, err := try(base, token, "GET", "/compute/v2.1/os-services?binary=nova-compute", nil, &out); code != http.StatusOK {
		t.Fatalf("os-services: %d %v", code, err)
	}
	states := map[string]string{}
	for _, s := range out.Services {
		states[s.Host] = s.State
	}
	return states
}
