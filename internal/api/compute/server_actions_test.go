package compute_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// withAgents runs the scheduler and two simulated hosts' agents, whose
// operations take long enough for a GET to see the task.
func withAgents(c *config.Config) { c.NoLoops, c.Hosts, c.FakeDelay = false, 2, fakeDelay }

const fakeDelay = 150 * time.Millisecond

// act posts an action and checks its status code.
func (b *testBundle) act(t *testing.T, token, id, mv string, body map[string]any, want int) map[string]any {
	t.Helper()
	resp := b.do("POST", "/servers/"+id+"/action", token, mv, body)
	if resp.Status != want {
		t.Fatalf("%v: %d %s, want %d", body, resp.Status, resp.Body, want)
	}
	if len(resp.Body) == 0 {
		return nil
	}
	return resp.JSON(t)
}

func (b *testBundle) waitStatus(t *testing.T, id, status string) map[string]any {
	t.Helper()
	return b.waitFor(t, id, false, func(s map[string]any) bool {
		return s["status"] == status && s["OS-EXT-STS:task_state"] == nil
	})
}

// TestActionsLifecycle drives one server through every action with the
// real scheduler, agents and fake driver, checking the status a GET shows
// right after each 202, the end state and power state, and the instance
// actions recorded.
func TestActionsLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	id := b.create(t, b.demo, "vm", nil)
	b.waitStatus(t, id, "ACTIVE")

	steps := []struct {
		name      string
		body      map[string]any
		code      int
		transient string // status a GET shows at once ("" = not checked)
		status    string
		power     float64
	}{
		{"stop", map[string]any{"os-stop": nil}, 202, "", "SHUTOFF", 4},
		{"start", map[string]any{"os-start": nil}, 202, "", "ACTIVE", 1},
		{"soft reboot", map[string]any{"reboot": map[string]any{"type": "SOFT"}}, 202, "REBOOT", "ACTIVE", 1},
		{"hard reboot", map[string]any{"reboot": map[string]any{"type": "HARD"}}, 202, "HARD_REBOOT", "ACTIVE", 1},
		{"pause", map[string]any{"pause": nil}, 202, "", "PAUSED", 3},
		{"unpause", map[string]any{"unpause": nil}, 202, "", "ACTIVE", 1},
		{"suspend", map[string]any{"suspend": nil}, 202, "", "SUSPENDED", 7},
		{"resume", map[string]any{"resume": nil}, 202, "", "ACTIVE", 1},
		{"rescue", map[string]any{"rescue": map[string]any{"adminPass": "rescue-pw"}}, 200, "", "RESCUE", 1},
		{"unrescue", map[string]any{"unrescue": nil}, 202, "", "ACTIVE", 1},
		{"change password", map[string]any{"changePassword": map[string]any{"adminPass": "n3w-pass"}}, 202, "PASSWORD", "ACTIVE", 1},
		{"resize", map[string]any{"resize": map[string]any{"flavorRef": "2"}}, 202, "RESIZE", "VERIFY_RESIZE", 1},
		{"revert", map[string]any{"revertResize": nil}, 202, "REVERT_RESIZE", "ACTIVE", 1},
		{"resize again", map[string]any{"resize": map[string]any{"flavorRef": "2"}}, 202, "RESIZE", "VERIFY_RESIZE", 1},
		{"confirm", map[string]any{"confirmResize": nil}, 204, "", "ACTIVE", 1},
		{"rebuild", map[string]any{"rebuild": map[string]any{"imageRef": b.image, "name": "rebuilt"}}, 202, "REBUILD", "ACTIVE", 1},
		{"shelve", map[string]any{"shelve": nil}, 202, "", "SHELVED_OFFLOADED", 0},
		{"unshelve", map[string]any{"unshelve": nil}, 202, "", "ACTIVE", 1},
	}
	for _, st := range steps {
		sent := time.Now()
		out := b.act(t, b.demo, id, "2.100", st.body, st.code)
		if st.transient != "" {
			// The driver call starts after the request was sent and takes
			// the fake delay: a GET answered within it must see the task.
			// On a loaded machine the GET may come later and prove nothing.
			got := b.show(t, b.demo, id, "2.100")["status"]
			if time.Since(sent) < fakeDelay && got != st.transient {
				t.Errorf("%s: status right after the request = %v, want %s", st.name, got, st.transient)
			}
		}
		s := b.waitStatus(t, id, st.status)
		if s["OS-EXT-STS:power_state"] != st.power {
			t.Errorf("%s: power_state = %v, want %v", st.name, s["OS-EXT-STS:power_state"], st.power)
		}
		switch st.name {
		case "rescue":
			if out["adminPass"] != "rescue-pw" {
				t.Errorf("rescue answer = %v", out)
			}
		case "resize", "confirm":
			if f := s["flavor"].(map[string]any); f["original_name"] != "m1.small" {
				t.Errorf("%s: flavor = %v, want m1.small", st.name, f)
			}
		case "revert":
			if f := s["flavor"].(map[string]any); f["original_name"] != "m1.tiny" {
				t.Errorf("revert: flavor = %v, want m1.tiny", f)
			}
		case "rebuild":
			srv := out["server"].(map[string]any)
			_, hasUserData := srv["user_data"]
			if s["name"] != "rebuilt" || srv["adminPass"] == nil || !hasUserData {
				t.Errorf("rebuild: name %v, answer %v", s["name"], out)
			}
		}
	}

	// Every action is in the instance-actions log, newest first.
	resp := b.do("GET", "/servers/"+id+"/os-instance-actions", b.demo, "2.100", nil)
	var got []string
	for _, a := range resp.JSON(t)["instanceActions"].([]any) {
		got = append(got, a.(map[string]any)["action"].(string))
	}
	want := "unshelve shelve rebuild confirmResize resize revertResize resize changePassword unrescue rescue resume " +
		"suspend unpause pause reboot reboot start stop create"
	if strings.Join(got, " ") != want {
		t.Errorf("instance actions:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

// TestSnapshotActions checks that createImage and createBackup leave an
// active image in the image service with Nova's properties, that backup
// rotation deletes the oldest, and the answer per microversion.
func TestSnapshotActions(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	id := b.create(t, b.demo, "vm", nil)
	b.waitStatus(t, id, "ACTIVE")

	resp := b.do("POST", "/servers/"+id+"/action", b.demo, "2.44", map[string]any{"createImage": map[string]any{"name": "snap-old"}})
	if resp.Status != 202 || !strings.Contains(resp.Header.Get("Location"), "/images/") {
		t.Fatalf("createImage 2.44: %d Location %q", resp.Status, resp.Header.Get("Location"))
	}
	b.waitStatus(t, id, "ACTIVE")
	out := b.act(t, b.demo, id, "2.45", map[string]any{"createImage": map[string]any{"name": "snap", "metadata": map[string]any{"k": "v"}}}, 202)
	imageID, _ := out["image_id"].(string)
	b.waitStatus(t, id, "ACTIVE")
	im := b.srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + imageID, Token: b.demo}).JSON(t)
	if im["status"] != "active" || im["image_type"] != "snapshot" || im["instance_uuid"] != id || im["k"] != "v" ||
		im["base_image_ref"] != b.image {
		t.Errorf("snapshot image: %v", im)
	}

	var backups []string
	for i := 0; i < 3; i++ {
		out := b.act(t, b.demo, id, "2.45", map[string]any{"createBackup": map[string]any{
			"name": "bk", "backup_type": "daily", "rotation": 2}}, 202)
		backups = append(backups, out["image_id"].(string))
		b.waitStatus(t, id, "ACTIVE")
	}
	if st := b.srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + backups[0], Token: b.demo}).Status; st != http.StatusNotFound {
		t.Errorf("oldest backup after rotation 2: %d, want 404", st)
	}
	for _, bk := range backups[1:] {
		if st := b.srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + bk, Token: b.demo}).Status; st != http.StatusOK {
			t.Errorf("kept backup %s: %d", bk, st)
		}
	}

	// The image proxy (up to 2.35) filters snapshots by server and type.
	resp = b.do("GET", "/images?type=snapshot&server=http://x/servers/"+id, b.demo, "2.1", nil)
	if n := len(resp.JSON(t)["images"].([]any)); n != 2 {
		t.Errorf("proxy images of the server of type snapshot: %d, want 2 (%s)", n, resp.Body)
	}

	// Glance lists the backups by their properties, as Tempest does.
	resp = b.srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images?image_type=backup&backup_type=daily&instance_uuid=" + id, Token: b.demo})
	if n := len(resp.JSON(t)["images"].([]any)); n != 2 {
		t.Errorf("images filtered by backup properties: %d, want 2", n)
	}

	// Console output: the fake guest's log, its last pieces split on
	// newlines by length (Nova's tail: the log ends with one).
	out = b.act(t, b.demo, id, "2.1", map[string]any{"os-getConsoleOutput": map[string]any{"length": 3}}, 200)
	if o, _ := out["output"].(string); len(strings.Split(o, "\n")) != 3 || !strings.Contains(o, "login:") {
		t.Errorf("console output length 3: %q", o)
	}
	out = b.act(t, b.demo, id, "2.1", map[string]any{"os-getConsoleOutput": map[string]any{}}, 200)
	if o, _ := out["output"].(string); !strings.Contains(o, "login:") {
		t.Errorf("console output: %q", o)
	}
	resp = b.do("POST", "/servers/"+id+"/remote-consoles", b.demo, "2.6",
		map[string]any{"remote_console": map[string]any{"protocol": "vnc", "type": "novnc"}})
	if resp.Status != 200 || !strings.Contains(string(resp.Body), "vnc_auto.html?path=novnc%2Fwebsockify%3Ftoken%3D") {
		t.Errorf("remote console: %d %s", resp.Status, resp.Body)
	}
}

