package compute_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// actionsFixture is a server of demo's with four recorded actions,
// newest first: stop (failed, with a host, traceback and details, added
// as an agent would), unlock, lock (each with its api_ event), create.
type actionsFixture struct {
	*subres
	reqs []string // request ids, newest first
}

func setupActions(t *testing.T) *actionsFixture {
	t.Helper()
	s := setupSubres(t)
	f := &actionsFixture{subres: s}
	var reqs []string
	for _, act := range []string{"lock", "unlock"} {
		resp := s.do("POST", "/servers/"+s.id+"/action", s.demo, "2.1", map[string]any{act: nil})
		if resp.Status != http.StatusAccepted {
			t.Fatalf("%s: %d %s", act, resp.Status, resp.Body)
		}
		reqs = append(reqs, resp.Header.Get("X-Openstack-Request-Id"))
	}
	later := time.Now().Add(time.Second).UnixMicro()
	err := s.execSQL(`INSERT INTO instance_actions (instance_uuid, request_id, action, project_id, user_id, start_time,
		finish_time, updated_at, message) SELECT uuid, 'req-stop', 'stop', project_id, user_id, $1, $1, $1, 'Error'
		FROM instances WHERE uuid = $2`, later, s.id)
	if err == nil {
		err = s.execSQL(`INSERT INTO instance_action_events (action_id, event, start_time, finish_time, result, traceback,
			host, details) SELECT id, 'compute_stop_instance', $1, $1, 'Error', 'Traceback: boom', 'host1', 'boom'
			FROM instance_actions WHERE request_id = 'req-stop'`, later)
	}
	if err != nil {
		t.Fatal(err)
	}
	list := s.do("GET", "/servers/"+s.id+"/os-instance-actions", s.demo, "2.1", nil).JSON(t)["instanceActions"].([]any)
	create := list[len(list)-1].(map[string]any)["request_id"].(string)
	f.reqs = []string{"req-stop", reqs[1], reqs[0], create}
	return f
}

func actionIDs(t *testing.T, body map[string]any) []string {
	t.Helper()
	var out []string
	for _, a := range body["instanceActions"].([]any) {
		out = append(out, a.(map[string]any)["request_id"].(string))
	}
	return out
}

