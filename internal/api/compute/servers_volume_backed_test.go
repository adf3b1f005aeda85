package compute_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// bfv boots a volume-backed server (root from the image, deleted with
// the server, plus an existing data volume) and waits for ACTIVE; it
// returns the server and the root and data volume ids.
func (b *testBundle) bfv(t *testing.T, name string) (id, root, data string) {
	t.Helper()
	data = b.vol(t, b.demo, map[string]any{"size": 1, "name": name + "-data"})
	id = b.create(t, b.demo, name, map[string]any{"imageRef": "", "block_device_mapping_v2": []any{
		map[string]any{"source_type": "image", "destination_type": "volume", "uuid": b.image, "boot_index": 0,
			"volume_size": 1, "delete_on_termination": true},
		map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": data, "boot_index": -1},
	}})
	s := b.waitStatus(t, id, "ACTIVE")
	root = s["os-extended-volumes:volumes_attached"].([]any)[0].(map[string]any)["id"].(string)
	return id, root, data
}

// createImage of a volume-backed server makes a snapshot per volume and
// an active image without data whose block_device_mapping names them, as
// Nova's snapshot_volume_backed; a server booted from that image gets
// new volumes made from the snapshots. createBackup is refused.
func TestCreateImageVolumeBacked(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	id, root, data := b.bfv(t, "bfvimg")
	got := b.act(t, b.demo, id, "2.45", map[string]any{"createImage": map[string]any{"name": "bfv-snap",
		"metadata": map[string]any{"purpose": "test"}}}, http.StatusAccepted)
	imageID, _ := got["image_id"].(string)
	// No task: the server stays ACTIVE and idle, as Nova does it in the API.
	if s := b.show(t, b.demo, id, "2.1"); s["status"] != "ACTIVE" || s["OS-EXT-STS:task_state"] != nil {
		t.Errorf("server after createImage: %v %v", s["status"], s["OS-EXT-STS:task_state"])
	}
	im := b.srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + imageID, Token: b.demo}).JSON(t)
	for k, want := range map[string]any{"status": "active", "size": 0.0, "disk_format": nil, "container_format": nil,
		"name": "bfv-snap", "visibility": "private", "root_device_name": "/dev/vda", "bdm_v2": "True", "purpose": "test"} {
		if im[k] != want {
			t.Errorf("image %s = %#v, want %#v", k, im[k], want)
		}
	}
	if _, ok := im["image_type"]; ok {
		t.Errorf("image_type on a volume-backed snapshot: %v", im["image_type"])
	}
	var mapping []map[string]any
	if err := json.Unmarshal([]byte(im["block_device_mapping"].(string)), &mapping); err != nil || len(mapping) != 2 {
		t.Fatalf("block_device_mapping %v: %v", im["block_device_mapping"], err)
	}
	for i, want := range []struct {
		volume, device string
		boot           any
		del            bool
	}{{root, "/dev/vda", 0.0, true}, {data, "/dev/vdb", nil, false}} {
		m := mapping[i]
		if m["source_type"] != "snapshot" || m["destination_type"] != "volume" || m["device_name"] != want.device ||
			m["boot_index"] != want.boot || m["delete_on_termination"] != want.del || m["volume_size"] != 1.0 {
			t.Errorf("mapping %d: %v", i, m)
		}
		if _, ok := m["volume_id"]; !ok || m["volume_id"] != nil {
			t.Errorf("mapping %d volume_id: %v", i, m)
		}
		sn := b.srv.Do(apptest.Request{Method: "GET", Path: "/volume/v3/snapshots/" + m["snapshot_id"].(string), Token: b.demo})
		if sn.Status != http.StatusOK {
			t.Fatalf("snapshot %v: %d %s", m["snapshot_id"], sn.Status, sn.Body)
		}
		s := sn.JSON(t)["snapshot"].(map[string]any)
		if s["volume_id"] != want.volume || s["status"] != "available" || s["name"] != "snapshot for bfv-snap" {
			t.Errorf("snapshot %d: %v", i, s)
		}
	}
	acts := b.do("GET", "/servers/"+id+"/os-instance-actions", b.demo, "2.1", nil).JSON(t)["instanceActions"].([]any)
	if a := acts[0].(map[string]any); a["action"] != "createImage" {
		t.Errorf("last action: %v", a)
	}
	status, msg := fault(t, b.do("POST", "/servers/"+id+"/action", b.demo, "2.45",
		map[string]any{"createBackup": map[string]any{"name": "bk", "backup_type": "daily", "rotation": 1}}))
	expect(t, "createBackup", 400, "Backup is not supported for volume-backed instances.", status, msg)

	// Booting from the image restores both volumes from the snapshots.
	id2 := b.create(t, b.demo, "restored", map[string]any{"imageRef": imageID})
	s := b.waitStatus(t, id2, "ACTIVE")
	atts := s["os-extended-volumes:volumes_attached"].([]any)
	if len(atts) != 2 {
		t.Fatalf("volumes_attached of the restored server: %v", atts)
	}
	for i, a := range atts {
		vid := a.(map[string]any)["id"].(string)
		v := b.volume(t, b.demo, vid)
		if vid == root || vid == data || v["snapshot_id"] != mapping[i]["snapshot_id"] || v["status"] != "in-use" {
			t.Errorf("restored volume %d: %v", i, v)
		}
		if dev := v["attachments"].([]any)[0].(map[string]any)["device"]; dev != mapping[i]["device_name"] {
			t.Errorf("restored volume %d on %v", i, dev)
		}
	}
	if atts[0].(map[string]any)["delete_on_termination"] != true || atts[1].(map[string]any)["delete_on_termination"] != false {
		t.Errorf("delete_on_termination of the restored volumes: %v", atts)
	}
}

