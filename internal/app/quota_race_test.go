package app_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// raceCase is one counted resource: n parallel creates against a quota
// that leaves room for exactly want of them.
type raceCase struct {
	name string
	// limits sets the quota of the project (as admin); prepare makes what
	// the creates need and returns it to request and count.
	limits  func(t *testing.T, r *raceBundle, project string)
	prepare func(t *testing.T, r *raceBundle, token string) string
	request func(i int, ref string) (method, path string, body any)
	count   func(t *testing.T, r *raceBundle, token, ref string) int
	n, want int
	// over is the status of the creates over quota, overText a part of
	// their error body.
	over     int
	overText string
}

type raceBundle struct {
	*bundle
	client *http.Client
}

// send is Do for many goroutines: it reports failures instead of
// stopping the test from a goroutine that does not run it.
func (r *raceBundle) send(method, path, token string, body any) (int, []byte, error) {
	buf, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest(method, r.srv.URL+path, bytes.NewReader(buf))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", token)
	req.Header.Set("OpenStack-API-Version", "compute 2.100")
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// list counts the items of a JSON list answered by GET path.
func (r *raceBundle) list(t *testing.T, path, token, key string) []any {
	t.Helper()
	resp := r.srv.Do(apptest.Request{Method: "GET", Path: path, Token: token, Headers: map[string]string{"OpenStack-API-Version": "compute 2.100"}})
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.Status, resp.Body)
	}
	items, ok := resp.JSON(t)[key].([]any)
	if !ok {
		t.Fatalf("GET %s: no list %q in %s", path, key, resp.Body)
	}
	return items
}

func (r *raceBundle) novaQuota(values map[string]any) func(*testing.T, *raceBundle, string) {
	return func(t *testing.T, r *raceBundle, project string) {
		t.Helper()
		resp := r.do("PUT", "/os-quota-sets/"+project, r.admin, map[string]any{"quota_set": values})
		if resp.Status != http.StatusOK {
			t.Fatalf("set quota: %d %s", resp.Status, resp.Body)
		}
	}
}

func publicKey(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

// TestQuotaRaces sends n creates at once for each counted resource
// against a quota with room for want: exactly want succeed, the others
// get the API's over-quota answer, and exactly want exist afterwards. On
// PostgreSQL this needs the check and the insert to be one step. Not
// parallel: its bursts would starve the timing-sensitive tests that run
// beside it (TestBuildTaskStates watches a spawn of a few seconds).
func TestQuotaRaces(t *testing.T) {
	r := &raceBundle{bundle: setup(t), client: &http.Client{Timeout: time.Minute}}
	for _, tc := range append(r.novaCases(t), r.neutronCases()...) {
		t.Run(tc.name, func(t *testing.T) { r.race(t, tc) })
	}
}

func (r *raceBundle) race(t *testing.T, tc raceCase) {
	token, project := r.srv.NewMember("race-" + strings.ReplaceAll(tc.name, "_", "-"))
	ref := project
	if tc.prepare != nil {
		ref = tc.prepare(t, r, token)
	}
	tc.limits(t, r, project)
	statuses := make([]int, tc.n)
	bodies := make([][]byte, tc.n)
	errs := make([]error, tc.n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tc.n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			method, path, body := tc.request(i, ref)
			<-start
			statuses[i], bodies[i], errs[i] = r.send(method, path, token, body)
		}()
	}
	close(start)
	wg.Wait()
	ok, over := 0, 0
	for i, st := range statuses {
		switch {
		case errs[i] != nil:
			t.Errorf("request %d: %v", i, errs[i])
		case st >= 200 && st < 300:
			ok++
		case st == tc.over && strings.Contains(string(bodies[i]), tc.overText):
			over++
		default:
			t.Errorf("request %d: %d %s", i, st, bodies[i])
		}
	}
	if ok != tc.want || over != tc.n-tc.want {
		t.Errorf("%d created, %d refused with %d; want %d and %d", ok, over, tc.over, tc.want, tc.n-tc.want)
	}
	if got := tc.count(t, r, token, ref); got != tc.want {
		t.Errorf("%d exist after the race, want %d", got, tc.want)
	}
}

