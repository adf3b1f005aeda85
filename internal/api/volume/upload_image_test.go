package volume_test

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"novalite/internal/app/apptest"
)

// os-volume_upload_image: a Glance image with the volume's data and
// its image properties, Cinder's answer body, the status and force
// rules and the 3.1 parameters.
func TestVolumeUploadImage(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	marker := []byte("novalite volume upload marker")
	img := srv.Do(apptest.Request{Method: "POST", Path: "/image/v2/images", Token: demo, Body: map[string]any{"name": "src", "container_format": "bare",
		"disk_format": "raw", "os_distro": "markeros"}})
	if img.Status != http.StatusCreated {
		t.Fatalf("image: %d %s", img.Status, img.Body)
	}
	src := img.JSON(t)["id"].(string)
	if r := srv.Do(apptest.Request{Method: "PUT", Path: "/image/v2/images/" + src + "/file", Token: demo, Body: marker,
		Headers: map[string]string{"Content-Type": "application/octet-stream"}}); r.Status != http.StatusNoContent {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	id := createVolume(t, srv, demo, map[string]any{"size": 1, "imageRef": src})["id"].(string)
	path := "/v3/volumes/" + id + "/action"
	upload := func(version string, arg map[string]any, want int) map[string]any {
		t.Helper()
		return doAt(t, srv, version, demo, "POST", path, map[string]any{"os-volume_upload_image": arg}, want)
	}

	got := obj(upload("3.1", map[string]any{"image_name": "up", "disk_format": "qcow2", "protected": "true"}, 202), "os-volume_upload_image")
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"container_format", "disk_format", "display_description", "id", "image_id", "image_name",
		"protected", "size", "status", "updated_at", "visibility", "volume_type"}; !slices.Equal(keys, want) {
		t.Errorf("answer keys %v, want %v", keys, want)
	}
	for k, want := range map[string]any{"id": id, "status": "uploading", "size": 1.0, "container_format": "bare",
		"disk_format": "qcow2", "image_name": "up", "protected": true, "visibility": "private", "display_description": nil} {
		if got[k] != want {
			t.Errorf("answer %s = %#v, want %#v", k, got[k], want)
		}
	}
	if vt, _ := got["volume_type"].(map[string]any); vt["name"] != "__DEFAULT__" {
		t.Errorf("volume_type: %v", got["volume_type"])
	}
	up := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + got["image_id"].(string), Token: demo}).JSON(t)
	if up["status"] != "active" || up["os_distro"] != "markeros" || up["disk_format"] != "qcow2" || up["protected"] != true {
		t.Errorf("uploaded image: %v", up)
	}
	if size, _ := up["size"].(float64); size < float64(len(marker)) || size >= 1<<30 {
		t.Errorf("uploaded image size %v: the data up to the last written block", up["size"])
	}
	data := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + got["image_id"].(string) + "/file", Token: demo})
	if !bytes.HasPrefix(data.Body, marker) {
		t.Errorf("uploaded data starts %q", data.Body[:min(len(data.Body), 40)])
	}
	if s := status(t, srv, demo, id); s != "available" {
		t.Errorf("volume after the upload: %s", s)
	}

	// An in-use volume only with force; it stays in-use.
	do(t, srv, demo, "POST", path, map[string]any{"os-reserve": nil}, 202)
	do(t, srv, demo, "POST", path, map[string]any{"os-attach": map[string]any{"instance_uuid": "a0f4d6a4-4a47-4e3b-9b7e-3a2a8f1f3c11", "mountpoint": "/dev/vdb"}}, 202)
	if msg := fault(t, srv, demo, "POST", path, map[string]any{"os-volume_upload_image": map[string]any{"image_name": "x"}}, 400, "badRequest"); msg != "Invalid volume: Volume "+id+" status must be available" {
		t.Errorf("in-use without force: %q", msg)
	}
	upload("3.0", map[string]any{"image_name": "forced", "force": true}, 202)
	if s := status(t, srv, demo, id); s != "in-use" {
		t.Errorf("volume after a forced upload: %s", s)
	}

	for _, tc := range []struct {
		name, version string
		arg           map[string]any
	}{
		{"no name", "3.1", map[string]any{"force": true}},
		{"visibility before 3.1", "3.0", map[string]any{"image_name": "v", "force": true, "visibility": "private"}},
		{"unknown disk format", "3.1", map[string]any{"image_name": "v", "force": true, "disk_format": "iso"}},
	} {
		t.Run(tc.name, func(t *testing.T) { upload(tc.version, tc.arg, 400) })
	}
	// Public images are the admin's; another project sees no volume.
	upload("3.1", map[string]any{"image_name": "pub", "force": true, "visibility": "public"}, 403)
	other, _ := srv.NewMember("uploadother")
	doAt(t, srv, "3.1", other, "POST", path, map[string]any{"os-volume_upload_image": map[string]any{"image_name": "x"}}, 404)
	imgs := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images?name=x", Token: demo}).JSON(t)["images"].([]any)
	if len(imgs) != 0 {
		t.Errorf("refused uploads left images: %v", imgs)
	}
}
