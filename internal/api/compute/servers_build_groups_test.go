package compute_test

import (
	"encoding/json"
	"testing"

	"novalite/internal/app/apptest"
)

// TestBuildingServerSecurityGroups: the create answers the groups as
// requested; while the build has not reached Nova's networking step (whose
// ports Nova's compute host makes) the server shows no security_groups, as
// Nova shows none without ports, so that a client keeps the create's; from
// then on the names of its ports' groups.
func TestBuildingServerSecurityGroups(t *testing.T) {
	t.Parallel()
	b := setup(t)
	private := b.networkID(t, "private")
	resp := b.srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/security-groups", Token: b.demo,
		Body: map[string]any{"security_group": map[string]any{"name": "web"}}})
	web := resp.JSON(t)["security_group"].(map[string]any)["id"].(string)
	resp = b.do("POST", "/servers", b.demo, "2.1", map[string]any{"server": map[string]any{"name": "sg-build",
		"imageRef": b.image, "flavorRef": "1", "networks": []any{map[string]any{"uuid": private}},
		"security_groups": []any{map[string]any{"name": web}}}})
	created := resp.JSON(t)["server"].(map[string]any)
	if got, _ := json.Marshal(created["security_groups"]); string(got) != `[{"name":"`+web+`"}]` {
		t.Fatalf("create answered security_groups %s, want the id as sent", got)
	}
	id := created["id"].(string)
	for _, tc := range []struct {
		vm, task string // task "" is NULL
		want     string // security_groups shown, as JSON; "" for none
	}{
		{"building", "scheduling", ""},
		{"building", "", ""},
		{"building", "networking", ""},
		{"building", "block_device_mapping", `[{"name":"web"}]`},
		{"building", "spawning", `[{"name":"web"}]`},
		{"active", "", `[{"name":"web"}]`},
	} {
		var task any
		if tc.task != "" {
			task = tc.task
		}
		if err := b.execSQL(`UPDATE instances SET vm_state = $1, task_state = $2 WHERE uuid = $3`, tc.vm, task, id); err != nil {
			t.Fatal(err)
		}
		show := b.show(t, b.demo, id, "2.1")
		detail := b.do("GET", "/servers/detail?name=sg-build", b.demo, "2.1", nil).JSON(t)["servers"].([]any)[0].(map[string]any)
		for where, v := range map[string]map[string]any{"show": show, "detail": detail} {
			got := ""
			if g, ok := v["security_groups"]; ok {
				js, _ := json.Marshal(g)
				got = string(js)
			}
			if got != tc.want {
				t.Errorf("%s/%s %s: security_groups %q, want %q", tc.vm, tc.task, where, got, tc.want)
			}
		}
	}
}