// TestMoves covers the admin moves between the two simulated hosts:
// cold migration (confirm), live migration, and evacuation of a server
// whose host is down, with the migration records they leave.
func TestMoves(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	id := b.create(t, b.demo, "vm", nil)
	s := b.waitStatus(t, id, "ACTIVE")
	host := func(s map[string]any) string { return s["OS-EXT-SRV-ATTR:host"].(string) }
	first := host(s)

	b.act(t, b.demo, id, "2.56", map[string]any{"migrate": nil}, 403)
	b.act(t, b.admin, "00000000-0000-4000-8000-000000000000", "2.1", map[string]any{"migrate": map[string]any{}}, 404)
	b.act(t, b.admin, id, "2.56", map[string]any{"migrate": map[string]any{"host": first}}, 400)
	b.act(t, b.admin, id, "2.56", map[string]any{"migrate": nil}, 202)
	s = b.waitStatus(t, id, "VERIFY_RESIZE")
	if host(s) == first {
		t.Fatalf("cold migration stayed on %s", first)
	}
	b.act(t, b.admin, id, "2.56", map[string]any{"confirmResize": nil}, 204)
	s = b.waitStatus(t, id, "ACTIVE")
	second := host(s)

	b.act(t, b.admin, id, "2.30", map[string]any{"os-migrateLive": map[string]any{"host": nil, "block_migration": "auto"}}, 202)
	s = b.waitFor(t, id, false, func(s map[string]any) bool { return host(s) == first && s["OS-EXT-STS:task_state"] == nil })
	if s["status"] != "ACTIVE" {
		t.Errorf("after live migration: %v", s["status"])
	}

	resp := b.do("GET", "/os-migrations", b.admin, "2.80", nil)
	var types []string
	for _, m := range resp.JSON(t)["migrations"].([]any) {
		mm := m.(map[string]any)
		types = append(types, mm["migration_type"].(string)+":"+mm["status"].(string))
	}
	if strings.Join(types, " ") != "live-migration:completed migration:confirmed" {
		t.Errorf("os-migrations: %v", types)
	}

	// Before 2.14 onSharedStorage is Nova's boolean (bool_from_string:
	// "True" too) and forbids a new password.
	for _, shared := range []any{true, "True"} {
		got := b.act(t, b.admin, id, "2.13", map[string]any{"evacuate": map[string]any{"onSharedStorage": shared, "adminPass": "x"}}, 400)
		if msg := got["badRequest"].(map[string]any)["message"]; msg != "admin password can't be changed on existing disk" {
			t.Errorf("onSharedStorage %v with adminPass: %v", shared, msg)
		}
	}
	// Evacuate needs the host to be down (Nova: 400, ComputeServiceInUse).
	b.act(t, b.admin, id, "2.14", map[string]any{"evacuate": map[string]any{}}, 400)
	if err := b.execSQL(`UPDATE compute_nodes SET forced_down = $1 WHERE host = $2`, true, first); err != nil {
		t.Fatal(err)
	}
	b.act(t, b.admin, id, "2.14", map[string]any{"evacuate": map[string]any{}}, 200)
	s = b.waitStatus(t, id, "ACTIVE")
	if host(s) != second {
		t.Errorf("evacuated to %s, want %s", host(s), second)
	}
}

