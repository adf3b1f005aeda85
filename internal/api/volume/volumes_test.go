package volume_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"novalite/internal/app/apptest"
)

func TestVolumeLifecycle(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	v := createVolume(t, srv, demo, map[string]any{"size": 2, "name": "data", "description": "d",
		"metadata": map[string]any{"k": "v"}})
	id := v["id"].(string)
	if v["status"] != "creating" || v["size"] != 2.0 || v["volume_type"] != "__DEFAULT__" || v["bootable"] != "false" ||
		v["consumes_quota"] != true || v["volume_type_id"] == nil {
		t.Errorf("create answer: %v", v)
	}
	if _, ok := v["os-vol-host-attr:host"]; ok {
		t.Error("host attribute shown to a member")
	}
	if got := status(t, srv, demo, id); got != "available" {
		t.Fatalf("status %s", got)
	}
	// The data are a sparse file of the volume's size.
	fi, err := os.Stat(filepath.Join(srv.App.Config.DataDir, "volumes", id))
	if err != nil || fi.Size() != 2<<30 {
		t.Fatalf("volume file: %v %v", fi, err)
	}
	// Microversion-dependent fields.
	old := obj(doAt(t, srv, "3.0", demo, "GET", "/v3/volumes/"+id, nil, 200), "volume")
	for _, k := range []string{"group_id", "volume_type_id", "consumes_quota", "shared_targets"} {
		if _, ok := old[k]; ok {
			t.Errorf("3.0 shows %s", k)
		}
	}
	// Update, metadata.
	up := obj(do(t, srv, demo, "PUT", "/v3/volumes/"+id, map[string]any{"volume": map[string]any{"name": "data2"}}, 200), "volume")
	if up["name"] != "data2" || up["description"] != "d" {
		t.Errorf("update: %v", up)
	}
	md := do(t, srv, demo, "POST", "/v3/volumes/"+id+"/metadata", map[string]any{"metadata": map[string]any{"a": "1"}}, 200)
	if m := obj(md, "metadata"); m["a"] != "1" || m["k"] != "v" {
		t.Errorf("metadata merge: %v", m)
	}
	md = do(t, srv, demo, "PUT", "/v3/volumes/"+id+"/metadata", map[string]any{"metadata": map[string]any{"b": "2"}}, 200)
	if m := obj(md, "metadata"); len(m) != 1 || m["b"] != "2" {
		t.Errorf("metadata replace: %v", m)
	}
	do(t, srv, demo, "DELETE", "/v3/volumes/"+id+"/metadata/b", nil, 200)
	fault(t, srv, demo, "DELETE", "/v3/volumes/"+id+"/metadata/b", nil, 404, "itemNotFound")
	// Flags and extend.
	do(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-set_bootable": map[string]any{"bootable": true}}, 200)
	do(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-extend": map[string]any{"new_size": 3}}, 202)
	got := obj(do(t, srv, demo, "GET", "/v3/volumes/"+id, nil, 200), "volume")
	if got["bootable"] != "true" || got["size"] != 3.0 {
		t.Errorf("after flags and extend: %v", got)
	}
	msg := fault(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-extend": map[string]any{"new_size": 3}}, 400, "badRequest")
	if msg != "Invalid input received: New size for extend must be greater than current size. (current: 3, extended: 3)." {
		t.Errorf("extend to the same size: %q", msg)
	}
	// Admin actions are the admin's.
	fault(t, srv, demo, "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-reset_status": map[string]any{"status": "error"}}, 403, "forbidden")
	do(t, srv, srv.AdminToken(), "POST", "/v3/volumes/"+id+"/action", map[string]any{"os-reset_status": map[string]any{"status": "error"}}, 202)
	if got := status(t, srv, demo, id); got != "error" {
		t.Errorf("after reset: %s", got)
	}
	do(t, srv, demo, "DELETE", "/v3/volumes/"+id, nil, 202)
	fault(t, srv, demo, "GET", "/v3/volumes/"+id, nil, 404, "itemNotFound")
	if _, err := os.Stat(filepath.Join(srv.App.Config.DataDir, "volumes", id)); !os.IsNotExist(err) {
		t.Errorf("volume file left: %v", err)
	}
}

func TestVolumeSources(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	imgs := list(srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images?name=cirros", Token: demo}).JSON(t), "images")
	image := imgs[0].(map[string]any)["id"].(string)
	created := createVolume(t, srv, demo, map[string]any{"size": 1, "imageRef": image})
	// Cinder's extensions add the project and the image metadata to show
	// and the detailed list, not to create's answer (Tempest's schema
	// refuses them there).
	for _, k := range []string{"os-vol-tenant-attr:tenant_id", "volume_image_metadata"} {
		if _, ok := created[k]; ok {
			t.Errorf("create answers %s: %v", k, created)
		}
	}
	src := created["id"].(string)
	fromImage := obj(do(t, srv, demo, "GET", "/v3/volumes/"+src, nil, 200), "volume")
	if fromImage["bootable"] != "true" || obj(fromImage, "volume_image_metadata")["image_id"] != image ||
		fromImage["os-vol-tenant-attr:tenant_id"] == nil {
		t.Errorf("from image, shown: %v", fromImage)
	}
	snap := obj(do(t, srv, demo, "POST", "/v3/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": src, "name": "s"}}, 202), "snapshot")
	sid := snap["id"].(string)
	if got := obj(do(t, srv, demo, "GET", "/v3/snapshots/"+sid, nil, 200), "snapshot"); got["status"] != "available" || got["size"] != 1.0 {
		t.Fatalf("snapshot: %v", got)
	}
	fromSnap := createVolume(t, srv, demo, map[string]any{"snapshot_id": sid})
	if fromSnap["size"] != 1.0 || fromSnap["snapshot_id"] != sid || fromSnap["bootable"] != "true" {
		t.Errorf("from snapshot: %v", fromSnap)
	}
	fromVol := createVolume(t, srv, demo, map[string]any{"source_volid": src, "size": 2})
	if fromVol["size"] != 2.0 || fromVol["source_volid"] != src {
		t.Errorf("from volume: %v", fromVol)
	}
	// The image's bytes (read through the image API: on PostgreSQL they
	// are not a file) were copied into both.
	dl := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + image + "/file", Token: demo})
	if dl.Status != 200 || len(dl.Body) == 0 {
		t.Fatalf("image download: %d, %d bytes", dl.Status, len(dl.Body))
	}
	want := dl.Body
	for _, id := range []string{src, fromSnap["id"].(string), fromVol["id"].(string)} {
		f, err := os.Open(filepath.Join(srv.App.Config.DataDir, "volumes", id))
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(want))
		_, _ = f.Read(got)
		f.Close()
		if string(got) != string(want) {
			t.Errorf("volume %s does not begin with the image's bytes", id)
		}
	}
	for _, tc := range []struct {
		name string
		body map[string]any
		code int
		msg  string
	}{
		{"no size", map[string]any{"name": "x"}, 400, "Invalid input received: Volume size '0' must be an integer and greater than 0"},
		{"size zero", map[string]any{"size": 0}, 400, ""},
		{"smaller than the snapshot", map[string]any{"snapshot_id": sid, "size": 0}, 400, ""},
		{"unknown snapshot", map[string]any{"snapshot_id": "8c5fa2ee-0f5f-4bd5-8e0c-61bd4a3f1c3d"}, 404,
			"Snapshot 8c5fa2ee-0f5f-4bd5-8e0c-61bd4a3f1c3d could not be found."},
		{"unknown type", map[string]any{"size": 1, "volume_type": "gold"}, 404, "Volume type with name gold could not be found."},
		{"unknown zone", map[string]any{"size": 1, "availability_zone": "az9"}, 400, "Availability zone 'az9' is invalid."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := map[int]string{400: "badRequest", 404: "itemNotFound"}[tc.code]
			msg := fault(t, srv, demo, "POST", "/v3/volumes", map[string]any{"volume": tc.body}, tc.code, key)
			if tc.msg != "" && msg != tc.msg {
				t.Errorf("message %q, want %q", msg, tc.msg)
			}
		})
	}
	// A volume with snapshots is deleted only with cascade.
	fault(t, srv, demo, "DELETE", "/v3/volumes/"+src, nil, 400, "badRequest")
	do(t, srv, demo, "DELETE", "/v3/volumes/"+src+"?cascade=true", nil, 202)
	fault(t, srv, demo, "GET", "/v3/snapshots/"+sid, nil, 404, "itemNotFound")
}

