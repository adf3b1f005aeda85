package app_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
	"novalite/internal/store/storetest"
)

// ctl calls the control API as token.
func (b *bundle) ctl(method, path, token string, body any) (int, map[string]any) {
	resp := b.srv.Do(apptest.Request{Method: method, Path: "/novalite/v1" + path, Token: token, Body: body})
	var v map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(resp.Body, &v) // nil when not JSON: the caller's checks fail
	}
	return resp.Status, v
}

func withControl(hosts int) func(*config.Config) {
	return func(c *config.Config) {
		c.ControlAPI = true
		c.Hosts = hosts
		c.ReclaimInstanceInterval = time.Hour
	}
}

// The control API is off by default and for admins only, with Nova's
// fault bodies.
func TestControlAPIAccess(t *testing.T) {
	t.Parallel()
	off := setup(t)
	if code, _ := off.ctl("GET", "/clock", off.admin, nil); code != http.StatusNotFound {
		t.Errorf("control API without --control-api: %d, want 404", code)
	}
	b := setup(t, withControl(1))
	for _, c := range []struct {
		name, method, path, token string
		body                      any
		want                      int
		fault                     string
	}{
		{"no token", "GET", "/hosts", "", nil, 401, ""},
		{"member", "GET", "/hosts", b.demo, nil, 403, "forbidden"},
		{"member advancing", "POST", "/clock/advance", b.demo, map[string]any{"seconds": 60}, 403, "forbidden"},
		{"unknown host", "GET", "/hosts/nowhere", b.admin, nil, 404, "itemNotFound"},
		{"unknown field", "PATCH", "/hosts/novalite-compute-1", b.admin, map[string]any{"host": map[string]any{"colour": "red"}}, 400, "badRequest"},
		{"bad knob", "PATCH", "/hosts/novalite-compute-1", b.admin, map[string]any{"host": map[string]any{"fake_knobs": map[string]string{"fail_spawn": "x"}}}, 400, "badRequest"},
		{"bad delay", "PATCH", "/hosts/novalite-compute-1", b.admin, map[string]any{"host": map[string]any{"fake_knobs": map[string]string{"fake:delay_spawn": "soon"}}}, 400, "badRequest"},
		{"negative capacity", "PATCH", "/hosts/novalite-compute-1", b.admin, map[string]any{"host": map[string]any{"vcpus": -1}}, 400, "badRequest"},
		{"backwards", "POST", "/clock/advance", b.admin, map[string]any{"seconds": -5}, 400, "badRequest"},
		{"no seconds", "POST", "/clock/advance", b.admin, map[string]any{}, 400, "badRequest"},
	} {
		code, v := b.ctl(c.method, c.path, c.token, c.body)
		if code != c.want {
			t.Errorf("%s: %d %v, want %d", c.name, code, v, c.want)
			continue
		}
		if c.fault != "" {
			if f, ok := v[c.fault].(map[string]any); !ok || f["code"] != float64(c.want) {
				t.Errorf("%s: body %v, want a %s fault", c.name, v, c.fault)
			}
		}
	}
}

// Advancing the clock reclaims a soft-deleted server at once and leaves
// the hosts alive.
func TestControlClockAdvance(t *testing.T) {
	t.Parallel()
	b := setup(t, withControl(1))
	id := b.create(t, nil)
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
	b.do("DELETE", "/servers/"+id, b.demo, nil)
	b.wait(t, id, "SOFT_DELETED", status("SOFT_DELETED"))

	// Short of the hour by more than a loaded machine takes between the
	// delete and this check (3599 was not: the wall clock adds to it).
	code, v := b.ctl("POST", "/clock/advance", b.admin, map[string]any{"seconds": 3000})
	if code != 200 || v["clock"].(map[string]any)["offset_seconds"] != float64(3000) {
		t.Fatalf("advance: %d %v", code, v)
	}
	if s := b.wait(t, id, "SOFT_DELETED", status("SOFT_DELETED")); s == nil {
		t.Fatal("reclaimed before the interval")
	}
	b.ctl("POST", "/clock/advance", b.admin, map[string]any{"seconds": 601})
	b.wait(t, id, "gone", gone)

	_, v = b.ctl("GET", "/clock", b.admin, nil)
	now, err := time.Parse(time.RFC3339Nano, v["clock"].(map[string]any)["now"].(string))
	if err != nil || now.Sub(time.Now()) < time.Hour {
		t.Errorf("clock %v (%v): want an hour ahead of the wall clock", now, err)
	}
	// The host kept its heartbeat across the jump: new servers still land.
	_, v = b.ctl("GET", "/hosts/novalite-compute-1", b.admin, nil)
	if v["host"].(map[string]any)["up"] != true {
		t.Errorf("host after the jump: %v", v)
	}
	id = b.create(t, nil)
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
}