// TestPeriodicConfirmAndOffload: with resize_confirm_window and a
// positive shelved_offload_time the controller confirms a forgotten
// resize and offloads a shelved server.
func TestPeriodicConfirmAndOffload(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents, func(c *config.Config) {
		c.ResizeConfirmWindow, c.ShelvedOffloadTime = time.Second, time.Second
	})
	id := b.create(t, b.demo, "vm", nil)
	b.waitStatus(t, id, "ACTIVE")
	b.act(t, b.demo, id, "2.100", map[string]any{"resize": map[string]any{"flavorRef": "2"}}, 202)
	b.waitStatus(t, id, "VERIFY_RESIZE")
	s := b.waitStatus(t, id, "ACTIVE")
	if f := s["flavor"].(map[string]any); f["original_name"] != "m1.small" {
		t.Errorf("auto-confirmed flavor = %v", f)
	}
	b.act(t, b.demo, id, "2.100", map[string]any{"shelve": nil}, 202)
	b.waitStatus(t, id, "SHELVED")
	s = b.waitStatus(t, id, "SHELVED_OFFLOADED")
	if s["OS-EXT-SRV-ATTR:host"] != nil {
		t.Errorf("offloaded server still on %v", s["OS-EXT-SRV-ATTR:host"])
	}
}

