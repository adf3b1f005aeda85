package compute_test

import (
	"fmt"
	"testing"
)

// TestActionPolicies checks who may run which action (Nova's default
// policies): a reader of the project gets 403, another project's member
// 404 (the server is not theirs to see), a member of the project 403 on
// the admin actions.
func TestActionPolicies(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	member := []map[string]any{
		{"reboot": map[string]any{"type": "SOFT"}}, {"os-stop": nil}, {"os-start": nil}, {"pause": nil},
		{"unpause": nil}, {"suspend": nil}, {"resume": nil}, {"rescue": nil}, {"unrescue": nil},
		{"resize": map[string]any{"flavorRef": "2"}}, {"confirmResize": nil}, {"revertResize": nil},
		{"rebuild": map[string]any{"imageRef": s.image}}, {"createImage": map[string]any{"name": "i"}},
		{"createBackup": map[string]any{"name": "b", "backup_type": "daily", "rotation": 1}},
		{"changePassword": map[string]any{"adminPass": "x"}}, {"shelve": nil}, {"unshelve": nil},
		{"os-getConsoleOutput": nil}, {"trigger_crash_dump": nil},
	}
	admin := []map[string]any{
		{"shelveOffload": nil}, {"os-resetState": map[string]any{"state": "error"}}, {"migrate": nil},
		{"os-migrateLive": map[string]any{"host": nil, "block_migration": "auto"}}, {"evacuate": map[string]any{}},
		{"injectNetworkInfo": nil},
	}
	for _, body := range append(member, admin...) {
		name := ""
		for k := range body {
			name = k
		}
		t.Run(name, func(t *testing.T) {
			for _, c := range []struct {
				who, token string
				want       int
			}{{"reader", s.reader, 403}, {"other project", s.other, 404}} {
				if status, msg := fault(t, s.do("POST", "/servers/"+s.id+"/action", c.token, "2.100", body)); status != c.want {
					t.Errorf("%s: %d %s, want %d", c.who, status, msg, c.want)
				}
			}
			for _, a := range admin {
				if fmt.Sprint(a) == fmt.Sprint(body) {
					status, msg := fault(t, s.do("POST", "/servers/"+s.id+"/action", s.demo, "2.100", body))
					if status != 403 {
						t.Errorf("member on an admin action: %d %s, want 403", status, msg)
					}
				}
			}
		})
	}
}
