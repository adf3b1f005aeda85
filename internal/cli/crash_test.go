package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// client talks to a running serve as user admin of project admin.
type client struct {
	t     testing.TB
	base  string
	token string
}

func (c *client) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-OpenStack-Nova-API-Version", "2.79")
	if c.token != "" {
		req.Header.Set("X-Auth-Token", c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	if resp.Header.Get("X-Subject-Token") != "" {
		c.token = resp.Header.Get("X-Subject-Token")
	}
	return resp.StatusCode
}

func login(t testing.TB, base string) (*client, string) {
	c := &client{t: t, base: base}
	var tok struct {
		Token struct {
			Project struct{ ID string } `json:"project"`
		} `json:"token"`
	}
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": map[string]any{
			"name": "admin", "password": "admin-pw", "domain": map[string]any{"id": "default"}}}},
		"scope": map[string]any{"project": map[string]any{"name": "admin", "domain": map[string]any{"id": "default"}}}}}
	if code := c.do("POST", "/identity/v3/auth/tokens", body, &tok); code != http.StatusCreated {
		t.Fatalf("token: %d", code)
	}
	return c, tok.Token.Project.ID
}

type serverRow struct {
	ID     string  `json:"id"`
	Status string  `json:"status"`
	Task   *string `json:"OS-EXT-STS:task_state"`
}

func (c *client) servers() []serverRow {
	var out struct{ Servers []serverRow }
	if code := c.do("GET", "/compute/v2.1/servers/detail", nil, &out); code != http.StatusOK {
		c.t.Fatalf("list: %d", code)
	}
	return out.Servers
}

// TestKill9DuringBuildsAndDeletes kills serve with SIGKILL while 100
// servers build, 20 are being deleted and 20 others stopped, rebooted,
// resized and shelved (each driver call takes 300 ms), starts it again on
// the same data dir, and checks that every server ends where its last
// request leads — ACTIVE (or ERROR), gone, SHUTOFF, VERIFY_RESIZE,
// SHELVED_OFFLOADED — none stuck with a task and none lost (DESIGN.md §3).
func TestKill9DuringBuildsAndDeletes(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	// 256 vCPUs: room for the 100 servers and their resizes.
	s := serve(t, bin, dir, "--fake-delay", "300ms", "--instant", "--host-vcpus", "256")
	c, project := login(t, s.url)
	quota := map[string]any{"quota_set": map[string]any{"instances": -1, "cores": -1, "ram": -1}}
	if code := c.do("PUT", "/compute/v2.1/os-quota-sets/"+project, quota, nil); code != http.StatusOK {
		t.Fatalf("quota: %d", code)
	}
	create := map[string]any{"server": map[string]any{"name": "crash", "imageRef": "6dbdba19-0015-5025-907e-0100e29feb67",
		"flavorRef": "42", "networks": "none", "min_count": 100, "max_count": 100}}
	if code := c.do("POST", "/compute/v2.1/servers", create, nil); code != http.StatusAccepted {
		t.Fatalf("create: %d", code)
	}
	var active []string
	for deadline := time.Now().Add(60 * time.Second); len(active) < 40; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d ACTIVE", len(active))
		}
		active = active[:0]
		for _, r := range c.servers() {
			if r.Status == "ACTIVE" && r.Task == nil {
				active = append(active, r.ID)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	deleted := active[:20]
	for _, id := range deleted {
		if code := c.do("DELETE", "/compute/v2.1/servers/"+id, nil, nil); code != http.StatusNoContent {
			t.Fatalf("delete: %d", code)
		}
	}
	// Four actions, five servers each, and the status each must end in.
	want := map[string]string{}
	for i, id := range active[20:40] {
		act := []struct {
			body   map[string]any
			status string
		}{
			{map[string]any{"os-stop": nil}, "SHUTOFF"},
			{map[string]any{"reboot": map[string]any{"type": "HARD"}}, "ACTIVE"},
			{map[string]any{"resize": map[string]any{"flavorRef": "84"}}, "VERIFY_RESIZE"},
			{map[string]any{"shelve": nil}, "SHELVED_OFFLOADED"},
		}[i%4]
		var fault any
		if code := c.do("POST", "/compute/v2.1/servers/"+id+"/action", act.body, &fault); code != http.StatusAccepted {
			t.Fatalf("%v: %d %v", act.body, code, fault)
		}
		want[id] = act.status
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.done

	s2 := serve(t, bin, dir, "--fake-delay", "300ms", "--instant", "--host-vcpus", "256")
	c2, _ := login(t, s2.url)
	gone := map[string]bool{}
	for _, id := range deleted {
		gone[id] = true
	}
	var last string
	for deadline := time.Now().Add(90 * time.Second); ; {
		rows := c2.servers()
		settled, leftDeleted := 0, 0
		for _, r := range rows {
			if gone[r.ID] {
				leftDeleted++
				continue
			}
			if r.Task != nil {
				continue
			}
			if w, acted := want[r.ID]; acted && r.Status == w || !acted && (r.Status == "ACTIVE" || r.Status == "ERROR") {
				settled++
			}
		}
		last = fmt.Sprintf("%d servers listed, %d settled, %d deleted ones still there", len(rows), settled, leftDeleted)
		if len(rows) == 80 && settled == 80 && leftDeleted == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after restart: %s", last)
		}
		time.Sleep(100 * time.Millisecond)
	}
	s2.stop(t)
}