// TestDeleteDuringResizeReleasesClaims: deleting a server waiting for
// its resize to be confirmed gives both hosts' claims back.
func TestDeleteDuringResizeReleasesClaims(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	id := b.create(t, b.demo, "vm", nil)
	b.waitStatus(t, id, "ACTIVE")
	b.act(t, b.demo, id, "2.100", map[string]any{"resize": map[string]any{"flavorRef": "2"}}, 202)
	b.waitStatus(t, id, "VERIFY_RESIZE")
	if resp := b.do("DELETE", "/servers/"+id, b.demo, "2.100", nil); resp.Status != 204 {
		t.Fatalf("delete: %d %s", resp.Status, resp.Body)
	}
	b.waitFor(t, id, true, func(map[string]any) bool { return false })
	var used int64
	nodes, err := b.srv.App.Compute.ComputeHosts(t.Context())
	for _, n := range nodes {
		used += n.Used.VCPUs + n.Used.MemoryMB + n.Used.DiskGB
	}
	if err != nil || used != 0 {
		t.Errorf("resources still claimed after delete: %d (%v)", used, err)
	}
}

// TestRebuildKeysMatchSamples: the rebuild answer has exactly the keys
// of Nova's samples, as the admin (who sees most) asks.
func TestRebuildKeysMatchSamples(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Nova's samples from 2.90 on are a member's (ADMIN_API = False in its
	// sample tests): from 2.75 an admin's answer has the extended
	// attributes and host_status, a member's does not.
	for _, tc := range []struct {
		mv, sample string
		admin      bool
	}{
		{"2.1", "servers/server-action-rebuild-resp.json", true},
		{"2.73", "servers/v2.73/server-action-rebuild-resp.json", true},
		{"2.75", "servers/v2.75/server-action-rebuild-resp.json", true},
		{"2.98", "servers/v2.98/server-action-rebuild-resp.json", false},
	} {
		t.Run(tc.mv, func(t *testing.T) {
			id := b.create(t, b.demo, "vm", map[string]any{"networks": "auto"}) // a port: security_groups
			b.launch(t, id)
			tok := b.demo
			if tc.admin {
				tok = b.admin
			}
			out := b.act(t, tok, id, tc.mv, map[string]any{"rebuild": map[string]any{"imageRef": b.image}}, 202)
			got := sortedKeys(out["server"].(map[string]any))
			if want := sampleKeys(t, tc.sample); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("keys at %s:\n got %v\nwant %v", tc.mv, got, want)
			}
		})
	}
}

