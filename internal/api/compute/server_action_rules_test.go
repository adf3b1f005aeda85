package compute_test

import (
	"fmt"
	"slices"
	"testing"
)

// TestActionStateRules tries every action on a server in each vm_state
// and task_state pair and checks the answer against the states Nova's
// check_instance_state decorators allow (nova/compute/api.py, written out
// again here rather than taken from the code under test).
func TestActionStateRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "vm", nil)
	b.launch(t, id)

	type state struct {
		vm, task string
		launched bool
	}
	states := []state{
		{"active", "", true}, {"active", "", false}, {"stopped", "", true}, {"paused", "", true},
		{"suspended", "", true}, {"rescued", "", true}, {"resized", "", true}, {"error", "", true},
		{"shelved", "", true}, {"shelved_offloaded", "", true}, {"building", "spawning", false},
		{"active", "rebooting", true}, {"active", "powering-off", true}, {"active", "pausing", true},
		{"soft-delete", "", true},
	}
	reboot := []string{"", "rebooting", "reboot_pending", "reboot_started", "resuming", "rebooting_hard",
		"unpausing", "pausing", "suspending"}
	idle := []string{""}
	rules := []struct {
		name   string
		body   map[string]any
		word   string
		vm     []string
		task   []string
		status int // of an allowed request
		msg    string
	}{
		{"soft reboot", map[string]any{"reboot": map[string]any{"type": "SOFT"}}, "reboot", []string{"active"}, idle, 202, ""},
		{"hard reboot", map[string]any{"reboot": map[string]any{"type": "HARD"}}, "reboot",
			[]string{"active", "stopped", "paused", "suspended", "error"}, reboot, 202, ""},
		{"stop", map[string]any{"os-stop": nil}, "stop", []string{"active", "error"}, idle, 202, ""},
		{"start", map[string]any{"os-start": nil}, "start", []string{"stopped"}, idle, 202, ""},
		{"pause", map[string]any{"pause": nil}, "pause", []string{"active"}, idle, 202, ""},
		{"unpause", map[string]any{"unpause": nil}, "unpause", []string{"paused"}, idle, 202, ""},
		{"suspend", map[string]any{"suspend": nil}, "suspend", []string{"active"}, idle, 202, ""},
		{"resume", map[string]any{"resume": nil}, "resume", []string{"suspended"}, idle, 202, ""},
		{"rescue", map[string]any{"rescue": nil}, "rescue", []string{"active", "stopped", "error"}, idle, 200, ""},
		{"unrescue", map[string]any{"unrescue": nil}, "unrescue", []string{"rescued"}, idle, 202, ""},
		{"changePassword", map[string]any{"changePassword": map[string]any{"adminPass": "x"}}, "changePassword",
			[]string{"active"}, idle, 202, ""},
		{"shelve", map[string]any{"shelve": nil}, "shelve", []string{"active", "stopped", "paused", "suspended"}, idle, 202, ""},
		{"shelveOffload", map[string]any{"shelveOffload": nil}, "shelveOffload", []string{"shelved"}, idle, 202, ""},
		{"unshelve", map[string]any{"unshelve": nil}, "unshelve", []string{"shelved", "shelved_offloaded"}, idle, 202, ""},
		{"createImage", map[string]any{"createImage": map[string]any{"name": "i"}}, "createImage",
			[]string{"active", "stopped", "paused", "suspended"}, idle, 202, ""},
		{"createBackup", map[string]any{"createBackup": map[string]any{"name": "b", "backup_type": "daily", "rotation": 1}},
			"createBackup", []string{"active", "stopped"}, idle, 202, ""},
		{"rebuild", map[string]any{"rebuild": map[string]any{"imageRef": b.image}}, "rebuild",
			[]string{"active", "stopped", "error"}, idle, 202, ""},
		{"resize", map[string]any{"resize": map[string]any{"flavorRef": "2"}}, "resize", []string{"active", "stopped"}, idle, 202, ""},
		{"confirmResize", map[string]any{"confirmResize": nil}, "confirmResize", []string{"resized"}, idle, 400,
			"Instance has not been resized."},
		{"revertResize", map[string]any{"revertResize": nil}, "revertResize", []string{"resized"}, idle, 400,
			"Instance has not been resized."},
		{"trigger_crash_dump", map[string]any{"trigger_crash_dump": nil}, "trigger_crash_dump",
			[]string{"active", "paused", "rescued", "resized", "error"}, idle, 202, ""},
	}
	for _, r := range rules {
		for _, st := range states {
			name := fmt.Sprintf("%s/%s/%s/launched=%v", r.name, st.vm, st.task, st.launched)
			t.Run(name, func(t *testing.T) {
				b.setState(t, id, st.vm, st.task, st.launched)
				want, wantMsg := r.status, r.msg
				switch {
				case !slices.Contains(r.vm, st.vm):
					want, wantMsg = 409, fmt.Sprintf("Cannot '%s' instance %s while it is in vm_state %s", r.word, id, st.vm)
				case !slices.Contains(r.task, st.task):
					want, wantMsg = 409, fmt.Sprintf("Cannot '%s' instance %s while it is in task_state %s", r.word, id, st.task)
				case !st.launched:
					want, wantMsg = 409, fmt.Sprintf("Instance %s is in an invalid state for '%s'", id, r.word)
				}
				status, msg := fault(t, b.do("POST", "/servers/"+id+"/action", b.admin, "2.100", r.body))
				if status != want || (wantMsg != "" && msg != wantMsg) {
					t.Errorf("got %d %q, want %d %q", status, msg, want, wantMsg)
				}
			})
		}
	}
}
