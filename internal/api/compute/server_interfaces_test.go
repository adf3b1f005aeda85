package compute_test

import (
	"net/http"
	"testing"
)

func TestServerInterfaces(t *testing.T) {
	b := setup(t)
	private := b.networkID(t, "private")
	id := b.create(t, b.demo, "vm-if", map[string]any{"networks": []any{map[string]any{"uuid": private}}})
	b.launch(t, id)

	list := b.do("GET", "/servers/"+id+"/os-interface", b.demo, "2.1", nil)
	atts, _ := list.JSON(t)["interfaceAttachments"].([]any)
	if list.Status != http.StatusOK || len(atts) != 1 {
		t.Fatalf("list: %d %s", list.Status, list.Body)
	}
	first := atts[0].(map[string]any)
	if first["net_id"] != private || first["port_state"] == nil || first["mac_addr"] == nil {
		t.Errorf("attachment = %v", first)
	}
	if _, ok := first["tag"]; ok {
		t.Errorf("tag shown before 2.70: %v", first)
	}

	att := b.do("POST", "/servers/"+id+"/os-interface", b.demo, "2.70",
		map[string]any{"interfaceAttachment": map[string]any{"net_id": private}})
	if att.Status != http.StatusOK {
		t.Fatalf("attach: %d %s", att.Status, att.Body)
	}
	port := att.JSON(t)["interfaceAttachment"].(map[string]any)["port_id"].(string)
	if n := len(b.serverPorts(t, id)); n != 2 {
		t.Errorf("ports after attach = %d, want 2", n)
	}
	show := b.do("GET", "/servers/"+id+"/os-interface/"+port, b.demo, "2.70", nil)
	if show.Status != http.StatusOK {
		t.Errorf("show: %d %s", show.Status, show.Body)
	}
	if r := b.do("DELETE", "/servers/"+id+"/os-interface/"+port, b.demo, "2.1", nil); r.Status != http.StatusAccepted {
		t.Fatalf("detach: %d %s", r.Status, r.Body)
	}
	if n := len(b.serverPorts(t, id)); n != 1 {
		t.Errorf("ports after detach = %d, want 1", n)
	}
	tests := []struct {
		name, method, path string
		body               any
		status             int
		msg                string
	}{
		{"detach unknown port", "DELETE", "/os-interface/0c1b2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3", nil, 404,
			"Port id 0c1b2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3 could not be found."},
		{"both port and net", "POST", "/os-interface", map[string]any{"interfaceAttachment": map[string]any{
			"net_id": private, "port_id": private}}, 400, "Must not input both network_id and port_id"},
		{"unknown key", "POST", "/os-interface", map[string]any{"interfaceAttachment": map[string]any{"foo": 1}}, 400,
			"Invalid input for field/attribute interfaceAttachment. Value: {'foo': 1}. Additional properties are not allowed ('foo' was unexpected)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := fault(t, b.do(tt.method, "/servers/"+id+tt.path, b.demo, "2.1", tt.body))
			if code != tt.status || msg != tt.msg {
				t.Errorf("got %d %q, want %d %q", code, msg, tt.status, tt.msg)
			}
		})
	}
	// Another project's server is not found.
	otherToken, _ := b.srv.NewMember("if-other")
	other := b.do("GET", "/servers/"+id+"/os-interface", otherToken, "2.1", nil)
	if other.Status != http.StatusNotFound {
		t.Errorf("other project: %d", other.Status)
	}
}