func TestInstanceActionsList(t *testing.T) {
	t.Parallel()
	f := setupActions(t)
	base := "/servers/" + f.id + "/os-instance-actions"
	resp := f.do("GET", base, f.reader, "2.1", nil)
	if resp.Status != 200 {
		t.Fatalf("list: %d %s", resp.Status, resp.Body)
	}
	body := resp.JSON(t)
	if got := actionIDs(t, body); !slices.Equal(got, f.reqs) {
		t.Errorf("request ids %v, want %v", got, f.reqs)
	}
	acts := body["instanceActions"].([]any)
	first := acts[0].(map[string]any)
	if first["action"] != "stop" || first["message"] != "Error" || first["instance_uuid"] != f.id {
		t.Errorf("newest action %v", first)
	}
	if want := []string{"create", "lock", "unlock"}; !slices.Equal([]string{acts[3].(map[string]any)["action"].(string),
		acts[2].(map[string]any)["action"].(string), acts[1].(map[string]any)["action"].(string)}, want) {
		t.Errorf("actions %v", acts)
	}
	keys := func(mv string) []string {
		return sortedKeys(f.do("GET", base, f.demo, mv, nil).JSON(t)["instanceActions"].([]any)[0].(map[string]any))
	}
	if got, want := keys("2.57"), []string{"action", "instance_uuid", "message", "project_id", "request_id", "start_time", "user_id"}; !slices.Equal(got, want) {
		t.Errorf("2.57 keys %v, want %v", got, want)
	}
	if got := keys("2.58"); !slices.Contains(got, "updated_at") {
		t.Errorf("2.58 keys %v lack updated_at", got)
	}
	start := first["start_time"].(string)
	if _, err := time.Parse("2006-01-02T15:04:05.000000", start); err != nil {
		t.Errorf("start_time %q is not Nova's strtime", start)
	}

	future := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	past := url.QueryEscape(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	tests := []struct {
		name, query, mv, token string
		status                 int
		msg                    string
		want                   []string // request ids (indexes into f.reqs by value)
		next                   string   // marker of the next link, "" = no link
	}{
		{"limit 2", "limit=2", "2.58", f.demo, 200, "", f.reqs[:2], f.reqs[1]},
		{"after marker", "marker=" + f.reqs[1], "2.58", f.demo, 200, "", f.reqs[2:], ""},
		{"limit and marker", "limit=1&marker=" + f.reqs[0], "2.58", f.demo, 200, "", f.reqs[1:2], f.reqs[1]},
		{"full last page links too", "limit=4", "2.58", f.demo, 200, "", f.reqs, f.reqs[3]},
		{"limit 0", "limit=0", "2.58", f.demo, 200, "", nil, ""},
		{"limit ignored below 2.58", "limit=1", "2.57", f.demo, 200, "", f.reqs, ""},
		{"unknown marker", "marker=req-nope", "2.58", f.demo, 400, "Marker req-nope could not be found.", nil, ""},
		{"negative limit", "limit=-1", "2.58", f.demo, 400,
			"Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'", nil, ""},
		{"two limits", "limit=1&limit=2", "2.58", f.demo, 400,
			"Invalid input for query parameters limit. Value: ['1', '2']. ['1', '2'] is too long", nil, ""},
		{"changes-since future", "changes-since=" + future, "2.58", f.demo, 200, "", nil, ""},
		{"changes-since past", "changes-since=" + past, "2.58", f.demo, 200, "", f.reqs, ""},
		{"bad changes-since", "changes-since=yesterday", "2.58", f.demo, 400,
			"Invalid input for query parameters changes-since. Value: yesterday. 'yesterday' is not a 'date-time'", nil, ""},
		{"changes-before at 2.58", "changes-before=" + future, "2.58", f.demo, 400,
			"Additional properties are not allowed ('changes-before' was unexpected)", nil, ""},
		{"changes-before past", "changes-before=" + past, "2.66", f.demo, 200, "", nil, ""},
		{"changes-before future", "changes-before=" + future, "2.66", f.demo, 200, "", f.reqs, ""},
		{"before < since", "changes-since=" + future + "&changes-before=" + past, "2.66", f.demo, 400,
			"The value of changes-since must be less than or equal to changes-before.", nil, ""},
		{"unknown parameter at 2.58", "foo=1", "2.58", f.demo, 400, "Additional properties are not allowed ('foo' was unexpected)", nil, ""},
		{"unknown parameter at 2.57", "foo=1", "2.57", f.demo, 200, "", f.reqs, ""},
		{"other project", "", "2.58", f.other, 404, "Instance " + f.id + " could not be found.", nil, ""},
		{"admin", "", "2.58", f.admin, 200, "", f.reqs, ""},
	}
	for _, tt := range tests {
		path := base
		if tt.query != "" {
			path += "?" + tt.query
		}
		resp := f.do("GET", path, tt.token, tt.mv, nil)
		status, msg := fault(t, resp)
		expect(t, tt.name, tt.status, tt.msg, status, msg)
		if status != 200 {
			continue
		}
		body := resp.JSON(t)
		if got := actionIDs(t, body); !slices.Equal(got, tt.want) {
			t.Errorf("%s: request ids %v, want %v", tt.name, got, tt.want)
		}
		links, _ := body["links"].([]any)
		switch {
		case tt.next == "" && links != nil:
			t.Errorf("%s: unexpected links %v", tt.name, links)
		case tt.next != "":
			href := ""
			if len(links) == 1 {
				href, _ = links[0].(map[string]any)["href"].(string)
			}
			if !strings.HasPrefix(href, f.srv.URL+"/compute/v2.1"+base+"?") || !strings.Contains(href, "marker="+url.QueryEscape(tt.next)) {
				t.Errorf("%s: next link %q, want marker %s", tt.name, href, tt.next)
			}
		}
	}
}

func TestInstanceActionShow(t *testing.T) {
	t.Parallel()
	f := setupActions(t)
	base := "/servers/" + f.id + "/os-instance-actions/"
	show := func(token, mv, req string) map[string]any {
		t.Helper()
		resp := f.do("GET", base+req, token, mv, nil)
		if resp.Status != 200 {
			t.Fatalf("show %s at %s: %d %s", req, mv, resp.Status, resp.Body)
		}
		return resp.JSON(t)["instanceAction"].(map[string]any)
	}
	tests := []struct {
		name, token, mv string
		events          bool
		eventKeys       []string
	}{
		{"member 2.1", f.demo, "2.1", false, nil},
		{"reader 2.50", f.reader, "2.50", false, nil},
		{"reader 2.51", f.reader, "2.51", true, []string{"event", "finish_time", "result", "start_time"}},
		{"member 2.62", f.demo, "2.62", true, []string{"event", "finish_time", "hostId", "result", "start_time"}},
		{"member 2.84", f.demo, "2.84", true, []string{"event", "finish_time", "hostId", "result", "start_time"}},
		{"admin 2.1", f.admin, "2.1", true, []string{"event", "finish_time", "result", "start_time", "traceback"}},
		{"admin 2.62", f.admin, "2.62", true, []string{"event", "finish_time", "host", "hostId", "result", "start_time", "traceback"}},
		{"admin 2.84", f.admin, "2.84", true, []string{"details", "event", "finish_time", "host", "hostId", "result", "start_time", "traceback"}},
	}
	for _, tt := range tests {
		a := show(tt.token, tt.mv, "req-stop")
		evs, has := a["events"].([]any)
		if has != tt.events {
			t.Errorf("%s: events shown %v, want %v", tt.name, has, tt.events)
			continue
		}
		if !has {
			continue
		}
		if len(evs) != 1 {
			t.Fatalf("%s: events %v", tt.name, evs)
		}
		ev := evs[0].(map[string]any)
		if got := sortedKeys(ev); !slices.Equal(got, tt.eventKeys) {
			t.Errorf("%s: event keys %v, want %v", tt.name, got, tt.eventKeys)
		}
		if ev["result"] != "Error" || ev["event"] != "compute_stop_instance" {
			t.Errorf("%s: event %v", tt.name, ev)
		}
		if h, ok := ev["hostId"]; ok && h != sha224Hex(a["project_id"].(string)+"host1") {
			t.Errorf("%s: hostId %v", tt.name, h)
		}
		if d, ok := ev["details"]; ok && d != "boom" {
			t.Errorf("%s: details %v", tt.name, d)
		}
	}
	a := show(f.admin, "2.84", f.reqs[2])
	evs := a["events"].([]any)
	if a["action"] != "lock" || len(evs) != 1 || evs[0].(map[string]any)["event"] != "api_lock" {
		t.Errorf("lock action %v", a)
	}
	if ev := evs[0].(map[string]any); ev["host"] != nil || ev["hostId"] != "" || ev["traceback"] != nil || ev["details"] != nil {
		t.Errorf("api event without host: %v", ev)
	}
	if got := show(f.demo, "2.58", f.reqs[3]); got["action"] != "create" || got["updated_at"] == nil {
		t.Errorf("create action %v", got)
	}

	for _, c := range []struct {
		name, token, mv, path string
		status                int
		msg                   string
	}{
		{"unknown request id", f.demo, "2.1", base + "req-nope", 404, "Action req-nope not found"},
		{"other project", f.other, "2.1", base + "req-stop", 404, "Instance " + f.id + " could not be found."},
		{"query at 2.101", f.demo, "2.101", base + "req-stop?foo=1", 200, ""},
		{"query at 2.102", f.demo, "2.102", base + "req-stop?foo=1", 400, "Additional properties are not allowed ('foo' was unexpected)"},
	} {
		status, msg := fault(t, f.do("GET", c.path, c.token, c.mv, nil))
		expect(t, c.name, c.status, c.msg, status, msg)
	}

	// From 2.21 the actions of a deleted server stay readable.
	if err := f.execSQL(`UPDATE instances SET deleted = TRUE, vm_state = 'deleted' WHERE uuid = $1`, f.id); err != nil {
		t.Fatal(err)
	}
	gone := "Instance " + f.id + " could not be found."
	for _, c := range []struct {
		mv, path string
		status   int
	}{
		{"2.20", base + "req-stop", 404}, {"2.21", base + "req-stop", 200},
		{"2.20", strings.TrimSuffix(base, "/"), 404}, {"2.21", strings.TrimSuffix(base, "/"), 200},
	} {
		status, msg := fault(t, f.do("GET", c.path, f.demo, c.mv, nil))
		want := ""
		if c.status == 404 {
			want = gone
		}
		expect(t, "deleted server at "+c.mv+" "+c.path, c.status, want, status, msg)
	}
}