// A host marked down shows as Nova shows a dead nova-compute (os-services
// down, host_status UNKNOWN), gets no new servers and does no work; marked
// up again, it finishes what waited.
func TestControlHostDownAndUp(t *testing.T) {
	t.Parallel()
	b := setup(t, withControl(1))
	id := b.create(t, nil)
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
	host := "/hosts/novalite-compute-1"
	code, v := b.ctl("PATCH", host, b.admin, map[string]any{"host": map[string]any{"down": true}})
	if code != 200 || v["host"].(map[string]any)["up"] != false || v["host"].(map[string]any)["simulated_down"] != true {
		t.Fatalf("mark down: %d %v", code, v)
	}
	s := b.wait(t, id, "host_status UNKNOWN", func(s map[string]any) bool { return s["host_status"] == "UNKNOWN" })
	if s["status"] != "ACTIVE" {
		t.Errorf("status on a dead host: %v", s["status"])
	}
	svcs := b.do("GET", "/os-services?binary=nova-compute", b.admin, nil).JSON(t)["services"].([]any)
	if st := svcs[0].(map[string]any)["state"]; st != "down" {
		t.Errorf("os-services state %v, want down", st)
	}
	// Work for it waits: a stop stays in powering-off.
	if resp := b.do("POST", "/servers/"+id+"/action", b.demo, map[string]any{"os-stop": nil}); resp.Status != 202 {
		t.Fatalf("stop: %d %s", resp.Status, resp.Body)
	}
	time.Sleep(300 * time.Millisecond) // several agent polls
	s = b.wait(t, id, "still stopping", func(s map[string]any) bool { return true })
	if s["OS-EXT-STS:task_state"] != "powering-off" {
		t.Errorf("task on a dead host: %v, want powering-off", s["OS-EXT-STS:task_state"])
	}
	// No new server lands on it.
	other := b.create(t, nil)
	b.wait(t, other, "ERROR", status("ERROR"))

	b.ctl("PATCH", host, b.admin, map[string]any{"host": map[string]any{"down": false}})
	b.wait(t, id, "SHUTOFF", status("SHUTOFF"))
	if s := b.wait(t, id, "host UP", func(s map[string]any) bool { return s["host_status"] == "UP" }); s == nil {
		t.Fatal("host never came back")
	}
}

// Host capacity, zone and fault knobs, set at run time.
func TestControlHostKnobs(t *testing.T) {
	t.Parallel()
	b := setup(t, withControl(2))
	code, v := b.ctl("PATCH", "/hosts/novalite-compute-2", b.admin, map[string]any{"host": map[string]any{
		"zone": "az2", "vcpus": 3, "fake_knobs": map[string]string{"fake:fail_spawn": "host on fire"}}})
	if code != 200 {
		t.Fatalf("update: %d %v", code, v)
	}
	h := v["host"].(map[string]any)
	if h["zone"] != "az2" || h["vcpus"] != float64(3) || h["memory_mb"] == float64(0) {
		t.Errorf("updated host %v", h)
	}
	// vcpus is in the hypervisor view up to 2.87.
	hyp := b.srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/os-hypervisors/detail", Token: b.admin,
		Headers: map[string]string{"OpenStack-API-Version": "compute 2.87"}}).JSON(t)["hypervisors"].([]any)
	for _, x := range hyp {
		x := x.(map[string]any)
		if x["hypervisor_hostname"] == "novalite-compute-2" && x["vcpus"] != float64(3) {
			t.Errorf("os-hypervisors vcpus %v, want 3", x["vcpus"])
		}
	}
	// The knob fails spawns on that host only, with its message.
	id := b.create(t, map[string]any{"availability_zone": "az2"})
	s := b.wait(t, id, "ERROR", status("ERROR"))
	if _, msg := faultOf(s); msg != "host on fire" {
		t.Errorf("fault %v, want the knob's message", s["fault"])
	}
	id = b.create(t, map[string]any{"availability_zone": "nova"})
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
	// Knobs are replaced as a whole: an empty map clears them.
	b.ctl("PATCH", "/hosts/novalite-compute-2", b.admin, map[string]any{"host": map[string]any{"fake_knobs": map[string]string{}}})
	id = b.create(t, map[string]any{"availability_zone": "az2"})
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
}

