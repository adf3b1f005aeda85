package volume_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

// What Tempest's volume tests found: os-detach of an attachment that is
// gone settles the volume as Cinder's manager does; the readonly flag
// shows in the metadata once set; the summary (3.12, metadata 3.36);
// the services' host and binary filters; an unknown sort key is 400.
func TestVolumeDetachReadonlySummaryServices(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin, demo := srv.AdminToken(), srv.DemoToken()
	v := createVolume(t, srv, demo, map[string]any{"size": 2, "metadata": map[string]any{"k": "v"}})
	id := v["id"].(string)
	createVolume(t, srv, demo, map[string]any{"size": 3, "metadata": map[string]any{"k": "w"}})
	action := func(tok, name string, arg map[string]any, want int) {
		t.Helper()
		do(t, srv, tok, "POST", "/v3/volumes/"+id+"/action", map[string]any{name: arg}, want)
	}

	// Force detach of the only attachment, then a plain detach with
	// nothing left: both 202, the volume available.
	action(demo, "os-attach", map[string]any{"instance_uuid": server1, "mountpoint": "/dev/vdb"}, 202)
	att := obj(do(t, srv, demo, "GET", "/v3/volumes/"+id, nil, 200), "volume")["attachments"].([]any)[0].(map[string]any)
	action(admin, "os-reset_status", map[string]any{"status": "error"}, 202)
	action(admin, "os-force_detach", map[string]any{"attachment_id": att["attachment_id"], "connector": nil}, 202)
	action(demo, "os-detach", map[string]any{}, 202)
	action(demo, "os-detach", map[string]any{"attachment_id": att["attachment_id"]}, 202)
	if got := status(t, srv, demo, id); got != "available" {
		t.Errorf("after detaching twice: %s", got)
	}

	if _, has := obj(do(t, srv, demo, "GET", "/v3/volumes/"+id, nil, 200), "volume")["metadata"].(map[string]any)["readonly"]; has {
		t.Errorf("readonly shown before it was set")
	}
	for _, ro := range []bool{true, false} {
		action(demo, "os-update_readonly_flag", map[string]any{"readonly": ro}, 202)
		md := obj(do(t, srv, demo, "GET", "/v3/volumes/"+id, nil, 200), "volume")["metadata"].(map[string]any)
		if want := map[bool]string{true: "True", false: "False"}[ro]; md["readonly"] != want || md["k"] != "v" {
			t.Errorf("readonly %v: metadata %v", ro, md)
		}
	}
	if md := obj(do(t, srv, demo, "GET", "/v3/volumes/"+id+"/metadata", nil, 200), "metadata"); len(md) != 1 {
		t.Errorf("the metadata API shows the user's only: %v", md)
	}

	sum := obj(doAt(t, srv, "3.36", demo, "GET", "/v3/volumes/summary", nil, 200), "volume-summary")
	if sum["total_count"] != float64(2) || sum["total_size"] != float64(5) || len(obj(sum, "metadata")["k"].([]any)) != 2 {
		t.Errorf("summary: %v", sum)
	}
	if _, has := obj(doAt(t, srv, "3.12", demo, "GET", "/v3/volumes/summary", nil, 200), "volume-summary")["metadata"]; has {
		t.Errorf("summary at 3.12 has metadata")
	}
	resp := srv.Do(apptest.Request{Method: "GET", Path: "/volume/v3/volumes/summary", Token: demo, Headers: mv("3.11")})
	if resp.Status != 404 {
		t.Errorf("summary at 3.11: %d, want 404 (a volume id)", resp.Status)
	}

	for _, tc := range []struct {
		query string
		n     int
	}{{"", 2}, {"?binary=cinder-volume", 1}, {"?host=novalite", 2}, {"?host=novalite&binary=cinder-volume", 1}, {"?host=other", 0}} {
		if got := list(do(t, srv, admin, "GET", "/v3/os-services"+tc.query, nil, 200), "services"); len(got) != tc.n {
			t.Errorf("services%s: %d, want %d", tc.query, len(got), tc.n)
		}
	}
	if msg := fault(t, srv, demo, "GET", "/v3/volumes?sort=bogus", nil, 400, "badRequest"); msg != "Invalid input received: Invalid sort key" {
		t.Errorf("unknown sort key: %q", msg)
	}
	do(t, srv, demo, "GET", "/v3/volumes?sort=availability_zone", nil, 200) // Cinder's, not sorted by here
}