// Another project's volumes, snapshots and attachments are 404 to a
// member and visible to an admin who asks for all projects.
func TestVolumeIsolation(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	other, _ := srv.NewMember("other")
	v := createVolume(t, srv, demo, map[string]any{"size": 1, "name": "mine"})
	id := v["id"].(string)
	snap := obj(do(t, srv, demo, "POST", "/v3/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": id}}, 202), "snapshot")
	att := obj(do(t, srv, demo, "POST", "/v3/attachments", map[string]any{"attachment": map[string]any{
		"volume_uuid": id, "instance_uuid": "0b4f3a4e-8e1f-4b51-9d38-3f3f0d0c1a11"}}, 200), "attachment")
	for _, p := range []struct{ method, path string }{
		{"GET", "/v3/volumes/" + id}, {"PUT", "/v3/volumes/" + id}, {"DELETE", "/v3/volumes/" + id},
		{"POST", "/v3/volumes/" + id + "/action"}, {"GET", "/v3/volumes/" + id + "/metadata"},
		{"GET", "/v3/snapshots/" + snap["id"].(string)}, {"DELETE", "/v3/snapshots/" + snap["id"].(string)},
		{"GET", "/v3/attachments/" + att["id"].(string)}, {"DELETE", "/v3/attachments/" + att["id"].(string)},
	} {
		body := map[string]any{"volume": map[string]any{"name": "x"}}
		if p.method == "POST" {
			body = map[string]any{"os-set_bootable": map[string]any{"bootable": true}}
		}
		fault(t, srv, other, p.method, p.path, body, 404, "itemNotFound")
	}
	fault(t, srv, other, "POST", "/v3/snapshots", map[string]any{"snapshot": map[string]any{"volume_id": id}}, 404, "itemNotFound")
	fault(t, srv, other, "POST", "/v3/volumes", map[string]any{"volume": map[string]any{"source_volid": id}}, 404, "itemNotFound")
	for _, tc := range []struct{ path, key string }{
		{"volumes", "volumes"}, {"volumes/detail", "volumes"}, {"snapshots", "snapshots"}, {"attachments", "attachments"},
	} {
		if got := list(do(t, srv, other, "GET", "/v3/"+tc.path+"?all_tenants=1", nil, 200), tc.key); len(got) != 0 {
			t.Errorf("%s of another project: %v", tc.path, got)
		}
	}
	all := list(do(t, srv, srv.AdminToken(), "GET", "/v3/volumes/detail?all_tenants=True", nil, 200), "volumes")
	if len(all) != 1 || all[0].(map[string]any)["os-vol-host-attr:host"] == nil {
		t.Errorf("admin's all_tenants list: %v", all)
	}
	if mine := list(do(t, srv, srv.AdminToken(), "GET", "/v3/volumes", nil, 200), "volumes"); len(mine) != 0 {
		t.Errorf("admin's own list: %v", mine)
	}
}

