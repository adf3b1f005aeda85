package compute_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"novalite/internal/app/apptest"
	"novalite/internal/compute"
	"novalite/internal/config"
	"novalite/internal/virt/fake"
)

// vol creates a volume through the block storage API and returns its id.
func (b *testBundle) vol(t *testing.T, token string, body map[string]any) string {
	t.Helper()
	resp := b.srv.Do(apptest.Request{Method: "POST", Path: "/volume/v3/volumes", Token: token, Body: map[string]any{"volume": body}})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create volume: %d %s", resp.Status, resp.Body)
	}
	return resp.JSON(t)["volume"].(map[string]any)["id"].(string)
}

// volume reads a volume through the block storage API (nil when gone).
func (b *testBundle) volume(t *testing.T, token, id string) map[string]any {
	t.Helper()
	resp := b.srv.Do(apptest.Request{Method: "GET", Path: "/volume/v3/volumes/" + id, Token: token})
	if resp.Status == http.StatusNotFound {
		return nil
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("show volume: %d %s", resp.Status, resp.Body)
	}
	return resp.JSON(t)["volume"].(map[string]any)
}

// Boot from volume with the real scheduler, agents and fake driver: a
// volume made from the image (deleted with the server) and an existing
// one (kept, available again).
func TestBootFromVolume(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	data := b.vol(t, b.demo, map[string]any{"size": 1, "name": "data"})
	id := b.create(t, b.demo, "bfv", map[string]any{"imageRef": "", "block_device_mapping_v2": []any{
		map[string]any{"source_type": "image", "destination_type": "volume", "uuid": b.image, "boot_index": 0,
			"volume_size": 1, "delete_on_termination": true},
		map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": data, "boot_index": -1},
	}})
	s := b.waitStatus(t, id, "ACTIVE")
	if s["image"] != "" {
		t.Errorf("image of a volume-backed server: %v", s["image"])
	}
	atts := s["os-extended-volumes:volumes_attached"].([]any)
	if len(atts) != 2 {
		t.Fatalf("volumes_attached: %v", atts)
	}
	root := atts[0].(map[string]any)
	if root["delete_on_termination"] != true || atts[1].(map[string]any)["id"] != data || atts[1].(map[string]any)["delete_on_termination"] != false {
		t.Errorf("volumes_attached: %v", atts)
	}
	if _, ok := b.show(t, b.demo, id, "2.1")["os-extended-volumes:volumes_attached"].([]any)[0].(map[string]any)["delete_on_termination"]; ok {
		t.Error("delete_on_termination shown before 2.3")
	}
	rootID := root["id"].(string)
	rv := b.volume(t, b.demo, rootID)
	if rv["status"] != "in-use" || rv["bootable"] != "true" || rv["attachments"].([]any)[0].(map[string]any)["device"] != "/dev/vda" {
		t.Errorf("root volume: %v", rv)
	}
	if dv := b.volume(t, b.demo, data); dv["attachments"].([]any)[0].(map[string]any)["device"] != "/dev/vdb" {
		t.Errorf("data volume: %v", dv)
	}
	// The root volume is not detached.
	status, msg := fault(t, b.do("DELETE", "/servers/"+id+"/os-volume_attachments/"+rootID, b.demo, "2.1", nil))
	expect(t, "detach root", 400, "Cannot detach a root device volume", status, msg)
	if r := b.do("DELETE", "/servers/"+id, b.demo, "2.1", nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	b.waitFor(t, id, true, func(map[string]any) bool { return false })
	if v := b.volume(t, b.demo, rootID); v != nil {
		t.Errorf("delete_on_termination volume left: %v", v)
	}
	if v := b.volume(t, b.demo, data); v["status"] != "available" || len(v["attachments"].([]any)) != 0 {
		t.Errorf("kept volume: %v", v)
	}
}

// What a create with volumes refuses, as Nova words it.
func TestBootFromVolumeFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inUse := b.vol(t, b.demo, map[string]any{"size": 1, "imageRef": b.image}) // bootable
	blank := b.vol(t, b.demo, map[string]any{"size": 1})                      // not bootable
	b.create(t, b.demo, "holder", map[string]any{"block_device_mapping_v2": []any{
		map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": inUse}}})
	other, _ := b.srv.NewMember("volother")
	foreign := b.vol(t, other, map[string]any{"size": 1})
	zero := b.do("POST", "/flavors", b.admin, "2.1", map[string]any{"flavor": map[string]any{"name": "zero", "ram": 64, "vcpus": 1, "disk": 0, "id": "zero"}})
	if zero.Status != 200 {
		t.Fatalf("flavor: %d %s", zero.Status, zero.Body)
	}
	bdm := func(m map[string]any) map[string]any {
		return map[string]any{"name": "x", "flavorRef": "1", "networks": "none", "imageRef": "", "block_device_mapping_v2": []any{m}}
	}
	for _, tc := range []struct {
		name   string
		server map[string]any
		token  string
		status int
		msg    string
	}{
		{"volume in use", bdm(map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": inUse, "boot_index": 0}),
			b.demo, 400, "Invalid volume: Volume " + inUse + " status must be available, but current status is: in-use."},
		{"volume not bootable", bdm(map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": blank, "boot_index": 0}),
			b.demo, 400, "Block Device " + blank + " is not bootable."},
		{"another project's volume", bdm(map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": foreign, "boot_index": 0}),
			b.demo, 400, "Block Device Mapping is Invalid: failed to get volume " + foreign + "."},
		{"image without size", bdm(map[string]any{"source_type": "image", "destination_type": "volume", "uuid": b.image, "boot_index": 0}),
			b.demo, 400, "Images with destination_type 'volume' need to have a non-zero size specified"},
		{"blank without size", bdm(map[string]any{"source_type": "blank", "destination_type": "volume", "boot_index": 0}),
			b.demo, 400, "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size"},
		{"unknown snapshot", bdm(map[string]any{"source_type": "snapshot", "destination_type": "volume", "boot_index": 0,
			"uuid": "3f7b3a3c-2b2c-4d5e-8f9a-0b1c2d3e4f50"}),
			b.demo, 400, "Block Device Mapping is Invalid: failed to get snapshot 3f7b3a3c-2b2c-4d5e-8f9a-0b1c2d3e4f50."},
		{"nothing to boot", bdm(map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": inUse, "boot_index": -1}),
			b.demo, 400, "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid."},
		{"image on a zero-disk flavor", map[string]any{"name": "z", "flavorRef": "zero", "networks": "none", "imageRef": b.image},
			b.demo, 403, "Only volume-backed servers are allowed for flavors with zero disk."},
		{"over the volume quota", bdm(map[string]any{"source_type": "blank", "destination_type": "volume", "boot_index": 0, "volume_size": 100000}),
			b.demo, 403, "Quota exceeded for resources: volumes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, msg := fault(t, b.do("POST", "/servers", tc.token, "2.100", map[string]any{"server": tc.server}))
			expect(t, tc.name, tc.status, tc.msg, status, msg)
		})
	}
	// An admin may boot an image on a zero-disk flavor; a volume-backed
	// server on one is anyone's.
	if r := b.do("POST", "/servers", b.admin, "2.100", map[string]any{"server": map[string]any{"name": "z", "flavorRef": "zero",
		"networks": "none", "imageRef": b.image}}); r.Status != 202 {
		t.Errorf("admin on zero disk: %d %s", r.Status, r.Body)
	}
	b.create(t, b.demo, "zbfv", map[string]any{"flavorRef": "zero", "imageRef": "", "block_device_mapping_v2": []any{
		map[string]any{"source_type": "image", "destination_type": "volume", "uuid": b.image, "boot_index": 0, "volume_size": 1}}})
	// Failed creates leave no volume behind.
	vs := b.srv.Do(apptest.Request{Method: "GET", Path: "/volume/v3/volumes", Token: b.demo}).JSON(t)["volumes"].([]any)
	if len(vs) != 3 { // inUse, blank, zbfv's
		t.Errorf("volumes after the failures: %v", vs)
	}
	// With an image named, Nova does not ask whether the root volume is
	// bootable (openstacksdk's TestServerAdmin boots so from a blank one).
	b.create(t, b.demo, "blankroot", map[string]any{"imageRef": b.image, "block_device_mapping_v2": []any{
		map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": blank, "boot_index": 0}}})
}

// os-volume_attachments at the microversions that change it.
func TestVolumeAttachmentsLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "vm", nil)
	b.launch(t, id)
	v1 := b.vol(t, b.demo, map[string]any{"size": 1})
	v2 := b.vol(t, b.demo, map[string]any{"size": 1})
	base := "/servers/" + id + "/os-volume_attachments"
	r := b.do("POST", base, b.demo, "2.1", map[string]any{"volumeAttachment": map[string]any{"volumeId": v1}})
	if r.Status != 200 {
		t.Fatalf("attach: %d %s", r.Status, r.Body)
	}
	if a := r.JSON(t)["volumeAttachment"].(map[string]any); a["id"] != v1 || a["device"] != "/dev/vdb" || a["serverId"] != id {
		t.Errorf("attach 2.1: %v", a)
	}
	r = b.do("POST", base, b.demo, "2.101", map[string]any{"volumeAttachment": map[string]any{"volumeId": v2, "tag": "db",
		"delete_on_termination": true}})
	if r.Status != 202 {
		t.Fatalf("attach 2.101: %d %s", r.Status, r.Body)
	}
	// From 2.101 Nova answers no body (create_response_v2101 is null);
	// the attachment is read back instead.
	if len(r.Body) != 0 {
		t.Errorf("attach 2.101 body: %q", r.Body)
	}
	if a := b.do("GET", base+"/"+v2, b.demo, "2.79", nil).JSON(t)["volumeAttachment"].(map[string]any); a["tag"] != "db" ||
		a["delete_on_termination"] != true || a["device"] != "/dev/vdc" {
		t.Errorf("attached at 2.101: %v", a)
	}
	for _, tc := range []struct {
		mv         string
		has, hasnt []string
	}{
		{"2.1", []string{"id", "volumeId", "serverId", "device"}, []string{"tag", "delete_on_termination", "attachment_id"}},
		{"2.70", []string{"id", "tag"}, []string{"delete_on_termination"}},
		{"2.79", []string{"id", "tag", "delete_on_termination"}, []string{"attachment_id", "bdm_uuid"}},
		{"2.89", []string{"attachment_id", "bdm_uuid", "tag", "delete_on_termination"}, []string{"id"}},
	} {
		l := b.do("GET", base, b.demo, tc.mv, nil).JSON(t)["volumeAttachments"].([]any)
		if len(l) != 2 {
			t.Fatalf("%s list: %v", tc.mv, l)
		}
		a := l[1].(map[string]any)
		for _, k := range tc.has {
			if _, ok := a[k]; !ok {
				t.Errorf("%s: %s missing in %v", tc.mv, k, a)
			}
		}
		for _, k := range tc.hasnt {
			if _, ok := a[k]; ok {
				t.Errorf("%s: %s shown in %v", tc.mv, k, a)
			}
		}
	}
	if l := b.do("GET", base+"?limit=1&offset=1", b.demo, "2.1", nil).JSON(t)["volumeAttachments"].([]any); len(l) != 1 || l[0].(map[string]any)["volumeId"] != v2 {
		t.Errorf("paged: %v", l)
	}
	show := b.do("GET", base+"/"+v1, b.demo, "2.89", nil).JSON(t)["volumeAttachment"].(map[string]any)
	cinder := b.volume(t, b.demo, v1)
	if show["attachment_id"] != cinder["attachments"].([]any)[0].(map[string]any)["attachment_id"] || cinder["status"] != "in-use" {
		t.Errorf("attachment %v, volume %v", show, cinder)
	}
	// Update delete_on_termination (2.85); a swap is Cinder's alone.
	if r := b.do("PUT", base+"/"+v1, b.demo, "2.85", map[string]any{"volumeAttachment": map[string]any{"volumeId": v1,
		"delete_on_termination": true}}); r.Status != 202 {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	if a := b.do("GET", base+"/"+v1, b.demo, "2.85", nil).JSON(t)["volumeAttachment"].(map[string]any); a["delete_on_termination"] != true {
		t.Errorf("after update: %v", a)
	}
	for _, tc := range []struct {
		name, token, mv, path string
		body                  map[string]any
		status                int
		msg                   string
	}{
		{"device immutable", b.demo, "2.85", base + "/" + v1, map[string]any{"volumeId": v1, "device": "/dev/vdz"}, 400, "The device property is not mutable"},
		{"swap as member", b.demo, "2.1", base + "/" + v1, map[string]any{"volumeId": v2}, 403, denied("os_compute_api:os-volumes-attachments:swap")},
		{"swap as admin", b.admin, "2.1", base + "/" + v1, map[string]any{"volumeId": v2}, 409, "volume " + v1 + " is not migrating; this API should only be called by Cinder"},
		// Nova checks the migration before it looks the new volume up.
		{"swap to a missing volume", b.admin, "2.1", base + "/" + v1, map[string]any{"volumeId": "5e0c7a1b-2d3f-4a5b-8c6d-7e8f9a0b1c2d"}, 409,
			"volume " + v1 + " is not migrating; this API should only be called by Cinder"},
		{"swap of a missing volume", b.admin, "2.1", base + "/5e0c7a1b-2d3f-4a5b-8c6d-7e8f9a0b1c2d", map[string]any{"volumeId": v2}, 404,
			"Volume 5e0c7a1b-2d3f-4a5b-8c6d-7e8f9a0b1c2d could not be found."},
	} {
		status, msg := fault(t, b.do("PUT", tc.path, tc.token, tc.mv, map[string]any{"volumeAttachment": tc.body}))
		expect(t, tc.name, tc.status, tc.msg, status, msg)
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		msg                string
	}{
		{"attach twice", "POST", base, map[string]any{"volumeAttachment": map[string]any{"volumeId": v1}}, 400, ""},
		{"attach unknown", "POST", base, map[string]any{"volumeAttachment": map[string]any{"volumeId": "9d3c0f1e-7b5a-4c2d-8e6f-1a2b3c4d5e6f"}}, 404,
			"Volume 9d3c0f1e-7b5a-4c2d-8e6f-1a2b3c4d5e6f could not be found."},
		{"show not attached", "GET", base + "/9d3c0f1e-7b5a-4c2d-8e6f-1a2b3c4d5e6f", nil, 404,
			"Instance " + id + " is not attached to volume 9d3c0f1e-7b5a-4c2d-8e6f-1a2b3c4d5e6f"},
	} {
		status, msg := fault(t, b.do(tc.method, tc.path, b.demo, "2.1", tc.body))
		expect(t, tc.name, tc.status, tc.msg, status, msg)
	}
	if r := b.do("DELETE", base+"/"+v2, b.demo, "2.1", nil); r.Status != 202 {
		t.Fatalf("detach: %d %s", r.Status, r.Body)
	}
	if v := b.volume(t, b.demo, v2); v["status"] != "available" {
		t.Errorf("after detach: %v", v)
	}
	if l := b.do("GET", base, b.demo, "2.1", nil).JSON(t)["volumeAttachments"].([]any); len(l) != 1 {
		t.Errorf("after detach: %v", l)
	}
	// Each attach and detach is an instance action with its compute
	// event, as on Nova (openstackclient's functional test counts them).
	counts := map[string]int{}
	for _, a := range b.do("GET", "/servers/"+id+"/os-instance-actions", b.demo, "2.1", nil).JSON(t)["instanceActions"].([]any) {
		a := a.(map[string]any)
		counts[a["action"].(string)]++
		if a["action"] == "detach_volume" {
			ev := b.do("GET", "/servers/"+id+"/os-instance-actions/"+a["request_id"].(string), b.admin, "2.51", nil).
				JSON(t)["instanceAction"].(map[string]any)["events"].([]any)
			if len(ev) != 1 || ev[0].(map[string]any)["event"] != "compute_detach_volume" || ev[0].(map[string]any)["result"] != "Success" {
				t.Errorf("detach_volume events: %v", ev)
			}
		}
	}
	if counts["attach_volume"] != 2 || counts["detach_volume"] != 1 {
		t.Errorf("instance actions: %v, want 2 attach_volume and 1 detach_volume", counts)
	}
}

// TestVolumesReachTheGuest: with agents running, a server's volumes
// reach its guest on its host — those of create's mappings when it is
// spawned, an attach plugged in, a detach unplugged — and a host that
// fails the plug leaves the volume as it was (available, no mapping).
func TestVolumesReachTheGuest(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.NoLoops, c.Hosts = false, 1 })
	v0 := b.vol(t, b.demo, map[string]any{"size": 1})
	v1 := b.vol(t, b.demo, map[string]any{"size": 1})
	id := b.create(t, b.demo, "vm", map[string]any{"block_device_mapping_v2": []any{
		map[string]any{"boot_index": 0, "source_type": "image", "destination_type": "local", "uuid": b.image},
		map[string]any{"source_type": "volume", "destination_type": "volume", "uuid": v0}}})
	b.waitStatus(t, id, "ACTIVE")
	if got := b.guestVolumes(t, id); !slices.Equal(got, []string{v0}) {
		t.Errorf("spawned guest's volumes %v, want [%s]", got, v0)
	}
	base := "/servers/" + id + "/os-volume_attachments"
	if r := b.do("POST", base, b.demo, "2.1", map[string]any{"volumeAttachment": map[string]any{"volumeId": v1}}); r.Status != 200 {
		t.Fatalf("attach: %d %s", r.Status, r.Body)
	}
	if got := b.guestVolumes(t, id); !slices.Equal(got, sorted(v0, v1)) {
		t.Errorf("guest's volumes after attach %v, want %v", got, sorted(v0, v1))
	}
	if r := b.do("DELETE", base+"/"+v1, b.demo, "2.1", nil); r.Status != 202 {
		t.Fatalf("detach: %d %s", r.Status, r.Body)
	}
	if got := b.guestVolumes(t, id); !slices.Equal(got, []string{v0}) {
		t.Errorf("guest's volumes after detach %v, want [%s]", got, v0)
	}
	// A host that fails the plug: Nova's API has cast the attach and
	// answered 200; the compute host rolls it back (the volume available,
	// no mapping) and the action and its event read Error, the host's
	// error as the traceback an admin sees.
	b.knob(t, id, "fail_attach_volume", "no room")
	if r := b.do("POST", base, b.demo, "2.1", map[string]any{"volumeAttachment": map[string]any{"volumeId": v1}}); r.Status != 200 {
		t.Fatalf("attach the host fails: %d %s", r.Status, r.Body)
	}
	if v := b.volume(t, b.demo, v1); v["status"] != "available" {
		t.Errorf("volume after a failed plug: %v, want available", v["status"])
	}
	if l := b.do("GET", base, b.demo, "2.1", nil).JSON(t)["volumeAttachments"].([]any); len(l) != 1 {
		t.Errorf("mappings after a failed plug: %v, want only %s", l, v0)
	}
	// A host that fails the unplug (a guest that keeps the device): 202,
	// the volume stays attached, the detach_volume action reads Error.
	b.knob(t, id, "fail_detach_volume", "device busy")
	if r := b.do("DELETE", base+"/"+v0, b.demo, "2.1", nil); r.Status != 202 {
		t.Fatalf("detach the host fails: %d %s", r.Status, r.Body)
	}
	if v := b.volume(t, b.demo, v0); v["status"] != "in-use" {
		t.Errorf("volume after a failed unplug: %v, want in-use", v["status"])
	}
	if got := b.guestVolumes(t, id); !slices.Equal(got, []string{v0}) {
		t.Errorf("guest's volumes after a failed unplug %v, want [%s]", got, v0)
	}
	// The failed steps' actions are Errors, their compute events too (the
	// successful ones before them stay Successes).
	want := map[string][]string{
		"attach_volume": {"Error/Error/no room", "<nil>/Success/<nil>"},
		"detach_volume": {"Error/Error/device busy", "<nil>/Success/<nil>"},
	}
	for action, w := range want {
		if got := b.volumeActions(t, id, action); !slices.Equal(got, w) {
			t.Errorf("%s actions (newest first) message/event result/traceback %v, want %v", action, got, w)
		}
	}
}

// knob sets a fake driver knob (fake:NAME) in a server's metadata.
func (b *testBundle) knob(t *testing.T, id, name, value string) {
	t.Helper()
	if r := b.do("PUT", "/servers/"+id+"/metadata/fake:"+name, b.demo, "2.1",
		map[string]any{"meta": map[string]any{"fake:" + name: value}}); r.Status != 200 {
		t.Fatalf("set knob %s: %d %s", name, r.Status, r.Body)
	}
}

// volumeActions are a server's actions of one kind, newest first, as
// "message/event result/traceback" for each event, as the admin sees them.
func (b *testBundle) volumeActions(t *testing.T, id, action string) []string {
	t.Helper()
	var out []string
	for _, a := range b.do("GET", "/servers/"+id+"/os-instance-actions", b.demo, "2.51", nil).JSON(t)["instanceActions"].([]any) {
		a := a.(map[string]any)
		if a["action"] != action {
			continue
		}
		one := b.do("GET", "/servers/"+id+"/os-instance-actions/"+a["request_id"].(string), b.admin, "2.51", nil).JSON(t)
		for _, e := range one["instanceAction"].(map[string]any)["events"].([]any) {
			e := e.(map[string]any)
			out = append(out, fmt.Sprint(a["message"], "/", e["result"], "/", e["traceback"]))
		}
	}
	return out
}

// guestVolumes are the volumes the fake driver of the server's host
// (in serve's process) has on the guest.
func (b *testBundle) guestVolumes(t *testing.T, id string) []string {
	t.Helper()
	host := b.do("GET", "/servers/"+id, b.admin, "2.1", nil).JSON(t)["server"].(map[string]any)["OS-EXT-SRV-ATTR:host"].(string)
	d, ok := b.srv.App.Compute.VolumeHosts.(compute.LocalConsoles)[host].(*fake.Driver)
	if !ok {
		t.Fatalf("no fake driver for host %q", host)
	}
	return d.Volumes(id)
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// The Nova proxies of 2.35 and before answer from the block storage
// service.
func TestVolumesProxyAnswers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do("POST", "/os-volumes", b.demo, "2.1", map[string]any{"volume": map[string]any{"size": 1, "display_name": "p"}})
	if r.Status != 200 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	v := r.JSON(t)["volume"].(map[string]any)
	id := v["id"].(string)
	if v["displayName"] != "p" || v["size"] != 1.0 || v["volumeType"] != "__DEFAULT__" || r.Header.Get("Location") == "" {
		t.Errorf("create: %v", v)
	}
	got := b.do("GET", "/os-volumes/"+id, b.demo, "2.35", nil).JSON(t)["volume"].(map[string]any)
	if got["status"] != "available" || len(got["attachments"].([]any)) != 1 {
		t.Errorf("show: %v", got)
	}
	if l := b.do("GET", "/os-volumes/detail", b.demo, "2.1", nil).JSON(t)["volumes"].([]any); len(l) != 1 {
		t.Errorf("detail: %v", l)
	}
	s := b.do("POST", "/os-snapshots", b.demo, "2.1", map[string]any{"snapshot": map[string]any{"volume_id": id, "display_name": "s"}})
	if s.Status != 200 {
		t.Fatalf("snapshot: %d %s", s.Status, s.Body)
	}
	sid := s.JSON(t)["snapshot"].(map[string]any)["id"].(string)
	if l := b.do("GET", "/os-snapshots", b.demo, "2.1", nil).JSON(t)["snapshots"].([]any); len(l) != 1 {
		t.Errorf("snapshots: %v", l)
	}
	for _, p := range []string{"/os-snapshots/" + sid, "/os-volumes/" + id} {
		if r := b.do("DELETE", p, b.demo, "2.1", nil); r.Status != 202 {
			t.Errorf("DELETE %s: %d %s", p, r.Status, r.Body)
		}
	}
	b.srv.Do(apptest.Request{Method: "PUT", Path: "/volume/v3/os-quota-sets/" + projectOf(t, b), Token: b.admin, Body: map[string]any{"quota_set": map[string]any{"volumes": 0}}})
	status, msg := fault(t, b.do("POST", "/os-volumes", b.demo, "2.1", map[string]any{"volume": map[string]any{"size": 1}}))
	expect(t, "over quota", 403, "Quota exceeded for resources: volumes", status, msg)
}

func projectOf(t *testing.T, b *testBundle) string {
	t.Helper()
	r := b.srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/auth/tokens", Token: b.demo, Headers: map[string]string{"X-Subject-Token": b.demo}})
	return r.JSON(t)["token"].(map[string]any)["project"].(map[string]any)["id"].(string)
}
