package volume_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

// The snapshot answers Tempest's schemas check: the extended attributes
// in show and the detailed list only, Cinder's summary in the plain
// list; metadata; os-update_snapshot_status with its progress; offset
// and Cinder's 400 for a sort key its model lacks.
func TestSnapshotViewsMetadataAndStatus(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin, demo := srv.AdminToken(), srv.DemoToken()
	vid := createVolume(t, srv, demo, map[string]any{"size": 1})["id"].(string)
	const ext = "os-extended-snapshot-attributes:progress"
	var ids []string
	for range 3 {
		s := obj(do(t, srv, demo, "POST", "/v3/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": vid,
			"metadata": map[string]any{"a": "1"}}}, 202), "snapshot")
		if _, has := s[ext]; has {
			t.Errorf("create answers the extended attributes: %v", s)
		}
		ids = append(ids, s["id"].(string))
	}
	sid := ids[0]
	if s := obj(do(t, srv, demo, "GET", "/v3/snapshots/"+sid, nil, 200), "snapshot"); s[ext] != "100%" ||
		s["os-extended-snapshot-attributes:project_id"] == nil {
		t.Errorf("show lacks the extended attributes: %v", s)
	}
	for path, want := range map[string]bool{"/v3/snapshots": false, "/v3/snapshots/detail": true} {
		for _, s := range list(do(t, srv, demo, "GET", path, nil, 200), "snapshots") {
			s := s.(map[string]any)
			if _, has := s[ext]; has != want {
				t.Errorf("%s: extended attributes %v, want %v", path, has, want)
			}
			if _, has := s["user_id"]; has == !want {
				t.Errorf("%s: user_id %v, want %v (3.41, detail only)", path, has, want)
			}
		}
	}
	if got := list(do(t, srv, demo, "GET", "/v3/snapshots?offset=2&limit=3", nil, 200), "snapshots"); len(got) != 1 {
		t.Errorf("offset 2 of 3: %d snapshots", len(got))
	}
	for _, tc := range []struct{ query, msg string }{
		{"sort_key=invalid", "Invalid input received: Invalid sort key"},
		{"sort=size", "Invalid input received: Invalid sort key"}, // a snapshot's is volume_size
		{"offset=x", "offset must be an integer."},
		{"offset=-1", "offset must be >= 0."},
	} {
		if msg := fault(t, srv, demo, "GET", "/v3/snapshots?"+tc.query, nil, 400, "badRequest"); msg != tc.msg {
			t.Errorf("%s: %q, want %q", tc.query, msg, tc.msg)
		}
	}
	do(t, srv, demo, "GET", "/v3/snapshots?sort=volume_size:asc", nil, 200)
	if msg := fault(t, srv, demo, "POST", "/v3/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": nil}}, 404,
		"itemNotFound"); msg != "Volume None could not be found." {
		t.Errorf("null volume_id: %q", msg)
	}

	// Metadata, as the volume's.
	base := "/v3/snapshots/" + sid + "/metadata"
	if m := obj(do(t, srv, demo, "POST", base, map[string]any{"metadata": map[string]any{"b": "2"}}, 200), "metadata"); m["a"] != "1" || m["b"] != "2" {
		t.Errorf("merge: %v", m)
	}
	do(t, srv, demo, "PUT", base+"/b", map[string]any{"meta": map[string]any{"b": "3"}}, 200)
	if m := obj(do(t, srv, demo, "GET", base+"/b", nil, 200), "meta"); m["b"] != "3" {
		t.Errorf("item: %v", m)
	}
	fault(t, srv, demo, "PUT", base+"/b", map[string]any{"meta": map[string]any{"c": "3"}}, 400, "badRequest")
	if m := obj(do(t, srv, demo, "PUT", base, map[string]any{"metadata": map[string]any{"c": "4"}}, 200), "metadata"); len(m) != 1 {
		t.Errorf("replace: %v", m)
	}
	do(t, srv, demo, "DELETE", base+"/c", nil, 200)
	if msg := fault(t, srv, demo, "GET", base+"/c", nil, 404, "itemNotFound"); msg != "Snapshot "+sid+" has no metadata with key c." {
		t.Errorf("missing key: %q", msg)
	}
	other, _ := srv.NewMember("other")
	fault(t, srv, other, "GET", base, nil, 404, "itemNotFound")

	// os-update_snapshot_status: the owner moves a creating snapshot on.
	update := func(status, progress string, want int) {
		t.Helper()
		do(t, srv, demo, "POST", "/v3/snapshots/"+sid+"/action", map[string]any{"os-update_snapshot_status": map[string]any{
			"status": status, "progress": progress}}, want)
	}
	update("error", "", 400) // available: not a status it moves
	do(t, srv, admin, "POST", "/v3/snapshots/"+sid+"/action", map[string]any{"os-reset_status": map[string]any{"status": "creating"}}, 202)
	update("error", "80", 400)
	update("error_deleting", "80%", 400)
	update("error", "80%", 202)
	if s := obj(do(t, srv, demo, "GET", "/v3/snapshots/"+sid, nil, 200), "snapshot"); s["status"] != "error" || s[ext] != "80%" {
		t.Errorf("after update: %v", s)
	}
}