func TestVolumeListFiltersSortAndPaging(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	for i := range 5 {
		createVolume(t, srv, demo, map[string]any{"size": 1 + i%2, "name": fmt.Sprintf("v%d", i),
			"metadata": map[string]any{"even": fmt.Sprint(i%2 == 0)}})
	}
	names := func(path string) string {
		var out []string
		for _, v := range list(do(t, srv, demo, "GET", path, nil, 200), "volumes") {
			out = append(out, v.(map[string]any)["name"].(string))
		}
		return fmt.Sprint(out)
	}
	for _, tc := range []struct{ name, query, want string }{
		{"newest first by default", "", "[v4 v3 v2 v1 v0]"},
		{"sort by name ascending", "?sort=name:asc", "[v0 v1 v2 v3 v4]"},
		{"sort_key and sort_dir", "?sort_key=name&sort_dir=asc", "[v0 v1 v2 v3 v4]"},
		{"sort by size then name", "?sort=size:desc,name:asc", "[v1 v3 v0 v2 v4]"},
		{"name filter", "?name=v3", "[v3]"},
		{"metadata filter", "?metadata=" + url.QueryEscape("{'even': 'true'}") + "&sort=name:asc", "[v0 v2 v4]"},
		{"status filter", "?status=error", "[]"},
		{"limit", "?limit=2&sort=name:asc", "[v0 v1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := names("/v3/volumes/detail" + tc.query); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.query, got, tc.want)
			}
		})
	}
	// Paging follows the next links to the end.
	var seen []string
	path := "/v3/volumes?limit=2&sort=name:asc"
	for path != "" {
		page := do(t, srv, demo, "GET", path, nil, 200)
		for _, v := range list(page, "volumes") {
			seen = append(seen, v.(map[string]any)["name"].(string))
		}
		path = ""
		if links, ok := page["volumes_links"].([]any); ok {
			u, _ := url.Parse(links[0].(map[string]any)["href"].(string))
			path = u.Path[len("/volume"):] + "?" + u.RawQuery
		}
	}
	if fmt.Sprint(seen) != "[v0 v1 v2 v3 v4]" {
		t.Errorf("pages: %v", seen)
	}
	if got := do(t, srv, demo, "GET", "/v3/volumes?with_count=true&limit=1", nil, 200); got["count"] != 5.0 {
		t.Errorf("with_count: %v", got["count"])
	}
	fault(t, srv, demo, "GET", "/v3/volumes?marker=4a3ac8a4-93c8-4d44-a7c9-0cd4c0d7a0a3", nil, 404, "itemNotFound")
	fault(t, srv, demo, "GET", "/v3/volumes?sort=name:sideways", nil, 400, "badRequest")
}