// TestServerGroupPlacement: the scheduler honours anti-affinity across
// the two simulated hosts and fails the third member as Nova does.
func TestServerGroupPlacement(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	resp := b.do("POST", "/os-server-groups", b.demo, "2.64",
		map[string]any{"server_group": map[string]any{"name": "spread", "policy": "anti-affinity"}})
	if resp.Status != 200 {
		t.Fatalf("create group: %d %s", resp.Status, resp.Body)
	}
	group := resp.JSON(t)["server_group"].(map[string]any)["id"].(string)
	hosts := map[any]bool{}
	var ids []string
	for i := 0; i < 3; i++ {
		s := map[string]any{"server": map[string]any{"name": fmt.Sprint("m", i), "imageRef": b.image, "flavorRef": "1",
			"networks": "none"}, "os:scheduler_hints": map[string]any{"group": group}}
		resp := b.do("POST", "/servers", b.demo, "2.64", s)
		if resp.Status != 202 {
			t.Fatalf("create: %d %s", resp.Status, resp.Body)
		}
		id := resp.JSON(t)["server"].(map[string]any)["id"].(string)
		ids = append(ids, id)
		v := b.waitFor(t, id, false, func(s map[string]any) bool { return s["status"] == "ACTIVE" || s["status"] == "ERROR" })
		if i < 2 {
			hosts[v["OS-EXT-SRV-ATTR:host"]] = v["status"] == "ACTIVE"
		} else if v["status"] != "ERROR" || v["fault"].(map[string]any)["message"] != "No valid host was found. There are not enough hosts available." {
			t.Errorf("third member: %v %v", v["status"], v["fault"])
		}
	}
	if len(hosts) != 2 {
		t.Errorf("two members share a host: %v", hosts)
	}
}