// dataImage uploads an active image holding data, with properties.
func (b *testBundle) dataImage(t *testing.T, name string, props map[string]any, data []byte) string {
	t.Helper()
	body := map[string]any{"name": name, "container_format": "bare", "disk_format": "raw"}
	for k, v := range props {
		body[k] = v
	}
	resp := b.srv.Do(apptest.Request{Method: "POST", Path: "/image/v2/images", Token: b.demo, Body: body})
	if resp.Status != http.StatusCreated {
		t.Fatalf("create image: %d %s", resp.Status, resp.Body)
	}
	id := resp.JSON(t)["id"].(string)
	if r := b.srv.Do(apptest.Request{Method: "PUT", Path: "/image/v2/images/" + id + "/file", Token: b.demo, Body: data,
		Headers: map[string]string{"Content-Type": "application/octet-stream"}}); r.Status != http.StatusNoContent {
		t.Fatalf("upload image: %d %s", r.Status, r.Body)
	}
	return id
}

// Rebuild of a volume-backed server: the image in the root volume only
// below 2.93 (Nova's 400 for another); from 2.93 the root volume is
// written over with the new image and the server keeps image "".
func TestRebuildVolumeBacked(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	id, root, _ := b.bfv(t, "bfvrebuild")
	marker := []byte("novalite reimage marker")
	other := b.dataImage(t, "other", nil, marker)
	rebuild := func(image string) map[string]any { return map[string]any{"rebuild": map[string]any{"imageRef": image}} }

	status, msg := fault(t, b.do("POST", "/servers/"+id+"/action", b.demo, "2.92", rebuild(other)))
	expect(t, "rebuild 2.92", 400, "Image "+other+" is unacceptable: Unable to rebuild with a different image for a volume-backed server.", status, msg)
	b.act(t, b.demo, id, "2.92", rebuild(b.image), http.StatusAccepted)
	b.waitStatus(t, id, "ACTIVE")
	if md := b.volume(t, b.demo, root)["volume_image_metadata"].(map[string]any); md["image_id"] != b.image {
		t.Errorf("root volume image after a same-image rebuild: %v", md["image_id"])
	}

	b.act(t, b.demo, id, "2.93", rebuild(other), http.StatusAccepted)
	s := b.waitStatus(t, id, "ACTIVE")
	if s["image"] != "" {
		t.Errorf("image of the rebuilt volume-backed server: %v", s["image"])
	}
	v := b.volume(t, b.demo, root)
	if md := v["volume_image_metadata"].(map[string]any); md["image_id"] != other || v["status"] != "in-use" {
		t.Errorf("root volume after the 2.93 rebuild: %v %v", v["status"], md)
	}
	got := make([]byte, len(marker))
	f, err := os.Open(filepath.Join(b.srv.App.Config.DataDir, "volumes", root))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.ReadFull(f, got); err != nil || !bytes.Equal(got, marker) {
		t.Errorf("root volume data: %q, %v", got, err)
	}
}