func (r *raceBundle) serverBody(name string, extra map[string]any) map[string]any {
	s := map[string]any{"name": name, "imageRef": r.image, "flavorRef": "1", "networks": "none"}
	body := map[string]any{"server": s}
	for k, v := range extra {
		if k == "os:scheduler_hints" {
			body[k] = v
			continue
		}
		s[k] = v
	}
	return body
}

func (r *raceBundle) countServers(t *testing.T, _ *raceBundle, token, _ string) int {
	return len(r.list(t, "/compute/v2.1/servers", token, "servers"))
}

func (r *raceBundle) novaCases(t *testing.T) []raceCase {
	createServer := func(i int, _ string) (string, string, any) {
		return "POST", "/compute/v2.1/servers", r.serverBody(fmt.Sprintf("vm%d", i), nil)
	}
	const quotaMsg = "Quota exceeded for "
	return []raceCase{
		{name: "instances", n: 50, want: 20, over: 403, overText: quotaMsg + "instances",
			limits: r.novaQuota(map[string]any{"instances": 20}), request: createServer, count: r.countServers},
		{name: "cores", n: 15, want: 5, over: 403, overText: quotaMsg + "cores",
			limits: r.novaQuota(map[string]any{"instances": -1, "cores": 5}), request: createServer, count: r.countServers},
		{name: "ram", n: 15, want: 5, over: 403, overText: quotaMsg + "ram",
			limits:  r.novaQuota(map[string]any{"instances": -1, "cores": -1, "ram": 5 * 512}),
			request: createServer, count: r.countServers},
		{name: "key_pairs", n: 15, want: 5, over: 403, overText: "Quota exceeded, too many key pairs.",
			limits: r.novaQuota(map[string]any{"key_pairs": 5}),
			request: func(i int, _ string) (string, string, any) {
				return "POST", "/compute/v2.1/os-keypairs", map[string]any{"keypair": map[string]any{
					"name": fmt.Sprintf("kp%d", i), "public_key": publicKey(t)}}
			},
			count: func(t *testing.T, r *raceBundle, token, _ string) int {
				return len(r.list(t, "/compute/v2.1/os-keypairs", token, "keypairs"))
			}},
		{name: "server_groups", n: 15, want: 5, over: 403, overText: "Quota exceeded, too many server groups.",
			limits: r.novaQuota(map[string]any{"server_groups": 5}),
			request: func(i int, _ string) (string, string, any) {
				return "POST", "/compute/v2.1/os-server-groups", map[string]any{"server_group": map[string]any{
					"name": fmt.Sprintf("g%d", i), "policy": "affinity"}}
			},
			count: func(t *testing.T, r *raceBundle, token, _ string) int {
				return len(r.list(t, "/compute/v2.1/os-server-groups", token, "server_groups"))
			}},
		{name: "server_group_members", n: 15, want: 5, over: 403, overText: "Quota exceeded, too many servers in group",
			limits:  r.novaQuota(map[string]any{"server_group_members": 5}),
			prepare: r.makeGroup,
			request: func(i int, group string) (string, string, any) {
				return "POST", "/compute/v2.1/servers", r.serverBody(fmt.Sprintf("vm%d", i),
					map[string]any{"os:scheduler_hints": map[string]any{"group": group}})
			},
			count: func(t *testing.T, r *raceBundle, token, group string) int {
				resp := r.do("GET", "/os-server-groups/"+group, token, nil)
				return len(resp.JSON(t)["server_group"].(map[string]any)["members"].([]any))
			}},
		{name: "metadata_items", n: 15, want: 5, over: 403, overText: "Maximum number of metadata items exceeds 5",
			limits:  r.novaQuota(map[string]any{"metadata_items": 5}),
			prepare: r.makeActiveServer,
			request: func(i int, server string) (string, string, any) {
				return "POST", "/compute/v2.1/servers/" + server + "/metadata",
					map[string]any{"metadata": map[string]any{fmt.Sprintf("k%d", i): "v"}}
			},
			count: func(t *testing.T, r *raceBundle, token, server string) int {
				resp := r.do("GET", "/servers/"+server+"/metadata", token, nil)
				return len(resp.JSON(t)["metadata"].(map[string]any))
			}},
	}
}

func (r *raceBundle) makeGroup(t *testing.T, _ *raceBundle, token string) string {
	t.Helper()
	resp := r.do("POST", "/os-server-groups", token, map[string]any{"server_group": map[string]any{
		"name": "g", "policy": "affinity"}})
	if resp.Status != http.StatusOK {
		t.Fatalf("create group: %d %s", resp.Status, resp.Body)
	}
	return resp.JSON(t)["server_group"].(map[string]any)["id"].(string)
}