// TestLiveMigrationInProgress: a slow live migration is listed under the
// server, can be forced (2.22) and aborted (2.24): the server stays on
// its host and the destination's claim is given back.
func TestLiveMigrationInProgress(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	id := b.create(t, b.demo, "vm", map[string]any{"metadata": map[string]any{"fake:delay_migrate": "3s"}})
	s := b.waitStatus(t, id, "ACTIVE")
	source := s["OS-EXT-SRV-ATTR:host"]
	b.act(t, b.admin, id, "2.25", map[string]any{"os-migrateLive": map[string]any{"host": nil, "block_migration": "auto"}}, 202)
	resp := b.do("GET", "/servers/"+id+"/migrations", b.admin, "2.80", nil)
	list := resp.JSON(t)["migrations"].([]any)
	if len(list) != 1 {
		t.Fatalf("in-progress migrations: %s", resp.Body)
	}
	m := list[0].(map[string]any)
	mid := fmt.Sprint(m["id"])
	if m["status"] != "running" || m["server_uuid"] != id || m["source_compute"] != source {
		t.Errorf("migration: %v", m)
	}
	if resp := b.do("POST", "/servers/"+id+"/migrations/"+mid+"/action", b.admin, "2.22",
		map[string]any{"force_complete": nil}); resp.Status != 202 {
		t.Errorf("force_complete: %d %s", resp.Status, resp.Body)
	}
	if status, msg := fault(t, b.do("DELETE", "/servers/"+id+"/migrations/999", b.admin, "2.24", nil)); status != 404 {
		t.Errorf("abort of an unknown migration: %d %s", status, msg)
	}
	if resp := b.do("DELETE", "/servers/"+id+"/migrations/"+mid, b.admin, "2.24", nil); resp.Status != 202 {
		t.Fatalf("abort: %d %s", resp.Status, resp.Body)
	}
	s = b.waitStatus(t, id, "ACTIVE")
	if s["OS-EXT-SRV-ATTR:host"] != source {
		t.Errorf("aborted migration moved the server to %v", s["OS-EXT-SRV-ATTR:host"])
	}
	time.Sleep(3500 * time.Millisecond) // the host's driver call ends; its outcome must not apply
	s = b.show(t, b.admin, id, "2.100")
	if s["OS-EXT-SRV-ATTR:host"] != source || s["OS-EXT-STS:task_state"] != nil {
		t.Errorf("after the driver finished: host %v task %v", s["OS-EXT-SRV-ATTR:host"], s["OS-EXT-STS:task_state"])
	}
	resp = b.do("GET", "/os-migrations?migration_type=live-migration", b.admin, "2.80", nil)
	if st := resp.JSON(t)["migrations"].([]any)[0].(map[string]any)["status"]; st != "cancelled" {
		t.Errorf("migration status %v, want cancelled", st)
	}
}

// TestHungGuestDoesNotStallHost: a spawn that hangs (fault injection)
// holds up neither the other servers of its host nor its own delete.
func TestHungGuestDoesNotStallHost(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.NoLoops, c.Hosts = false, 1 })
	hung := b.create(t, b.demo, "hung", map[string]any{"metadata": map[string]any{"fake:hang_spawn": "1"}})
	b.waitFor(t, hung, false, func(s map[string]any) bool { return s["OS-EXT-STS:task_state"] == "spawning" })
	other := b.create(t, b.demo, "other", nil)
	b.waitStatus(t, other, "ACTIVE")
	if s := b.show(t, b.admin, hung, "2.100"); s["status"] != "BUILD" {
		t.Errorf("hung server: %v", s["status"])
	}
	if resp := b.do("DELETE", "/servers/"+hung, b.demo, "2.100", nil); resp.Status != 204 {
		t.Fatalf("delete: %d %s", resp.Status, resp.Body)
	}
	b.waitFor(t, hung, true, func(map[string]any) bool { return false })
}