// Rescue of a volume-backed server: Nova's 400 below 2.87, and from 2.87
// unless the rescue image is a stable rescue one (hw_rescue_bus and
// hw_rescue_device).
func TestRescueVolumeBacked(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	id, _, _ := b.bfv(t, "bfvrescue")
	stable := b.dataImage(t, "stable-rescue", map[string]any{"hw_rescue_bus": "usb", "hw_rescue_device": "disk"}, []byte("r"))
	refused := "Instance " + id + " cannot be rescued: Cannot rescue a volume-backed instance"
	for _, tc := range []struct {
		name, mv string
		body     map[string]any
	}{
		{"2.86", "2.86", map[string]any{"rescue": map[string]any{"rescue_image_ref": stable}}},
		{"2.87 without an image", "2.87", map[string]any{"rescue": nil}},
		{"2.87 with a plain image", "2.87", map[string]any{"rescue": map[string]any{"rescue_image_ref": b.image}}},
	} {
		status, msg := fault(t, b.do("POST", "/servers/"+id+"/action", b.demo, tc.mv, tc.body))
		expect(t, tc.name, 400, refused, status, msg)
	}
	if s := b.show(t, b.demo, id, "2.1"); s["status"] != "ACTIVE" || s["OS-EXT-STS:task_state"] != nil {
		t.Fatalf("refused rescues changed the server: %v %v", s["status"], s["OS-EXT-STS:task_state"])
	}
	if got := b.act(t, b.demo, id, "2.87", map[string]any{"rescue": map[string]any{"rescue_image_ref": stable}}, http.StatusOK); got["adminPass"] == "" {
		t.Errorf("rescue answer: %v", got)
	}
	b.waitStatus(t, id, "RESCUE")
	b.act(t, b.demo, id, "2.87", map[string]any{"unrescue": nil}, http.StatusAccepted)
	b.waitStatus(t, id, "ACTIVE")
}

// Shelve of a volume-backed server makes no image and offloads it at
// once even with a shelved_offload_time; its volumes stay attached to
// it through the offload and the unshelve.
func TestShelveVolumeBacked(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents, func(c *config.Config) { c.ShelvedOffloadTime = time.Hour })
	id, root, data := b.bfv(t, "bfvshelve")
	images := func() int {
		return len(b.srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images?name=bfvshelve-shelved", Token: b.demo}).JSON(t)["images"].([]any))
	}
	attached := func(when string) {
		t.Helper()
		s := b.show(t, b.demo, id, "2.89")
		if atts := s["os-extended-volumes:volumes_attached"].([]any); len(atts) != 2 {
			t.Errorf("%s: volumes_attached %v", when, atts)
		}
		for _, vid := range []string{root, data} {
			v := b.volume(t, b.demo, vid)
			if v["status"] != "in-use" || len(v["attachments"].([]any)) != 1 ||
				v["attachments"].([]any)[0].(map[string]any)["server_id"] != id {
				t.Errorf("%s: volume %s %v %v", when, vid, v["status"], v["attachments"])
			}
		}
	}
	b.act(t, b.demo, id, "2.1", map[string]any{"shelve": nil}, http.StatusAccepted)
	s := b.waitStatus(t, id, "SHELVED_OFFLOADED")
	if s["OS-EXT-SRV-ATTR:host"] != nil {
		t.Errorf("offloaded server on host %v", s["OS-EXT-SRV-ATTR:host"])
	}
	if n := images(); n != 0 {
		t.Errorf("%d shelve images of a volume-backed server", n)
	}
	attached("offloaded")
	b.act(t, b.demo, id, "2.1", map[string]any{"unshelve": nil}, http.StatusAccepted)
	b.waitStatus(t, id, "ACTIVE")
	attached("unshelved")
}
