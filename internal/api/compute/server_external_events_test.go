package compute_test

import (
	"testing"
)

func TestServerExternalEvents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	placed := b.create(t, b.demo, "placed", nil)
	b.launch(t, placed)
	unplaced := b.create(t, b.demo, "unplaced", nil) // no scheduler: no host
	gone := b.create(t, b.demo, "gone", nil)
	b.launch(t, gone)
	if err := b.execSQL(`UPDATE instances SET deleted = $1 WHERE uuid = $2`, true, gone); err != nil {
		t.Fatal(err)
	}
	const unknown = "6a8c3ea6-2f21-4d1c-9b2f-3c8e2b8f0b11"
	ev := func(name, server string, extra ...string) map[string]any {
		e := map[string]any{"name": name, "server_uuid": server}
		for i := 0; i+1 < len(extra); i += 2 {
			e[extra[i]] = extra[i+1]
		}
		return e
	}
	type want struct {
		code   float64
		status string
	}
	tests := []struct {
		name, token, mv string
		events          []map[string]any
		wantStatus      int
		want            []want
		wantMsg         string
	}{
		{"accepted", b.admin, "2.1", []map[string]any{ev("network-changed", placed)}, 200,
			[]want{{200, "completed"}}, ""},
		{"failed status sent still completes", b.admin, "2.1",
			[]map[string]any{ev("network-vif-plugged", placed, "status", "failed", "tag", "port-1")}, 200,
			[]want{{200, "completed"}}, ""},
		{"mixed", b.admin, "2.1", []map[string]any{
			ev("network-changed", placed), ev("network-changed", unplaced), ev("network-vif-deleted", unknown),
			ev("network-vif-unplugged", gone)}, 207,
			[]want{{200, "completed"}, {422, "failed"}, {404, "failed"}, {404, "failed"}}, ""},
		{"power-update without tag", b.admin, "2.76", []map[string]any{ev("power-update", placed)}, 207,
			[]want{{400, "failed"}}, ""},
		{"power-update with tag", b.admin, "2.76", []map[string]any{ev("power-update", placed, "tag", "POWER_OFF")}, 200,
			[]want{{200, "completed"}}, ""},
		// None accepted is still 207 (Nova dropped the overall 404 in
		// Ussuri: "Nix os-server-external-events 404 condition").
		{"none accepted", b.admin, "2.1", []map[string]any{ev("network-changed", unknown)}, 207,
			[]want{{404, "failed"}}, ""},
		{"power-update before 2.76", b.admin, "2.75", []map[string]any{ev("power-update", placed, "tag", "POWER_OFF")}, 400,
			nil, ""},
		{"volume-reimaged at 2.93", b.admin, "2.93", []map[string]any{ev("volume-reimaged", placed)}, 200,
			[]want{{200, "completed"}}, ""},
		{"no events", b.admin, "2.1", []map[string]any{}, 400, nil, ""},
		{"bad uuid", b.admin, "2.1", []map[string]any{ev("network-changed", "nope")}, 400, nil, ""},
		{"member", b.demo, "2.1", []map[string]any{ev("network-changed", placed)}, 403, nil,
			"Policy doesn't allow os_compute_api:os-server-external-events:create to be performed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do("POST", "/os-server-external-events", tt.token, tt.mv, map[string]any{"events": tt.events})
			if tt.want == nil {
				status, msg := fault(t, r)
				if status != tt.wantStatus || (tt.wantMsg != "" && msg != tt.wantMsg) {
					t.Errorf("got %d %q", status, msg)
				}
				return
			}
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
			got := r.JSON(t)["events"].([]any)
			if len(got) != len(tt.want) {
				t.Fatalf("events: %s", r.Body)
			}
			for i, g := range got {
				g := g.(map[string]any)
				sent := tt.events[i]
				if g["code"] != tt.want[i].code || g["status"] != tt.want[i].status ||
					g["name"] != sent["name"] || g["server_uuid"] != sent["server_uuid"] || g["tag"] != sent["tag"] {
					t.Errorf("event %d: %v", i, g)
				}
			}
		})
	}
}

// An accepted power-update stops or starts the server as Nova's compute
// manager does, only from the opposite idle state, and records the
// action; an unknown tag is skipped.
func TestPowerUpdateEvent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "powered", nil)
	b.launch(t, id)
	event := func(tag string) {
		t.Helper()
		r := b.do("POST", "/os-server-external-events", b.admin, "2.76", map[string]any{"events": []any{
			map[string]any{"name": "power-update", "server_uuid": id, "tag": tag}}})
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", tag, r.Status, r.Body)
		}
	}
	task := func() any { return b.show(t, b.admin, id, "2.76")["OS-EXT-STS:task_state"] }
	event("POWER_ON") // already running: nothing to do
	if got := task(); got != nil {
		t.Errorf("POWER_ON on a running server: task %v", got)
	}
	event("SOMETHING") // not a power state: skipped
	event("POWER_OFF")
	if got := task(); got != "powering-off" {
		t.Errorf("POWER_OFF: task %v, want powering-off", got)
	}
	if err := b.execSQL(`UPDATE instances SET vm_state = 'stopped', task_state = NULL, power_state = 4 WHERE uuid = $1`, id); err != nil {
		t.Fatal(err)
	}
	event("POWER_ON")
	if got := task(); got != "powering-on" {
		t.Errorf("POWER_ON on a stopped server: task %v, want powering-on", got)
	}
	var actions []string
	for _, a := range b.do("GET", "/servers/"+id+"/os-instance-actions", b.admin, "2.76", nil).JSON(t)["instanceActions"].([]any) {
		actions = append(actions, a.(map[string]any)["action"].(string))
	}
	if len(actions) < 2 || actions[0] != "start" || actions[1] != "stop" {
		t.Errorf("actions %v, want start and stop first", actions)
	}
}