func (r *raceBundle) makeActiveServer(t *testing.T, _ *raceBundle, token string) string {
	t.Helper()
	resp := r.do("POST", "/servers", token, r.serverBody("vm", nil))
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	id := resp.JSON(t)["server"].(map[string]any)["id"].(string)
	r.wait(t, id, "ACTIVE", status("ACTIVE"))
	return id
}

// neutronQuota sets the project's limit of resource to what it uses now
// plus room.
func neutronQuota(resource string, room int) func(*testing.T, *raceBundle, string) {
	return func(t *testing.T, r *raceBundle, project string) {
		t.Helper()
		resp := r.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/quotas/" + project + "/details", Token: r.admin})
		used := resp.JSON(t)["quota"].(map[string]any)[resource].(map[string]any)["used"].(float64)
		resp = r.srv.Do(apptest.Request{Method: "PUT", Path: "/network/v2.0/quotas/" + project, Token: r.admin,
			Body: map[string]any{"quota": map[string]any{resource: int(used) + room}}})
		if resp.Status != http.StatusOK {
			t.Fatalf("set quota: %d %s", resp.Status, resp.Body)
		}
	}
}

// countOwn counts the items of a Neutron collection that belong to the
// race's project.
func countOwn(collection string) func(*testing.T, *raceBundle, string, string) int {
	return func(t *testing.T, r *raceBundle, token, _ string) int {
		n := 0
		for _, it := range r.list(t, "/network/v2.0/"+collection, token, strings.ReplaceAll(collection, "-", "_")) {
			if it.(map[string]any)["name"] != "default" || collection != "security-groups" {
				n++
			}
		}
		return n
	}
}

func (r *raceBundle) neutronCases() []raceCase {
	post := func(collection, key string, attrs func(i int, ref string) map[string]any) func(int, string) (string, string, any) {
		return func(i int, ref string) (string, string, any) {
			return "POST", "/network/v2.0/" + collection, map[string]any{key: attrs(i, ref)}
		}
	}
	named := func(prefix string) func(int, string) map[string]any {
		return func(i int, _ string) map[string]any { return map[string]any{"name": fmt.Sprintf("%s%d", prefix, i)} }
	}
	over := func(res string) string { return "Quota exceeded for resources: ['" + res + "']." }
	return []raceCase{
		{name: "network", n: 15, want: 5, over: 409, overText: over("network"), limits: neutronQuota("network", 5),
			request: post("networks", "network", named("n")),
			count: func(t *testing.T, r *raceBundle, token, project string) int {
				return len(r.list(t, "/network/v2.0/networks?project_id="+project, token, "networks"))
			}},
		{name: "subnet", n: 15, want: 5, over: 409, overText: over("subnet"), limits: neutronQuota("subnet", 5),
			prepare: r.makeNetwork,
			request: post("subnets", "subnet", func(i int, net string) map[string]any {
				return map[string]any{"network_id": net, "ip_version": 4, "cidr": fmt.Sprintf("10.%d.0.0/24", i)}
			}),
			count: func(t *testing.T, r *raceBundle, token, net string) int {
				return len(r.list(t, "/network/v2.0/subnets?network_id="+net, token, "subnets"))
			}},
		{name: "port", n: 15, want: 5, over: 409, overText: over("port"), limits: neutronQuota("port", 5),
			prepare: r.makeNetwork,
			request: post("ports", "port", func(i int, net string) map[string]any {
				return map[string]any{"network_id": net, "name": fmt.Sprintf("p%d", i)}
			}),
			count: countOwn("ports")},
		{name: "router", n: 15, want: 5, over: 409, overText: over("router"), limits: neutronQuota("router", 5),
			request: post("routers", "router", named("r")), count: countOwn("routers")},
		{name: "floatingip", n: 15, want: 5, over: 409, overText: over("floatingip"), limits: neutronQuota("floatingip", 5),
			prepare: r.publicNetwork,
			request: post("floatingips", "floatingip", func(_ int, net string) map[string]any {
				return map[string]any{"floating_network_id": net}
			}),
			count: countOwn("floatingips")},
		{name: "security_group", n: 15, want: 5, over: 409, overText: over("security_group"),
			limits:  neutronQuota("security_group", 5),
			prepare: r.makeSecurityGroup, // and the default group with it
			request: post("security-groups", "security_group", named("sg")),
			count: func(t *testing.T, r *raceBundle, token, _ string) int {
				return countOwn("security-groups")(t, r, token, "") - 1 // the one prepared
			}},
		{name: "security_group_rule", n: 15, want: 5, over: 409, overText: over("security_group_rule"),
			limits:  neutronQuota("security_group_rule", 5),
			prepare: r.makeSecurityGroup,
			request: post("security-group-rules", "security_group_rule", func(i int, sg string) map[string]any {
				return map[string]any{"security_group_id": sg, "direction": "ingress", "protocol": "tcp",
					"port_range_min": 1000 + i, "port_range_max": 1000 + i}
			}),
			count: func(t *testing.T, r *raceBundle, token, sg string) int {
				return len(r.list(t, "/network/v2.0/security-group-rules?security_group_id="+sg+"&direction=ingress",
					token, "security_group_rules"))
			}},
	}
}

