package compute_test

import (
	"testing"
)

func TestVolumeAttachments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "vol", nil)
	b.launch(t, id)
	shelved := b.create(t, b.demo, "shelved", nil)
	b.setState(t, shelved, "shelved_offloaded", "", true)
	building := b.create(t, b.demo, "building", nil)
	lockedID := b.create(t, b.demo, "locked", nil)
	b.launch(t, lockedID)
	b.lockAs(t, b.admin, lockedID)
	const vol = "4d8c3b1e-2a7f-4c3e-9d1b-6f2e8a9c0b12"
	const vol2 = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
	const missing = "0b6e2a9f-1c3d-4e5f-8a7b-9c0d1e2f3a4b"
	base := "/servers/" + id + "/os-volume_attachments"
	attach := map[string]any{"volumeAttachment": map[string]any{"volumeId": vol}}
	tests := []struct {
		name, method, path, token, mv string
		body                          any
		wantStatus                    int
		wantMsg                       string
	}{
		{"list", "GET", base, b.demo, "2.1", nil, 200, ""},
		{"list paging", "GET", base + "?limit=1&offset=0", b.demo, "2.89", nil, 200, ""},
		{"list unknown param ignored", "GET", base + "?x=1", b.demo, "2.74", nil, 200, ""},
		{"list unknown param 2.75", "GET", base + "?x=1", b.demo, "2.75", nil, 400,
			"Additional properties are not allowed ('x' was unexpected)"},
		{"list bad limit", "GET", base + "?limit=-1", b.demo, "2.1", nil, 400, ""},
		{"list unknown server", "GET", "/servers/" + missing + "/os-volume_attachments", b.demo, "2.1", nil, 404,
			"Instance " + missing + " could not be found."},
		{"show", "GET", base + "/" + vol, b.demo, "2.1", nil, 404,
			"Instance " + id + " is not attached to volume " + vol},
		{"attach unknown volume", "POST", base, b.demo, "2.1", attach, 404, "Volume " + vol + " could not be found."},
		{"attach with tag 2.49", "POST", base, b.demo, "2.49",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": vol, "tag": "t", "device": "/dev/vdb"}}, 404,
			"Volume " + vol + " could not be found."},
		{"attach tag before 2.49", "POST", base, b.demo, "2.48",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": vol, "tag": "t"}}, 400, ""},
		{"attach bad device", "POST", base, b.demo, "2.1",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": vol, "device": "sdb"}}, 400, ""},
		{"attach bad volume id", "POST", base, b.demo, "2.1",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": "x"}}, 400, ""},
		{"attach building", "POST", "/servers/" + building + "/os-volume_attachments", b.demo, "2.1", attach, 409,
			"Cannot 'attach_volume' instance " + building + " while it is in vm_state building"},
		{"attach shelved before 2.20", "POST", "/servers/" + shelved + "/os-volume_attachments", b.demo, "2.19", attach,
			409, "Cannot 'attach_volume' instance " + shelved + " while it is in vm_state shelved_offloaded"},
		{"attach shelved 2.20", "POST", "/servers/" + shelved + "/os-volume_attachments", b.demo, "2.20", attach,
			404, "Volume " + vol + " could not be found."},
		{"attach locked", "POST", "/servers/" + lockedID + "/os-volume_attachments", b.demo, "2.1", attach, 409,
			"Instance " + lockedID + " is locked"},
		{"attach locked admin", "POST", "/servers/" + lockedID + "/os-volume_attachments", b.admin, "2.1", attach, 404,
			"Volume " + vol + " could not be found."},
		{"swap member", "PUT", base + "/" + vol, b.demo, "2.1",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": vol2}}, 403,
			"Policy doesn't allow os_compute_api:os-volumes-attachments:swap to be performed."},
		{"swap admin", "PUT", base + "/" + vol, b.admin, "2.1",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": vol2}}, 404, "Volume " + vol + " could not be found."},
		{"update 2.85", "PUT", base + "/" + vol, b.demo, "2.85",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": vol, "delete_on_termination": true}}, 404,
			"No volume Block Device Mapping with id " + vol + "."},
		{"update field before 2.85", "PUT", base + "/" + vol, b.admin, "2.84",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": vol, "delete_on_termination": true}}, 400, ""},
		{"detach", "DELETE", base + "/" + vol, b.demo, "2.1", nil, 404, "Volume " + vol + " could not be found."},
		{"detach shelved before 2.20", "DELETE", "/servers/" + shelved + "/os-volume_attachments/" + vol, b.demo, "2.1",
			nil, 409, "Cannot 'detach_volume' instance " + shelved + " while it is in vm_state shelved_offloaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(tt.method, tt.path, tt.token, tt.mv, tt.body)
			status, msg := fault(t, r)
			expect(t, tt.name, tt.wantStatus, tt.wantMsg, status, msg)
			if status == 200 {
				if l, ok := r.JSON(t)["volumeAttachments"].([]any); !ok || len(l) != 0 {
					t.Errorf("list: %s", r.Body)
				}
			}
		})
	}
	// A reader of the project may list (and attach is refused by policy).
	reader := b.newReader(t)
	r := b.do("GET", base, reader, "2.1", nil)
	if status, _ := fault(t, r); status != 200 {
		t.Errorf("reader list: %d %s", status, r.Body)
	}
	r = b.do("POST", base, reader, "2.1", attach)
	if status, msg := fault(t, r); status != 403 ||
		msg != "Policy doesn't allow os_compute_api:os-volumes-attachments:create to be performed." {
		t.Errorf("reader attach: %d %q", status, msg)
	}
}