// TestTransitionsLastForPollers checks that the statuses clients poll for
// (gophercloud and Tempest poll every second) last for the transition
// time, so that a client never misses them: every GET within it sees the
// transitional status, then the server settles.
func TestTransitionsLastForPollers(t *testing.T) {
	t.Parallel()
	const hold = 400 * time.Millisecond
	b := setup(t, func(c *config.Config) { c.NoLoops, c.Hosts, c.TransitionTime = false, 2, hold })
	id := b.create(t, b.demo, "vm", nil)
	b.waitStatus(t, id, "ACTIVE")
	steps := []struct {
		name, token string
		body        map[string]any
		transient   string
		status      string
	}{
		{"soft reboot", b.demo, map[string]any{"reboot": map[string]any{"type": "SOFT"}}, "REBOOT", "ACTIVE"},
		{"hard reboot", b.demo, map[string]any{"reboot": map[string]any{"type": "HARD"}}, "HARD_REBOOT", "ACTIVE"},
		{"rebuild", b.demo, map[string]any{"rebuild": map[string]any{"imageRef": b.image}}, "REBUILD", "ACTIVE"},
		{"change password", b.demo, map[string]any{"changePassword": map[string]any{"adminPass": "n3w-pass"}}, "PASSWORD", "ACTIVE"},
		{"resize", b.demo, map[string]any{"resize": map[string]any{"flavorRef": "2"}}, "RESIZE", "VERIFY_RESIZE"},
		{"confirm", b.demo, map[string]any{"confirmResize": nil}, "", "ACTIVE"},
		{"live migrate", b.admin, map[string]any{"os-migrateLive": map[string]any{"host": nil, "block_migration": "auto"}}, "MIGRATING", "ACTIVE"},
	}
	for _, st := range steps {
		sent := time.Now()
		resp := b.do("POST", "/servers/"+id+"/action", st.token, "2.100", st.body)
		if resp.Status/100 != 2 {
			t.Fatalf("%s: %d %s", st.name, resp.Status, resp.Body)
		}
		// Every GET answered within the transition time of the request's
		// sending must see the transitional status (the task was set after
		// it was sent, and the driver holds it that long). Answers that
		// come later (a loaded machine) prove nothing either way.
		for st.transient != "" && time.Since(sent) < hold {
			got := b.show(t, b.demo, id, "2.100")["status"]
			if time.Since(sent) < hold && got != st.transient {
				t.Fatalf("%s: status %v within the transition time, want %s", st.name, got, st.transient)
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.waitStatus(t, id, st.status)
	}
}

// TestBuildNetworkingLastsForPollers: a simulated build stays in its
// networking step for the transition time, as Nova's compute host takes
// seconds to make the ports, and meanwhile the server shows no
// security_groups (Nova reads them from the ports): openstackclient shows
// the server right after the create and, finding none, keeps the groups
// the create echoed, as sent. Once built, the ports' groups show by name.
func TestBuildNetworkingLastsForPollers(t *testing.T) {
	t.Parallel()
	const hold = 2 * time.Second // serve's default
	b := setup(t, func(c *config.Config) { c.NoLoops, c.TransitionTime = false, hold })
	sent := time.Now()
	resp := b.do("POST", "/servers", b.demo, "2.100", map[string]any{"server": map[string]any{"name": "vm",
		"imageRef": b.image, "flavorRef": "1", "networks": "auto", "security_groups": []any{map[string]any{"name": "default"}}}})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	id := resp.JSON(t)["server"].(map[string]any)["id"].(string)
	// The scheduler places the server after the create's request was
	// sent, so every answer within the hold of that comes before the
	// build leaves networking. Later answers (a loaded machine) prove
	// nothing either way.
	shows := 0
	for time.Since(sent) < hold {
		s := b.show(t, b.demo, id, "2.100")
		if time.Since(sent) >= hold {
			break
		}
		shows++
		if task := s["OS-EXT-STS:task_state"]; s["status"] != "BUILD" || (task != "scheduling" && task != "networking") {
			t.Fatalf("within the hold: %v/%v, want BUILD in scheduling or networking", s["status"], task)
		}
		if g, ok := s["security_groups"]; ok {
			t.Fatalf("within the hold: security_groups %v shown before the ports exist", g)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s := b.waitStatus(t, id, "ACTIVE")
	if g := fmt.Sprint(s["security_groups"]); g != "[map[name:default]]" {
		t.Errorf("built: security_groups %s, want the port's default group", g)
	}
	t.Logf("%d shows within the hold", shows)
}
