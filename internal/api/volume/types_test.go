package volume_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

// Volume types are the admins' to make; a multiattach type makes
// volumes that take more than one server.
func TestVolumeTypesManage(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin, demo := srv.AdminToken(), srv.DemoToken()
	fault(t, srv, demo, "POST", "/v3/types", map[string]any{"volume_type": map[string]any{"name": "gold"}}, 403, "forbidden")
	typ := obj(do(t, srv, admin, "POST", "/v3/types", map[string]any{"volume_type": map[string]any{"name": "multi",
		"extra_specs": map[string]any{"multiattach": "<is> True"}}}, 200), "volume_type")
	id := typ["id"].(string)
	fault(t, srv, admin, "POST", "/v3/types", map[string]any{"volume_type": map[string]any{"name": "multi"}}, 409, "conflictingRequest")
	do(t, srv, admin, "PUT", "/v3/types/"+id+"/extra_specs/k", map[string]any{"k": "v"}, 200)
	if specs := obj(do(t, srv, admin, "GET", "/v3/types/"+id+"/extra_specs", nil, 200), "extra_specs"); specs["k"] != "v" {
		t.Errorf("extra specs: %v", specs)
	}
	do(t, srv, admin, "DELETE", "/v3/types/"+id+"/extra_specs/k", nil, 202)
	if got := list(do(t, srv, demo, "GET", "/v3/types", nil, 200), "volume_types"); len(got) != 2 {
		t.Errorf("types: %v", got)
	}
	v := createVolume(t, srv, demo, map[string]any{"size": 1, "volume_type": "multi"})
	if v["multiattach"] != true || v["volume_type"] != "multi" {
		t.Errorf("multiattach volume: %v", v)
	}
	for _, server := range []string{server1, "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"} {
		do(t, srv, demo, "POST", "/v3/volumes/"+v["id"].(string)+"/action", map[string]any{"os-attach": map[string]any{
			"instance_uuid": server, "mountpoint": "/dev/vdb"}}, 202)
	}
	if got := obj(do(t, srv, demo, "GET", "/v3/volumes/"+v["id"].(string), nil, 200), "volume"); len(got["attachments"].([]any)) != 2 {
		t.Errorf("two attachments: %v", got)
	}
	fault(t, srv, admin, "DELETE", "/v3/types/"+id, nil, 400, "badRequest")
	do(t, srv, admin, "POST", "/v3/volumes/"+v["id"].(string)+"/action", map[string]any{"os-reset_status": map[string]any{
		"status": "available", "attach_status": "detached"}}, 202)
	do(t, srv, demo, "DELETE", "/v3/volumes/"+v["id"].(string), nil, 202)
	do(t, srv, admin, "DELETE", "/v3/types/"+id, nil, 202)
	fault(t, srv, admin, "GET", "/v3/types/"+id, nil, 404, "itemNotFound")
}

func TestSnapshotActionsAndImageMetadata(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin, demo := srv.AdminToken(), srv.DemoToken()
	id := createVolume(t, srv, demo, map[string]any{"size": 1})["id"].(string)
	md := do(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-set_image_metadata": map[string]any{
		"metadata": map[string]any{"hw_disk_bus": "scsi"}}}, 200)
	if obj(md, "metadata")["hw_disk_bus"] != "scsi" {
		t.Errorf("set image metadata: %v", md)
	}
	do(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-unset_image_metadata": map[string]any{"key": "hw_disk_bus"}}, 200)
	fault(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-unset_image_metadata": map[string]any{"key": "hw_disk_bus"}}, 404, "itemNotFound")
	sid := obj(do(t, srv, demo, "POST", "/v3/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": id}}, 202), "snapshot")["id"].(string)
	fault(t, srv, demo, "POST", "/v3/snapshots/"+sid+"/action", map[string]any{"os-reset_status": map[string]any{"status": "error"}}, 403, "forbidden")
	do(t, srv, admin, "POST", "/v3/snapshots/"+sid+"/action", map[string]any{"os-reset_status": map[string]any{"status": "creating"}}, 202)
	fault(t, srv, demo, "DELETE", "/v3/snapshots/"+sid, nil, 400, "badRequest")
	do(t, srv, admin, "POST", "/v3/snapshots/"+sid+"/action", map[string]any{"os-force_delete": map[string]any{}}, 202)
	fault(t, srv, demo, "GET", "/v3/snapshots/"+sid, nil, 404, "itemNotFound")
}