// Export, change, import: the cloud is as exported; reset: as
// bootstrapped. Tokens live on across both.
func TestControlStateAndReset(t *testing.T) {
	t.Parallel()
	b := setup(t, withControl(1))
	keep := b.create(t, map[string]any{"name": "keep", "metadata": map[string]string{"k": "v"}})
	b.wait(t, keep, "ACTIVE", status("ACTIVE"))
	resp := b.srv.Do(apptest.Request{Method: "GET", Path: "/novalite/v1/state", Token: b.admin})
	if resp.Status != 200 {
		t.Fatalf("export: %d %s", resp.Status, resp.Body)
	}
	dump := resp.Body
	b.do("DELETE", "/servers/"+keep, b.demo, nil)
	b.wait(t, keep, "SOFT_DELETED", status("SOFT_DELETED"))
	other := b.create(t, map[string]any{"name": "other"})
	b.wait(t, other, "ACTIVE", status("ACTIVE"))

	if resp := b.srv.Do(apptest.Request{Method: "PUT", Path: "/novalite/v1/state", Token: b.admin, Body: dump}); resp.Status != 204 {
		t.Fatalf("import: %d %s", resp.Status, resp.Body)
	}
	s := b.wait(t, keep, "ACTIVE again", status("ACTIVE"))
	if s["metadata"].(map[string]any)["k"] != "v" {
		t.Errorf("imported server %v", s)
	}
	b.wait(t, other, "gone", gone)
	// Usage follows the servers now there; new servers land.
	b.wait(t, b.create(t, nil), "ACTIVE", status("ACTIVE"))

	if code, _ := b.ctl("POST", "/reset", b.demo, nil); code != 403 {
		t.Errorf("reset by a member: %d", code)
	}
	if code, v := b.ctl("POST", "/reset", b.admin, nil); code != 204 {
		t.Fatalf("reset: %d %v", code, v)
	}
	list := b.do("GET", "/servers?all_tenants=1", b.admin, nil).JSON(t)["servers"].([]any)
	if len(list) != 0 {
		t.Errorf("servers after reset: %v", list)
	}
	flavors := b.do("GET", "/flavors", b.demo, nil).JSON(t)["flavors"].([]any)
	if len(flavors) == 0 {
		t.Error("reset lost the bootstrap flavors")
	}
	b.wait(t, b.create(t, nil), "ACTIVE", status("ACTIVE"))

	bad := strings.Replace(string(dump), `"tables":{`, `"tables":{"nonsense":[],`, 1)
	if resp := b.srv.Do(apptest.Request{Method: "PUT", Path: "/novalite/v1/state", Token: b.admin, Body: bad}); resp.Status != 400 {
		t.Errorf("import of an unknown table: %d %s", resp.Status, resp.Body)
	}
}

// With --hide-fake-metadata clients never see the fake:* knobs, which
// still act, and replacing the metadata keeps them.
func TestHideFakeMetadata(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.HideFakeMetadata = true })
	id := b.create(t, map[string]any{"metadata": map[string]string{"k": "v", "fake:fail_spawn": "hidden fire"}})
	s := b.wait(t, id, "ERROR", status("ERROR"))
	if _, msg := faultOf(s); msg != "hidden fire" {
		t.Errorf("fault %v: the hidden knob should still act", s["fault"])
	}
	want := map[string]any{"k": "v"}
	if md := s["metadata"]; !reflect.DeepEqual(md, want) {
		t.Errorf("show metadata %v, want %v", md, want)
	}
	list := b.do("GET", "/servers/detail", b.demo, nil).JSON(t)["servers"].([]any)
	if md := list[0].(map[string]any)["metadata"]; !reflect.DeepEqual(md, want) {
		t.Errorf("detail metadata %v, want %v", md, want)
	}
	if md := b.do("GET", "/servers/"+id+"/metadata", b.demo, nil).JSON(t)["metadata"]; !reflect.DeepEqual(md, want) {
		t.Errorf("metadata %v, want %v", md, want)
	}
	// Replacing (on an ACTIVE server: Nova refuses metadata changes in ERROR).
	id = b.create(t, map[string]any{"metadata": map[string]string{"k": "v", "fake:delay_spawn": "1ms"}})
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
	resp := b.do("PUT", "/servers/"+id+"/metadata", b.demo, map[string]any{"metadata": map[string]string{"a": "b"}})
	if md := resp.JSON(t)["metadata"]; !reflect.DeepEqual(md, map[string]any{"a": "b"}) {
		t.Errorf("replace answered %v", md)
	}
	stored := storetest.Get(t, b.srv.App.DB, id).Metadata
	if stored["fake:delay_spawn"] != "1ms" || stored["a"] != "b" || len(stored) != 2 {
		t.Errorf("stored after replace: %v, want a and the hidden knob", stored)
	}
}
