package volume_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

const server1 = "6f2a7e52-4a53-4bb4-8a3b-5f4d1e1f0a01"

// The attachments API as Nova drives it: create reserves, update with a
// connector attaches, complete makes the volume in-use, delete frees it.
func TestAttachmentsAPI(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	id := createVolume(t, srv, demo, map[string]any{"size": 1})["id"].(string)
	doAt(t, srv, "3.26", demo, "GET", "/v3/attachments", nil, 404)
	att := obj(do(t, srv, demo, "POST", "/v3/attachments", map[string]any{"attachment": map[string]any{
		"volume_uuid": id, "instance_uuid": server1}}, 200), "attachment")
	aid := att["id"].(string)
	if att["status"] != "reserved" || att["instance"] != server1 || att["connection_info"] != nil {
		t.Errorf("created: %v", att)
	}
	if got := status(t, srv, demo, id); got != "reserved" {
		t.Errorf("volume after reserve: %s", got)
	}
	// A reserved volume takes no second server.
	fault(t, srv, demo, "POST", "/v3/attachments", map[string]any{"attachment": map[string]any{
		"volume_uuid": id, "instance_uuid": server1}}, 400, "badRequest")
	up := obj(do(t, srv, demo, "PUT", "/v3/attachments/"+aid, map[string]any{"attachment": map[string]any{
		"connector": map[string]any{"host": "host1", "mountpoint": "/dev/vdb"}}}, 200), "attachment")
	if up["status"] != "attaching" || obj(up, "connection_info")["driver_volume_type"] != "local" {
		t.Errorf("updated: %v", up)
	}
	do(t, srv, demo, "POST", "/v3/attachments/"+aid+"/action", map[string]any{"os-complete": nil}, 204)
	v := obj(do(t, srv, demo, "GET", "/v3/volumes/"+id, nil, 200), "volume")
	atts := v["attachments"].([]any)
	if v["status"] != "in-use" || len(atts) != 1 {
		t.Fatalf("volume after complete: %v", v)
	}
	if a := atts[0].(map[string]any); a["server_id"] != server1 || a["attachment_id"] != aid || a["device"] != "/dev/vdb" || a["host_name"] != nil {
		t.Errorf("attachment in the view: %v", a)
	}
	if l := list(do(t, srv, demo, "GET", "/v3/attachments?volume_id="+id, nil, 200), "attachments"); len(l) != 1 {
		t.Errorf("list: %v", l)
	}
	fault(t, srv, demo, "DELETE", "/v3/volumes/"+id, nil, 400, "badRequest")
	rest := do(t, srv, demo, "DELETE", "/v3/attachments/"+aid, nil, 200)
	if len(list(rest, "attachments")) != 0 {
		t.Errorf("remaining: %v", rest)
	}
	if got := status(t, srv, demo, id); got != "available" {
		t.Errorf("volume after delete: %s", got)
	}
	fault(t, srv, demo, "GET", "/v3/attachments/"+aid, nil, 404, "itemNotFound")
}

// The older attach actions take a volume through the same statuses.
func TestLegacyAttachActions(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	id := createVolume(t, srv, demo, map[string]any{"size": 1})["id"].(string)
	action := func(name string, arg map[string]any, want int) {
		t.Helper()
		do(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{name: arg}, want)
	}
	steps := []struct {
		action string
		arg    map[string]any
		code   int
		status string
	}{
		{"os-reserve", nil, 202, "attaching"},
		{"os-unreserve", nil, 202, "available"},
		{"os-reserve", nil, 202, "attaching"},
		{"os-attach", map[string]any{"instance_uuid": server1, "mountpoint": "/dev/vdc"}, 202, "in-use"},
		{"os-reserve", nil, 400, "in-use"},
		{"os-begin_detaching", nil, 202, "detaching"},
		{"os-roll_detaching", nil, 202, "in-use"},
		{"os-begin_detaching", nil, 202, "detaching"},
		{"os-detach", map[string]any{}, 202, "available"},
		{"os-begin_detaching", nil, 400, "available"},
	}
	for _, s := range steps {
		action(s.action, s.arg, s.code)
		if got := status(t, srv, demo, id); got != s.status {
			t.Fatalf("after %s: %s, want %s", s.action, got, s.status)
		}
	}
	fault(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-bogus": nil}, 400, "badRequest")
	// A stuck volume is the admin's to fix.
	action("os-attach", map[string]any{"instance_uuid": server1}, 202)
	fault(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-force_delete": nil}, 403, "forbidden")
	do(t, srv, srv.AdminToken(), "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-reset_status": map[string]any{
		"status": "available", "attach_status": "detached"}}, 202)
	v := obj(do(t, srv, demo, "GET", "/v3/volumes/"+id, nil, 200), "volume")
	if v["status"] != "available" || len(v["attachments"].([]any)) != 0 {
		t.Errorf("after reset: %v", v)
	}
	do(t, srv, srv.AdminToken(), "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-force_delete": nil}, 202)
	fault(t, srv, demo, "GET", "/v3/volumes/"+id, nil, 404, "itemNotFound")
}