func (r *raceBundle) makeNeutron(t *testing.T, token, collection, key string, attrs map[string]any) string {
	t.Helper()
	resp := r.srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/" + collection, Token: token, Body: map[string]any{key: attrs}})
	if resp.Status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", key, resp.Status, resp.Body)
	}
	return resp.JSON(t)[key].(map[string]any)["id"].(string)
}

func (r *raceBundle) makeNetwork(t *testing.T, _ *raceBundle, token string) string {
	return r.makeNeutron(t, token, "networks", "network", map[string]any{"name": "net"})
}

func (r *raceBundle) makeSecurityGroup(t *testing.T, _ *raceBundle, token string) string {
	return r.makeNeutron(t, token, "security-groups", "security_group", map[string]any{"name": "base"})
}

func (r *raceBundle) publicNetwork(t *testing.T, _ *raceBundle, token string) string {
	t.Helper()
	nets := r.list(t, "/network/v2.0/networks?name=public", token, "networks")
	if len(nets) != 1 {
		t.Fatalf("public networks: %v", nets)
	}
	return nets[0].(map[string]any)["id"].(string)
}

// TestServerOverPortQuota: a server whose port would pass the project's
// Neutron port limit is refused as Nova refuses it (PortLimitExceeded).
func TestServerOverPortQuota(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token, project := b.srv.NewMember("ports-full")
	resp := b.srv.Do(apptest.Request{Method: "PUT", Path: "/network/v2.0/quotas/" + project, Token: b.admin, Body: map[string]any{"quota": map[string]any{"port": 0}}})
	if resp.Status != http.StatusOK {
		t.Fatalf("set quota: %d %s", resp.Status, resp.Body)
	}
	resp = b.do("POST", "/servers", token, map[string]any{"server": map[string]any{
		"name": "vm", "imageRef": b.image, "flavorRef": "1", "networks": "auto"}})
	want := `{"forbidden":{"code":403,"message":"Maximum number of ports exceeded"}}`
	if resp.Status != http.StatusForbidden || strings.TrimSpace(string(resp.Body)) != want {
		t.Errorf("got %d %s, want 403 %s", resp.Status, resp.Body, want)
	}
}

// TestImageCountRace: Glance's image_count_total (--image-count-total,
// the same for every project) holds under parallel creates too.
func TestImageCountRace(t *testing.T) {
	t.Parallel()
	r := &raceBundle{bundle: setup(t, func(c *config.Config) { c.ImageCountTotal = 5 }), client: &http.Client{Timeout: time.Minute}}
	r.race(t, raceCase{name: "images", n: 30, want: 5, over: http.StatusRequestEntityTooLarge,
		overText: "[Resource image_count_total is over limit of 5 due to current usage 5 and delta 1]",
		limits:   func(*testing.T, *raceBundle, string) {},
		request: func(i int, _ string) (string, string, any) {
			return "POST", "/image/v2/images", map[string]any{"name": fmt.Sprintf("im%d", i), "disk_format": "raw", "container_format": "bare"}
		},
		count: func(t *testing.T, r *raceBundle, token, project string) int {
			n := 0
			for _, im := range r.list(t, "/image/v2/images", token, "images") {
				if im.(map[string]any)["owner"] == project {
					n++
				}
			}
			return n
		},
	})
}