// The type as each answer shows it: list and show (Cinder's v3 view)
// give extra_specs to every reader, the user-visible ones only to
// non-admins, and qos_specs_id to admins; create and update (the older
// view of types_manage) have no qos_specs_id, and only create has the
// access extension's is_public.
func TestVolumeTypeViews(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin, demo := srv.AdminToken(), srv.DemoToken()
	created := obj(do(t, srv, admin, "POST", "/v3/types", map[string]any{"volume_type": map[string]any{"name": "gold",
		"extra_specs": map[string]any{"multiattach": "<is> True", "volume_backend_name": "lvm"}}}, 200), "volume_type")
	id := created["id"].(string)
	updated := obj(do(t, srv, admin, "PUT", "/v3/types/"+id, map[string]any{"volume_type": map[string]any{"description": "d"}}, 200), "volume_type")
	shownAdmin := obj(do(t, srv, admin, "GET", "/v3/types/"+id, nil, 200), "volume_type")
	shownDemo := obj(do(t, srv, demo, "GET", "/v3/types/"+id, nil, 200), "volume_type")
	for _, tc := range []struct {
		name        string
		view        map[string]any
		qos, access bool
		specs       int
	}{
		{"create", created, false, true, 2},
		{"update", updated, false, false, 2},
		{"show as admin", shownAdmin, true, true, 2},
		{"show as member", shownDemo, false, true, 1},
	} {
		if _, has := tc.view["qos_specs_id"]; has != tc.qos {
			t.Errorf("%s: qos_specs_id %v, want %v: %v", tc.name, has, tc.qos, tc.view)
		}
		if _, has := tc.view["os-volume-type-access:is_public"]; has != tc.access {
			t.Errorf("%s: os-volume-type-access:is_public %v, want %v", tc.name, has, tc.access)
		}
		if specs, _ := tc.view["extra_specs"].(map[string]any); len(specs) != tc.specs {
			t.Errorf("%s: extra_specs %v, want %d", tc.name, tc.view["extra_specs"], tc.specs)
		}
	}
	if shownDemo["extra_specs"].(map[string]any)["multiattach"] != "<is> True" {
		t.Errorf("member's specs: %v", shownDemo["extra_specs"])
	}
}

// A volume type renamed through one replica is shown by its new name in
// the volumes of every replica: no replica keeps the names it read.
func TestVolumeTypeRenameAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	other := srv.Replica()
	admin, demo := srv.AdminToken(), srv.DemoToken()
	id := obj(do(t, srv, admin, "POST", "/v3/types", map[string]any{"volume_type": map[string]any{"name": "silver"}}, 200), "volume_type")["id"].(string)
	v := createVolume(t, srv, demo, map[string]any{"size": 1, "volume_type": "silver"})["id"].(string)
	typeOf := func(at *apptest.Server) (show, detail any) {
		show = obj(do(t, at, demo, "GET", "/v3/volumes/"+v, nil, 200), "volume")["volume_type"]
		detail = list(do(t, at, demo, "GET", "/v3/volumes/detail", nil, 200), "volumes")[0].(map[string]any)["volume_type"]
		return show, detail
	}
	if show, detail := typeOf(srv); show != "silver" || detail != "silver" {
		t.Fatalf("volume_type before the rename: show %v, detail %v", show, detail)
	}
	do(t, other, admin, "PUT", "/v3/types/"+id, map[string]any{"volume_type": map[string]any{"name": "platinum"}}, 200)
	if show, detail := typeOf(srv); show != "platinum" || detail != "platinum" {
		t.Errorf("volume_type after a rename through another replica: show %v, detail %v, want platinum", show, detail)
	}
}
